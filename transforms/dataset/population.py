"""Children aged 0-17 per authority and mid-year, from ONS mid-year population estimates (DESIGN.md section 6).

Rates per 10,000 children divide by the estimate for the authority's area; a period pairs with the latest mid-year
(30 June) on or before its end. `reference/child_population.csv` holds the figures, with their source and release;
`assure reference population FILE --la CODE` loads them from an ONS file.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

REFERENCE_COLUMNS = ("area_code", "area_name", "mid_year", "population_0_17", "source", "release", "placeholder")


@dataclass(frozen=True)
class PopulationRow:
    """One area's children aged 0-17 at 30 June of `mid_year`; `placeholder` when not an ONS figure."""

    area_code: str
    area_name: str
    mid_year: int
    population_0_17: int
    source: str
    release: str = ""
    placeholder: int = 0


def read_reference(csv_path: Path | str) -> list[PopulationRow]:
    """The rows of a reference file (`reference/child_population.csv`'s columns)."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(REFERENCE_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{csv_path}: the child population file lacks the columns {sorted(missing)}")
        return [PopulationRow(r["area_code"].strip(), r["area_name"].strip(), int(r["mid_year"]),
                              int(r["population_0_17"]), r["source"], r["release"], int(r["placeholder"] or 0))
                for r in reader]


def population_for(period_end: dt.date, area_code: str, rows: list[PopulationRow]) -> PopulationRow | None:
    """The area's latest estimate whose mid-year (30 June) is on or before `period_end`; None when there is none."""
    held = [r for r in rows if r.area_code == area_code and dt.date(r.mid_year, 6, 30) <= period_end]
    return max(held, key=lambda r: r.mid_year) if held else None


def missing_reason(period_end: dt.date, area_code: str, rows: list[PopulationRow]) -> str:
    """Why there is no estimate to pair with `period_end` (the note of a rate published as no data)."""
    years = sorted(r.mid_year for r in rows if r.area_code == area_code)
    held = f"earliest held: mid-{years[0]}" if years else "none held for the area"
    return (f"no ONS mid-year estimate of children aged 0-17 for {area_code} on or before "
            f"{period_end.day} {period_end:%B %Y} ({held}): load one with `assure reference population`")
