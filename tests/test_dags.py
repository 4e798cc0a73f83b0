"""DAG integrity: every DAG file imports cleanly and carries tags, an owner, retries and documentation.

Airflow runs in a subprocess with a throw-away home, so its configuration never leaks into other tests.
"""

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_dags_import_without_errors_and_are_documented():
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "run_dag.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert found["import_errors"] == {}
    dag = found["dags"]["partnership_pipeline"]
    assert dag["tags"] and dag["doc_md"] and dag["owners"] == ["partnership-data"]
    assert dag["min_retries"] >= 2
    assert {"register", "validate", "feedback", "load", "reconcile", "indicators", "publish"} <= set(dag["tasks"])


def test_dag_files_hold_no_business_logic():
    """Thin wiring: DAG files import their work from transforms/, they do not read spreadsheets or run SQL."""
    for path in (PROJECT / "dags").glob("*.py"):
        text = path.read_text()
        for forbidden in ("import pandas", "read_excel", "python_calamine", "sqlalchemy", "SELECT "):
            assert forbidden not in text, f"{path.name} contains {forbidden!r}"


def test_dag_run_publishes_what_assure_run_publishes(tmp_path):
    """The DAG (through Airflow's dag.test) and `assure run` are one code path: same inputs, same dataset."""
    from transforms.generate import generate
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
    assert len(feedback) == 5
