"""The synthetic borough's child population, written as an ONS mid-year estimates time series (MYEB layout).

Rates per 10,000 children need a denominator that matches the generated world's size: `--scale 1` is a borough of
about 48,000 children, so every mid-year holds round(48000 * scale) children aged 0-17. The file has the layout of
ONS's MYEB time series (`ladcode23, laname23, country, sex, age, population_YYYY ...`), so the product loads it
exactly as it loads a real one: `assure reference population _reference/ons_population.csv --la E99999999`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

REFERENCE_DIR = "_reference"
FILE_NAME = "ons_population.csv"
REFERENCE_FILE_NAME = "child_population.csv"  # the product's reference format (reference/child_population.csv)
AREA_CODE = "E99999999"  # not a real authority's code, so synthetic figures never mix with real ones
CHILDREN_AT_SCALE_1 = 48_000
ADULT_AGES = range(18, 91)  # 90 stands for 90 and over, as in ONS's files
YEARS_BEFORE = 2  # mid-years before the first period: its 24-month window and a margin


def _mid_year_of(end: dt.date) -> int:
    """The latest mid-year (30 June) on or before a period end: the estimate that period pairs with."""
    return end.year if end >= dt.date(end.year, 6, 30) else end.year - 1


def _split(total: int, parts: int) -> list[int]:
    """`total` in `parts` whole numbers as even as can be, the remainder to the first ones (deterministic)."""
    base, extra = divmod(total, parts)
    return [base + (i < extra) for i in range(parts)]


def _adults(age: int, scale: float) -> int:
    """A plausible count for one adult age (both sexes): flat through working age, thinning after 60; 90+ pooled."""
    per_age = 2_600 if age < 60 else 2_600 - 60 * (age - 59)
    return round(max(per_age, 300) * scale * (6 if age == 90 else 1))


def write_population(out_dir: Path | str, scale: float, periods: Iterable) -> Path:
    """Write `out_dir/_reference/ons_population.csv`: area E99999999, both sexes, single years 0-90, one
    population_YYYY column per mid-year from two years before the first period's to the last period's; children
    aged 0-17 total round(48000 * scale) in every mid-year. `periods` are the generated periods (anything with an
    `end` date, or dates). Same arguments, same bytes. Returns the file's path."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    ends = sorted(getattr(p, "end", p) for p in periods)
    if not ends:
        raise ValueError("give at least one period")
    years = range(_mid_year_of(ends[0]) - YEARS_BEFORE, _mid_year_of(ends[-1]) + 1)
    children = _split(round(CHILDREN_AT_SCALE_1 * scale), 18)  # ~2,667 per age at scale 1
    per_age = {age: count for age, count in enumerate(children)} | {age: _adults(age, scale) for age in ADULT_AGES}
    path = Path(out_dir) / REFERENCE_DIR / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["ladcode23", "laname23", "country", "sex", "age", *(f"population_{y}" for y in years)])
        name = f"Synthetic borough (scale {scale:g})"
        for sex in ("M", "F"):
            for age, both in per_age.items():
                count = (both + 1) // 2 if sex == "M" else both // 2  # half each, the odd one a boy
                writer.writerow([AREA_CODE, name, "E", sex, age, *(count for _ in years)])
    return path


def write_child_population(out_dir: Path | str, scale: float, periods: Iterable) -> Path:
    """Write the ONS-format file (`write_population`) and load it as the product would (`assure reference population
    ... --la E99999999`) into `out_dir/_reference/child_population.csv`, the file `ASSURE_CHILD_POPULATION` names
    for a run on the generated returns (with `ASSURE_AREA_CODE=E99999999`). Returns the reference file's path."""
    from transforms.dataset.population import read_ons, write_reference  # the product's own loader, not a copy

    ons = write_population(out_dir, scale, periods)
    reference = ons.parent / REFERENCE_FILE_NAME
    reference.unlink(missing_ok=True)  # regenerated whole: a previous scale's figures must not linger
    write_reference(read_ons(ons, AREA_CODE), reference)
    return reference
