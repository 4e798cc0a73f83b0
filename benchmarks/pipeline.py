"""The whole pipeline on a generated landing folder, in a fresh process: wall time, rate and peak memory per stage.

The child process runs what `assure run` runs (`transforms.pipeline.run`, SQLite warehouse), with
`transforms.operations.stopwatch` measuring every stage and the steps of ingestion (register, read, map, validate,
feedback, load) and the peak resident memory of each. A fresh process per scale means a scale's memory figure
is its own, never a leftover of a smaller run, and the time includes no warm cache of an earlier run.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from synthetic.generate.population import AREA_CODE as POPULATION_AREA_CODE
from synthetic.generate.population import REFERENCE_DIR, REFERENCE_FILE_NAME

PROJECT = Path(__file__).resolve().parents[1]
BENCH = PROJECT / "build" / "bench"
PERIOD = "2026-09"
SEED = 7
MARKER = "BENCH-RESULT "


def landing_for(scale: float) -> Path:
    """A generated landing folder, reused when it already exists for this scale and seed."""
    from synthetic.generate import generate

    folder = BENCH / f"scale{scale:g}-seed{SEED}"
    if not (folder / "_truth" / "errors.csv").exists() or not (folder / REFERENCE_DIR / REFERENCE_FILE_NAME).exists():
        started = time.perf_counter()
        generate(folder, PERIOD, scale=scale, seed=SEED)
        print(f"generated scale {scale:g} in {time.perf_counter() - started:.1f}s", flush=True)
    return folder


def child(scale: float) -> dict:
    """In the child process: run the pipeline once on the scale's landing folder and measure it."""
    from transforms import warehouse
    from transforms.operations import stopwatch
    from transforms.pipeline import run

    landing = landing_for(scale)
    # rates over the generated population of this scale: a region's rates at scale 14, not 14 times a borough's
    os.environ["ASSURE_CHILD_POPULATION"] = str(landing / REFERENCE_DIR / REFERENCE_FILE_NAME)
    os.environ["ASSURE_AREA_CODE"] = POPULATION_AREA_CODE
    out = BENCH / f"out-scale{scale:g}"
    shutil.rmtree(out, ignore_errors=True)
    before_mb = stopwatch.high_water_mb()  # interpreter and imports, before the run
    stopwatch.reset()
    memory = stopwatch.track_memory()
    started = time.perf_counter()
    summary = run(str(landing), PERIOD, str(out), f"sqlite:///{out / 'warehouse.sqlite'}", progress=lambda _: None)
    seconds = time.perf_counter() - started
    rates = _rates_per_10000(out / "warehouse.sqlite")
    warehouse.dispose_all()
    steps = {name: vars(step) for name, step in stopwatch.measurements().items()}
    stage_peaks = [s["peak_mb"] for name, s in steps.items() if "/" not in name and s["peak_mb"]]
    return {"scale": scale, "seconds": seconds, **summary.totals(), "person_records": summary.person_records,
            "people": summary.people, "indicator_values": summary.indicator_values, "rates_per_10000": rates,
            "peak_mb": max([before_mb, *stage_peaks]) if memory else stopwatch.high_water_mb(),
            "memory_per_step": memory, "steps": steps}


def _rates_per_10000(database: Path) -> dict[str, list[float]]:
    """The period's rates per 10,000 children (value, numerator, denominator): at every scale they should be the
    same borough's rates, the denominator following the generated population."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            found = conn.execute(sa.text(
                "SELECT indicator_id, value, numerator, denominator FROM fct_indicator_value WHERE period = :p AND "
                "((indicator_id = 'CSC-01' AND breakdown = '') OR (indicator_id = 'CSC-07' AND breakdown = "
                "'per_10000'))"), {"p": PERIOD}).all()
    finally:
        engine.dispose()
    return {row[0]: [row[1], row[2], row[3]] for row in found}


def measure(scale: float) -> dict:
    """Run the pipeline on the scale in a child process; what it measured."""
    landing_for(scale)  # generated here, so generation is never part of the measured run
    done = subprocess.run([sys.executable, "-m", "benchmarks.pipeline", str(scale)], cwd=PROJECT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the pipeline failed at scale {scale:g}:\n{done.stderr[-4000:]}")
    line = next(line for line in reversed(done.stdout.splitlines()) if line.startswith(MARKER))
    return json.loads(line[len(MARKER):])


def measure_median(scale: float, repeats: int) -> dict:
    """The scale run `repeats` times, each in a fresh process: the median time of each stage and step (a short
    run on a shared machine is noisy, and one slow or fast run should not decide a growth figure), the highest
    peak memory of any run, and every run's total time under `runs_seconds`."""
    runs = [measure(scale) for _ in range(repeats)]
    median = dict(runs[0])
    median["seconds"] = statistics.median(r["seconds"] for r in runs)
    median["runs_seconds"] = [r["seconds"] for r in runs]
    peaks = [r["peak_mb"] for r in runs if r["peak_mb"]]
    median["peak_mb"] = max(peaks) if peaks else None
    median["steps"] = {}
    for name, step in runs[0]["steps"].items():
        taken = [r["steps"][name] for r in runs if name in r["steps"]]
        step_peaks = [t["peak_mb"] for t in taken if t["peak_mb"]]
        median["steps"][name] = {**step, "seconds": statistics.median(t["seconds"] for t in taken),
                                 "peak_mb": max(step_peaks) if step_peaks else None}
    return median


if __name__ == "__main__":
    print(MARKER + json.dumps(child(float(sys.argv[1]))))
