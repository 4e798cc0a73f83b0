"""Each return as seen at a period, with the history earlier quarters hold (DESIGN.md section 6).

A return holds the records of the 24 months to its period end. The warehouse keeps every quarter's returns, so an
indicator for period P reads P's return for those 24 months and, for anything older, the earlier quarters' returns.
Which rows that is, written once here for every `stg_` table:

- Every row has a history date: the event date for a table of events (a referral's date, a notice's), the end
  date for a table of cases (a plan's end), blank while a case is open; person lists (identity, nominals) have none.
- A return covers the dates after its window start W (its period end moved back 24 calendar months). Each date is
  read from one return only: the latest (up to P) whose window covers it; a date before every window, from the
  earliest return; a blank date (an open case, a person) from the latest.

So the latest return is authoritative for its whole window (a record it no longer holds was withdrawn, and a
correction replaces what was sent before), and each older record comes from the latest return that held it. No
record is read twice, whatever the returns overlap, and no record key is needed (Annex A lists have none).

Indicator SQL reads `hst_<name>` views (for `stg_<name>`) built here per connection for the period; a view's
branches name their period and date bounds as literals, so with one quarter loaded a view is exactly
`SELECT * FROM stg_x WHERE agency = '...' AND period = 'P'` and costs what reading the table did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

import schemas
from transforms import warehouse
from transforms.dataset.periods import period_end, shift_months

WINDOW_MONTHS = 24  # DESIGN.md section 3: a return holds the rolling 24 months to its period end
# The date a case table's rows are placed by: their end (blank while open). Event tables use the event date of
# their reporting-window rule (schemas: `TableContract.window_column`); person lists have no date.
CASE_END_DATES = {
    "list6_children_in_need": "cin_closure_date",
    "list7_child_protection": "cpp_end_date",
    "list8_looked_after": "lac_end_date",
    "health_cdop": "review_date",
    "edu_cme": "resolved_date",
    "vulnerability_tracker": "closed_date",
}
PERSON_LISTS = ("csc_child_identity", "police_nominals")


def view_name(table_id: str) -> str:
    """The view indicator SQL reads for a table: `hst_<name>` for `stg_<name>`."""
    return "hst_" + warehouse.STG_TABLES[table_id].name.removeprefix("stg_")


def history_date(table_id: str) -> str | None:
    """SQL for a row's history date (ISO date text), None for a person list."""
    if table_id in PERSON_LISTS:
        return None
    column = CASE_END_DATES.get(table_id) or schemas.table(table_id).window_column
    if column is None:
        raise KeyError(f"{table_id}: no history date (add its end date to CASE_END_DATES)")
    return f"SUBSTR({column}, 1, 10)"  # date-times (missing reports) are placed by their day


def window_start(period: str) -> str:
    """W: a return for `period` covers dates after this one (its period end moved back 24 months)."""
    return shift_months(period_end(period), -WINDOW_MONTHS).isoformat()


@dataclass(frozen=True)
class Slice:
    """The rows one return of one agency supplies to a table's view: history dates after `after` (None: no lower
    bound) up to and including `upto` (None: no upper bound); `open_rows`: also rows without a date."""

    table_id: str
    agency: str
    period: str
    after: str | None
    upto: str | None
    open_rows: bool


Loaded = dict[str, dict[str, list[str]]]  # table id -> agency -> the periods whose returns hold rows, oldest first


def loaded_returns(conn: sa.Connection, period: str) -> Loaded:
    """For every `stg_` table, agency -> the periods up to `period` whose returns hold rows. Read once per
    computation: the views, the lineage and the history flags all work from it."""
    loaded: Loaded = {}
    for table_id, stg in warehouse.STG_TABLES.items():
        found = loaded.setdefault(table_id, {})
        for agency, held in conn.execute(sa.select(stg.c.agency, stg.c.period).where(stg.c.period <= period)
                                         .distinct().order_by(stg.c.agency, stg.c.period)):
            found.setdefault(agency, []).append(held)
    return loaded


def slices(loaded: Loaded, table_id: str) -> list[Slice]:
    """Which rows of which returns make up the table as seen at the period (see the module's docstring)."""
    out = []
    for agency, periods in loaded[table_id].items():
        for i, held in enumerate(periods):
            after = window_start(held) if i > 0 else None
            upto = window_start(periods[i + 1]) if i + 1 < len(periods) else None
            out.append(Slice(table_id, agency, held, after, upto, open_rows=i + 1 == len(periods)))
    return out


