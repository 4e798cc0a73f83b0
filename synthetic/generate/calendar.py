"""Periods and windows: financial quarters named by their last month, and the rolling 24 months to each end.

Dates inside the generator are whole days since 1970-01-01 held in numpy int64 arrays, so every step
stays vectorised; this module converts between those day numbers and the forms the files and truth use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)
# Excel's day 0 is 1899-12-30 (the 1900 leap-year bug is folded into that choice), i.e. 25569 days before 1970.
EXCEL_EPOCH_OFFSET = 25569
NA_DAY = np.iinfo(np.int64).min  # marks a missing date inside int64 day arrays


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


def to_date(day: int) -> date:
    """The calendar date of a day number."""
    return date.fromordinal(EPOCH.toordinal() + int(day))


def add_months(d: date, months: int) -> date:
    """`d` moved by whole months, the day clipped to the end of the target month."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - date(year, month, 1)).days


@dataclass(frozen=True)
class Period:
    """One quarterly period: its name (`YYYY-MM`), end date E and the first day of its 24-month window."""

    name: str
    end: date
    window_start: date  # first day inside (E - 24 months, E]

    @property
    def end_day(self) -> int:
        """E as a day number."""
        return day_number(self.end)

    @property
    def start_day(self) -> int:
        """First day of the window as a day number."""
        return day_number(self.window_start)


def parse_period(name: str) -> Period:
    """`YYYY-MM` (a quarter's last month: 03, 06, 09 or 12) -> Period; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", name or "")
    if not match or int(match.group(2)) not in (3, 6, 9, 12):
        raise ValueError(f"period must be YYYY-MM ending a financial quarter (03, 06, 09, 12), got {name!r}")
    year, month = int(match.group(1)), int(match.group(2))
    end = date(year, month, _month_length(year, month))
    # (E - 24 months, E]: the window opens on the first day of the month after E's month two years earlier.
    window_start = add_months(date(year, month, 1), -23)
    return Period(name, end, window_start)


def periods_ending(latest: str, quarters: int) -> list[Period]:
    """The `quarters` consecutive periods ending with `latest`, oldest first."""
    if quarters < 1:
        raise ValueError("quarters must be at least 1")
    last = parse_period(latest)
    out = []
    for back in range(quarters - 1, -1, -1):
        first_of_month = add_months(date(last.end.year, last.end.month, 1), -3 * back)
        out.append(parse_period(f"{first_of_month.year:04d}-{first_of_month.month:02d}"))
    return out


def iso(days: np.ndarray) -> np.ndarray:
    """Day numbers -> `YYYY-MM-DD` strings ('' where missing)."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == NA_DAY
    text = np.datetime_as_string(np.where(missing, 0, days).astype("datetime64[D]"), unit="D").astype(object)
    text[missing] = ""
    return text


def years_between(born: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Whole years of age on `on` for someone born on `born` (day-number arrays)."""
    b = np.asarray(born, dtype=np.int64).astype("datetime64[D]")
    o = np.asarray(on, dtype=np.int64).astype("datetime64[D]")
    by, oy = b.astype("datetime64[Y]").astype(int), o.astype("datetime64[Y]").astype(int)
    # day-of-year comparison done on (month, day) so leap years do not shift birthdays
    bmd = (b.astype("datetime64[M]").astype(int) % 12) * 100 + (b - b.astype("datetime64[M]")).astype(int)
    omd = (o.astype("datetime64[M]").astype(int) % 12) * 100 + (o - o.astype("datetime64[M]")).astype(int)
    return oy - by - (omd < bmd)


def add_years_days(days: np.ndarray, years: int) -> np.ndarray:
    """Day numbers moved `years` calendar years later (29 February -> 1 March)."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month_start = d.astype("datetime64[M]")
    offset = (d - month_start.astype("datetime64[D]")).astype(int)
    moved = (month_start + 12 * years).astype("datetime64[D]") + offset
    return moved.astype(np.int64)


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def next_weekday(days: np.ndarray) -> np.ndarray:
    """The day itself on Monday-Friday, else the Monday after (offices, schools and panels keep working days)."""
    wd = weekday(days)
    return np.asarray(days, dtype=np.int64) + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month (1-12) of each day number."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1


def iso_minutes(minutes: np.ndarray) -> np.ndarray:
    """Minutes since 1970 -> `YYYY-MM-DDTHH:MM` strings ('' where missing)."""
    minutes = np.asarray(minutes, dtype=np.int64)
    missing = minutes == NA_DAY
    text = np.datetime_as_string(np.where(missing, 0, minutes).astype("datetime64[m]"), unit="m").astype(object)
    text[missing] = ""
    return text
