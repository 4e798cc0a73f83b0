"""Compute the partnership dataset for a period from the catalogue and the SQL beside it.

Each indicator's SQL returns (breakdown, numerator, denominator[, unit]); the value, comparator, RAG and
direction are derived here the same way for every indicator. The previous quarter is computed from the
same submissions (a return carries 24 months of history), so direction of travel compares like with like.
An indicator whose source tables hold no rows for the period is published as no data, never as 0.
"""

from __future__ import annotations

import csv
import threading
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from transforms import settings, warehouse
from transforms.dataset.periods import calendar_rows, previous_period, windows

SQL_DIR = settings.INDICATOR_SQL_DIR
WORKING_SQL_DIR = settings.WORKING_SQL_DIR
REFERENCE_DIR = settings.REFERENCE_DIR
NO_DATA = "NO_DATA"
UNIT_SCALE = {"percent": 100.0, "rate_per_10000": 10000.0, "count": None}
REGISTRY = "raw_submission"  # the file registry: a source that is always there (DQ-01)


def statement(sql: str) -> sa.TextClause:
    """SQL text ready to run: whole-line comments dropped, so a colon in the prose is never a parameter."""
    return sa.text("\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")))


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry (field meanings in the header of sql/indicators/catalogue.toml)."""

    id: str
    title: str
    definition: str
    unit: str
    polarity: str
    rag: str
    sources: tuple[str, ...]
    area: str = ""
    breakdowns: str = ""
    needs: str = "all"
    # False when the counts are not about people (returns, rows): the public profile need not suppress them
    disclosive: bool = True

    @property
    def sql(self) -> str:
        """The indicator's SQL text."""
        return (SQL_DIR / f"{self.id}.sql").read_text()

    @property
    def query(self) -> sa.TextClause:
        """The SQL ready to run (see `statement`)."""
        return statement(self.sql)

    @property
    def reads_working_tables(self) -> bool:
        """True when the query reads `wrk_` tables, which `working_tables` fills first."""
        return "wrk_" in self.query.text  # the query itself, not its comments


def _catalogue_file() -> dict:
    return tomllib.loads((SQL_DIR / "catalogue.toml").read_text())


def catalogue() -> list[Indicator]:
    """The indicator catalogue, in file order."""
    entries = _catalogue_file()["indicator"]
    return [Indicator(e["id"], e["title"], e["definition"], e["unit"], e["polarity"], e["rag"],
                      tuple(e["sources"]), e.get("area", ""), e.get("breakdowns", ""), e.get("needs", "all"),
                      e.get("disclosive", True))
            for e in entries]


def areas() -> dict[str, str]:
    """The catalogue's priority areas, id -> title, in display order (the `[[area]]` tables of the catalogue)."""
    return {a["id"]: a["title"] for a in _catalogue_file()["area"]}


def load_reference(conn: sa.Connection) -> None:
    """Refresh `dim_` tables from the catalogue, `reference/` and the calendar."""
    conn.execute(warehouse.dim_indicator.delete())
    conn.execute(warehouse.dim_indicator.insert(), [
        {"indicator_id": i.id, "title": i.title, "definition": i.definition, "unit": i.unit,
         "polarity": i.polarity, "source_returns": ",".join(i.sources)} for i in catalogue()])
    with open(REFERENCE_DIR / "child_population.csv", newline="") as handle:
        rows = [{"year": int(r["year"]), "population_0_17": int(r["population_0_17"])} for r in csv.DictReader(handle)]
    conn.execute(warehouse.dim_child_population.delete())
    conn.execute(warehouse.dim_child_population.insert(), rows)
    with open(REFERENCE_DIR / "submission_calendar.csv", newline="") as handle:
        expected = [{"agency": r["agency"], "return_id": r["return_id"], "expected_from": r["expected_from"]}
                    for r in csv.DictReader(handle)]
    conn.execute(warehouse.dim_submission_calendar.delete())
    conn.execute(warehouse.dim_submission_calendar.insert(), expected)
    calendar = calendar_rows()
    table = warehouse.dim_calendar
    stored = conn.execute(sa.select(sa.func.count(), sa.func.sum(table.c.working_day_number))).one()
    if tuple(stored) != (len(calendar), sum(r["working_day_number"] for r in calendar)):
        conn.execute(table.delete())  # rebuilt only when the calendar or the bank holidays changed
        conn.execute(table.insert(), calendar)


