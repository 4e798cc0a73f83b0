"""Does a file belong to the quarter being collected? A return for period P holds the 24 months up to its end E.

Only clear cases are refused (FILE-012), on the event date of the table's reporting-window rule (`*-091Q`):
- none of at least 3 dates falls in the window (E - 24 months, E];
- at least 20 dates and none in the last 12 months: the extract of an earlier quarter;
- at least 5 dates, and 5% or more of them, after E: the extract of a later quarter.
One stray date is a keying slip, queried row by row (`*-091Q`), never a reason to refuse the file. Tables without
a window rule (cases open for years, such as plans and episodes) are not judged.
"""

from __future__ import annotations

import datetime as dt

from transforms.dataset.periods import period_end, shift_months
from transforms.ingest.mapping import MappedTable

MIN_DATES_OUTSIDE = 3
MIN_DATES_STALE = 20
MIN_DATES_LATER = 5
LATER_SHARE = 0.05


def _month(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%B %Y")


def other_period(table: MappedTable, period: str) -> str | None:
    """Why the table clearly belongs to another period than `period`, or None."""
    column = table.contract.window_column
    if column is None or column not in table.headers:
        return None
    dates = table.frame[column].dropna().astype("str").str.slice(0, 10)
    if dates.empty:
        return None
    end = period_end(period)
    start, recent = shift_months(end, -24).isoformat(), shift_months(end, -12).isoformat()
    end_text = end.isoformat()
    inside = (dates > start) & (dates <= end_text)
    later = int((dates > end_text).sum())
    where = f"Sheet '{table.sheet}', column '{table.headers[column]}':"
    # months, not days: enough for the sender, and no record's exact date travels into reports
    span = f"its dates run from {_month(dates.min())} to {_month(dates.max())}"
    if len(dates) >= MIN_DATES_OUTSIDE and not inside.any():
        return f"{where} none of its {len(dates)} dates falls between {start} and {end_text}; {span}."
    if len(dates) >= MIN_DATES_STALE and not (dates > recent).any():
        return (f"{where} none of its {len(dates)} dates is in the 12 months up to {end_text}; {span}. "
                "It looks like the return for an earlier quarter.")
    if later >= MIN_DATES_LATER and later >= LATER_SHARE * len(dates):
        return (f"{where} {later} of its {len(dates)} dates are after the end of the quarter ({end_text}); {span}. "
                "It looks like the return for a later quarter.")
    return None
