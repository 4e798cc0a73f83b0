"""Person reconciliation at 200,000 and 1,000,000 records: accuracy, review queue, time and peak memory.

Records come from `synthetic.linkage.person_records` (households, twins, typos, nicknames, moves, surname changes, NHS
numbers at each agency's rate), written once to parquet under build/bench/linkage/. Each size is reconciled by
`assure link`'s code (`link_file`) in its own process, so the time is the wall time of a fresh process (start-up,
reading, writing included) and the memory is that process's peak resident set (VmHWM), nothing of the benchmark's.
Precision and recall are pairwise, of the automatic links, against the true person of every record.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
FOLDER = PROJECT / "build" / "bench" / "linkage"
SEED = 5
SIZES = (200_000, 1_000_000)


def people_file(n: int) -> Path:
    """The labelled person file of n records (written once, then reused)."""
    from synthetic.linkage.person_records import person_records

    path = FOLDER / f"people-{n}-seed{SEED}.parquet"
    if not path.exists():
        FOLDER.mkdir(parents=True, exist_ok=True)
        person_records(n, SEED).to_parquet(path, index=False)
    return path


def child(source: str, out: str, review: str) -> None:
    """In the child process: what `assure link --in source --out out --review review` does; then its peak memory."""
    from transforms.operations import stopwatch
    from transforms.people.link import link_file

    summary = link_file(source, out, review)
    used = resource.getrusage(resource.RUSAGE_SELF)  # every thread's, DuckDB's included
    print(json.dumps({"link_seconds": summary["seconds"], "cpu_seconds": used.ru_utime + used.ru_stime,
                      "peak_mb": stopwatch.high_water_mb()}))


def measure(n: int) -> dict:
    """Reconcile n records in a child process; accuracy against the truth, time, peak memory."""
    from synthetic.linkage import accuracy

    source = people_file(n)
    out, review = FOLDER / f"keys-{n}.parquet", FOLDER / f"review-{n}.parquet"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "benchmarks.linkage", "child", str(source), str(out), str(review)],
                          cwd=PROJECT, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    truth = pd.read_parquet(source, columns=["source", "record_id", "person_id", "first_name"])
    keys = pd.read_parquet(out, columns=["source", "record_id", "person_key"])
    linked = truth.merge(keys, on=["source", "record_id"])
    scores = accuracy.pairwise(linked["person_key"], linked["person_id"])
    named = accuracy.named(linked["first_name"])
    queue = pd.read_parquet(review, columns=["source_l", "record_id_l", "source_r", "record_id_r"])
    place = pd.Series(range(len(linked)), index=pd.MultiIndex.from_frame(linked[["source", "record_id"]]))
    left = place.reindex(pd.MultiIndex.from_arrays([queue["source_l"], queue["record_id_l"]])).to_numpy()
    right = place.reindex(pd.MultiIndex.from_arrays([queue["source_r"], queue["record_id_r"]])).to_numpy()
    accepted = accuracy.review_accepted(linked["person_key"], list(zip(left.tolist(), right.tolist(), strict=True)))
    recall_named = accuracy.pairwise(linked.loc[named, "person_key"], linked.loc[named, "person_id"])["recall"]
    return {"records": n, "seconds": seconds, **measured, "review": len(queue), **scores, "recall_named": recall_named,
            "recall_if_accepted": accuracy.pairwise(pd.Series(accepted), linked["person_id"])["recall"]}


def generated_borough(landing: Path) -> dict:
    """Accuracy on the person records of an `assure generate` landing folder (the pipeline's own generator)."""
    from synthetic.linkage import train

    return train.check(train.landing_records(landing))


def report(rows: list[dict], borough: dict | None = None) -> list[str]:
    """Markdown lines for the results file."""
    lines = ["Person reconciliation (`assure link` in a fresh process on generated person records with households, "
             "twins, typos, nicknames, moves, surname changes; 2 threads, DuckDB memory limit 512MB):", "",
             "| records | precision | recall | recall, named records | recall were the queue accepted | review queue | "
             "seconds (process) | seconds (linking) | CPU seconds | peak memory MB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['records']:,} | {r['precision']:.4f} | {r['recall']:.4f} | {r['recall_named']:.4f} | "
                     f"{r['recall_if_accepted']:.4f} | {r['review']:,} | "
                     f"{r['seconds']:.1f} | {r['link_seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['peak_mb']:,.0f} |")
    lines += ["", "CPU seconds: the child process's user and system time over all its threads (DuckDB's two included); "
                  "on a machine others are using, wall time grows with their load, CPU time much less."]
    lines += ["", "Named records: both records of a pair have a first name of two letters or more (a blank first name "
                  "or an initial sends a pair to a reviewer, DESIGN.md section 5)."]
    if borough:
        lines += ["", f"On the {borough['records']:,} person records of the generated borough (`assure generate`): "
                      f"precision {borough['precision']:.4f}, recall {borough['recall']:.4f}, "
                      f"review queue {borough['review']:,}."]
    return lines


def main(argv: list[str]) -> int:
    """`python -m benchmarks.linkage`: print the measurements (`child IN OUT REVIEW`: one measured run)."""
    if argv[:1] == ["child"]:
        child(*argv[1:4])
    else:
        print("\n".join(report([measure(n) for n in SIZES])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
