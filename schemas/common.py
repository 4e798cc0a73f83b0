"""Rule factories used by several returns beyond the basic ones in `rules.py`."""

from __future__ import annotations

import pandas as pd

from schemas.reserved import MARK_UNTRUSTED, OVERLONG, PERIOD_END, RAW, UNTRUSTED
from schemas.rules import ERROR, QUERY, REPORTING_WINDOW, Rule, add_years, submitted

# No field of any return needs more; a longer cell is a paste gone wrong (or an attack on what reads it later).
MAX_CELL_CHARS = 2000


def dob_not_after(rule_id: str, event: str, label: str) -> Rule:
    """ERROR when the date of birth is after the event."""
    return Rule(rule_id, ERROR, f"Date of birth is after the {label}. Check both dates.", ("date_of_birth", event),
                lambda df: df["date_of_birth"].isna() | df[event].isna() | (df["date_of_birth"] <= df[event]),
                {"date_of_birth": "01/01/2099"})


def child_at_event(rule_id: str, event: str, label: str) -> Rule:
    """QUERY when the person was 18 or over at the event (the return is about children)."""
    return Rule(rule_id, QUERY, f"The person was 18 or over on the {label}. Check the date of birth and the date.",
                ("date_of_birth", event),
                lambda df: df["date_of_birth"].isna() | df[event].isna()
                | (df[event] < add_years(df["date_of_birth"], 18)), {"date_of_birth": "01/01/1990"})


def in_reporting_window(rule_id: str, column: str, label: str) -> Rule:
    """QUERY when an event date is more than 2 years before the period end, or after it."""
    return Rule(rule_id, QUERY,
                f"{label} is more than 2 years before the end of the quarter, or after it. Check the year.",
                (column,),
                lambda df: df[PERIOD_END].isna() | df[column].isna()
                | ((df[column].str.slice(0, 10) > add_years(df[PERIOD_END], -2))
                   & (df[column].str.slice(0, 10) <= df[PERIOD_END])),  # date-times compare by their date
                {column: "01/01/2020"}, kind=REPORTING_WINDOW)


def valid_identifier(rule_id: str, column: str, label: str, how: str) -> Rule:
    """QUERY when an NHS number or UPN fails its check (the value is not used for matching)."""
    return Rule(rule_id, QUERY, f"{label} fails the {how} check, so it will not be used for matching. "
                f"Check it against the record.", (column,), lambda df: ~submitted(df, column) | df[column].notna(),
                {column: "INVALID-1234"})


def untrusted_cells(rule_id: str) -> Rule:
    """QUERY when a cell held a formula or an Excel error value: it was read as blank."""
    return Rule(rule_id, QUERY, "A cell held a formula or an Excel error (such as #N/A); it was treated as blank. "
                "Paste values instead of formulas and fill the cell.", (UNTRUSTED,),
                lambda df: df[UNTRUSTED].isna(), {MARK_UNTRUSTED: True})


def overlong_column(df: pd.DataFrame) -> pd.Series:
    """Per row, the first column whose value as submitted is longer than MAX_CELL_CHARS (NA if none)."""
    out = pd.Series(pd.NA, index=df.index, dtype="object")
    for name in df.columns:
        if not name.endswith(RAW):
            continue
        lengths = df[name].str.len()
        if not (lengths > MAX_CELL_CHARS).any():
            continue  # the common case: one vectorised pass per column, nothing to mark
        out = out.where(out.notna() | ~(lengths > MAX_CELL_CHARS).fillna(False), name[:-len(RAW)])
    return out


def long_cells(rule_id: str, example_column: str) -> Rule:
    """ERROR when a cell holds more than MAX_CELL_CHARS characters; `example_column` is where the test puts one."""
    return Rule(rule_id, ERROR, f"A cell holds more than {MAX_CELL_CHARS:,} characters, far more than any field of "
                "this return needs (a paste gone wrong?). Correct the cell and resubmit the row.", (OVERLONG,),
                # the mapper has already marked the column (transforms/ingest/mapping.py); other frames are scanned
                lambda df: (df[OVERLONG] if OVERLONG in df else overlong_column(df)).isna(),
                {example_column: "x" * (MAX_CELL_CHARS + 1)})
