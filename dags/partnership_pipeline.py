"""
### Partnership pipeline (the whole quarter in one run)

Every stage of DESIGN.md section 2 in one DAG run, for re-running a quarter end to end (and for `make demo`):

`discover` -> per landed file: `register` -> `validate` -> `feedback` -> `load`
-> `crosscheck` (checks across returns) -> `reconcile` -> `indicators` -> `publish`; beside them,
`every_file_loaded` fails the run at the end if a file's own tasks failed (one file never blocks the others).

The scheduled DAGs split the same work: `agency_returns` (files as they land), `person_reconciliation`
(when staging changes), `partnership_dataset` (quarterly). Params: `period` (e.g. 2026-09), `landing`, `out`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag

from dags.common import default_args, landed_files, stages


@dag(
    dag_id="partnership_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "partnership-dataset"],
    default_args=default_args(),
    params={
        "period": Param("2026-09", type="string", pattern=r"^\d{4}-(03|06|09|12)$"),
        "landing": Param("", type="string"),
        "out": Param("", type="string"),
    },
)
def partnership_pipeline():
    stages("ingest", "publish", landed_files(pending_only=False))


partnership_pipeline()
