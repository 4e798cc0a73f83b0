"""Each scheduled DAG runs green through Airflow's dag.test() on generated data, and together they publish what
`assure run` publishes on the same data. Airflow runs in subprocesses (scripts/run_dag.py) with a temporary home.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from scripts.run_dag import conf_of
from synthetic.generate import generate
from transforms.pipeline import run
from transforms.publish import releases
from transforms.warehouse import default_url, dispose_all

PROJECT = Path(__file__).resolve().parents[2]
PERIOD = "2026-09"


def run_dags(*runs: dict) -> list[str]:
    """Several DAG runs in turn in one Airflow process (`scripts/run_dag.py --plan`), each a dict of `run_dag`'s
    arguments (`dag` for dag_id); assert each one's final state; each one's output, stdout and stderr in order."""
    plan = [{"dag": item["dag"], "env": item.get("env", {}), "answer": item.get("answer"),
             "state": item.get("state", "success"),
             "conf": conf_of(**{key: item.get(key) for key in ("out", "landing", "today", "file")},
                             period=item.get("period", PERIOD))} for item in runs]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(plan, handle)
    try:
        done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--plan", handle.name],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    finally:
        os.unlink(handle.name)
    logs = re.split(r"^=== run \d+: \S+ ===$", done.stdout, flags=re.M)[1:]
    assert len(logs) == len(plan), done.stdout[-4000:]
    for item, log in zip(plan, logs, strict=True):
        assert f"DAG {item['dag']} finished: {item['state']}" in log, (item["dag"], log[-4000:])
    assert done.returncode == 0, done.stdout[-4000:]
    return logs


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dagruns") / "landing"
    generate(folder, PERIOD, scale=0.1, seed=8)
    for path in (folder / "lado").glob("*.xlsx"):
        path.unlink()  # LADO's return has not arrived
    return folder


def test_scheduled_dags_publish_what_assure_run_publishes(landing, tmp_path):
    """Between the scheduled runs, the workbench's "run this file again" (`file`) takes exactly one file, already
    loaded, through every step again without changing what is published; retention runs with no conf at all (every
    param at its default: the output folder from ASSURE_OUTPUT_DIR, today from the run's date)."""
    out = tmp_path / "dags"
    # one Airflow process for the six runs, one after another on one metadata DB, as a scheduler would run them
    _, again, missing, _, released, purged = run_dags(
        {"dag": "agency_returns", "out": out, "landing": landing},
        {"dag": "agency_returns", "out": out, "landing": landing, "file": "police/ppn_2026-09.xlsx"},
        {"dag": "agency_returns", "out": out, "landing": landing, "file": "police/ppn_2026-06.xlsx",
         "state": "failed"},
        {"dag": "person_reconciliation", "out": out},
        # the analyst approves the release (as on the Required Actions page): the public profile is written, and
        # who approved and when is recorded
        {"dag": "partnership_dataset", "out": out, "answer": {"option": "Approve", "by": "analyst",
                                                              "comment": "checked"}},
        {"dag": "retention", "period": None, "env": {"ASSURE_OUTPUT_DIR": str(out)}})
    lines = again.splitlines()
    assert [line for line in lines if line.startswith("task file.")] == [
        f"task file.{step}[police/ppn_2026-09.xlsx]: success" for step in ("feedback", "load", "register", "validate")]
    assert re.search(r"^registered police/ppn_2026-09.xlsx as submission [0-9a-f]{16} \(already registered on ",
                     again, re.M)
    assert re.search(r"^police/ppn_2026-09.xlsx: [\d,]+ rows loaded, ", again, re.M)
    assert "police/ppn_2026-09.xlsx is loaded for 2026-09" in lines
    assert "No landed file 'police/ppn_2026-06.xlsx' to run again: landing/police/ holds 3 file(s)" in missing
    assert "task discover: failed" in missing and "task file.load: upstream_failed" in missing
    assert "approve_release: answered Approve as analyst" in released
    assert "task approve_release: success" in released and "task release: success" in released
    assert re.search(rf"^released {PERIOD}: approved by analyst at \S+; public_csv ", released, re.M), released[-3000:]
    [approval] = releases(default_url(out))
    dispose_all()
    assert (approval["period"], approval["decision"], approval["decided_by"], approval["comment"]) == \
        (PERIOD, "APPROVED", "analyst", "checked")
    assert approval["released_at"] >= approval["decided_at"] and approval["run_id"].startswith("manual__")
    assert re.search(r"^retention as of \d{4}-\d{2}-\d{2}: removed 0 raw files, 0 staging rows", purged, re.M)
    run(str(landing), PERIOD, str(tmp_path / "cli"), None, progress=lambda line: None, approve="analyst")
    for name in (f"published/partnership_dataset_{PERIOD}.csv", f"published/public/partnership_dataset_{PERIOD}.csv"):
        assert (out / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_monitor_chases_only_the_late_agency_and_dq01_shows_it(landing, tmp_path):
    """The monitor's alarms show in Airflow: a task fails naming what is late (the previous quarter's dataset, never
    published in this warehouse, is overdue on both days; LADO's return only after its due date)."""
    out = tmp_path / "out"
    run(str(landing), PERIOD, str(out), None, progress=lambda line: None)
    # returns due 21 October: the day before, then the day after
    log, after = run_dags({"dag": "submission_monitor", "out": out, "today": "2026-10-20", "state": "failed"},
                          {"dag": "submission_monitor", "out": out, "today": "2026-10-22", "state": "failed"})
    assert "no return for 2026-09 is late as of 2026-10-20 (due 2026-10-21)" in log
    assert "task chase_late_returns: success" in log and "task check_dataset_published: failed" in log
    assert ("The partnership dataset for 2026-06 was due by 2026-08-02 and has not been published (as of 2026-10-20; "
            "recorded in ops_failure). Run partnership_dataset with period 2026-06.") in log
    log = after
    chasers = sorted(p.relative_to(out / "outbox").as_posix() for p in (out / "outbox").rglob("chaser_*"))
    assert chasers == [f"lado/chaser_{PERIOD}_lado_allegations.txt"]
    assert "task chase_late_returns: failed" in log
    assert (f"1 return(s) for 2026-09 are late: due 2026-10-21, none loaded by 2026-10-22. A chaser note went to "
            f"each agency: outbox/{chasers[0]}.") in log
    assert "lado_allegations" in (out / "outbox" / chasers[0]).read_text()
    with open(out / "published" / f"partnership_dataset_{PERIOD}.csv", newline="") as handle:
        rows = {(r["indicator_id"], r["breakdown"]): r for r in csv.DictReader(handle)}
    assert rows[("DQ-01", "lado/lado_allegations/on_time")]["value"] == "0"
    assert ("DQ-01", "lado/lado_allegations/rows_read") not in rows


def test_one_files_failure_does_not_block_the_dag_and_fails_it_at_the_end(tmp_path, monkeypatch):
    """A file whose feedback cannot be written (a file stands where health's outbox folder should be) fails its own
    tasks; the checks across returns, the indicators and the publications still run on the others, and the run
    fails at the end (`every_file_loaded`) naming the file. A refused file makes the run say so too: a quarantined
    file and a file at the landing root fail `files_refused`, naming each and what its agency must do. With the
    obstacle and the refused files gone, the next run completes."""
    from tests.operations.test_faults import small_landing

    landing, out = small_landing(tmp_path / "landing"), tmp_path / "out"
    (landing / "police" / "notes.xlsx").write_text("not a spreadsheet")  # quarantined by validation
    (landing / "stray.csv").write_text("a,b\n1,2\n")  # at the root: no agency folder says who sent it
    (out / "outbox").mkdir(parents=True)
    (out / "outbox" / "health").write_text("not a folder")
    monkeypatch.setenv("ASSURE_TASK_RETRY_SECONDS", "1")
    command = [sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--dag", "partnership_pipeline", "--out",
               str(out), "--landing", str(landing), "--period", PERIOD]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    log = done.stdout + done.stderr
    assert done.returncode == 1 and "finished: failed" in done.stdout, log[-4000:]
    assert "1 landed file(s) were not loaded: health/'referrals.xlsx'" in log, log[-4000:]
    assert "task files_refused: failed" in log and "task every_file_loaded: failed" in log, log[-4000:]
    assert re.search(r"2 landed file\(s\) were refused and not loaded\. \(1\) police/notes\.xlsx was quarantined "
                     r"\(FILE-\d{3}\): .* \(2\) landing/stray\.csv was not read \(FILE-016 no agency folder\): .*Move "
                     r"it into your agency's folder\. Each agency has a note saying so in its outbox", log), log[-4000:]
    assert "task file.validate[police/notes.xlsx]: success" in log  # quarantining is validation's verdict
    assert (out / "published" / f"partnership_dataset_{PERIOD}.csv").exists(), "the others were published"
    # nobody answered the release's approval: skipped, and so the release; nothing public
    assert "task approve_release: skipped" in log and "task release: skipped" in log, log[-4000:]
    assert not (out / "published" / "public").exists()
    assert list((out / "outbox" / "police").glob("*.feedback.xlsx")), "the police file went through"

    (out / "outbox" / "health").unlink()
    (landing / "police" / "notes.xlsx").unlink()
    (landing / "stray.csv").unlink()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "finished: success" in done.stdout, (done.stdout + done.stderr)[-4000:]
    assert list((out / "outbox" / "health").glob("*.feedback.xlsx"))
