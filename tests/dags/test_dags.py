"""DAG integrity: every DAG file imports cleanly and carries tags, an owner, retries and documentation.

Airflow runs in a subprocess with a throw-away home, so its configuration never leaks into other tests.
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
JSON_MARKER = "--- DAGs as JSON ---"


def test_dags_import_without_errors_and_are_documented():
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.split(JSON_MARKER)[-1])
    assert found["import_errors"] == {}
    assert set(found["dags"]) == {"partnership_pipeline", "agency_returns", "person_reconciliation",
                                  "partnership_dataset", "submission_monitor", "retention"}
    for dag_id, dag in found["dags"].items():
        assert dag["tags"] and dag["doc_md"] and dag["owners"] == ["partnership-data"], dag_id
        assert dag["min_retries"] >= 2, dag_id
    steps = {"file.register", "file.validate", "file.feedback", "file.load"}  # one mapped task group per file
    beside = {"every_file_loaded", "files_refused"}
    assert steps | beside | {"crosscheck"} <= set(found["dags"]["agency_returns"]["tasks"])
    assert steps | beside | {"reconcile", "publish"} <= set(found["dags"]["partnership_pipeline"]["tasks"])
    for dag_id in ("partnership_pipeline", "partnership_dataset"):  # the public profile waits for an approval
        assert {"publish", "approve_release", "release"} <= set(found["dags"][dag_id]["tasks"]), dag_id
    for dag_id in ("agency_returns", "partnership_pipeline"):  # every step's mapped instance named after its file
        assert found["dags"][dag_id]["map_index_templates"] == dict.fromkeys(sorted(steps), "{{ landed_file }}")


def test_every_param_is_optional_with_its_default_said():
    """The trigger form opens ready to run: every param defaults to null and allows it (an empty field is not
    required), and says what it defaults to; no task logs its return value (each says what it did in words)."""
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    dags = json.loads(done.stdout.split(JSON_MARKER)[-1])["dags"]
    assert set(dags["agency_returns"]["params"]) == {"period", "landing", "out", "file"}
    for dag_id, dag in dags.items():
        assert dag["params"], dag_id
        for name, param in dag["params"].items():
            assert param["default"] is None and "null" in param["schema"]["type"], (dag_id, name)
            assert "Default:" in param["description"] or "default:" in param["description"], (dag_id, name)
        assert dag["logs_return_values"] == [], dag_id
    assert dags["partnership_pipeline"]["params"]["period"]["schema"]["pattern"]  # a given period is still checked


def test_the_file_param_finds_one_landed_file_loaded_or_not_and_says_what_landing_holds(tmp_path):
    """`file` names a landed file as `agency/file name`, whatever its loaded state; a missing or ambiguous name fails
    with a message that helps (what the agency's folder holds, the paths telling two files apart)."""
    import pytest

    from transforms.operations import NoSuchFile, landed_file

    landing = tmp_path / "landing"
    for relative in ("police/ppn_2026-09.xlsx", "police/q3/nominals.xlsx", "police/q4/nominals.xlsx",
                     "health/ppn_2026-09.xlsx"):
        (landing / relative).parent.mkdir(parents=True, exist_ok=True)
        (landing / relative).write_bytes(b"x")
    assert landed_file(landing, "police/ppn_2026-09.xlsx") == {"path": str(landing / "police" / "ppn_2026-09.xlsx"),
                                                               "agency": "police"}
    assert landed_file(landing, "police/q4/nominals.xlsx")["path"].endswith("q4/nominals.xlsx")
    with pytest.raises(NoSuchFile, match=r"names 2 landed files \(police/q3/nominals.xlsx, police/q4/nominals"):
        landed_file(landing, "police/nominals.xlsx")
    with pytest.raises(NoSuchFile, match=r"No landed file 'police/missing.xlsx'.*landing/police/ holds 3 file"):
        landed_file(landing, "police/missing.xlsx")
    with pytest.raises(NoSuchFile, match="holds no file"):
        landed_file(landing, "lado/lado.xlsx")
    with pytest.raises(NoSuchFile, match="agency/file name"):
        landed_file(landing, "ppn_2026-09.xlsx")


def test_every_dag_chains_the_stages_in_the_one_order_of_transforms_stages():
    """The order of DESIGN.md section 2 is written once (`transforms.STAGES`); each DAG runs a stretch of it."""
    from transforms import INGEST_STEPS, STAGES

    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    dags = json.loads(done.stdout.split(JSON_MARKER)[-1])["dags"]
    flow = ["discover", *(f"file.{step}" for step in INGEST_STEPS), *(stage.name for stage in STAGES[1:])]

    def chain(first: str, last: str) -> list[list[str]]:
        stretch = flow[flow.index(first):flow.index(last) + 1]
        return [list(pair) for pair in zip(stretch, stretch[1:], strict=False)]

    # beside the later stages, every_file_loaded fails the run at the end when a file's own tasks failed, and
    # files_refused when a file was quarantined or an entry of landing refused
    beside = [["crosscheck", "every_file_loaded"], ["file.load", "files_refused"]]
    # after the internal profile, the public one waits for an analyst's approval (human in the loop)
    released = [["publish", "approve_release"], ["approve_release", "release"]]
    assert dags["partnership_pipeline"]["edges"] == sorted(chain("discover", "publish") + beside + released)
    assert dags["agency_returns"]["edges"] == sorted(chain("discover", "crosscheck") + beside)
    assert dags["person_reconciliation"]["tasks"] == ["reconcile"]
    assert dags["partnership_dataset"]["edges"] == sorted([["indicators", "publish"], *released])


def test_parsing_a_dag_that_connects_at_parse_time_is_an_import_error(tmp_path):
    """The parse-time guard of `run_dag.py --check` works: a DAG touching a database while parsed fails."""
    folder = tmp_path / "dags"  # a copy: tests running at the same time parse the project's own folder
    shutil.copytree(PROJECT / "dags", folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "zz_parse_time_probe.py").write_text(
        "import sqlalchemy\nsqlalchemy.create_engine('sqlite://')\nfrom airflow.sdk import dag\n")
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--check", "--dag-folder",
                           str(folder)], capture_output=True, text=True, timeout=300)
    found = json.loads(done.stdout.split(JSON_MARKER)[-1])
    assert any("zz_parse_time_probe" in path and "while being parsed" in error
               for path, error in found["import_errors"].items())
    assert "partnership_pipeline" in found["dags"], "the copy's own DAGs still parse"


