"""Files ingested side by side (`ASSURE_INGEST_PROCESSES`, `transforms.operations.workers`): the same warehouse and
published CSV as one file after another, quarter after quarter in one warehouse; a worker that dies stops the run
with a message, never a traceback, and the next run completes; the chains themselves keep order and stop on the
first exception.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from synthetic.generate import generate
from tests.operations.test_faults import small_landing
from transforms import warehouse
from transforms.operations import stopwatch
from transforms.operations.workers import beside, in_chain_order, run_chains, submission_order
from transforms.pipeline import agency_chains, run

PROJECT = Path(__file__).resolve().parents[2]
PERIOD, EARLIER = "2026-09", "2026-06"
# Columns that differ between any two runs by design: times, run ids, and paths under each run's own output folder.
VOLATILE = {"received_at", "archive_path", "run_id", "finished_at", "computed_at", "decided_at", "released_at",
            "created_at", "updated_at", "recorded_at", "at"}


def everything(url: str) -> dict[str, list[tuple]]:
    """Every row of every warehouse table, volatile columns left out, sorted."""
    out = {}
    with warehouse.engine(url).connect() as conn:
        for name, table in warehouse.METADATA.tables.items():
            columns = [c for c in table.columns if c.name not in VOLATILE and not c.name.endswith("_at")]
            out[name] = sorted(map(tuple, conn.execute(sa.select(*columns)).all()), key=repr)
    return out


def test_side_by_side_gives_the_warehouse_and_csv_of_one_after_another(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    generate(landing, PERIOD, quarters=2, scale=0.05, seed=3)
    outputs = {}
    for processes in (1, 2):
        monkeypatch.setenv("ASSURE_INGEST_PROCESSES", str(processes))
        out = tmp_path / f"out{processes}"
        url = f"sqlite:///{out / 'warehouse.sqlite'}"
        lines: list[str] = []
        run(str(landing / "_earlier" / EARLIER), EARLIER, str(out), url, progress=lines.append)
        summary = run(str(landing), PERIOD, str(out), url, progress=lines.append)
        outputs[processes] = {"warehouse": everything(url), "summary": summary.submissions,
                              "csv": {p: (out / "published" / f"partnership_dataset_{p}.csv").read_bytes()
                                      for p in (EARLIER, PERIOD)}}
        assert sum("rows read" in line for line in lines) == 2 * len(summary.submissions) or processes == 1
        warehouse.dispose_all()
    one, two = outputs[1], outputs[2]
    assert len(one["summary"]) >= 10 and len(agency_chains([{"agency": s["agency"]} for s in one["summary"]])) >= 5
    assert [(s["agency"], s["file"], s["status"], s["rows_read"], s["rows_rejected"]) for s in one["summary"]] == \
        [(s["agency"], s["file"], s["status"], s["rows_read"], s["rows_rejected"]) for s in two["summary"]]
    for table in one["warehouse"]:
        assert one["warehouse"][table] == two["warehouse"][table], table
    assert one["warehouse"]["stg_csc_referral"] and one["warehouse"]["core_person_link"], "rows were compared"
    assert one["csv"] == two["csv"]


CRASHING_RUN = """
import os, signal, sys
from transforms import cli, pipeline

real = pipeline.validate_submission

def crash(submission, *arguments, **options):
    if submission.agency == "health":  # a reader crashing in native code takes its process with it
        os.kill(os.getpid(), signal.SIGKILL)
    return real(submission, *arguments, **options)

