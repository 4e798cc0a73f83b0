"""The rule model: every check has a stable id, a severity and a message for the person who keyed the data.

Rules are declared next to the contract of the table they check (one module per return in `schemas/`).
A rule's `check` takes the mapped frame (canonical columns, plus `<column>__raw` holding the value as
submitted) and returns a boolean Series, True where the row passes. Rules run through pandera so the
schema, not ad-hoc code, decides which rows fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
import pandera.pandas as pa

from schemas.reserved import DUPLICATE, RAW

REPORTING_WINDOW = "reporting_window"  # the `kind` of the rule whose column the period check reads

if TYPE_CHECKING:
    from schemas.contract import TableContract

FILE, ERROR, QUERY = "FILE", "ERROR", "QUERY"
SEVERITY_ORDER = {FILE: 0, ERROR: 1, QUERY: 2}

CheckFn = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Rule:
    """One validation rule: id `<RETURN>-<NNN>` (suffix Q for queries), severity, message, columns it reports."""

    rule_id: str
    severity: str
    message: str
    columns: tuple[str, ...]
    check: CheckFn
    # Cells that make an otherwise valid row fail this rule (raw values as an agency would key them), so every
    # rule is tested with a passing and a failing row. Keys that are not columns (schemas/reserved.py): DUPLICATE
    # repeats the row; MARK_UNTRUSTED marks a cell as a formula.
    fails_with: dict = field(default_factory=dict, compare=False)
    # What the rule is about, where other code needs to know (e.g. "reporting_window": the period check reads
    # the column of that rule); empty for most rules.
    kind: str = field(default="", compare=False)  # e.g. REPORTING_WINDOW: a rule other code looks up
    # For a rule declared without facts its table's contract already holds (known_code: the column's code list):
    # the contract calls it with itself when it is made, and keeps the rule it returns in place of this one.
    bind: Callable[[TableContract], Rule] | None = field(default=None, compare=False, repr=False)
    # The cells a failing QUERY blanks in the rows loaded (transforms/ingest/validate.py): the bad value is kept only
    # as submitted, in the issue. Empty (the default) for plausibility queries, whose values stay as they are (a
    # date outside the reporting window, an age of 18 or over, a PPN without a DARA). OVERLONG blanks every cell of
    # the row longer than the rules allow.
    blanks: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.rule_id.endswith("Q") != (self.severity == QUERY):
            raise ValueError(f"{self.rule_id}: a rule id ends with Q exactly when the rule is a QUERY")
        if self.blanks and self.severity != QUERY:
            raise ValueError(f"{self.rule_id}: only a QUERY blanks cells (an ERROR rejects the row)")

    @property
    def column(self) -> str:
        """The column an issue from this rule is reported against."""
        return self.columns[0]


def raw(df: pd.DataFrame, column: str) -> pd.Series:
    """The value as submitted (blank cells are NA)."""
    return df[column + RAW]


def submitted(df: pd.DataFrame, column: str) -> pd.Series:
    """True where the agency put something in the cell."""
    return raw(df, column).notna()


def severity_of(rule_id: str) -> str:
    """QUERY for an id with the `Q` suffix, else ERROR: the id says which, so the factories below take it from there."""
    return QUERY if rule_id.endswith("Q") else ERROR


def required(rule_id: str, column: str, label: str) -> Rule:
    """A required value left blank: ERROR for a record id or an event date (`<RETURN>-<NNN>`), else QUERY (`...Q`)."""
    if severity_of(rule_id) == ERROR:
        message = f"{label} is required but the cell is blank. Fill it in and resubmit the row."
    else:
        message = (f"{label} is required but the cell is blank. The row was loaded without it; fill it in when you "
                   "next send the return.")
    return Rule(rule_id, severity_of(rule_id), message, (column,), lambda df: submitted(df, column), {column: None})


def valid_date(rule_id: str, column: str, label: str) -> Rule:
    """A date cell holding something that is not a date: ERROR for an event date, else QUERY (the cell left blank)."""
    how = "Use a date cell or DD/MM/YYYY (day first), e.g. 03/04/2024."
    if severity_of(rule_id) == ERROR:
        message, blanks = f"{label} is not a date we can read. {how}", ()
    else:
        message = f"{label} is not a date we can read, so the row was loaded with it left blank. {how}"
        blanks = (column,)
    return Rule(rule_id, severity_of(rule_id), message, (column,),
                lambda df: ~submitted(df, column) | df[column].notna(), {column: "31/02/2026"}, blanks=blanks)


def known_code(rule_id: str, column: str, label: str) -> Rule:
    """QUERY when a coded cell holds a value that is not in the column's code list: the row is loaded, the cell blank.

    The code list is the column's own (`Column.codes` in the table's contract), written nowhere else: the contract
    binds the rule when it is made, and the bound rule's message lists the codes.
    """
    def check(df: pd.DataFrame) -> pd.Series:
        return ~submitted(df, column) | df[column].notna()  # the mapper left NA where no code or label matched

    def declared(listed: str) -> Rule:
        return Rule(rule_id, QUERY, f"{label} is not one of the allowed values{listed}, so the row was loaded with it "
                    "left blank. Pick a value from the list.",
                    (column,), check, {column: "NOT-A-CODE"}, bind=None if listed else bind, blanks=(column,))

    def bind(contract: TableContract) -> Rule:
        codes = contract.column(column).codes
        if not codes:
            raise ValueError(f"{rule_id}: column '{column}' of {contract.table_id} has no code list")
        return declared(f" ({', '.join(codes)})")

    return declared("")


def unique_id(rule_id: str, column: str, label: str) -> Rule:
    """ERROR on every row whose record id appears more than once in the table."""
    return Rule(rule_id, ERROR,
                f"{label} appears on more than one row. Each record must appear once; remove or merge the copies.",
                (column,), lambda df: df[column].isna() | ~df[column].duplicated(keep=False), {DUPLICATE: True})


def not_before(rule_id: str, later: str, earlier: str, message: str) -> Rule:
    """The later date is before the earlier one (both present).

    ERROR (`<RETURN>-<NNN>`) only for the record's own interval, end before start; any other order is a QUERY
    (`...Q`) and the later date of the pair, which depends on the earlier, is loaded blank. `message` is the
    whole message (for a QUERY it says what was blanked).
    """
    query = severity_of(rule_id) == QUERY
    return Rule(rule_id, severity_of(rule_id), message, (later, earlier),
                lambda df: df[later].isna() | df[earlier].isna() | (df[later] >= df[earlier]), {later: "01/01/2000"},
                blanks=(later,) if query else ())


def build_schema(rules: tuple[Rule, ...] | list[Rule], name: str) -> pa.DataFrameSchema:
    """The pandera schema running `rules` in order (check_number == position in `rules`)."""
    # ignore_na=False: pandera would otherwise treat rows holding any null as passing every check
    checks = [pa.Check(rule.check, name=rule.rule_id, error=rule.rule_id, ignore_na=False) for rule in rules]
    return pa.DataFrameSchema(checks=checks, name=name, strict=False, coerce=False)


def failing_rows(df: pd.DataFrame, rules: tuple[Rule, ...] | list[Rule], name: str) -> pd.DataFrame:
    """Run the rules' pandera checks on `df`; return one row per (frame index, rule_id) that failed.

    Each check of `build_schema`'s schema is called on the frame itself (pandera's `Check.__call__`: the same check
    output and failure cases the schema's lazy validation collects). The schema's own validation went on to gather
    every failure into one report, reshaping and unstacking it, only for us to read back the same rows: half the
    time of validating a borough's files."""
    found = []
    for rule, check in zip(rules, build_schema(rules, name).checks, strict=True):
        try:
            result = check(df)
        except Exception as exc:  # a check that cannot run would otherwise pass every row silently
            raise RuntimeError(f"rule {rule.rule_id} failed to run on {name}: {exc!r}") from exc
        if bool(result.check_passed):
            continue
        failed = result.failure_cases
        if failed is None or not len(failed):  # failed without a row to name: never read as a pass
            raise RuntimeError(f"rule {rule.rule_id} failed on {name} without naming a row")
        found.append(pd.DataFrame({"index": failed.index.to_numpy(dtype="int64"), "rule_id": rule.rule_id}))
    if not found:
        return pd.DataFrame({"index": pd.Series([], dtype="int64"), "rule_id": pd.Series([], dtype="str")})
    out = pd.concat(found, ignore_index=True).drop_duplicates()
    return out.sort_values(["index", "rule_id"], kind="stable").reset_index(drop=True)