def test_dag_files_hold_no_business_logic():
    """Thin wiring: DAG files import their work from transforms/, they do not read spreadsheets or run SQL."""
    for path in (PROJECT / "dags").glob("*.py"):
        text = path.read_text()
        for forbidden in ("import pandas", "read_excel", "python_calamine", "sqlalchemy", "SELECT "):
            assert forbidden not in text, f"{path.name} contains {forbidden!r}"


def test_dag_run_publishes_what_assure_run_publishes(tmp_path):
    """The DAG (through Airflow's dag.test) and `assure run` are one code path: same inputs, same dataset. The
    analyst rejects the release (answered as the Required Actions page would): the internal profile alone stands,
    as after `assure run` without --approve, and the rejection is recorded with who, when and why."""
    from synthetic.generate import generate
    from transforms.pipeline import run
    from transforms.publish import releases
    from transforms.warehouse import default_url, dispose_all

    landing = tmp_path / "landing"
    generate(landing, "2026-09", scale=0.1, seed=5)
    # at INFO, so that a task logging its return value (a raw dict) would show
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--landing", str(landing),
                           "--out", str(tmp_path / "dag_out"), "--period", "2026-09", "--reject", "--by", "reviewer",
                           "--comment", "CSC-01 to be checked with children's social care"],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO"})
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "finished: success" in done.stdout
    says_in_words(done.stdout + done.stderr, landing)
    lines = done.stdout.splitlines()
    assert "task approve_release: success" in lines and "task release: skipped" in lines
    assert re.search(r"^2026-09 was not released: rejected by reviewer at \S+ \(CSC-01 to be checked with children's "
                     r"social care\); recorded in ops_release", done.stdout, re.M), done.stdout[-3000:]
    [rejected] = releases(default_url(tmp_path / "dag_out"))
    dispose_all()
    assert (rejected["period"], rejected["decision"], rejected["decided_by"], rejected["released_at"],
            rejected["outputs"]) == ("2026-09", "REJECTED", "reviewer", None, None)
    assert rejected["comment"] == "CSC-01 to be checked with children's social care"
    assert rejected["run_id"].startswith("manual__") and rejected["decided_at"]
    run(str(landing), "2026-09", str(tmp_path / "cli_out"), f"sqlite:///{tmp_path / 'cli.sqlite'}",
        progress=lambda line: None)
    name = "published/partnership_dataset_2026-09.csv"
    assert (tmp_path / "dag_out" / name).read_bytes() == (tmp_path / "cli_out" / name).read_bytes()
    for out in ("dag_out", "cli_out"):
        assert not (tmp_path / out / "published" / "public").exists(), out
    feedback = sorted(p.name for p in (tmp_path / "dag_out" / "outbox").rglob("*.feedback.xlsx"))
    assert len(feedback) == len([p for p in landing.glob("*/*.xlsx") if not p.parent.name.startswith("_")])


def says_in_words(log: str, landing: Path) -> None:
    """Each task of a whole-quarter run said what it did in one line of words; each mapped instance is named after
    its file; no return value was logged, and no person's name or NHS number appears anywhere in the log."""
    assert "Returned value was" not in log
    lines = log.splitlines()
    files = sorted(p.relative_to(landing).as_posix() for p in landing.glob("*/*.xlsx")
                   if not p.parent.name.startswith("_"))
    assert re.search(rf"^{len(files)} file\(s\) to ingest for 2026-09: ", log, re.M)
    for name in files:
        assert re.search(rf"^registered {re.escape(name)} as submission [0-9a-f]{{16}} \(new\)$", log, re.M), name
        assert re.search(rf"^{re.escape(name)}: [\d,]+ rows, [\d,]+ rejected, [\d,]+ queried \((accepted|partial)\)$",
                         log, re.M), name
        assert re.search(rf"^{re.escape(name)}: [\d,]+ rows loaded, [\d,]+ rejected, [\d,]+ queried; submission ",
                         log, re.M), name
        for step in ("register", "validate", "feedback", "load"):
            assert f"task file.{step}[{name}]: success" in lines, (step, name)
    for start in (r"checks across returns for 2026-09: [\d,]+ rows checked",
                  r"person index for 2026-09: [\d,]+ person records -> [\d,]+ people; .* pairs wait in the review",
                  r"indicators for 2026-09: [\d,]+ values", r"published 2026-09: \d+ outputs: csv /",
                  "no file was refused or quarantined", "every landed file for 2026-09 is loaded"):
        assert re.search(f"^{start}", log, re.M), start
    with open(landing / "_truth" / "records" / "health_safeguarding.csv", newline="") as handle:
        people = list(csv.DictReader(handle))
    for person in people:
        if person["nhs_number"]:
            assert person["nhs_number"] not in log
        if person["first_name"] and person["last_name"]:
            assert f"{person['first_name']} {person['last_name']}" not in log
