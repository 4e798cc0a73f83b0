"""Compute the partnership dataset for a period from the catalogue and the SQL beside it.

Each indicator's SQL returns (breakdown, numerator, denominator[, unit]) from the period's returns with the
history earlier quarters hold (`history`); the value, comparator, RAG, direction of travel and flags are derived
here the same way for every indicator. A quarter is computed once for itself and kept: the trend and the direction
of travel read what earlier quarters' runs computed, never a later return's window recomputed. An indicator whose
source tables hold no rows for the period is published as no data, never as 0.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import threading
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from transforms import settings, warehouse
from transforms.dataset import history, population
from transforms.dataset.labels import breakdown_label, publishable
from transforms.dataset.periods import calendar_rows, period_end, previous_period, windows

SQL_DIR = settings.INDICATOR_SQL_DIR
WORKING_SQL_DIR = settings.WORKING_SQL_DIR
REFERENCE_DIR = settings.REFERENCE_DIR
NO_DATA = "NO_DATA"
UNIT_SCALE = {"percent": 100.0, "rate_per_10000": 10000.0, "count": None}
REGISTRY = "raw_submission"  # the file registry: a source that is always there (DQ-01)
POLAR = ("higher_is_better", "lower_is_better")
WINDOW_MONTHS = {"E": 0, "Q": 3, "R": 12, "FYTD": 12}


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
    window: str = "E"  # E (a day), Q (the quarter), R (12 months) or FYTD (financial year to date)
    history_months: int = 0  # how far before E the records must reach (0: the window's own length)
    definition_source: str = "local"  # DfE, Ofsted or local
    reference: str = ""

    @property
    def rated(self) -> bool:
        """True when a RAG rating means something: the polarity says which way is better."""
        return self.polarity in POLAR and self.rag != "none"

    @property
    def compared_back(self) -> int:
        """Quarters back the direction of travel compares with: a year for financial-year-to-date figures (a
        cumulative count always falls in Q1), else the previous quarter."""
        return 4 if self.window == "FYTD" else 1

    @property
    def look_back(self) -> int:
        """Months before E the indicator's records must reach for the value to be whole."""
        return self.history_months or WINDOW_MONTHS[self.window]

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
    """The catalogue file parsed (a copy for the caller), parsed again only when the file changes: a run asks for
    it four times, and parsing takes ~15 ms."""
    path = SQL_DIR / "catalogue.toml"
    held = path.stat()
    return copy.deepcopy(_parsed(path, held.st_mtime_ns, held.st_size))


@functools.lru_cache(maxsize=2)
def _parsed(path: Path, mtime_ns: int, size: int) -> dict:
    return tomllib.loads(path.read_text())


def catalogue() -> list[Indicator]:
    """The indicator catalogue, in file order."""
    entries = _catalogue_file()["indicator"]
    return [Indicator(e["id"], e["title"], e["definition"], e["unit"], e["polarity"], e["rag"],
                      tuple(e["sources"]), e.get("area", ""), e.get("breakdowns", ""), e.get("needs", "all"),
                      e.get("disclosive", True), e["window"], e.get("history_months", 0), e["definition_source"],
                      e["reference"])
            for e in entries]


def areas() -> dict[str, str]:
    """The catalogue's priority areas, id -> title, in display order (the `[[area]]` tables of the catalogue)."""
    return {a["id"]: a["title"] for a in _catalogue_file()["area"]}


