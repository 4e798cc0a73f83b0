"""DAG integrity: every DAG file imports cleanly and carries tags, an owner, retries and documentation.

Airflow runs in a subprocess with a throw-away home, so its configuration never leaks into other tests.
"""

import json
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
    assert steps | {"crosscheck"} <= set(found["dags"]["agency_returns"]["tasks"])
    assert steps | {"reconcile", "indicators", "publish"} <= set(found["dags"]["partnership_pipeline"]["tasks"])


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

    # beside the later stages, every_file_loaded fails the run at the end when a file's own tasks failed
    beside = [["crosscheck", "every_file_loaded"]]
    assert dags["partnership_pipeline"]["edges"] == sorted(chain("discover", "publish") + beside)
    assert dags["agency_returns"]["edges"] == sorted(chain("discover", "crosscheck") + beside)
    assert dags["person_reconciliation"]["tasks"] == ["reconcile"]
    assert dags["partnership_dataset"]["edges"] == [["indicators", "publish"]]


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
    """The DAG (through Airflow's dag.test) and `assure run` are one code path: same inputs, same dataset."""
    from synthetic.generate import generate
    from transforms.pipeline import run

    landing = tmp_path / "landing"
    generate(landing, "2026-09", scale=0.1, seed=5)
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--landing", str(landing),
                           "--out", str(tmp_path / "dag_out"), "--period", "2026-09"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "finished: success" in done.stdout
    run(str(landing), "2026-09", str(tmp_path / "cli_out"), f"sqlite:///{tmp_path / 'cli.sqlite'}",
        progress=lambda line: None)
    name = "published/partnership_dataset_2026-09.csv"
    assert (tmp_path / "dag_out" / name).read_bytes() == (tmp_path / "cli_out" / name).read_bytes()
    feedback = sorted(p.name for p in (tmp_path / "dag_out" / "outbox").rglob("*.feedback.xlsx"))
    assert len(feedback) == len([p for p in landing.glob("*/*.xlsx") if not p.parent.name.startswith("_")])
