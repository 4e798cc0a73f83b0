"""The `assure run` command on a generated landing folder, as an analyst runs it: wall time from process start to
exit, peak memory of all its processes, and the time of every stage and ingestion step.

Each run is a fresh `python -m benchmarks.assure_run run --landing ... --period ... --out ...` (the `assure`
console script's own entry point, which also writes the stopwatch's figures at exit, see `assure_run.py`), so
its time includes interpreter start-up, imports and exit, and its memory is its own, never a leftover of a smaller
run. Memory is the proportional set size (PSS) summed over the process and every process it started (the forked
ingestion workers), sampled from this process every 50 ms: PSS counts a page shared by the forked workers once
in all, where summing resident sets would count it once per process.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil

import transforms
from synthetic.generate.population import AREA_CODE as POPULATION_AREA_CODE
from synthetic.generate.population import REFERENCE_DIR, REFERENCE_FILE_NAME
from transforms.pipeline import OVERLAPPED

PROJECT = Path(__file__).resolve().parents[1]
BENCH = PROJECT / "build" / "bench"
PERIOD = "2026-09"
SEED = 7
SAMPLE_EVERY_S = 0.05
STAGES = tuple(stage.name for stage in transforms.STAGES)


def landing_for(scale: float) -> Path:
    """A generated landing folder, reused when it already exists for this scale and seed."""
    from synthetic.generate import generate

    folder = BENCH / f"scale{scale:g}-seed{SEED}"
    if not (folder / "_truth" / "errors.csv").exists() or not (folder / REFERENCE_DIR / REFERENCE_FILE_NAME).exists():
        started = time.perf_counter()
        generate(folder, PERIOD, scale=scale, seed=SEED)
        print(f"generated scale {scale:g} in {time.perf_counter() - started:.1f}s", flush=True)
    return folder


class TreeMemory:
    """The highest PSS summed over a process and its descendants, sampled in a thread until `stop()`."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_mb = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return  # the run has exited
            for process in processes:
                try:
                    total += process.memory_full_info().pss
                except psutil.Error:
                    continue  # a worker that exited between listing and reading
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self.samples += 1
            self._stop.wait(SAMPLE_EVERY_S)

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def measure(scale: float, processes: int | None = None, sample_memory: bool = True) -> dict:
    """Run `assure run` once on the scale's landing folder in a fresh process (with `processes` ingestion
    processes, or the default) and measure it; its peak memory only with `sample_memory` (else None).

    Sampling costs the run itself: summing the tree's PSS walks every process's pages, about 20 ms of a core every
    50 ms on this 2-core machine, and a borough's run took 5.0-5.25 s sampled against 4.6-4.75 s not (four
    alternating pairs). So runs are timed unsampled, and the peak comes from runs of their own."""
    landing = landing_for(scale)  # generated here, so generation is never part of the measured run
    out = BENCH / f"out-scale{scale:g}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    steps_file = BENCH / f"steps-scale{scale:g}.json"
    steps_file.unlink(missing_ok=True)
    # rates over the generated population of this scale: a region's rates at scale 14, not 14 times a borough's
    env = {**os.environ, "ASSURE_CHILD_POPULATION": str(landing / REFERENCE_DIR / REFERENCE_FILE_NAME),
           "ASSURE_AREA_CODE": POPULATION_AREA_CODE, "ASSURE_BENCH_STEPS": str(steps_file)}
    if processes:
        env["ASSURE_INGEST_PROCESSES"] = str(processes)
    command = [sys.executable, "-m", "benchmarks.assure_run", "run", "--landing", str(landing), "--period", PERIOD,
               "--out", str(out), "--warehouse", f"sqlite:///{out / 'warehouse.sqlite'}"]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    memory = TreeMemory(child.pid) if sample_memory else None
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    peak_mb = memory.stop() if memory else None
    if child.returncode != 0:
        raise RuntimeError(f"assure run failed at scale {scale:g} (exit {child.returncode}):\n{stderr[-4000:]}")
    steps = json.loads(steps_file.read_text())
    published = out / "published" / f"partnership_dataset_{PERIOD}.csv"
    # a stage run beside another (the checks across returns, beside reconciliation) adds no wall time of its own
    staged = sum(steps[stage]["seconds"] for stage in STAGES if stage in steps and stage not in OVERLAPPED)
    return {"scale": scale, "seconds": seconds, "processes": processes or "default",
            "start_and_exit_s": seconds - staged, "rows_read": steps["ingest"]["items"],
            "person_records": steps["reconcile"]["items"], "indicator_values": steps["indicators"]["items"],
            "rates_per_10000": _rates_per_10000(out / "warehouse.sqlite"), "peak_mb": peak_mb,
            "memory_samples": memory.samples if memory else 0,
            "csv_sha256": hashlib.sha256(published.read_bytes()).hexdigest(),
            "steps": steps}


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


def measure_median(scale: float, repeats: int, read_before: Callable[[], float] | None = None) -> dict:
    """The scale run `repeats` times with the default ingestion processes and timed (`runs_seconds`), once more with
    the default processes for its peak memory (`peak_mb`, the tree's PSS sampled; its time, slowed by the sampling,
    is `sampled_seconds`), then once with one process (files one after another, as before parallel ingestion; its
    time and peak under `one_process_seconds` and `one_process_peak_mb`), each in a fresh process. The median time
    of each stage and step of the timed runs (a short run on a shared machine is noisy, and one slow or fast run
    should not decide a growth figure), and whether every run published byte-identical CSV (`csv_identical`).

    `read_before`, when given, is measured right before each timed run (`readings_seconds`, in run order): a
    yardstick read in the same minute as the run it is compared with, as this shared machine's speed drifts."""
    runs, readings = [], []
    for _ in range(repeats):
        if read_before is not None:
            readings.append(read_before())
        runs.append(measure(scale, sample_memory=False))
    sampled = measure(scale)
    one_process = measure(scale, processes=1)
    median = dict(runs[0])
    median["seconds"] = statistics.median(r["seconds"] for r in runs)
    median["start_and_exit_s"] = statistics.median(r["start_and_exit_s"] for r in runs)
    median["runs_seconds"] = [r["seconds"] for r in runs]
    median["readings_seconds"] = readings
    median["peak_mb"] = sampled["peak_mb"]
    median["sampled_seconds"] = sampled["seconds"]
    median["one_process_seconds"] = one_process["seconds"]
    median["one_process_peak_mb"] = one_process["peak_mb"]
    median["csv_identical"] = len({r["csv_sha256"] for r in [*runs, sampled, one_process]}) == 1
    median["steps"] = {}
    for name, step in runs[0]["steps"].items():
        taken = [r["steps"][name] for r in runs if name in r["steps"]]
        step_peaks = [t["peak_mb"] for t in taken if t["peak_mb"]]
        median["steps"][name] = {**step, "seconds": statistics.median(t["seconds"] for t in taken),
                                 "peak_mb": max(step_peaks) if step_peaks else None}
    return median