def load_reference(conn: sa.Connection) -> None:
    """Refresh `dim_` tables from the catalogue, `reference/` (the child population from
    `settings.child_population_csv()`, the comparators) and the calendar."""
    area_titles = areas()
    conn.execute(warehouse.dim_indicator.delete())
    conn.execute(warehouse.dim_indicator.insert(), [
        {"indicator_id": i.id, "title": i.title, "definition": i.definition, "unit": i.unit,
         "polarity": i.polarity, "source_returns": ",".join(i.sources), "time_window": i.window,
         "definition_source": i.definition_source, "reference": i.reference, "area": i.area or None,
         "area_title": area_titles.get(i.area)} for i in catalogue()])
    # every comparator figure the reference holds, by the year of the figure: what `comparator_details(year)` picks
    # for each year it names, so the latest year not after a period's own gives that period's comparator
    figures = {}
    for year in sorted({int(y) for y in _comparator_rows(dt.MAXYEAR)["year"]}):
        for (indicator_id, breakdown), c in comparator_details(year).items():
            if c.year == year:
                figures[(indicator_id, breakdown, year)] = {
                    "indicator_id": indicator_id, "breakdown": breakdown, "year": year, "value": c.value,
                    "area": c.area, "kind": c.kind, "label": c.label, "source": c.source}
    conn.execute(warehouse.dim_comparator.delete())
    if figures:
        conn.execute(warehouse.dim_comparator.insert(), list(figures.values()))
    conn.execute(warehouse.dim_child_population.delete())
    conn.execute(warehouse.dim_child_population.insert(), [
        {"area_code": r.area_code, "area_name": r.area_name, "mid_year": r.mid_year,
         "population_0_17": r.population_0_17, "source": r.source, "release": r.release,
         "placeholder": int(r.placeholder)} for r in population.read_reference(settings.child_population_csv())])
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
    kind: str = "average"  # "average" (a published figure for the area) or "target" (a figure set as an aim)

    @property
    def label(self) -> str:
        """What the figure is, for every display: 'England average, 2024' or 'West Midlands target, 2022'."""
        return f"{self.area} {self.kind}, {self.year}"


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
            chosen[(row.indicator_id, row.breakdown)] = Comparator(float(figure), area, int(row.year), row.source,
                                                                   row.kind)
    return chosen


def comparators(period_year: int) -> dict[tuple[str, str], float]:
    """The comparator value per (indicator, breakdown) (see `comparator_details`)."""
    return {key: c.value for key, c in comparator_details(period_year).items()}


def rag(value: float | None, comparator: float | None, rule: str) -> str:
    """RED/AMBER/GREEN from the value, the comparator and the catalogue's RAG rule ('' when not rated)."""
    if value is None or comparator is None or rule == "none" or comparator == 0:
        return ""
    gap = (value - comparator) / abs(comparator)
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


def parameters(period: str, population_year: int | None) -> dict:
    """The values an indicator's SQL is bound with for `period` (see the header of sql/indicators/catalogue.toml)."""
    return {"data_period": period, **windows(period), "area_code": settings.area_code(),
            "population_year": population_year}


def evaluate(conn: sa.Connection, indicator: Indicator, params: dict) -> dict[str, tuple]:
    """breakdown -> (numerator, denominator, unit), with `params` (see `parameters`).

    The query reads the `hst_` views (`history.history_views`) and, for some, working tables: both must be in
    `conn` first (see `working_tables`).
    """
    rows = conn.execute(indicator.query, params).all()

    def number(x):  # PostgreSQL returns SUM() of numerics as Decimal
        return None if x is None else float(x)

    return {str(r[0] or ""): (number(r[1]), number(r[2]), (r[3] if len(r) > 3 else None) or indicator.unit)
            for r in rows}


def _lineage(conn: sa.Connection, indicator: Indicator, period: str, loaded: history.Loaded,
             known: dict[str, set[str]]) -> set[str]:
    """The submissions an indicator's value was computed from, earlier quarters' included (`known`: submissions
    per source already found)."""
    ids = set()
    for source in indicator.sources:
        if source not in known:
            if source == REGISTRY:
                table = warehouse.raw_submission
                known[source] = set(conn.execute(sa.select(table.c.submission_id)
                                                 .where(table.c.period == period).distinct()).scalars())
            else:
                known[source] = history.contributing_submissions(conn, loaded, source)
        ids |= known[source]
    return ids


