"""`make bench`: time the pipeline on a generated borough quarter and compare readers on the same files.

Writes benchmarks/results/<date>.md and prints it. Generated landing folders are cached by scale and seed
under build/bench/.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import time
from pathlib import Path

import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks import linkage, validation  # noqa: E402
from transforms import warehouse  # noqa: E402
from transforms.generate import generate  # noqa: E402
from transforms.pipeline import run  # noqa: E402
from transforms.read import read_workbook  # noqa: E402

PERIOD = "2026-09"
SEED = 7


def landing_for(scale: float) -> Path:
    """A generated landing folder, reused when it already exists for this scale and seed."""
    folder = PROJECT / "build" / "bench" / f"scale{scale:g}-seed{SEED}"
    if not (folder / "_truth" / "errors.csv").exists():
        started = time.perf_counter()
        generate(folder, PERIOD, scale=scale, seed=SEED)
        print(f"generated scale {scale:g} in {time.perf_counter() - started:.1f}s")
    return folder


def compare_readers(landing: Path) -> list[dict]:
    """Seconds to read every landed workbook with python-calamine and with pandas + openpyxl."""
    rows = []
    for path in sorted(p for p in landing.glob("*/*.xlsx") if not p.parts[-2].startswith("_")):
        started = time.perf_counter()
        sheets = read_workbook(path)
        calamine = time.perf_counter() - started
        started = time.perf_counter()
        frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
        openpyxl = time.perf_counter() - started
        cells = sum(len(s.rows) for s in sheets)
        assert cells >= sum(len(f) for f in frames.values()) - len(frames)  # the same sheets were read
        rows.append({"file": str(path.relative_to(landing)), "rows": cells, "calamine_s": calamine,
                     "openpyxl_s": openpyxl})
    return rows


def main() -> int:
    """Run the measurements and write the results file."""
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    landing = landing_for(scale)
    out = PROJECT / "build" / "bench" / f"out-scale{scale:g}"
    url = f"sqlite:///{out / 'warehouse.sqlite'}"
    if out.exists():
        for path in sorted(out.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    started = time.perf_counter()
    summary = run(str(landing), PERIOD, str(out), url, progress=lambda line: None)
    total = time.perf_counter() - started
    warehouse.dispose_all()
    rows_read = summary.totals()["rows_read"]
    readers = compare_readers(landing)
    calamine = sum(r["calamine_s"] for r in readers)
    openpyxl = sum(r["openpyxl_s"] for r in readers)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    throughput = validation.measure(1_000_000)

    lines = [f"# Benchmark {dt.date.today().isoformat()} (scale {scale:g}, seed {SEED}, period {PERIOD})", "",
             f"Whole pipeline (`assure run` path, SQLite): {total:.1f} s for {rows_read} rows "
             f"({rows_read / total:,.0f} rows/s); peak memory of the process {peak_mb:,.0f} MB.", "",
             "| stage | seconds | items/s |", "|---|---:|---:|"]
    for stage, seconds in summary.seconds.items():
        items = rows_read if stage == "ingest" else summary.person_records if stage == "reconcile" else 0
        rate = f"{items / seconds:,.0f} rows/s" if items and seconds else ""
        lines.append(f"| {stage} | {seconds:.2f} | {rate} |")
    lines += ["", "Reading the landed workbooks (same files, same run):", "",
              "| file | rows | calamine s | pandas+openpyxl s | ratio |", "|---|---:|---:|---:|---:|"]
    for r in readers:
        lines.append(f"| {r['file']} | {r['rows']} | {r['calamine_s']:.2f} | {r['openpyxl_s']:.2f} | "
                     f"{r['openpyxl_s'] / r['calamine_s']:.1f}x |")
    lines.append(f"| all | {sum(r['rows'] for r in readers)} | {calamine:.2f} | {openpyxl:.2f} | "
                 f"{openpyxl / calamine:.1f}x |")
    lines += ["", f"Validation of 1,000,000 rows of the widest return ({throughput['table']}, "
              f"{throughput['columns']} columns, day-first text dates and labels): "
              f"mapping {throughput['map_s']:.1f} s, rules {throughput['validate_s']:.1f} s, "
              f"{throughput['rows_per_s']:,.0f} rows/s."]
    lines += ["", *linkage.report([linkage.measure(n) for n in linkage.SIZES], linkage.generated_borough(landing))]
    report = "\n".join(lines) + "\n"
    results = PROJECT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{dt.date.today().isoformat()}.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