pipeline.validate_submission = crash
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_worker_that_dies_stops_the_run_with_a_message_and_the_next_run_completes(tmp_path):
    landing = small_landing(tmp_path / "landing")
    out = tmp_path / "out"
    arguments = ["run", "--landing", str(landing), "--period", PERIOD, "--out", str(out)]
    environment = {**os.environ, "ASSURE_INGEST_PROCESSES": "2"}
    started = time.monotonic()
    crashed = subprocess.run([sys.executable, "-c", CRASHING_RUN, *arguments], cwd=PROJECT, env=environment,
                             capture_output=True, text=True, timeout=180)
    assert crashed.returncode == 1, crashed.stderr[-2000:]
    died = re.search(r"a process ingesting (.*) died", crashed.stderr)
    assert died and "health/referrals.xlsx" in died.group(1), crashed.stderr  # and whatever ran beside it
    assert "ASSURE_INGEST_PROCESSES=1" in crashed.stderr and "Traceback" not in crashed.stderr + crashed.stdout
    assert time.monotonic() - started < 120
    url = warehouse.default_url(out)
    with warehouse.engine(url).connect() as conn:
        registry = warehouse.raw_submission
        loaded = dict(conn.execute(sa.select(registry.c.agency, registry.c.loaded)).all())
    warehouse.dispose_all()
    assert loaded.get("health", 0) == 0, "the file whose process died is not marked as loaded"

    again = subprocess.run([sys.executable, "-m", "transforms.cli", *arguments], cwd=PROJECT, env=environment,
                           capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr[-2000:]
    with warehouse.engine(url).connect() as conn:
        loaded = dict(conn.execute(sa.select(registry.c.agency, registry.c.loaded)).all())
    warehouse.dispose_all()
    assert loaded == {"police": 1, "health": 1, "lado": 1}


def _pid_of(label: str) -> tuple[str, int]:
    return label, os.getpid()


def _fail_on(label: str) -> str:
    if label == "bad":
        raise ValueError("bad item")
    time.sleep(0.2)
    with stopwatch.step("work", 1):
        return label


def _timed_call(label: str, reading: float) -> dict:
    """A call that 'reads' for `reading` seconds on its own, then does its ordered part."""
    began = time.monotonic()
    time.sleep(reading)
    with in_chain_order():
        entered = time.monotonic()
        time.sleep(0.05)
        return {"label": label, "pid": os.getpid(), "began": began, "entered": entered, "left": time.monotonic()}


def test_chains_keep_their_order_run_in_other_processes_and_report_their_steps():
    stopwatch.reset()
    chains = [[("a1",), ("a2",), ("a3",)], [("b1",)], [("c1",), ("c2",)]]
    finished, each = [], []
    results = run_chains(_pid_of, chains, 2, weights=[[1, 1, 1], [5], [3, 3]],
                         finished=lambda i, r: finished.append(i), each=lambda result: each.append(result))
    assert [[label for label, _ in chain] for chain in results] == [["a1", "a2", "a3"], ["b1"], ["c1", "c2"]]
    assert os.getpid() not in {pid for chain in results for _, pid in chain}
    assert sorted(finished) == [0, 1, 2]
    assert sorted(each) == sorted(result for chain in results for result in chain), "each call's result, here"
    stopwatch.reset()
    assert run_chains(_fail_on, [[("x",)], [("y",)]], 2) == [["x"], ["y"]]
    assert stopwatch.measurements()["work"].calls == 2, "the workers' stopwatch comes back"
    each.clear()
    assert run_chains(_pid_of, chains, 1, each=each.append)[0][0][1] == os.getpid(), "one process: here"
    assert each == [], "nothing to do while waiting: the calls ran here"


def test_a_chains_calls_read_side_by_side_and_do_their_ordered_part_in_order():
    # a1 reads long; a2 and a3 are handed to the other worker, read at once, and wait for a1 (then a2) to finish
    chains = [[("a1", 0.6), ("a2", 0.0), ("a3", 0.0)], [("b1", 0.0)]]
    (a1, a2, a3), (b1,) = run_chains(_timed_call, chains, 2, weights=[[9, 1, 1], [5]])
    assert a2["pid"] != a1["pid"], "the agency's second file went to the free worker"
    assert a2["began"] < a1["entered"], "it was read while the first was still being read"
    assert a2["entered"] >= a1["left"] and a3["entered"] >= a2["left"], "the ordered parts kept the chain's order"
    assert b1["left"] < a1["left"], "another chain did not wait for this one"


def _ordered_fail_on(label: str) -> str:
    with in_chain_order():
        if label == "bad":
            time.sleep(0.3)  # the later call of the chain is waiting for this one by now
            raise ValueError("bad item")
        return label


def test_a_call_waiting_for_one_that_fails_does_not_hang_and_the_failure_is_raised():
    started = time.monotonic()
    with pytest.raises(ValueError, match="bad item"):
        run_chains(_ordered_fail_on, [[("bad",), ("later",)], [("x",)]], 2, weights=[[9, 1], [5]])
    assert time.monotonic() - started < 30


def test_calls_are_handed_out_first_calls_first_heaviest_first():
    chains = [[("a1",), ("a2",)], [("b1",)], [("c1",), ("c2",), ("c3",)]]
    order = submission_order(chains, [[1, 50], [7], [3, 2, 1]])
    assert order == [(1, 0), (2, 0), (0, 0), (0, 1), (2, 1), (2, 2)]
    # every call after the calls before it in its chain
    assert all(order.index((c, p - 1)) < order.index((c, p)) for c, p in order if p)


def test_an_exception_in_a_chain_stops_the_run_and_is_raised_here():
    with pytest.raises(ValueError, match="bad item"):
        run_chains(_fail_on, [[("bad",)], [("ok",), ("ok",)], [("ok",)]], 2, weights=[[9], [1, 1], [1]])


def test_a_stage_beside_runs_in_another_process_and_brings_back_its_result_its_error_and_its_steps():
    stopwatch.reset()
    running = beside(_fail_on, "checks")
    label, pid = _pid_of("here")
    assert running.result() == "checks" and stopwatch.measurements()["work"].calls == 1
    assert beside(_pid_of, "there").result()[1] not in (pid, None)
    with pytest.raises(ValueError, match="bad item"):
        beside(_fail_on, "bad").result()
