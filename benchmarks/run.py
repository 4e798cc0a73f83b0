"""`make bench`: the targets of DESIGN.md section 10, measured on this machine, written to benchmarks/results/.

1. The `assure run` command at `--scale 1`, `4` and `14`, each run a fresh process timed from its start to its
   exit, its peak memory summed over all its processes; rows per second and peak memory per stage and per step of
   ingestion; how each stage's cost grows with the rows; a run with one ingestion process beside, and whether
   every run published byte-identical CSV.
2. Reading the landed workbooks of scale 1 and scale 14 with python-calamine and with pandas + openpyxl.
3. Validation throughput on 1,000,000 rows of the widest return.
4. Person reconciliation at 200,000 and 1,000,000 records (accuracy, review queue, time, memory).

Generated landing folders are cached by scale and seed under build/bench/. `python benchmarks/run.py 1` measures
one scale only (no growth, no linkage), for a quick look.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks import linkage, linkage_independent, pipeline, readers, validation  # noqa: E402

SCALES = (1.0, 4.0, 14.0)
REPEATS = int(os.environ.get("ASSURE_BENCH_REPEATS", "3"))  # pipeline runs per scale; stage times are medians
STAGES = pipeline.STAGES
# DESIGN.md section 10: a borough quarter in at most 0.8x the time pandas + openpyxl take to read its files; a
# region in at most 40 s and 1.5 GB
TARGET_SCALE1_RATIO, TARGET_SCALE14_S, TARGET_SCALE14_MB, TARGET_READ_RATIO = 0.8, 40, 1536, 5.0
TARGET_LINK_S, TARGET_LINK_MB, TARGET_PRECISION, TARGET_RECALL = 30, 2048, 0.99, 0.95  # issue 18: 30 s


def _mb(value: float | None) -> str:
    return f"{value:,.0f}" if value else "n/a"


def _seconds(each: list[float]) -> str:
    return "/".join(f"{x:.1f}" for x in each)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**NOT MET**"


def stage_table(run: dict) -> list[str]:
    """Markdown table of one scale's stages and ingestion steps."""
    each = ", ".join(f"{s:.1f}" for s in run.get("runs_seconds", [run["seconds"]]))
    lines = [f"### Scale {run['scale']:g}: {run['rows_read']:,} rows read, {run['person_records']:,} person records, "
             f"{run['seconds']:.1f} s, peak {_mb(run['peak_mb'])} MB", "",
             f"Runs: {each} s from process start to exit, of which start-up, imports and exit (outside every stage) "
             f"{run['start_and_exit_s']:.1f} s; timed without the memory sampler, whose page walks slow a run. Peak "
             f"memory (PSS of the run's processes, summed) from one more run, sampled: "
             f"{run.get('sampled_seconds', float('nan')):.1f} s. With one ingestion process (sampled): "
             f"{run['one_process_seconds']:.1f} s, "
             f"peak {_mb(run['one_process_peak_mb'])} MB. Published CSV byte-identical in every run: "
             f"{'yes' if run['csv_identical'] else '**NO**'}. Stage times below are the median of the runs (wall "
             "time); a step inside ingestion is its time summed over the ingestion processes; peak memory the "
             "highest, of the process doing the step.", "",
             "| stage / step | seconds | items | items/s | peak memory MB |", "|---|---:|---:|---:|---:|"]
    steps = run["steps"]
    for stage in STAGES:
        names = [stage] + [n for n in steps if n.startswith(stage + "/")]
        for name in names:
            s = steps.get(name)
            if not s:
                continue
            label = f"&nbsp;&nbsp;{name.split('/', 1)[1]}" if "/" in name else f"**{name}**"
            rate = f"{s['items'] / s['seconds']:,.0f}" if s["items"] and s["seconds"] else ""
            lines.append(f"| {label} | {s['seconds']:.2f} | {s['items']:,} | {rate} | {_mb(s['peak_mb'])} |")
    return lines


def growth_table(runs: list[dict]) -> tuple[list[str], dict]:
    """Markdown table of each stage's time at each scale against the rows, and the growth exponent 1 -> 14.

    Exponent k in time ~ rows^k between the smallest and largest scale: 1 is linear, below 1 better than linear.
    """
    first, last = runs[0], runs[-1]
    row_ratio = last["rows_read"] / first["rows_read"]
    header = " | ".join(f"scale {r['scale']:g} s" for r in runs)
    lines = ["Rows read: " + " -> ".join(f"{r['rows_read']:,}" for r in runs)
             + f" ({row_ratio:.1f}x from scale {first['scale']:g} to {last['scale']:g}).", "",
             f"| stage | {header} | time ratio {first['scale']:g} -> {last['scale']:g} | exponent | growth |",
             "|---|" + "---:|" * (len(runs) + 3)]
    exponents = {}
    for stage in ("whole pipeline", *STAGES):
        times = [r["seconds"] if stage == "whole pipeline" else r["steps"][stage]["seconds"] for r in runs]
        ratio = times[-1] / times[0]
        exponent = math.log(ratio) / math.log(row_ratio)
        exponents[stage] = exponent
        growth = "linear or better" if exponent <= 1.0 else "faster than linear"
        if stage == "reconcile":
            growth += " (reported, not bound)"
        lines.append(f"| {stage} | " + " | ".join(f"{t:.1f}" for t in times)
                     + f" | {ratio:.1f}x | {exponent:.2f} | {growth} |")
    return lines, exponents


