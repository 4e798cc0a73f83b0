"""Glue shared by the DAG files: run settings, the failure callback, the staging asset. No business logic.

Settings are resolved when a task runs, never when the file is parsed: parameters first, then the Airflow
connection `assure_warehouse`, then the environment (ASSURE_*), then defaults.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk import Asset, get_current_context

STAGING = Asset("assure_staging")  # emitted when a submission's rows reach the stg_ tables
WAREHOUSE_POOL = "assure_warehouse"  # one writer at a time on the warehouse
OWNER = "partnership-data"


def default_args() -> dict:
    """Owner, retries and the failure callback every task shares."""
    return {"owner": OWNER, "retries": 2, "retry_delay": pendulum.duration(seconds=30),
            "on_failure_callback": record_failure}


def settings() -> dict:
    """period, landing, out and url for the running task."""
    from transforms import settings as assure_settings
    from transforms.dataset import reporting_period

    context = get_current_context()
    params = context.get("params") or {}
    out = assure_settings.output_dir(params.get("out"))
    day = (context.get("logical_date") or context.get("run_after") or pendulum.now("UTC")).date()
    return {"period": params.get("period") or reporting_period(day), "out": out, "url": warehouse_url(out),
            "landing": assure_settings.landing_dir(params.get("landing")),
            "today": dt.date.fromisoformat(params["today"]) if params.get("today") else day}


def warehouse_url(out: str) -> str:
    """The Airflow connection `assure_warehouse` if defined, else ASSURE_WAREHOUSE_URL, else SQLite in `out`."""
    from transforms.warehouse import default_url

    try:
        from airflow.sdk import Connection

        return Connection.get("assure_warehouse").get_uri()
    except Exception:  # no such connection
        return default_url(out)


def record_failure(context) -> None:
    """Record a failed task in `ops_failure`, and e-mail when an SMTP connection `assure_smtp` is configured."""
    from transforms import settings as assure_settings
    from transforms.operations import notify_failure

    ti = context.get("task_instance") or context.get("ti")
    params = context.get("params") or {}
    out = assure_settings.output_dir(params.get("out"))
    smtp = None
    try:
        from airflow.sdk import Connection

        smtp = Connection.get("assure_smtp")
    except Exception:  # no SMTP connection configured: record only
        smtp = None
    notify_failure(warehouse_url(out), getattr(ti, "dag_id", "?"), getattr(ti, "task_id", "?"),
                   str(context.get("run_id", "?")), str(context.get("exception", "")), smtp)


def ingest(files):
    """Wire the per-file stages, one mapped task per file: register -> validate -> feedback -> load, then the
    checks across returns once every file is loaded. `files` is an XComArg of [{'path', 'agency'}]."""
    from airflow.sdk import task

    @task(map_index_template="{{ item['agency'] }}/{{ item['path'].split('/')[-1] }}")
    def register(item: dict) -> dict:
        from transforms.ingest import register as register_file

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
        from transforms.load import crosscheck as check_across_returns
        from transforms.warehouse import refresh_statistics

        s = settings()
        checked = check_across_returns(s["period"], s["url"], s["out"])
        refresh_statistics(s["url"])
        return checked

    return crosscheck(load.expand(result=feedback.expand(result=validate.expand(submission=register.expand(
        item=files)))))


def dataset(after=None):
    """Wire `indicators` -> `publish` for the run's period, after `after` (an XComArg) when given."""
    from airflow.sdk import task

    @task(pool=WAREHOUSE_POOL)
    def indicators(upstream: dict | None = None) -> dict:
        from transforms.dataset import compute_indicators

        s = settings()
        return compute_indicators(s["period"], s["url"], get_current_context()["run_id"])

    @task
    def publish(computed: dict) -> dict:
        from transforms.publish import publish as publish_outputs

        s = settings()
        return publish_outputs(s["period"], s["url"], s["out"])

    return publish(indicators(after))
