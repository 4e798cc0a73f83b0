"""
### Partnership pipeline

The whole quarterly flow of DESIGN.md section 2, as thin wiring over `transforms/`:

`discover` -> per landed file: `register` -> `validate` -> `feedback` -> `load`
-> `crosscheck` (checks across returns) -> `reconcile` -> `indicators` -> `publish`

Parameters: `period` (quarter named by its last month, e.g. 2026-09), `landing` and `out` folders
(defaults from `ASSURE_LANDING_DIR` and `ASSURE_OUTPUT_DIR`). The warehouse is the Airflow connection
`assure_warehouse` when defined, else `ASSURE_WAREHOUSE_URL`, else SQLite in the output folder.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import Param, dag, get_current_context, task


def _settings() -> dict:
    """The run's period, folders and warehouse URL, resolved at run time (never at parse time)."""
    from transforms.warehouse import default_url

    params = get_current_context()["params"]
    out = params.get("out") or os.environ.get("ASSURE_OUTPUT_DIR", "output")
    url = None
    try:
        from airflow.sdk import Connection

        url = Connection.get("assure_warehouse").get_uri()
    except Exception:  # no such connection: fall back to the environment / SQLite default
        url = None
    return {"period": params["period"], "out": out, "url": url or default_url(out),
            "landing": params.get("landing") or os.environ.get("ASSURE_LANDING_DIR", "landing")}


@dag(
    dag_id="partnership_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    doc_md=__doc__,
    tags=["assure", "partnership-dataset"],
    default_args={"owner": "partnership-data", "retries": 2, "retry_delay": pendulum.duration(seconds=30)},
    params={
        "period": Param("2026-09", type="string", pattern=r"^\d{4}-(03|06|09|12)$"),
        "landing": Param("", type="string"),
        "out": Param("", type="string"),
    },
)
def partnership_pipeline():
    @task
    def discover() -> list[dict]:
        from pathlib import Path

        from transforms.register import discover as discover_files

        return discover_files(Path(_settings()["landing"]))

    @task(map_index_template="{{ item['agency'] }}/{{ item['path'].split('/')[-1] }}")
    def register(item: dict) -> dict:
        from transforms.register import register as register_file

        s = _settings()
        return register_file(item["path"], item["agency"], s["period"], s["out"], s["url"])

    @task
    def validate(submission: dict) -> dict:
        from transforms.ingest import validate_submission

        return validate_submission(submission, _settings()["out"])

    @task
    def feedback(result: dict) -> dict:
        from transforms.feedback import write_feedback

        s = _settings()
        write_feedback(result, s["out"], s["url"])
        return result

    @task
    def load(result: dict) -> dict:
        from transforms.load import load_submission

        return load_submission(result, _settings()["url"])

    @task
    def crosscheck(loaded: list[dict]) -> dict:
        from transforms.crosscheck import crosscheck as check_across_returns

        s = _settings()
        return check_across_returns(s["period"], s["url"], s["out"])

    @task
    def reconcile(checked: dict) -> dict:
        from transforms.reconcile import reconcile as reconcile_people

        s = _settings()
        return reconcile_people(s["period"], s["url"])

    @task
    def indicators(people: dict) -> dict:
        from transforms.indicators import compute_indicators

        s = _settings()
        return compute_indicators(s["period"], s["url"], get_current_context()["run_id"])

    @task
    def publish(computed: dict) -> dict:
        from transforms.publish import publish as publish_outputs

        s = _settings()
        return publish_outputs(s["period"], s["url"], s["out"])

    registered = register.expand(item=discover())
    loaded = load.expand(result=feedback.expand(result=validate.expand(submission=registered)))
    publish(indicators(reconcile(crosscheck(loaded))))


partnership_pipeline()
