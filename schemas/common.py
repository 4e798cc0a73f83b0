"""Rule factories used by several returns beyond the basic ones in `rules.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from schemas.reserved import ALTERED, MARK_ALTERED, MARK_UNTRUSTED, OVERLONG, PERIOD_END, RAW, UNTRUSTED
from schemas.rules import ERROR, QUERY, REPORTING_WINDOW, Rule, add_months, add_years, raw, submitted

if TYPE_CHECKING:
    from schemas.contract import TableContract

# No field of any return needs more; a longer cell is a paste gone wrong (or an attack on what reads it later).
MAX_CELL_CHARS = 2000
# A date of birth after an event by up to this many calendar months is an unborn child at that event (a pre-birth
# referral, assessment, conference or plan; a maternity referral): normal work, no issue, and a child (DESIGN s4).
UNBORN_MONTHS = 10


def born_by(df: pd.DataFrame, event: str, months: int = UNBORN_MONTHS) -> pd.Series:
    """True where the date of birth is on or before the event plus `months` calendar months, or either is blank."""
    dob, when = df["date_of_birth"], df[event]
    ok = (dob.isna() | when.isna() | (dob <= when)).fillna(True).to_numpy(dtype=bool, copy=True)  # most rows
    later = ~ok
    if later.any():  # only the few born after the event need the calendar
        ok[later] = (dob[later] <= add_months(when[later], months)).fillna(True).to_numpy(dtype=bool)
    return pd.Series(ok, index=df.index)


def dob_not_after(rule_id: str, event: str, label: str) -> Rule:
    """QUERY when the date of birth is more than 10 months after the event; the date of birth is loaded blank.

    Up to 10 months after is an unborn child at the event, with no issue (DESIGN s4, `UNBORN_MONTHS`).
    """
    return Rule(rule_id, QUERY, f"The date of birth is more than 10 months after the {label}, so it cannot be an "
                "unborn child's expected date of birth. The row was loaded with the date of birth left blank; check "
                "both dates.", ("date_of_birth", event), lambda df: born_by(df, event),
                {"date_of_birth": "01/01/2099"}, blanks=("date_of_birth",))


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


def altered_text(rule_id: str) -> Rule:
    """QUERY when a cell's text had to be altered to be read: NUL characters removed, or bytes that are not valid in
    the file's encoding shown as U+FFFD. The row is loaded with the cleaned text, for the agency to check."""
    return Rule(rule_id, QUERY, "A cell held characters that could not be read as text (a NUL character, or bytes "
                "not valid in the file's encoding); they were removed or shown as \ufffd. Check the value and send it "
                "again if it is wrong.", (ALTERED,), lambda df: df[ALTERED].isna() if ALTERED in df else
                pd.Series(True, index=df.index), {MARK_ALTERED: True})


def overlong_cells(df: pd.DataFrame) -> dict[str, pd.Series]:
    """Canonical column -> True on the rows whose value as submitted is longer than MAX_CELL_CHARS (only columns
    with such a row)."""
    out = {}
    for name in df.columns:
        if not name.endswith(RAW):
            continue
        lengths = df[name].str.len()
        if not (lengths > MAX_CELL_CHARS).any():
            continue  # the common case: one vectorised pass per column, nothing to mark
        out[name[:-len(RAW)]] = (lengths > MAX_CELL_CHARS).fillna(False).astype(bool)
    return out


def overlong_column(df: pd.DataFrame) -> pd.Series:
    """Per row, the first column whose value as submitted is longer than MAX_CELL_CHARS (NA if none)."""
    out = pd.Series(pd.NA, index=df.index, dtype="object")
    for name, long in overlong_cells(df).items():
        out = out.where(out.notna() | ~long, name)
    return out


def long_cells(rule_id: str, example_column: str) -> Rule:
    """QUERY when a cell (other than the record id) holds more than MAX_CELL_CHARS characters: the row is loaded with
    every such cell blank. `example_column` is where the test puts one; the record id has its own ERROR, `long_id`.
    """
    def declared(record_id: str) -> Rule:
        def check(df: pd.DataFrame) -> pd.Series:
            # the mapper has already marked the column (transforms/ingest/mapping.py); other frames are scanned
            marked = df[OVERLONG] if OVERLONG in df else overlong_column(df)
            return marked.isna() | (marked == record_id).fillna(False)  # a long record id rejects the row instead

        return Rule(rule_id, QUERY, f"A cell holds more than {MAX_CELL_CHARS:,} characters, far more than any field "
                    "of this return needs (a paste gone wrong?). The row was loaded with that cell left blank; correct "
                    "it and send it again.", (OVERLONG,), check, {example_column: "x" * (MAX_CELL_CHARS + 1)},
                    bind=None if record_id else bind, blanks=(OVERLONG,))

    def bind(contract: TableContract) -> Rule:
        if example_column == contract.record_id:
            raise ValueError(f"{rule_id}: the example column must not be the record id (see long_id)")
        return declared(contract.record_id)

    return declared("")


def long_id(rule_id: str, column: str, label: str) -> Rule:
    """ERROR when the record id holds more than MAX_CELL_CHARS characters: no record id is that long, and a blanked
    one could not be counted or told apart from the other records."""
    return Rule(rule_id, ERROR, f"{label} holds more than {MAX_CELL_CHARS:,} characters, so it cannot be the "
                "record's id (a paste gone wrong?). Correct the cell and resubmit the row.", (column,),
                lambda df: ~(raw(df, column).str.len() > MAX_CELL_CHARS).fillna(False),
                {column: "x" * (MAX_CELL_CHARS + 1)})
