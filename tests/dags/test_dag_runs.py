"""Each scheduled DAG runs green through Airflow's dag.test() on generated data, and together they publish what
`assure run` publishes on the same data. Airflow runs in subprocesses (scripts/run_dag.py) with a temporary home.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from synthetic.generate import generate
from transforms.pipeline import run

PROJECT = Path(__file__).resolve().parents[2]
PERIOD = "2026-09"


def run_dag(dag_id: str, out: Path, landing: Path | None = None, today: str | None = None) -> None:
    command = [sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--dag", dag_id, "--out", str(out),
               "--period", PERIOD]
    command += ["--landing", str(landing)] if landing else []
    command += ["--today", today] if today else []
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "finished: success" in done.stdout, (dag_id, (done.stdout + done.stderr)[-4000:])


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dagruns") / "landing"
    generate(folder, PERIOD, scale=0.1, seed=8)
    for path in (folder / "lado").glob("*.xlsx"):
        path.unlink()  # LADO's return has not arrived
    return folder


def test_scheduled_dags_publish_what_assure_run_publishes(landing, tmp_path):
    out = tmp_path / "dags"
    for dag_id in ("agency_returns", "person_reconciliation", "partnership_dataset", "retention"):
        run_dag(dag_id, out, landing if dag_id == "agency_returns" else None, today="2026-11-22")
    run(str(landing), PERIOD, str(tmp_path / "cli"), None, progress=lambda line: None)
    name = f"published/partnership_dataset_{PERIOD}.csv"
    assert (out / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()


def test_monitor_chases_only_the_late_agency_and_dq01_shows_it(landing, tmp_path):
    out = tmp_path / "out"
    run(str(landing), PERIOD, str(out), None, progress=lambda line: None)
    run_dag("submission_monitor", out, today="2026-10-20")  # the due date is 21 October: nothing late yet
    assert not list((out / "outbox").rglob("chaser_*"))
    run_dag("submission_monitor", out, today="2026-10-22")
    chasers = sorted(p.relative_to(out / "outbox").as_posix() for p in (out / "outbox").rglob("chaser_*"))
    assert chasers == [f"lado/chaser_{PERIOD}_lado_allegations.txt"]
    assert "lado_allegations" in (out / "outbox" / chasers[0]).read_text()
    with open(out / "published" / f"partnership_dataset_{PERIOD}.csv", newline="") as handle:
        rows = {(r["indicator_id"], r["breakdown"]): r for r in csv.DictReader(handle)}
    assert rows[("DQ-01", "lado/lado_allegations/on_time")]["value"] == "0"
    assert ("DQ-01", "lado/lado_allegations/rows_read") not in rows


def test_one_files_failure_does_not_block_the_dag_and_fails_it_at_the_end(tmp_path, monkeypatch):
    """A file whose feedback cannot be written (a file stands where health's outbox folder should be) fails its own
    tasks; the checks across returns, the indicators and the publications still run on the others, and the run
    fails at the end (`every_file_loaded`) naming the file. With the obstacle gone, the next run completes."""
    from tests.operations.test_faults import small_landing

    landing, out = small_landing(tmp_path / "landing"), tmp_path / "out"
    (out / "outbox").mkdir(parents=True)
    (out / "outbox" / "health").write_text("not a folder")
    monkeypatch.setenv("ASSURE_TASK_RETRY_SECONDS", "1")
    command = [sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--dag", "partnership_pipeline", "--out",
               str(out), "--landing", str(landing), "--period", PERIOD]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    log = done.stdout + done.stderr
    assert done.returncode == 1 and "finished: failed" in done.stdout, log[-4000:]
    assert "1 landed file(s) were not loaded: health/'referrals.xlsx'" in log, log[-4000:]
    assert (out / "published" / f"partnership_dataset_{PERIOD}.csv").exists(), "the others were published"
    assert list((out / "outbox" / "police").glob("*.feedback.xlsx")), "the police file went through"

    (out / "outbox" / "health").unlink()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "finished: success" in done.stdout, (done.stdout + done.stderr)[-4000:]
    assert list((out / "outbox" / "health").glob("*.feedback.xlsx"))
