"""Financial-quarter periods, the date windows indicators use, and English working days.

A period is named by its last month: `2022-03` is Q4 2021/22 (Jan-Mar 2022). Returns are due 15 working days
after the quarter ends, English bank holidays excluded (`reference/bank_holidays.csv`, 2019-2028).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import lru_cache

from transforms import settings

BANK_HOLIDAYS_CSV = settings.REFERENCE_DIR / "bank_holidays.csv"
DUE_WORKING_DAYS = 15
# The calendar table indicators join to for per-row day and working-day arithmetic: the years the bank holiday
# list covers, so every working-day count in it is right.
CALENDAR_FIRST, CALENDAR_LAST = dt.date(2019, 1, 1), dt.date(2028, 12, 31)


def parse_period(period: str) -> tuple[int, int]:
    """(year, month) of a period name; refuses months that do not end a quarter."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period or "")
    if not match or int(match.group(2)) not in (3, 6, 9, 12):
        raise ValueError(f"period must be YYYY-MM ending a quarter (03, 06, 09, 12), got {period!r}")
    return int(match.group(1)), int(match.group(2))


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month."""
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier if negative), clipped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, month_end(year, month + 1).day))


def latest_start(end: dt.date, months: int) -> dt.date:
    """The latest day D with D + `months` calendar months on or before `end`, where adding months to a day the
    later month lacks lands on that month's last day (31 December + 18 months = 30 June). When `end` is a month's
    last day, every day of the month `months` earlier qualifies; otherwise the same day number (clipped)."""
    day = shift_months(end, -months)
    if end == month_end(end.year, end.month):
        return month_end(day.year, day.month)
    return day


def period_end(period: str) -> dt.date:
    """E: the last day of the period."""
    return month_end(*parse_period(period))


def previous_period(period: str, quarters: int = 1) -> str:
    """The period `quarters` quarters earlier."""
    year, month = parse_period(period)
    index = year * 12 + month - 1 - 3 * quarters
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def reporting_period(day: dt.date) -> str:
    """The quarter being collected on `day`: the latest quarter that has ended (on 22 Nov 2026, `2026-09`)."""
    back = day.month % 3 or 3  # months back to the last month that ended a quarter (not over until its last day is)
    index = day.year * 12 + day.month - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[dt.date]:
    """English bank holidays from `reference/bank_holidays.csv`."""
    with open(BANK_HOLIDAYS_CSV, newline="") as handle:
        return frozenset(dt.date.fromisoformat(row["date"]) for row in csv.DictReader(handle))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not an English bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays()


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (day itself not counted)."""
    if count < 0:
        raise ValueError("count must be 0 or more")
    current = day
    while count > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def due_date(period: str) -> dt.date:
    """The day a return for `period` is due: 15 working days after the quarter ends."""
    return add_working_days(period_end(period), DUE_WORKING_DAYS)


def calendar_rows(first: dt.date = CALENDAR_FIRST, last: dt.date = CALENDAR_LAST) -> list[dict]:
    """Rows of `dim_calendar`: each date, its day number, and the running count of working days up to it."""
    rows, working = [], 0
    day = first
    while day <= last:
        working_day = is_working_day(day)
        working += working_day
        rows.append({"calendar_date": day.isoformat(), "day_number": (day - first).days,
                     "working_day_number": working, "is_working_day": int(working_day)})
        day += dt.timedelta(days=1)
    return rows


def windows(period: str) -> dict[str, str | int]:
    """The bounds indicators use, as ISO strings (see sql/indicators/catalogue.toml)."""
    end = period_end(period)
    fy_year = end.year if end.month >= 4 else end.year - 1
    return {
        "period": period,
        "period_end": end.isoformat(),
        "r_start": shift_months(end, -12).isoformat(),
        "q_start": shift_months(end, -2).replace(day=1).isoformat(),
        "fytd_start": dt.date(fy_year, 4, 1).isoformat(),
        "e_minus_18m": latest_start(end, 18).isoformat(),
        "e_minus_3d": (end - dt.timedelta(days=3)).isoformat(),
        "adult_born_by": shift_months(end, -12 * 18).isoformat(),
        # born after this day: under 18 on at least one day of R (R starts the day after E minus 12 months)
        "r_adult_born_by": (shift_months(end, -12 * 19) + dt.timedelta(days=1)).isoformat(),
        "due_date": due_date(period).isoformat(),
    }
