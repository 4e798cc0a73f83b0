"""`generate`: the synthetic landing folders for one or more periods, with their ground truth.

One world is built for all requested quarters; each period's files are that world seen at the period end.
The latest period goes to `DIR/<agency>/` and `DIR/_truth/`; earlier ones to `DIR/_earlier/<YYYY-MM>/`. The
borough's child population, consistent with the scale, goes to `DIR/_reference/` (an ONS-format file and the
product's reference CSV read from it), so rates at scale 14 are a region's rates, not 14 times a borough's.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from synthetic.generate import returns
from synthetic.generate.calendar import Period, periods_ending
from synthetic.generate.population import AREA_CODE as POPULATION_AREA_CODE
from synthetic.generate.population import write_child_population
from synthetic.generate.truth import write_truth
from synthetic.generate.world import build_world

TRUTH_DIR = "_truth"
EARLIER_DIR = "_earlier"


def generate(out_dir: Path, period: str, quarters: int = 1, scale: float = 1.0, seed: int = 1) -> dict:
    """Write synthetic returns for `quarters` periods ending `period` under `out_dir`, plus `_truth/`.

    Returns a summary: the xlsx files written (paths relative to `out_dir`), data rows per table and
    injected errors per rule for the latest period, and the same counts for every period.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    periods = periods_ending(period, quarters)
    world = build_world(periods, scale, seed)
    files: list[str] = []
    per_period: dict[str, dict] = {}
    for p in periods:
        base = out_dir if p is periods[-1] else out_dir / EARLIER_DIR / p.name
        written, rows, errors = write_period(world, p, base, scale, seed)
        prefix = base.relative_to(out_dir)
        files += [str(prefix / f) if str(prefix) != "." else f for f in written]
        per_period[p.name] = {"rows": rows, "errors": errors}
    population = write_child_population(out_dir, scale, periods)
    latest = per_period[periods[-1].name]
    return {
        "out_dir": str(out_dir), "period": periods[-1].name, "quarters": quarters, "scale": scale, "seed": seed,
        "files": files, "rows": latest["rows"], "errors": latest["errors"],
        "errors_total": sum(latest["errors"].values()), "truth": TRUTH_DIR, "periods": per_period,
        "child_population": str(population), "area_code": POPULATION_AREA_CODE,
    }


def period_rng(seed: int, period: Period, name: str) -> np.random.Generator:
    """A generator per (seed, period, name): stable across runs and independent of call order."""
    return np.random.default_rng([seed, zlib.crc32(period.name.encode()), zlib.crc32(name.encode())])


def write_period(world, period: Period, base: Path, scale: float,
                 seed: int) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """One period's files and its truth under `base`; returns (files, rows per table, errors per rule)."""
    created = datetime.combine(period.end + timedelta(days=10), datetime.min.time()).replace(hour=9)
    writer = returns.PeriodWriter(world, period, base, scale, seed, created, period_rng)
    returns.write_all(writer)
    write_truth(base / TRUTH_DIR, writer.records, writer.errors, _persons(writer.records))
    rows = {table_id: len(frame) for table_id, frame in writer.records.items()}
    counts: dict[str, int] = {}
    for e in writer.errors:
        counts[e["rule_id"]] = counts.get(e["rule_id"], 0) + 1
    return writer.files, rows, dict(sorted(counts.items()))


# person-bearing tables and the id naming a person's record in each
PERSON_SOURCES = (("csc_child_identity", "child_id"), ("police_nominals", "police_person_id"),
                  ("health_safeguarding", "referral_id"), ("edu_suspensions", "upn"), ("edu_cme", "cme_id"),
                  ("vulnerability_tracker", "individual_id"))


def _persons(records: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """persons.csv: the true person of every person record (a record named twice, or by several rows, once)."""
    frames = []
    for source, id_column in PERSON_SOURCES:
        r = records[source]
        r = r[r[id_column] != ""]  # a UPN failing its check letter names no record the pipeline can hold
        frames.append(pd.DataFrame({"source": source, "record_id": r[id_column].to_numpy(),
                                    "person_id": r["person_id"].to_numpy()}))
    return pd.concat(frames, ignore_index=True).drop_duplicates(["source", "record_id"])
