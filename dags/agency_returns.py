"""
### Agency returns

Picks up newly landed files every 15 minutes and takes each through the first stages of DESIGN.md section 2,
one mapped task per file: `register` -> `validate` -> `feedback` -> `load`, then `crosscheck` (checks across
returns). Loading emits the `assure_staging` asset, which triggers person reconciliation.

A file already loaded (same bytes, whatever its name) is not picked up again. Params: `period` (default: the
quarter being collected), `landing`, `out`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from dags.common import STAGING, WAREHOUSE_POOL, default_args, settings


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
    @task
    def discover() -> list[dict]:
        from pathlib import Path

        from transforms.register import pending

        s = settings()
        return pending(Path(s["landing"]), s["url"])

    @task(map_index_template="{{ item['agency'] }}/{{ item['path'].split('/')[-1] }}")
    def register(item: dict) -> dict:
        from transforms.register import register as register_file

        s = settings()
        return register_file(item["path"], item["agency"], s["period"], s["out"], s["url"])

    @task
    def validate(submission: dict) -> dict:
        from transforms.ingest import validate_submission

        return validate_submission(submission, settings()["out"])

    @task
    def feedback(result: dict) -> dict:
        from transforms.feedback import write_feedback

        s = settings()
        write_feedback(result, s["out"], s["url"])
        return result

    @task(pool=WAREHOUSE_POOL, outlets=[STAGING])
    def load(result: dict) -> dict:
        from transforms.load import load_submission

        return load_submission(result, settings()["url"])

    @task(pool=WAREHOUSE_POOL)
    def crosscheck(loaded: list[dict]) -> dict:
        from transforms.crosscheck import crosscheck as check_across_returns

        s = settings()
        return check_across_returns(s["period"], s["url"], s["out"])

    crosscheck(load.expand(result=feedback.expand(result=validate.expand(submission=register.expand(
        item=discover())))))


agency_returns()
