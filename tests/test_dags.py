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
