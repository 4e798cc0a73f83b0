"""Financial-quarter periods. A period is named by its last month: `2022-03` is Q4 2021/22 (Jan-Mar 2022)."""

from __future__ import annotations

import datetime as dt
import re


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


def period_end(period: str) -> dt.date:
    """E: the last day of the period."""
    return month_end(*parse_period(period))


def previous_period(period: str, quarters: int = 1) -> str:
    """The period `quarters` quarters earlier."""
    year, month = parse_period(period)
    index = year * 12 + month - 1 - 3 * quarters
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def windows(period: str) -> dict[str, str]:
    """The date bounds indicators use, as ISO strings (see sql/indicators/catalogue.toml)."""
    end = period_end(period)
    fy_year = end.year if end.month >= 4 else end.year - 1
    return {
        "period_end": end.isoformat(),
        "r_start": shift_months(end, -12).isoformat(),
        "q_start": shift_months(end, -2).replace(day=1).isoformat(),
        "fytd_start": dt.date(fy_year, 4, 1).isoformat(),
        "population_year": end.year,
    }