@dataclass(frozen=True)
class Comparator:
    """A comparator figure, the area it describes, its year and where it was published."""

    value: float
    area: str  # "England" or "West Midlands"
    year: int
    source: str


def _comparator_rows(period_year: int) -> pd.DataFrame:
    """reference/comparators.csv up to `period_year`, oldest first (later years overwrite earlier ones)."""
    table = pd.read_csv(REFERENCE_DIR / "comparators.csv", dtype=str, keep_default_na=False)
    return table[table["year"].astype(int) <= period_year].sort_values("year", kind="stable")


def comparator_details(period_year: int) -> dict[tuple[str, str], Comparator]:
    """Per (indicator, breakdown): the England figure, else the West Midlands one; latest year not after `period_year`.

    Displays label the figure with its area: for some indicators (CSC-05, CSC-06) only a regional figure exists.
    """
    table = _comparator_rows(period_year)
    chosen = {}
    for row in table.itertuples():
        area, figure = ("England", row.england) if row.england else ("West Midlands", row.west_midlands)
        if figure:
            chosen[(row.indicator_id, row.breakdown)] = Comparator(float(figure), area, int(row.year), row.source)
    return chosen


def comparator_figures(period_year: int) -> dict[tuple[str, str], dict[str, float]]:
    """Per (indicator, breakdown): {'England': x, 'West Midlands': y} for the latest year not after `period_year`."""
    table = _comparator_rows(period_year)
    figures: dict[tuple[str, str], dict[str, float]] = {}
    for row in table.itertuples():
        for area, figure in (("England", row.england), ("West Midlands", row.west_midlands)):
            if figure:
                figures.setdefault((row.indicator_id, row.breakdown), {})[area] = float(figure)
    return figures


def comparators(period_year: int) -> dict[tuple[str, str], float]:
    """The comparator value per (indicator, breakdown) (see `comparator_details`)."""
    return {key: c.value for key, c in comparator_details(period_year).items()}


def rag(value: float | None, comparator: float | None, rule: str) -> str:
    """RED/AMBER/GREEN from the value, the comparator and the catalogue's RAG rule ('' when not rated)."""
    if value is None or comparator is None or rule == "none" or comparator == 0:
        return ""
    gap = (value - comparator) / abs(comparator)
    if rule == "band":
        return "GREEN" if abs(gap) <= 0.10 else "AMBER" if abs(gap) <= 0.25 else "RED"
    if rule == "below":
        gap = -gap
    return "GREEN" if gap >= 0 else "AMBER" if gap >= -0.10 else "RED"


def direction(value: float | None, previous: float | None) -> str:
    """up, down or level against the previous period ('' when either is missing)."""
    if value is None or previous is None:
        return ""
    if abs(value - previous) < 1e-9:
        return "level"
    return "up" if value > previous else "down"


def _value(numerator, denominator, unit: str) -> float | None:
    scale = UNIT_SCALE[unit]
    if numerator is None:
        return None
    if scale is None:
        return float(numerator)
    if not denominator:
        return None
    return float(numerator) * scale / float(denominator)


def _has_rows(conn: sa.Connection, table_id: str, period: str) -> bool:
    if table_id == REGISTRY:
        return True  # the registry answers even when nothing arrived: that is what DQ-01 reports
    stg = warehouse.STG_TABLES[table_id]
    # one row is enough: the answer costs the same for a borough and for a region
    return conn.execute(sa.select(stg.c.period).where(stg.c.period == period).limit(1)).first() is not None