def main(argv: list[str]) -> int:
    """Run the measurements, write benchmarks/results/<date>.md and print it."""
    scales = tuple(float(a) for a in argv) or SCALES
    started = time.perf_counter()
    runs = []
    for scale in scales:
        print(f"pipeline at scale {scale:g} ...", flush=True)
        # the scale 1 target's yardstick is read right before each run, so each run meets it in the same minute
        landing = pipeline.landing_for(scale)
        yardstick = functools.partial(readers.openpyxl_seconds, landing) if scale == 1.0 else None
        runs.append(pipeline.measure_median(scale, REPEATS, read_before=yardstick))
    reading = {}
    for scale in sorted({scales[0], scales[-1]}):
        print(f"readers on the scale {scale:g} files ...", flush=True)
        reading[scale] = readers.compare(pipeline.landing_for(scale))
    print("validation of 1,000,000 rows ...", flush=True)
    throughput = validation.measure(1_000_000)
    linked = []
    if len(scales) > 1:
        for n in linkage.SIZES:
            print(f"reconciliation of {n:,} records ...", flush=True)
            linked.append(linkage.measure(n))
    borough = linkage.generated_borough(pipeline.landing_for(scales[0]))
    unseen = []
    if len(scales) > 1:  # people it never saw, beside a plain Splink model on the same records (issue 18)
        print("reconciliation of unseen people (independent generator, FEBRL 3 and 4) ...", flush=True)
        files = [("independent 200,000", linkage_independent.independent_file(200_000)),
                 ("FEBRL 3", linkage_independent.febrl_file(3)), ("FEBRL 4", linkage_independent.febrl_file(4))]
        unseen = [linkage_independent.measure(name, path, engine) for name, path in files
                  for engine in linkage_independent.ENGINES]

    by_scale = {r["scale"]: r for r in runs}
    lines = [f"# Benchmark {dt.date.today().isoformat()}", "",
             f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}; period "
             f"{pipeline.PERIOD}, generator seed {pipeline.SEED}; SQLite warehouse; `make bench` took "
             "{elapsed}.", "", "## Targets (DESIGN.md section 10)", "",
             "| target | measured | verdict |", "|---|---|---|"]
    # a time target is judged on the slowest run, memory on the highest peak
    if 1.0 in by_scale and 1.0 in reading:
        r, read_s = by_scale[1.0], readers.totals(reading[1.0])["openpyxl_s"]
        # each run against the reading made just before it; judged on the worst pair (as time is on the slowest run)
        pairs = [run / read for run, read in zip(r["runs_seconds"], r["readings_seconds"], strict=True)]
        lines.append(f"| scale 1: `assure run`, process start to exit, in at most {TARGET_SCALE1_RATIO:g}x the time "
                     f"pandas + openpyxl take to read the same files | runs {_seconds(r['runs_seconds'])} s, each "
                     f"after reading them with pandas + openpyxl ({_seconds(r['readings_seconds'])} s): worst pair "
                     f"{max(pairs):.2f}x, median {statistics.median(pairs):.2f}x (the slowest run against the one "
                     f"reading after all runs: {max(r['runs_seconds']) / read_s:.2f}x) | "
                     f"{_verdict(max(pairs) <= TARGET_SCALE1_RATIO)} |")
    if 14.0 in by_scale:
        r = by_scale[14.0]
        slowest = max(r["runs_seconds"])
        lines.append(f"| scale 14: at most {TARGET_SCALE14_S} s and {TARGET_SCALE14_MB:,} MB peak (PSS of all its "
                     f"processes) | slowest run {slowest:.1f} s, {_mb(r['peak_mb'])} MB | "
                     f"{_verdict(slowest <= TARGET_SCALE14_S and r['peak_mb'] <= TARGET_SCALE14_MB)} |")
    identical = [r for r in runs if r["csv_identical"]]
    lines.append(f"| the same published CSV, byte for byte, whether files are ingested side by side or one after "
                 f"another | identical at {len(identical)} of {len(runs)} scales | "
                 f"{_verdict(len(identical) == len(runs))} |")
    for scale, rows in reading.items():
        t = readers.totals(rows)
        lines.append(f"| reading at least {TARGET_READ_RATIO:g}x faster than pandas + openpyxl (scale {scale:g} files) "
                     f"| {t['ratio']:.1f}x | {_verdict(t['ratio'] >= TARGET_READ_RATIO)} |")
    for r in linked:
        if r["records"] == 1_000_000:
            lines.append(f"| reconciliation: 1M records in at most {TARGET_LINK_S} s, under {TARGET_LINK_MB:,} MB | "
                         f"{r['seconds']:.1f} s, {r['peak_mb']:,.0f} MB | "
                         f"{_verdict(r['seconds'] <= TARGET_LINK_S and r['peak_mb'] <= TARGET_LINK_MB)} |")
        lines.append(f"| reconciliation at {r['records']:,}: precision at least {TARGET_PRECISION}, recall of named "
                     f"records at least {TARGET_RECALL} | {r['precision']:.4f}, {r['recall_named']:.4f} "
                     f"(all records {r['recall']:.4f}) | "
                     f"{_verdict(r['precision'] >= TARGET_PRECISION and r['recall_named'] >= TARGET_RECALL)} |")
    lines += linkage_independent.targets(unseen)
    growth_lines, exponents = growth_table(runs) if len(runs) > 1 else ([], {})
    if exponents:
        bound = [s for s in ("ingest", "crosscheck", "indicators", "publish") if exponents[s] > 1.0]
        lines.append(f"| cost grows no worse than linearly, scale {runs[0]['scale']:g} -> {runs[-1]['scale']:g}, every "
                     "stage but reconciliation (median times) | exponents "
                     + ", ".join(f"{s} {exponents[s]:.2f}" for s in STAGES)
                     + f" | {_verdict(not bound)}{' (' + ', '.join(bound) + ')' if bound else ''} |")

    rated = [r for r in runs if r.get("rates_per_10000")]
    if len(rated) > 1:
        ratios = [rated[-1]["rates_per_10000"][i][0] / rated[0]["rates_per_10000"][i][0]
                  for i in rated[0]["rates_per_10000"] if rated[0]["rates_per_10000"][i][0]]
        lines.append(f"| rates per 10,000 children at scale {rated[-1]['scale']:g} are the borough's rates, not "
                     f"{rated[-1]['scale'] / rated[0]['scale']:g} times them (generated population) | "
                     + "; ".join(f"{i} " + ", ".join(f"{r['rates_per_10000'][i][0]:.1f} (of "
                                                     f"{r['rates_per_10000'][i][2]:,.0f})" for r in rated)
                                 for i in rated[0]["rates_per_10000"])
                     + f" | {_verdict(all(0.75 <= x <= 1.33 for x in ratios))} |")

    lines += ["", "## The pipeline at each scale", "",
              f"Each scale runs {REPEATS} times with the default ingestion processes (one per core, up to 4), then "
              "once with one, each `assure run` in a fresh process (`python -m benchmarks.assure_run`, the console "
              "script's entry point). Its time runs from process start to exit. Its peak memory is the proportional "
              "set size summed over the command and its ingestion workers, sampled every 50 ms. Items are rows read "
              "(ingestion and its steps), Annex A rows checked (crosscheck), person records (reconcile), indicator "
              "values (indicators). A step's peak memory is that process's peak resident set during the step (Linux "
              "VmHWM, reset as each starts).", ""]
    for r in runs:
        lines += [*stage_table(r), ""]
    if growth_lines:
        lines += ["## How cost grows with rows", "", *growth_lines, ""]
    lines += ["## Reading the landed workbooks", "",
              "python-calamine as the pipeline reads (screening, formula scan and all) against "
              "`pandas.read_excel(engine='openpyxl')` on the same files in the same run.", ""]
    for scale, rows in reading.items():
        lines += [f"Scale {scale:g}:", "", "| file | rows | calamine s | pandas + openpyxl s | ratio |",
                  "|---|---:|---:|---:|---:|"]
        lines += [f"| {r['file']} | {r['rows']:,} | {r['calamine_s']:.2f} | {r['openpyxl_s']:.2f} | "
                  f"{r['openpyxl_s'] / r['calamine_s']:.1f}x |" for r in rows]
        t = readers.totals(rows)
        lines += [f"| all | {t['rows']:,} | {t['calamine_s']:.2f} | {t['openpyxl_s']:.2f} | {t['ratio']:.1f}x |", ""]
    lines += ["## Validation throughput", "",
              f"1,000,000 rows of the widest return ({throughput['table']}, {throughput['columns']} columns, day-first "
              f"text dates and labels), no file reading: mapping {throughput['map_s']:.1f} s, rules "
              f"{throughput['validate_s']:.1f} s, {throughput['rows_per_s']:,.0f} rows/s.", ""]
    lines += ["## Person reconciliation", "", *linkage.report(linked, borough), ""]
    if unseen:
        lines += ["### People it never saw, beside a plain Splink model", "",
                  "`benchmarks/linkage_independent.py`: each engine in a fresh process on the same records; pairwise "
                  "accuracy of the automatic links.", "", *linkage_independent.report(unseen), ""]
    elapsed = time.perf_counter() - started
    report = "\n".join(lines).replace("{elapsed}", f"{elapsed / 60:.1f} minutes")
    results = PROJECT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{dt.date.today().isoformat()}.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
