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


def required(rule_id: str, column: str, label: str) -> Rule:
    """ERROR when a required value is blank."""
    return Rule(rule_id, ERROR, f"{label} is required but the cell is blank. Fill it in and resubmit the row.",
                (column,), lambda df: submitted(df, column), {column: None})


def valid_date(rule_id: str, column: str, label: str) -> Rule:
    """ERROR when a date cell holds something that is not a date."""
    return Rule(rule_id, ERROR,
                f"{label} is not a date we can read. Use a date cell or DD/MM/YYYY (day first), e.g. 03/04/2024.",
                (column,), lambda df: ~submitted(df, column) | df[column].notna(), {column: "31/02/2026"})


def known_code(rule_id: str, column: str, label: str) -> Rule:
    """ERROR when a coded cell holds a value that is not in the column's code list.

    The code list is the column's own (`Column.codes` in the table's contract), written nowhere else: the contract
    binds the rule when it is made, and the bound rule's message lists the codes.
    """
    def check(df: pd.DataFrame) -> pd.Series:
        return ~submitted(df, column) | df[column].notna()  # the mapper left NA where no code or label matched

    def declared(listed: str) -> Rule:
        return Rule(rule_id, ERROR, f"{label} is not one of the allowed values{listed}. Pick a value from the list.",
                    (column,), check, {column: "NOT-A-CODE"}, bind=None if listed else bind)

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
    """ERROR when the later date is before the earlier one (both present)."""
    return Rule(rule_id, ERROR, message, (later, earlier),
                lambda df: df[later].isna() | df[earlier].isna() | (df[later] >= df[earlier]), {later: "01/01/2000"})


def build_schema(rules: tuple[Rule, ...] | list[Rule], name: str) -> pa.DataFrameSchema:
    """The pandera schema running `rules` in order (check_number == position in `rules`)."""
    # ignore_na=False: pandera would otherwise treat rows holding any null as passing every check
    checks = [pa.Check(rule.check, name=rule.rule_id, error=rule.rule_id, ignore_na=False) for rule in rules]
    return pa.DataFrameSchema(checks=checks, name=name, strict=False, coerce=False)


def failing_rows(df: pd.DataFrame, rules: tuple[Rule, ...] | list[Rule], name: str) -> pd.DataFrame:
    """Run the rules through pandera; return one row per (frame index, rule_id) that failed."""
    schema = build_schema(rules, name)
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna() & cases["check_number"].notna()]
        pairs = cases[["index", "check_number"]].drop_duplicates()
        ids = [rules[int(n)].rule_id for n in pairs["check_number"]]
        out = pd.DataFrame({"index": pairs["index"].astype("int64").to_numpy(), "rule_id": ids})
        return out.sort_values(["index", "rule_id"], kind="stable").reset_index(drop=True)
    return pd.DataFrame({"index": pd.Series([], dtype="int64"), "rule_id": pd.Series([], dtype="str")})


def add_years(iso_dates: pd.Series, years: int) -> pd.Series:
    """ISO date strings moved `years` later, kept as strings so comparisons stay lexical and portable."""
    year = pd.to_numeric(iso_dates.str.slice(0, 4), errors="coerce").add(years).astype("Int64").astype("str")
    return year + iso_dates.str.slice(4)