def has_data(conn: sa.Connection, indicator: Indicator, period: str, known: dict[str, bool] | None = None) -> bool:
    """True when the indicator's sources hold rows for the period (all of them, or any when `needs` says so).

    `known`: answers already found per source (filled in as sources are looked at), so a source shared by several
    indicators is looked at once.
    """
    known = {} if known is None else known
    for source in indicator.sources:
        if source not in known:
            known[source] = _has_rows(conn, source, period)
    present = [known[source] for source in indicator.sources]
    return any(present) if indicator.needs == "any" else all(present)


def evaluate(conn: sa.Connection, indicator: Indicator, data_period: str, as_of: str) -> dict[str, tuple]:
    """breakdown -> (numerator, denominator, unit) from the period's submissions, with the windows of `as_of`.

    An indicator that reads working tables needs them filled in `conn` first (see `working_tables`).
    """
    params = {"data_period": data_period, **windows(as_of)}
    rows = conn.execute(indicator.query, params).all()

    def number(x):  # PostgreSQL returns SUM() of numerics as Decimal
        return None if x is None else float(x)

    return {str(r[0] or ""): (number(r[1]), number(r[2]), (r[3] if len(r) > 3 else None) or indicator.unit)
            for r in rows}


def _lineage(conn: sa.Connection, indicator: Indicator, period: str, known: dict[str, set[str]]) -> set[str]:
    """The submissions an indicator's value was computed from (`known`: submissions per source already found)."""
    ids = set()
    for source in indicator.sources:
        if source not in known:
            table = warehouse.raw_submission if source == REGISTRY else warehouse.STG_TABLES[source]
            known[source] = set(conn.execute(sa.select(table.c.submission_id)
                                             .where(table.c.period == period).distinct()).scalars())
        ids |= known[source]
    return ids


@contextmanager
def working_tables(conn: sa.Connection, data_period: str) -> Iterator[None]:
    """The period's records resolved to people once, in temporary tables of `conn` (sql/working/), for the body.

    The quarters of an indicator ask the same question of every record (which person is it, what is their
    youngest birth date); asked once here, each quarter reads the answers in person order instead of looking
    every record up again. Temporary tables are the connection's own: writing them takes no lock other
    connections wait for, and they are dropped (and the drop committed) when the body ends.
    """
    tables = warehouse.WORKING_METADATA.sorted_tables
    try:
        for table in tables:  # each filled by the file named after it: wrk_<name> by sql/working/<name>.sql
            table.drop(conn, checkfirst=True)  # what an interrupted computation on this connection left
            table.create(conn)
            fill = WORKING_SQL_DIR / f"{table.name.removeprefix('wrk_')}.sql"
            conn.execute(statement(fill.read_text()), {"data_period": data_period})
        yield
    except BaseException:
        conn.rollback()  # a failed statement may have spoilt the transaction the drops would run in
        raise
    finally:
        for table in reversed(tables):
            table.drop(conn, checkfirst=True)
        conn.commit()


TREND_QUARTERS = 5  # the ARG pack and the dashboard show the last five quarters


def evaluation_threads(eng: sa.Engine) -> int:
    """How many indicator queries run at once: `ASSURE_INDICATOR_THREADS`, else one per core up to 4 (one for an
    in-memory SQLite warehouse, which a second connection would not see)."""
    if eng.dialect.name == "sqlite" and eng.url.database in (None, "", ":memory:"):
        return 1
    return settings.indicator_threads()