@contextmanager
def working_tables(conn: sa.Connection, data_period: str) -> Iterator[None]:
    """The period's records resolved to people once, in temporary tables of `conn` (sql/working/), for the body.

    They read the `hst_` views, which must be in `conn` already. Temporary tables are the connection's own: writing
    them takes no lock other connections wait for, and they are dropped (and the drop committed) when the body ends.
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


def _evaluate_all(eng: sa.Engine, indicators: list[Indicator], period: str, params: dict,
                  loaded: history.Loaded) -> list[dict[str, tuple]]:
    """The results of every indicator, in order. The queries only read (views and working tables are each
    connection's own), and the database does the work outside Python's lock, so indicators run on several
    connections at once: one per thread, each with the period's `hst_` views made once."""
    local = threading.local()
    opened: list[tuple[sa.Connection, ExitStack]] = []
    guard = threading.Lock()

    def run(indicator: Indicator) -> dict[str, tuple]:
        if not hasattr(local, "conn"):
            conn, stack = eng.connect(), ExitStack()
            with guard:
                opened.append((conn, stack))
            stack.enter_context(history.history_views(conn, period, loaded))
            local.conn = conn
        conn = local.conn
        with working_tables(conn, period) if indicator.reads_working_tables else nullcontext():
            return evaluate(conn, indicator, params)

    # the slowest first (those that fill the working tables), so no thread is left with it at the end
    heavy_first = sorted(range(len(indicators)), key=lambda i: not indicators[i].reads_working_tables)
    try:
        with ThreadPoolExecutor(evaluation_threads(eng), thread_name_prefix="indicator") as pool:
            done = dict(zip(heavy_first, pool.map(run, [indicators[i] for i in heavy_first]), strict=True))
        return [done[i] for i in range(len(indicators))]
    finally:
        for conn, stack in opened:
            stack.close()
            conn.close()


def population_year(conn: sa.Connection, period: str) -> tuple[int | None, str]:
    """The mid-year of the ONS estimate paired with the period (the latest on or before E held for the area) and
    the note every rate carries when there is none (why) or when the figure is a placeholder."""
    table = warehouse.dim_child_population
    rows = [population.PopulationRow(**r) for r in conn.execute(sa.select(table)).mappings()]
    chosen = population.population_for(period_end(period), settings.area_code(), rows)
    if chosen is None:
        return None, population.missing_reason(period_end(period), settings.area_code(), rows)
    if chosen.placeholder:
        return chosen.mid_year, f"the child population (mid-{chosen.mid_year}) is a placeholder, not an ONS figure"
    return chosen.mid_year, ""


def _stored(conn: sa.Connection, periods: list[str]) -> dict[tuple[str, str, str], dict]:
    """(indicator, period, breakdown) -> the value row held for those periods (rows with data only)."""
    fct = warehouse.fct_indicator_value
    rows = conn.execute(sa.select(fct).where(fct.c.period.in_(periods), fct.c.rag != NO_DATA)).mappings()
    return {(r["indicator_id"], r["period"], r["breakdown"]): dict(r) for r in rows}


def _publish_snapshots(conn: sa.Connection, period: str, run_id: str) -> None:
    """Record what was published for every quarter before `period` not yet recorded (its values as they stand now,
    when a later quarter is computed), and for `period` itself when a later quarter was computed before it."""
    fct, published = warehouse.fct_indicator_value, warehouse.fct_indicator_published
    later = conn.execute(sa.select(fct.c.period).where(fct.c.period > period).limit(1)).first() is not None
    done = set(conn.execute(sa.select(published.c.period).distinct()).scalars())
    periods = set(conn.execute(sa.select(fct.c.period).where(fct.c.period < period).distinct()).scalars())
    periods = sorted((periods | ({period} if later else set())) - done)
    if not periods:
        return
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rows = conn.execute(sa.select(fct).where(fct.c.period.in_(periods), fct.c.rag != NO_DATA)).mappings().all()
    if rows:
        conn.execute(published.insert(), [
            {"indicator_id": r["indicator_id"], "period": r["period"], "breakdown": r["breakdown"],
             "numerator": r["numerator"], "denominator": r["denominator"], "value": r["value"],
             "run_id": r["run_id"] if r["period"] != period else run_id, "published_at": stamp} for r in rows])


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


def _trend(conn: sa.Connection, period: str) -> list[dict]:
    """Rows of `fct_indicator_trend` for `period`: each of the last five quarters as computed for itself (the value
    held for it now), with what was published for it and whether it was revised since. A quarter never computed
    has no point: it is never recomputed from a later quarter's returns."""
    quarters = [previous_period(period, back) for back in range(TREND_QUARTERS)]
    held = _stored(conn, quarters)
    published = warehouse.fct_indicator_published
    first = {(r["indicator_id"], r["period"], r["breakdown"]): r["value"]
             for r in conn.execute(sa.select(published).where(published.c.period.in_(quarters))).mappings()}
    trend = []
    for (indicator_id, quarter, breakdown), row in held.items():
        key = (indicator_id, quarter, breakdown)
        shown = first.get(key, row["value"])
        trend.append({"data_period": period, "indicator_id": indicator_id, "quarter": quarter,
                      "breakdown": breakdown, "numerator": row["numerator"], "denominator": row["denominator"],
                      "value": row["value"], "unit": row["unit"], "published_value": shown,
                      "revised": int(key in first and not _same(shown, row["value"])),
                      "history_incomplete": row["history_incomplete"], "run_id": row["run_id"]})
    return trend


def _no_data(indicator: Indicator, period: str, run_id: str, breakdown: str = "", unit: str | None = None,
             note: str = "") -> dict:
    return {"indicator_id": indicator.id, "period": period, "breakdown": breakdown, "numerator": None,
            "denominator": None, "value": None, "unit": unit or indicator.unit, "comparator": None, "rag": NO_DATA,
            "direction": "", "compared_with": None, "history_incomplete": 0, "note": note or None, "run_id": run_id}


def compute_indicators(period: str, warehouse_url: str, run_id: str) -> dict:
    """Replace the period's rows of `fct_indicator_value`, `fct_indicator_trend` and `fct_indicator_lineage`.

    The period is computed from its own returns and, for older records, earlier quarters' returns
    (`history`); values whose look-back the warehouse cannot cover are flagged. Earlier quarters are never
    recomputed: the trend shows each as computed for itself, and direction of travel compares with the value held
    for the previous quarter (the same quarter last year for financial-year-to-date figures).
    """
    eng = warehouse.engine(warehouse_url)
    values, lineage = [], []
    compare = comparators(int(period[:4]))
    indicators = catalogue()
    with eng.begin() as conn:
        load_reference(conn)
    with eng.connect() as conn:
        rows_in, submissions_in = {}, {}  # per source, looked up once for every indicator reading it
        loaded = history.loaded_returns(conn, period)  # which quarters' returns each table holds, read once
        present = {indicator.id: has_data(conn, indicator, period, rows_in) for indicator in indicators}
        sources = {indicator.id: _lineage(conn, indicator, period, loaded, submissions_in)
                   for indicator in indicators if present[indicator.id]}
        short = {indicator.id: history.history_incomplete(loaded, indicator.sources, period, indicator.look_back)
                 for indicator in indicators if present[indicator.id]}
        mid_year, population_note = population_year(conn, period)
        before = _stored(conn, sorted({previous_period(period, i.compared_back) for i in indicators}))
    params = parameters(period, mid_year)
    results = iter(_evaluate_all(eng, [i for i in indicators if present[i.id]], period, params, loaded))
    for indicator in indicators:
        if not present[indicator.id]:
            values.append(_no_data(indicator, period, run_id))
            continue
        compared_with = previous_period(period, indicator.compared_back)
        for breakdown, (numerator, denominator, unit) in sorted(publishable(next(results), indicator.sql).items()):
            if unit == "rate_per_10000" and denominator is None:
                values.append(_no_data(indicator, period, run_id, breakdown, unit, population_note))
                continue
            value = _value(numerator, denominator, unit)
            prior = before.get((indicator.id, compared_with, breakdown))
            comparator = compare.get((indicator.id, breakdown))
            notes = [short[indicator.id], population_note if unit == "rate_per_10000" else ""]
            values.append({"indicator_id": indicator.id, "period": period, "breakdown": breakdown,
                           "numerator": numerator, "denominator": denominator, "value": value, "unit": unit,
                           "comparator": comparator,
                           "rag": rag(value, comparator, indicator.rag) if indicator.rated and not breakdown else "",
                           "direction": direction(value, prior["value"] if prior else None),
                           "compared_with": compared_with if prior else None,
                           "history_incomplete": int(bool(short[indicator.id])),
                           "note": "; ".join(n for n in notes if n) or None, "run_id": run_id})
        lineage.extend({"indicator_id": indicator.id, "period": period, "submission_id": s}
                       for s in sources[indicator.id])
    with eng.begin() as conn:
        fct, lin = warehouse.fct_indicator_value, warehouse.fct_indicator_lineage
        conn.execute(fct.delete().where(fct.c.period == period))
        conn.execute(fct.insert(), values)
        _publish_snapshots(conn, period, run_id)
        history_table = warehouse.fct_indicator_trend
        conn.execute(history_table.delete().where(history_table.c.data_period == period))
        trend = _trend(conn, period)
        if trend:
            conn.execute(history_table.insert(), trend)
        conn.execute(lin.delete().where(lin.c.period == period))
        if lineage:
            conn.execute(lin.insert(), sorted(lineage, key=lambda r: (r["indicator_id"], r["submission_id"])))
        _store_labels(conn, {i.id: i for i in indicators})
    with eng.begin() as conn:  # the drafts read the values just written, the previous quarter's and last year's
        from transforms.dataset.commentary import write_drafts

        write_drafts(conn, period)
    return {"indicators": len(indicators), "values": len(values)}


def _store_labels(conn: sa.Connection, by_id: dict[str, Indicator]) -> None:
    """The words every breakdown held in `fct_indicator_value` is shown under (`dim_breakdown_label`), written again
    on each computation so the labels follow the code lists."""
    table, fct = warehouse.dim_breakdown_label, warehouse.fct_indicator_value
    held = conn.execute(sa.select(fct.c.indicator_id, fct.c.breakdown).distinct()).all()
    conn.execute(table.delete())
    rows = [{"indicator_id": i, "breakdown": b, "label": breakdown_label(b, by_id[i].sources if i in by_id else ())}
            for i, b in sorted(held)]
    if rows:
        conn.execute(table.insert(), rows)


WINDOW_WORDS = {"E": "at the period end", "Q": "the quarter", "R": "the 12 months to the period end",
                "FYTD": "the financial year to date"}


def catalogue_markdown() -> str:
    """The catalogue as the page `docs/indicators.md` (`assure indicators`): each indicator's definition, window,
    direction compared with, and where the definition comes from."""
    lines = ["# The partnership dataset: indicator definitions", "",
             "Generated by `assure indicators` from `sql/indicators/catalogue.toml` (a test checks it is current).",
             "Definition source: DfE where DfE defines the measure (the figures align with its statistics), Ofsted",
             "where it is an Annex A list as Ofsted asks for it, local where the partnership defines it.", "",
             "| id | title | source | reference | window | compared with | RAG |",
             "|---|---|---|---|---|---|---|"]
    for i in catalogue():
        compared = "same quarter last year" if i.compared_back == 4 else "previous quarter"
        rated = f"{i.rag} the comparator" if i.rated else "not rated"
        lines.append(f"| {i.id} | {i.title} | {i.definition_source} | {i.reference} | {WINDOW_WORDS[i.window]} | "
                     f"{compared} | {rated} |")
    lines += ["", "## Definitions", ""]
    for i in catalogue():
        lines += [f"### {i.id} {i.title}", "", i.definition, "",
                  f"Unit: {i.unit}. Polarity: {i.polarity.replace('_', ' ')}. Sources: {', '.join(i.sources)}. "
                  f"Definition source: {i.definition_source} ({i.reference})."
                  + (f" Looks back {i.history_months} months before the period end." if i.history_months else ""),
                  ""]
    return "\n".join(lines)
