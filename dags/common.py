"""Glue shared by the DAG files: run settings, the failure callback, the staging asset. No business logic.

Settings are resolved when a task runs, never when the file is parsed: parameters first, then the Airflow
connection `assure_warehouse`, then the environment (ASSURE_*), then defaults.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk import Asset, get_current_context

from transforms import INGEST_STEPS, stage_names

STAGING = Asset("assure_staging")  # emitted when a submission's rows reach the stg_ tables
WAREHOUSE_POOL = "assure_warehouse"  # one writer at a time on the warehouse
OWNER = "partnership-data"


def default_args() -> dict:
    """Owner, retries and the failure callback every task shares."""
    from transforms.settings import task_retry_seconds

    return {"owner": OWNER, "retries": 2, "retry_delay": pendulum.duration(seconds=task_retry_seconds()),
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
    """The ingest stage, one mapped task group per file (`file`): register -> validate -> feedback -> load (the
    steps of `transforms.INGEST_STEPS`), each step depending on its own file's previous step only, so one file's
    failure never holds up another's. `files` is an XComArg of [{'path', 'agency'}]; returns the loads' XComArg."""
    from airflow.sdk import task, task_group

    # the file a mapped instance works on names it in the UI: set in the context, rendered after the task ran
    @task(map_index_template="{{ landed_file }}")
    def register(item: dict) -> dict:
        from transforms.ingest import register as register_file

        get_current_context()["landed_file"] = f"{item['agency']}/{item['path'].split('/')[-1]}"
        s = settings()
        return register_file(item["path"], item["agency"], s["period"], s["out"], s["url"]).to_dict()

    @task
    def validate(item: dict) -> dict:
        from transforms.handoff import Submission
        from transforms.ingest import validate_submission, value_map

        s, submission = settings(), Submission.from_dict(item)
        mapped = value_map.load(s["url"], submission.agency)
        return validate_submission(submission, s["out"], mapped=mapped).to_dict()

    @task
    def feedback(item: dict) -> dict:
        from transforms.feedback import write_feedback
        from transforms.handoff import IngestResult

        s = settings()
        write_feedback(IngestResult.from_dict(item), s["out"], s["url"])
        return item

    @task(pool=WAREHOUSE_POOL, outlets=[STAGING])
    def load(item: dict) -> dict:
        from transforms.handoff import IngestResult
        from transforms.load import load_submission

        return load_submission(IngestResult.from_dict(item), settings()["url"])

    steps = {"register": register, "validate": validate, "feedback": feedback, "load": load}

    @task_group(group_id="file")
    def one_file(item: dict):
        upstream = item
        for name in INGEST_STEPS:  # each step takes the previous step's output for its file as `item`
            upstream = steps[name](upstream)
        return upstream

    return one_file.expand(item=files)


def crosscheck(loaded):
    """The checks across returns, once every file is loaded (then fresh statistics for the planner)."""
    from airflow.sdk import task

    # all_done: one file's failed load must not block the checks of the others (DESIGN.md section 9); the run
    # still fails at the end, in `every_file_loaded`
    @task(pool=WAREHOUSE_POOL, trigger_rule="all_done")
    def crosscheck(loaded: list[dict]) -> dict:
        from transforms.load import crosscheck as check_across_returns
        from transforms.warehouse import refresh_statistics

        s = settings()
        checked = check_across_returns(s["period"], s["url"], s["out"])
        refresh_statistics(s["url"])
        return checked

    return crosscheck(loaded)


def reconcile(after=None):
    """The master person index for the run's period, after `after` (an XComArg) when given."""
    from airflow.sdk import task

    @task(pool=WAREHOUSE_POOL)
    def reconcile(upstream: dict | None = None) -> dict:
        from transforms.people import reconcile as reconcile_people

        s = settings()
        return reconcile_people(s["period"], s["url"])

    return reconcile(after)


def indicators(after=None):
    """The partnership dataset for the run's period, after `after` (an XComArg) when given."""
    from airflow.sdk import task

    @task(pool=WAREHOUSE_POOL)
    def indicators(upstream: dict | None = None) -> dict:
        from transforms.dataset import compute_indicators

        s = settings()
        return compute_indicators(s["period"], s["url"], get_current_context()["run_id"])

    return indicators(after)


def publish(computed):
    """Every publication of the run's period, after the indicators."""
    from airflow.sdk import task

    @task
    def publish(computed: dict) -> dict:
        from transforms.publish import publish as publish_outputs

        s = settings()
        return publish_outputs(s["period"], s["url"], s["out"])

    return publish(computed)


def landed_files(pending_only: bool):
    """The task listing the files to ingest (all landed files, or only those not yet loaded for the period); links,
    pipes, devices and files at the landing root are refused with a note in the outbox, never read."""
    from airflow.sdk import task

    @task
    def discover() -> list[dict]:
        from pathlib import Path

        from transforms.ingest import pending, refuse, survey

        s = settings()
        files, refusals = survey(Path(s["landing"]))
        for line in refuse(refusals, s["out"]):
            print(f"refused: {line}")
        return pending(Path(s["landing"]), s["url"], s["period"]) if pending_only else files

    return discover()


def every_file_loaded(after):
    """Fail the run, at the end, if a landed file was not loaded (its own tasks failed), naming it; runs whatever
    happened upstream (`all_done`). Its retries come soon: they only guard the warehouse read against a blip."""
    from airflow.sdk import task

    @task(trigger_rule="all_done", retry_delay=pendulum.duration(seconds=5))
    def every_file_loaded(upstream: dict | None = None) -> int:
        from pathlib import Path

        from transforms.ingest import pending

        s = settings()
        left = pending(Path(s["landing"]), s["url"], s["period"])
        if left:
            names = ", ".join(f"{item['agency']}/{Path(item['path']).name!r}" for item in left)
            raise RuntimeError(f"{len(left)} landed file(s) were not loaded: {names}. Every other file was; see the "
                               "failed tasks' logs, fix the cause and run again (the next run tries them again).")
        return 0

    return every_file_loaded(after)


STAGE_TASKS = {"ingest": ingest, "crosscheck": crosscheck, "reconcile": reconcile, "indicators": indicators,
               "publish": publish}


def stages(first: str, last: str, upstream=None):
    """Chain the tasks of the stages from `first` to `last`, in the one order of `transforms.STAGES`, after
    `upstream` (for `ingest`: the XComArg of landed files). Returns the last stage's XComArg."""
    for name in stage_names(first, last):
        upstream = STAGE_TASKS[name](upstream)
        if name == "crosscheck":  # beside the later stages, so a failed publish still fails the run too
            every_file_loaded(upstream)
    return upstream
