"""
### Retention

Nightly purge of what is past its retention period (DESIGN.md section 9): archived raw files after 2 years,
staging rows after 7 (ASSURE_RETENTION_RAW_DAYS, ASSURE_RETENTION_DATASET_YEARS). Every removal is logged in
`ops_retention`. Params: `out`, `today` (ISO date, for tests).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from dags.common import WAREHOUSE_POOL, default_args, settings


@dag(
    dag_id="retention",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "privacy"],
    default_args=default_args(),
    params={"out": Param("", type="string"), "today": Param("", type="string")},
)
def retention():
    @task(pool=WAREHOUSE_POOL)
    def purge() -> dict:
        from transforms.operations import purge as purge_expired

        s = settings()
        return purge_expired(s["out"], s["url"], s["today"])

    purge()


retention()
