"""The rule catalogue: every validation rule declared in `schemas/`, as one table (`assure rules`).

Generated from the rule declarations on every call, never written by hand, so it cannot drift from the checks.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

import schemas
from schemas.contract import TableContract
from schemas.rules import Rule
from transforms.feedback.neutralise import neutralise

CATALOGUE_COLUMNS = ("return_id", "table_id", "table_title", "rule_id", "severity", "columns", "message")
FORMATS = ("markdown", "csv")


def catalogue_of(pairs: Iterable[tuple[TableContract, Rule]]) -> pd.DataFrame:
    """The catalogue rows (columns `CATALOGUE_COLUMNS`) for (contract, rule) pairs, in the order given.

    `columns` lists the rule's canonical columns only: internal helper columns (such as a formula flag) are
    nothing an agency can find in its sheet.
    """
    records = []
    for contract, rule in pairs:
        names = {c.name for c in contract.columns}
        records.append((contract.return_id, contract.table_id, contract.title, rule.rule_id, rule.severity,
                        ", ".join(c for c in rule.columns if c in names), rule.message))
    return pd.DataFrame(records, columns=list(CATALOGUE_COLUMNS), dtype="str")


def rule_catalogue(return_id: str | None = None) -> pd.DataFrame:
    """Every rule of `schemas.all_rules()` (only `return_id`'s if given), one row each, in declaration order.

    Raises ValueError for a return id no contract declares.
    """
    known = list(dict.fromkeys(contract.return_id for contract in schemas.TABLES))
    if return_id is not None and return_id not in known:
        raise ValueError(f"unknown return '{return_id}' (known: {', '.join(known)})")
    return catalogue_of((c, r) for c, r in schemas.all_rules() if return_id in (None, c.return_id))


def _markdown_cell(value: object) -> str:
    # a pipe would end the cell early and a line break the row
    return str(value).replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def render(frame: pd.DataFrame, fmt: str) -> str:
    """The catalogue as text: `markdown` (a pipe table) or `csv` (every value neutralised against formulas)."""
    if fmt == "markdown":
        lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
        lines += ["| " + " | ".join(_markdown_cell(v) for v in row) + " |"
                  for row in frame.itertuples(index=False, name=None)]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        # the CSV is opened in spreadsheets by the people who key the data: no cell may run as a formula
        frame.map(neutralise).to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()
    raise ValueError(f"unknown format '{fmt}' (use one of: {', '.join(FORMATS)})")