def covered_from(loaded: Loaded, table_id: str, period: str) -> str | None:
    """The day after which the table's history is whole at `period`: W of the earliest return in the unbroken run of
    quarterly returns ending at `period` (a gap longer than a window breaks it). None when `period` has no return."""
    periods = sorted({p for held in loaded[table_id].values() for p in held})
    if not periods or periods[-1] != period:
        return None
    earliest = periods[-1]
    for earlier in reversed(periods[:-1]):
        if period_end(earlier).isoformat() < window_start(earliest):
            break  # a hole between this return's end and the next one's window
        earliest = earlier
    return window_start(earliest)


def history_incomplete(loaded: Loaded, table_ids: tuple[str, ...], period: str, months: int) -> str:
    """'' when every table's history reaches `months` before the period end, else why not (for the value's note)."""
    needed = shift_months(period_end(period), -months).isoformat()
    short = []
    for table_id in table_ids:
        if table_id not in warehouse.STG_TABLES or table_id in PERSON_LISTS:
            continue
        start = covered_from(loaded, table_id, period)
        if start is not None and start > needed:
            short.append((start, table_id))
    if not short:
        return ""
    start, table_id = max(short)
    day = dt.date.fromisoformat(start) + dt.timedelta(days=1)
    return (f"history incomplete: needs records from {_day(dt.date.fromisoformat(needed) + dt.timedelta(days=1))}; "
            f"{schemas.table(table_id).title} is held from {_day(day)} (load earlier quarters' returns)")


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _branch(stg: sa.Table, piece: Slice, dated: str | None) -> sa.Select:
    where = [stg.c.agency == piece.agency, stg.c.period == piece.period]
    if dated is not None:
        on = sa.literal_column(dated)
        bounds = ([on > piece.after] if piece.after else []) + ([on <= piece.upto] if piece.upto else [])
        if bounds:
            dated_rows = sa.and_(on.is_not(None), *bounds)
            where.append(sa.or_(on.is_(None), dated_rows) if piece.open_rows else dated_rows)
        elif not piece.open_rows:
            where.append(on.is_not(None))
    return sa.select(*stg.columns).where(*where)


def view_sql(dialect: sa.Dialect, loaded: Loaded, table_id: str) -> str:
    """The SELECT of a table's view, with its bounds as literals (views take no parameters)."""
    stg = warehouse.STG_TABLES[table_id]
    dated = history_date(table_id)
    pieces = [_branch(stg, piece, dated) for piece in slices(loaded, table_id)]
    query = sa.union_all(*pieces) if len(pieces) > 1 else pieces[0] if pieces else \
        sa.select(*stg.columns).where(sa.false())
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


@contextmanager
def history_views(conn: sa.Connection, period: str, loaded: Loaded | None = None) -> Iterator[None]:
    """`hst_` views of every `stg_` table as seen at `period`, in `conn` for the body (temporary: the connection's
    own, dropped after). `loaded`: `loaded_returns` at `period`, when already read."""
    loaded = loaded_returns(conn, period) if loaded is None else loaded
    names = []
    try:
        for table_id in warehouse.STG_TABLES:
            name = view_name(table_id)
            conn.execute(sa.text(f"DROP VIEW IF EXISTS {name}"))  # what an interrupted computation left
            conn.execute(sa.text(f"CREATE TEMPORARY VIEW {name} AS {view_sql(conn.dialect, loaded, table_id)}"))
            names.append(name)
        conn.commit()
        yield
    except BaseException:
        conn.rollback()
        raise
    finally:
        for name in reversed(names):
            conn.execute(sa.text(f"DROP VIEW IF EXISTS {name}"))
        conn.commit()


def contributing_submissions(conn: sa.Connection, loaded: Loaded, table_id: str) -> set[str]:
    """The submissions whose rows the table's view holds (the lineage of a value)."""
    stg = warehouse.STG_TABLES[table_id]
    dated = history_date(table_id)
    ids: set[str] = set()
    for piece in slices(loaded, table_id):
        branch = _branch(stg, piece, dated).with_only_columns(stg.c.submission_id).distinct()
        ids.update(conn.execute(branch).scalars())
    return ids