def add_years(iso_dates: pd.Series, years: int) -> pd.Series:
    """ISO date strings moved `years` later, kept as strings so comparisons stay lexical and portable."""
    year = pd.to_numeric(iso_dates.str.slice(0, 4), errors="coerce").add(years).astype("Int64").astype("str")
    return year + iso_dates.str.slice(4)


def add_months(iso_dates: pd.Series, months: int) -> pd.Series:
    """ISO dates (`YYYY-MM-DD`, a time after it is dropped) moved `months` calendar months later, as ISO strings.

    A day the target month lacks becomes its last day (31 May + 1 month = 30 June). NA stays NA; a result past
    9999-12-31 is 9999-12-31 (still a date, and later than any date a cell can hold).
    """
    year = pd.to_numeric(iso_dates.str.slice(0, 4), errors="coerce")
    month = pd.to_numeric(iso_dates.str.slice(5, 7), errors="coerce")
    day = pd.to_numeric(iso_dates.str.slice(8, 10), errors="coerce")
    total = year * 12 + (month - 1) + months
    year, month = total // 12, total % 12 + 1
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    last = month.map({1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31})
    last = last + ((month == 2) & leap).astype("int64")
    day = day.where(day <= last, last)
    out = (year.astype("Int64").astype("str").str.zfill(4) + "-" + month.astype("Int64").astype("str").str.zfill(2)
           + "-" + day.astype("Int64").astype("str").str.zfill(2))
    out = out.where(year <= 9999, "9999-12-31")
    return out.where(year.notna() & month.notna() & day.notna())
