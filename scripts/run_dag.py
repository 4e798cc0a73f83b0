"""Run the partnership DAG through Airflow in-process (`dag.test()` on a temporary SQLite metadata DB).

Usage: python scripts/run_dag.py --landing DIR --out DIR --period YYYY-MM
Used by `make demo` and the DAG tests: the same code path Airflow's scheduler runs, without a server.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DAG_ID = "partnership_pipeline"


def configure_airflow(home: Path) -> None:
    """Point Airflow at a throw-away home and metadata DB, and at the project's DAGs. Call before importing it."""
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(PROJECT / "dags")
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'airflow.db'}"
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__PARALLELISM"] = "2"
    os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")


def run_dag(landing: str, out: str, period: str) -> str:
    """Run the DAG once with these parameters; return the DagRun's final state."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils import db

    db.initdb()
    bag = DagBag(dag_folder=str(PROJECT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    dag = bag.get_dag(DAG_ID)
    conf = {"period": period, "landing": str(Path(landing).resolve()), "out": str(Path(out).resolve())}
    run = dag.test(run_conf=conf)
    return str(run.state)


def main() -> int:
    """Command-line entry: exit 0 only when the DAG run succeeded."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--period", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assure-airflow-") as home:
        configure_airflow(Path(home))
        state = run_dag(args.landing, args.out, args.period)
    print(f"DAG {DAG_ID} finished: {state}")
    return 0 if state == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
