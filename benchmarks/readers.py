"""Reading the landed workbooks: python-calamine (what the pipeline uses) against pandas + openpyxl, same files."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from transforms.ingest.read import read_workbook


def landed_workbooks(landing: Path) -> list[Path]:
    """The agencies' xlsx files of a landing folder (not the generator's `_truth`)."""
    return sorted(p for p in landing.glob("*/*.xlsx") if not p.parts[-2].startswith("_"))


def compare(landing: Path) -> list[dict]:
    """Seconds to read every sheet of every landed workbook with each reader; rows each reader returned."""
    rows = []
    for path in landed_workbooks(landing):
        started = time.perf_counter()
        sheets = read_workbook(path)
        calamine = time.perf_counter() - started
        started = time.perf_counter()
        frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
        openpyxl = time.perf_counter() - started
        read_rows = sum(len(s.rows) for s in sheets)
        # the same sheets and rows were read (openpyxl leaves out trailing empty rows that calamine keeps)
        assert {s.name for s in sheets} == set(frames) and read_rows >= sum(len(f) for f in frames.values())
        rows.append({"file": str(path.relative_to(landing)), "rows": read_rows, "calamine_s": calamine,
                     "openpyxl_s": openpyxl})
    return rows


def openpyxl_seconds(landing: Path) -> float:
    """Seconds pandas + openpyxl take to read every sheet of every landed workbook (the scale 1 target's yardstick,
    measured again right before each pipeline run so both see the machine in the same state)."""
    started = time.perf_counter()
    for path in landed_workbooks(landing):
        pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    return time.perf_counter() - started


def totals(rows: list[dict]) -> dict:
    """Rows, seconds of each reader and the ratio over all files."""
    calamine = sum(r["calamine_s"] for r in rows)
    openpyxl = sum(r["openpyxl_s"] for r in rows)
    return {"rows": sum(r["rows"] for r in rows), "calamine_s": calamine, "openpyxl_s": openpyxl,
            "ratio": openpyxl / calamine if calamine else float("nan")}
