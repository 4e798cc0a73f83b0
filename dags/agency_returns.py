"""
### Agency returns

Picks up newly landed files every 15 minutes and takes each through the first stages of DESIGN.md section 2,
one mapped task group per file (`file`): `register` -> `validate` -> `feedback` -> `load`, then `crosscheck` (checks
across returns, run whatever happened to each file) and `every_file_loaded` (fails the run naming any file whose own
tasks failed). Loading emits the `assure_staging` asset, which triggers person reconciliation. Links, pipes and files
at the landing root are refused with a note in the outbox, never read.

A file already loaded (same bytes, whatever its name) is not picked up again. Params: `period` (default: the
quarter being collected), `landing`, `out`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag

from dags.common import default_args, landed_files, stages


@dag(
    dag_id="agency_returns",
    schedule="*/15 * * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "ingest"],
    default_args=default_args(),
    params={"period": Param("", type="string"), "landing": Param("", type="string"), "out": Param("", type="string")},
)
def agency_returns():
    stages("ingest", "crosscheck", landed_files(pending_only=True))


agency_returns()
