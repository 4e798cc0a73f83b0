"""
### Person reconciliation

Runs whenever agency returns reach the staging tables (the `assure_staging` asset): reconciles every person
record of the period into the master person index (`core_person`, `core_person_link`). Params: `period`, `out`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from dags.common import STAGING, WAREHOUSE_POOL, default_args, settings


@dag(
    dag_id="person_reconciliation",
    schedule=[STAGING],
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "reconciliation"],
    default_args=default_args(),
    params={"period": Param("", type="string"), "out": Param("", type="string")},
)
def person_reconciliation():
    @task(pool=WAREHOUSE_POOL)
    def reconcile() -> dict:
        from transforms.people import reconcile as reconcile_people

        s = settings()
        return reconcile_people(s["period"], s["url"])

    reconcile()


person_reconciliation()