def _evaluate_all(eng: sa.Engine, indicators: list[Indicator], quarters: list[str],
                  period: str) -> list[dict[str, dict[str, tuple]]]:
    """quarter -> results, for every indicator, in order. The queries only read (working tables are each
    connection's own), and the database does the work outside Python's lock, so indicators run on several
    connections at once: one per thread, an indicator's quarters on one connection."""
    local = threading.local()
    connections: list[sa.Connection] = []
    guard = threading.Lock()

    def run(indicator: Indicator) -> dict[str, dict[str, tuple]]:
        if not hasattr(local, "conn"):
            local.conn = eng.connect()
            with guard:
                connections.append(local.conn)
        conn = local.conn
        with working_tables(conn, period) if indicator.reads_working_tables else nullcontext():
            return {quarter: evaluate(conn, indicator, period, quarter) for quarter in quarters}

    try:
        with ThreadPoolExecutor(evaluation_threads(eng), thread_name_prefix="indicator") as pool:
            return list(pool.map(run, indicators))
    finally:
        for conn in connections:
            conn.close()


def compute_indicators(period: str, warehouse_url: str, run_id: str) -> dict:
    """Replace the period's rows of `fct_indicator_value`, `fct_indicator_trend` and `fct_indicator_lineage`.

    The four quarters before the period are recomputed from this period's submissions (each return holds 24
    months), so a trend compares like with like; the previous quarter gives the direction of travel.
    """
    eng = warehouse.engine(warehouse_url)
    values, lineage, trend = [], [], []
    compare = comparators(int(period[:4]))
    indicators = catalogue()
    quarters = [previous_period(period, back) for back in range(TREND_QUARTERS)]
    with eng.begin() as conn:
        load_reference(conn)
    with eng.connect() as conn:
        rows_in, submissions_in = {}, {}  # per source, looked up once for every indicator reading it
        present = {indicator.id: has_data(conn, indicator, period, rows_in) for indicator in indicators}
        sources = {indicator.id: _lineage(conn, indicator, period, submissions_in)
                   for indicator in indicators if present[indicator.id]}
    results = iter(_evaluate_all(eng, [i for i in indicators if present[i.id]], quarters, period))
    with eng.begin() as conn:
        for indicator in indicators:
            if not present[indicator.id]:
                values.append({"indicator_id": indicator.id, "period": period, "breakdown": "", "numerator": None,
                               "denominator": None, "value": None, "unit": indicator.unit, "comparator": None,
                               "rag": NO_DATA, "direction": "", "run_id": run_id})
                continue
            history = next(results)
            current, before = history[period], history[previous_period(period)]
            trend.extend({"data_period": period, "indicator_id": indicator.id, "quarter": quarter,
                          "breakdown": breakdown, "numerator": numerator, "denominator": denominator,
                          "value": _value(numerator, denominator, unit), "unit": unit}
                         for quarter, rows in history.items()
                         for breakdown, (numerator, denominator, unit) in rows.items())
            for breakdown, (numerator, denominator, unit) in sorted(current.items()):
                value = _value(numerator, denominator, unit)
                prior = before.get(breakdown)
                previous = _value(*prior) if prior else None
                comparator = compare.get((indicator.id, breakdown))
                values.append({"indicator_id": indicator.id, "period": period, "breakdown": breakdown,
                               "numerator": numerator, "denominator": denominator, "value": value,
                               "unit": unit, "comparator": comparator,
                               "rag": rag(value, comparator, indicator.rag),
                               "direction": direction(value, previous), "run_id": run_id})
            lineage.extend({"indicator_id": indicator.id, "period": period, "submission_id": s}
                           for s in sources[indicator.id])
        fct, lin = warehouse.fct_indicator_value, warehouse.fct_indicator_lineage
        conn.execute(fct.delete().where(fct.c.period == period))
        conn.execute(fct.insert(), values)
        history_table = warehouse.fct_indicator_trend
        conn.execute(history_table.delete().where(history_table.c.data_period == period))
        if trend:
            conn.execute(history_table.insert(), trend)
        conn.execute(lin.delete().where(lin.c.period == period))
        if lineage:
            conn.execute(lin.insert(), sorted(lineage, key=lambda r: (r["indicator_id"], r["submission_id"])))
    return {"indicators": len(catalogue()), "values": len(values)}
