"""
### Person reconciliation

Runs whenever agency returns reach the staging tables (the `assure_staging` asset): reconciles every person
record of the period into the master person index (`core_person`, `core_person_link`); its log line gives the
records, the people, the pairs waiting in the review queue, merges and splits.

**Params** (all optional): `period` (default: the quarter being collected on the run's date), `out` (default
`ASSURE_OUTPUT_DIR`, else `./output`).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag

from dags.common import STAGING, default_args, params, stages


@dag(
    dag_id="person_reconciliation",
    schedule=[STAGING],
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "reconciliation"],
    default_args=default_args(),
    params=params("period", "out"),
)
def person_reconciliation():
    stages("reconcile", "reconcile")


person_reconciliation()
