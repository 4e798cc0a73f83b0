"""
### Retention

Nightly purge of what is past its retention period (DESIGN.md section 9): archived raw files after 2 years,
staging rows after 7 (ASSURE_RETENTION_RAW_DAYS, ASSURE_RETENTION_DATASET_YEARS). Every removal is logged in
`ops_retention`; the task's log line counts what it removed.

**Params** (all optional): `out` (default `ASSURE_OUTPUT_DIR`, else `./output`), `today` (ISO date; default: the
run's date).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from dags.common import QUIET, WAREHOUSE_POOL, default_args, params, say, settings


@dag(
    dag_id="retention",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "privacy"],
    default_args=default_args(),
    params=params("out", "today"),
)
def retention():
    @task(pool=WAREHOUSE_POOL, **QUIET)
    def purge() -> dict:
        from transforms.operations import purge as purge_expired

        s = settings()
        removed = purge_expired(s["out"], s["url"], s["today"])
        say(f"retention as of {s['today']}: removed {removed['raw_files']:,} raw files, {removed['staging_rows']:,} "
            f"staging rows and {removed['issues']:,} issue rows past their retention (each logged in ops_retention)")
        return removed

    purge()


retention()
