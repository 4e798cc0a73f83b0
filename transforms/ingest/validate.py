"""Validate mapped tables against their rules and split rows into accepted and rejected.

A row with any ERROR is rejected; a row with only QUERY issues is loaded and flagged, with the cells its failing
queries name (`Rule.blanks`) blanked: the bad value is kept only as submitted, in the issue (DESIGN s4).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from schemas.common import overlong_cells
from schemas.reserved import NAMES_A_COLUMN, OVERLONG, PERIOD_END, RAW, SOURCE_ROW
from schemas.rules import ERROR, QUERY, Rule, failing_rows
from transforms.ingest.mapping import MappedTable

ISSUE_COLUMNS = ["sheet", "row", "record_id", "column", "value", "rule_id", "severity", "message"]


@dataclass
class ValidatedTable:
    """A table after validation: its issues, and the rows to load (with a `queried` flag)."""

    table: MappedTable
    issues: pd.DataFrame
    accepted: pd.DataFrame
    rejected_rows: list[int]

    @property
    def rows_read(self) -> int:
        """Data rows found in the sheet."""
        return len(self.table.frame)

    @property
    def rows_queried(self) -> int:
        """Accepted rows carrying at least one QUERY."""
        return int(self.accepted["queried"].sum()) if len(self.accepted) else 0


def empty_issues() -> pd.DataFrame:
    """An issues frame with no rows and the published columns."""
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "str") for c in ISSUE_COLUMNS})


def blank_queried_cells(accepted: pd.DataFrame, frame: pd.DataFrame, failures: pd.DataFrame,
                        rules: dict[str, Rule]) -> None:
    """Blank, in `accepted` (rows labelled as in `frame`), the cells each failing QUERY names in `Rule.blanks`.

    OVERLONG stands for every cell of the row longer than the rules allow.
    """
    overlong = None
    for rule_id, index in failures.groupby("rule_id", sort=True)["index"]:
        rule = rules[rule_id]
        if rule.severity != QUERY or not rule.blanks:
            continue
        rows = accepted.index.intersection(pd.Index(index.unique()))
        if rows.empty:
            continue
        for column in rule.blanks:
            if column == OVERLONG:
                overlong = overlong_cells(frame) if overlong is None else overlong
                for name, long in overlong.items():
                    hit = rows[long.loc[rows].to_numpy()]
                    if name in accepted and len(hit):
                        accepted.loc[hit, name] = pd.NA
            else:
                accepted.loc[rows, column] = pd.NA


def validate_table(table: MappedTable, period_end: str | None = None) -> ValidatedTable:
    """Run the table's rules; return its issues (one per failing row and rule) and the accepted rows.

    `period_end` (ISO date) lets rules query dates far outside the reporting window; None skips them.
    """
    contract = table.contract
    frame = table.frame.assign(**{PERIOD_END: pd.Series(period_end, index=table.frame.index, dtype="str")})
    failures = failing_rows(frame, contract.rules, contract.table_id)
    rules = {rule.rule_id: rule for rule in contract.rules}
    issues = empty_issues()
    if len(failures):
        at = failures["index"].to_numpy()  # frames from mapping have a RangeIndex: label == position
        # a rule on a reserved column such as UNTRUSTED reports the column the row names (the untrusted cell's)
        columns = [frame[rules[r].column].iat[i] if rules[r].column in NAMES_A_COLUMN else rules[r].column
                   for i, r in zip(at, failures["rule_id"], strict=True)]
        issues = pd.DataFrame({
            "sheet": table.sheet,
            "row": frame[SOURCE_ROW].to_numpy()[at],
            "record_id": frame[contract.record_id + RAW].to_numpy()[at],
            "column": [table.headers.get(c, c) for c in columns],
            "value": [frame[c + RAW].iat[i] if c + RAW in frame else "" for i, c in zip(at, columns, strict=True)],
            "rule_id": failures["rule_id"].to_numpy(),
            "severity": [rules[r].severity for r in failures["rule_id"]],
            "message": [rules[r].message for r in failures["rule_id"]],
        })
        text_columns = [c for c in ISSUE_COLUMNS if c != "row"]
        issues[text_columns] = issues[text_columns].astype("object").fillna("").astype("str")
    error_index = set(failures.loc[[rules[r].severity == ERROR for r in failures["rule_id"]], "index"])
    query_index = set(failures.loc[[rules[r].severity == QUERY for r in failures["rule_id"]], "index"])
    keep = ~frame.index.isin(list(error_index))
    accepted = frame.loc[keep, [c.name for c in contract.columns] + [SOURCE_ROW]].copy()
    blank_queried_cells(accepted, frame, failures, rules)
    accepted["queried"] = accepted.index.isin(list(query_index)).astype("int64")
    rejected_rows = sorted(frame.loc[~keep, SOURCE_ROW].tolist())
    return ValidatedTable(table, issues, accepted.reset_index(drop=True), rejected_rows)
