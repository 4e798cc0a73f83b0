"""Glue shared by the DAG files: run settings, the DAG params, the failure callback, the staging asset, and the
one line each task writes in its log. No business logic.

Settings are resolved when a task runs, never when the file is parsed: parameters first, then the Airflow
connection `assure_warehouse`, then the environment (ASSURE_*), then defaults. Every param is optional (null or
empty means its default), so a run triggered with no conf at all, or from the trigger form as it opens, works.

Each task says what it did in one line of words in its log (`say`), from what its transforms function returned:
file names, counts, ids and paths, never a person's name or NHS number, never a raw dict (Airflow's own "Returned
value was" line is switched off: the return value is the XCom the next task reads).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pendulum
from airflow.sdk import Asset, Param, get_current_context

from transforms import INGEST_STEPS, stage_names

STAGING = Asset("assure_staging")  # emitted when a submission's rows reach the stg_ tables
WAREHOUSE_POOL = "assure_warehouse"  # one writer at a time on the warehouse
OWNER = "partnership-data"
QUIET = {"show_return_value_in_logs": False}  # every task: its log line is `say`'s, in words, not the XCom dict
QUARTER = r"^(\d{4}-(03|06|09|12))?$"  # a quarter's last month, e.g. 2026-09 (empty: the default)
PARAMS = {  # name -> the Param's schema (see `params`)
    "period": {"type": ["null", "string"], "pattern": QUARTER, "title": "Quarter (YYYY-MM)",
               "description": "The quarter's last month, e.g. 2026-09. Default: the quarter being collected on the "
                              "run's date (the latest quarter that has ended), worked out when the run starts."},
    "landing": {"type": ["null", "string"], "title": "Landing folder",
                "description": "Default: ASSURE_LANDING_DIR from the environment, else ./landing."},
    "out": {"type": ["null", "string"], "title": "Output folder",
            "description": "Default: ASSURE_OUTPUT_DIR from the environment, else ./output (the SQLite warehouse is "
                           "there unless the connection assure_warehouse or ASSURE_WAREHOUSE_URL names another)."},
    "today": {"type": ["null", "string"], "pattern": r"^(\d{4}-\d{2}-\d{2})?$", "title": "Today (YYYY-MM-DD)",
              "description": "The day the run takes as today, e.g. to check as of another day. Default: the run's "
                             "date."},
    "file": {"type": ["null", "string"], "title": "One landed file to run again (agency/file name)",
             "description": "e.g. police/ppn_2026-09.xlsx: that file alone is registered, validated, reported and "
                            "loaded again, even if it was loaded before (its agency's rows for the period are "
                            "replaced, never duplicated); the run fails saying so when landing holds no such file. "
                            "Default: every landed file not yet loaded for the period."},
}


def params(*names: str) -> dict:
    """The DAG params of these names, each a new Param whose default is null: optional, its default worked out when
    the run starts (see PARAMS)."""
    return {name: Param(None, **PARAMS[name]) for name in names}


def printable(text: object) -> str:
    """Text safe for one log line: control characters (line breaks, terminal escapes) shown as `?`."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


def say(line: str) -> None:
    """The task's line in its log, in words: file names, counts, ids and paths only."""
    print(printable(line), flush=True)


def landed(agency: str, file_name: str) -> str:
    """`agency/file name` as the task log, the mapped task's name in the UI and the feedback show it."""
    return printable(f"{agency}/{Path(str(file_name)).name}")


def name_instance(agency: str, file_name: str) -> str:
    """Name the running mapped instance after its file (`map_index_template="{{ landed_file }}"`); return the name."""
    name = landed(agency, file_name)
    get_current_context()["landed_file"] = name
    return name


def default_args() -> dict:
    """Owner, retries and the failure callback every task shares."""
    from transforms.settings import task_retry_seconds

    return {"owner": OWNER, "retries": 2, "retry_delay": pendulum.duration(seconds=task_retry_seconds()),
            "on_failure_callback": record_failure}


def settings() -> dict:
    """period, landing, out, url, today and file for the running task."""
    from transforms import settings as assure_settings
    from transforms.dataset import reporting_period

    context = get_current_context()
    params = context.get("params") or {}
    out = assure_settings.output_dir(params.get("out") or None)
    day = (context.get("logical_date") or context.get("run_after") or pendulum.now("UTC")).date()
    # a param left out, null or empty takes its default (the trigger form sends null for an empty field)
    return {"period": params.get("period") or reporting_period(day), "out": out, "url": warehouse_url(out),
            "landing": assure_settings.landing_dir(params.get("landing") or None),
            "today": dt.date.fromisoformat(params["today"]) if params.get("today") else day,
            "file": params.get("file") or None}


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
    out = assure_settings.output_dir(params.get("out") or None)
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
    failure never holds up another's. `files` is an XComArg of [{'path', 'agency'}]; returns the loads' XComArg
    (one summary per file: submission, agency, file name, status, counts)."""
    from airflow.sdk import task, task_group

    # every step's mapped instance is named after its file (agency/file name) in the UI: set in the context by
    # `name_instance`, rendered after the task ran
    each_file = {"map_index_template": "{{ landed_file }}", **QUIET}

    @task(**each_file)
    def register(item: dict) -> dict:
        from transforms.ingest import register as register_file

        name = name_instance(item["agency"], item["path"])
        s = settings()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        submission = register_file(item["path"], item["agency"], s["period"], s["out"], s["url"])
        seen = "new" if submission.received_at >= started else f"already registered on {submission.received_at[:10]}"
        say(f"registered {name} as submission {submission.submission_id} ({seen})")
        return submission.to_dict()

    @task(**each_file)
    def validate(item: dict) -> dict:
        from transforms.handoff import Submission
        from transforms.ingest import validate_submission, value_map

        name = name_instance(item["agency"], item["file_name"])
        s, submission = settings(), Submission.from_dict(item)
        mapped = value_map.load(s["url"], submission.agency)
        result = validate_submission(submission, s["out"], mapped=mapped)
        if result.status == "QUARANTINED":
            say(f"{name}: quarantined ({result.rule_id or 'FILE'}), no row will be loaded: {result.reason}")
        else:
            say(f"{name}: {result.rows_read:,} rows, {result.rows_rejected:,} rejected, {result.rows_queried:,} "
                f"queried ({result.status.lower()})")
        return result.to_dict()

    @task(**each_file)
    def feedback(item: dict) -> dict:
        from transforms.feedback import write_feedback
        from transforms.handoff import IngestResult

        name = name_instance(item["agency"], item["file_name"])
        s = settings()
        written = write_feedback(IngestResult.from_dict(item), s["out"], s["url"])
        say(f"{name}: feedback for the agency written to {written['xlsx']} (and .json)")
        return item

    @task(pool=WAREHOUSE_POOL, outlets=[STAGING], **each_file)
    def load(item: dict) -> dict:
        from transforms.handoff import IngestResult
        from transforms.load import load_submission

        name = name_instance(item["agency"], item["file_name"])
        result = IngestResult.from_dict(item)
        loaded = load_submission(result, settings()["url"])["loaded"]
        rows = sum(loaded.values())
        if result.status == "QUARANTINED":
            say(f"{name}: quarantined ({result.rule_id or 'FILE'}), no rows loaded; recorded as refused")
        else:
            kept = f" (a later submission's rows kept for {result.rows_accepted - rows:,})" \
                if rows < result.rows_accepted else ""
            say(f"{name}: {rows:,} rows loaded{kept}, {result.rows_rejected:,} rejected, {result.rows_queried:,} "
                f"queried; submission {result.submission_id} marked loaded")
        return {"submission_id": result.submission_id, "agency": result.agency, "file_name": result.file_name,
                "status": result.status, "rule_id": result.rule_id, "reason": result.reason, "loaded": loaded,
                "rows_read": result.rows_read, "rows_rejected": result.rows_rejected,
                "rows_queried": result.rows_queried}

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
    @task(pool=WAREHOUSE_POOL, trigger_rule="all_done", **QUIET)
    def crosscheck(loaded: list[dict]) -> dict:
        from transforms.load import crosscheck as check_across_returns
        from transforms.warehouse import refresh_statistics

        s = settings()
        checked = check_across_returns(s["period"], s["url"], s["out"])
        refresh_statistics(s["url"])
        say(f"checks across returns for {s['period']}: {checked['checked']:,} rows checked, {checked['queried']:,} "
            "rows queried (Annex A children not in the identity return)")
        return checked

    return crosscheck(loaded)


def reconcile(after=None):
    """The master person index for the run's period, after `after` (an XComArg) when given."""
    from airflow.sdk import task

    @task(pool=WAREHOUSE_POOL, **QUIET)
    def reconcile(upstream: dict | None = None) -> dict:
        from transforms.people import reconcile as reconcile_people

        s = settings()
        linked = reconcile_people(s["period"], s["url"])
        say(f"person index for {s['period']}: {linked['records']:,} person records -> {linked['people']:,} people; "
            f"{linked['matched']:,} records new or changed were scored; {linked['review']:,} pairs wait in the "
            f"review queue; {linked['merges']:,} merges, {linked['splits']:,} splits")
        return linked

    return reconcile(after)


def indicators(after=None):
    """The partnership dataset for the run's period, after `after` (an XComArg) when given."""
    from airflow.sdk import task

    @task(pool=WAREHOUSE_POOL, **QUIET)
    def indicators(upstream: dict | None = None) -> dict:
        from transforms.dataset import compute_indicators

        s = settings()
        run_id = get_current_context()["run_id"]
        computed = compute_indicators(s["period"], s["url"], run_id)
        say(f"indicators for {s['period']}: {computed['values']:,} values of {computed['indicators']:,} indicators "
            f"computed (run {run_id})")
        return computed

    return indicators(after)


def publish(computed):
    """The internal profile of the run's period, after the indicators (the public one waits for `release`)."""
    from airflow.sdk import task

    @task(**QUIET)
    def publish(computed: dict) -> dict:
        from transforms.publish import publish as publish_outputs

        s = settings()
        outputs = publish_outputs(s["period"], s["url"], s["out"])
        say(f"published {s['period']}: {len(outputs)} outputs: "
            + "; ".join(f"{kind} {path}" for kind, path in outputs.items()))
        return {"period": s["period"], "outputs": outputs}

    return publish(computed)


APPROVE, REJECT = "Approve", "Reject"  # the approval's options, as the Required Actions page shows them
PERIOD_PUBLISHED = "{{ ti.xcom_pull(task_ids='publish')['period'] }}"


def release(published):
    """After the internal profile (`published`, the publish task's XComArg): `approve_release` waits for an
    analyst's answer (Airflow's human-in-the-loop step: Browse > Required Actions in the UI, or the REST API's
    hitlDetails), then `release` calls `transforms.publish.release` with who answered and when (the HITL response:
    `responded_by_user`, `responded_at`, the chosen option and the comment typed with it). Approve: the public
    profile is written and the approval recorded in `ops_release`. Reject: the rejection is recorded, nothing public
    is written and `release` ends skipped. Returns the release task's XComArg."""
    from airflow.providers.standard.operators.hitl import HITLOperator
    from airflow.sdk import Param, task

    approval = HITLOperator(
        task_id="approve_release",
        subject=f"Release the partnership dataset for {PERIOD_PUBLISHED} to the public?",
        body=(f"The internal profile of {PERIOD_PUBLISHED} is published: the dashboard (Partnership dashboard, "
              "`/assure/dashboard/index.html`), the ARG pack and the data-quality report in `published/`.\n\n"
              f"**{APPROVE}** writes the public profile (counts from 1 to 5 suppressed) to `published/public/` and "
              "copies the files for circulation (the ARG pack's PDF) to `published/circulation/`, recording you and "
              f"the time. **{REJECT}** releases nothing and records why (the comment): fix the cause and run the "
              "quarter again."),
        options=[APPROVE, REJECT],
        params={"comment": Param(None, type=["null", "string"], title="Comment",
                                 description="Optional: what you checked, or why the quarter is not released.")},
    )

    @task(**QUIET)
    def release(answer: dict) -> dict:
        from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

        from transforms.publish import ReleaseRefused
        from transforms.publish import release as release_public

        s = settings()
        user = answer.get("responded_by_user") or {}
        by = user.get("name") or user.get("id") or "unknown"
        approved = list(answer.get("chosen_options") or []) == [APPROVE]
        try:
            done = release_public(s["period"], s["url"], s["out"], by, approved=approved,
                                  comment=(answer.get("params_input") or {}).get("comment"),
                                  run_id=get_current_context()["run_id"], decided_at=answer.get("responded_at"))
        except ReleaseRefused as exc:  # the numbers approved are no longer the quarter's: a retry cannot help
            raise AirflowFailException(f"{s['period']} was not released: {exc}") from None
        if not approved:
            say(f"{s['period']} was not released: rejected by {printable(by)} at {done['decided_at']}"
                + (f" ({printable(done['comment'])})" if done["comment"] else "") + "; recorded in ops_release; the "
                "internal profile alone stands")
            raise AirflowSkipException(f"rejected by {printable(by)}: the public profile was not released")
        say(f"released {s['period']}: approved by {printable(by)} at {done['decided_at']}; "
            + "; ".join(f"{kind} {path}" for kind, path in done["outputs"].items()))
        return done

    published >> approval
    return release(approval.output)


def landed_files(pending_only: bool):
    """The task listing the files to ingest (all landed files, or only those not yet loaded for the period; or the
    one file the `file` param names, loaded or not). Links, pipes, devices and files at the landing root are refused
    with a note in the outbox, never read; the refusals go to `files_refused` (XCom `refused`)."""
    from airflow.sdk import task

    @task(**QUIET)
    def discover() -> list[dict]:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.ingest import pending, refuse, survey
        from transforms.operations import NoSuchFile, landed_file

        s = settings()
        landing = Path(s["landing"])
        if s["file"]:  # "run this file again": exactly that file, whatever its loaded state; nothing else
            try:
                item = landed_file(landing, s["file"])
            except NoSuchFile as exc:
                raise AirflowFailException(str(exc)) from None
            say(f"running {landed(item['agency'], item['path'])} again for {s['period']}: it is registered, "
                "validated, reported and loaded again, replacing its agency's rows for the period")
            return [item]
        files, refusals = survey(landing)
        refuse(refusals, s["out"])
        get_current_context()["ti"].xcom_push(key="refused", value=[
            {"landed": r.landed, "agency": r.agency, "rule_id": r.rule.rule_id, "title": r.rule.title,
             "message": r.rule.message, "detail": r.detail} for r in refusals])
        chosen = pending(landing, s["url"], s["period"]) if pending_only else files
        names = ", ".join(landed(item["agency"], item["path"]) for item in chosen)
        line = f"{len(chosen)} file(s) to ingest for {s['period']}" + (f": {names}" if chosen else "")
        if pending_only:
            line += f" ({len(files) - len(chosen)} of the {len(files)} in landing already loaded)"
        if refusals:
            line += f"; {len(refusals)} refused, not read: " + ", ".join(
                f"{r.landed} ({r.rule.rule_id} {r.rule.title})" for r in refusals)
        say(line)
        return chosen

    return discover()


def every_file_loaded(after):
    """Fail the run, at the end, if a landed file was not loaded (its own tasks failed), naming it; runs whatever
    happened upstream (`all_done`). Its retries come soon: they only guard the warehouse read against a blip. With
    the `file` param, only that file is checked."""
    from airflow.sdk import task

    @task(trigger_rule="all_done", retry_delay=pendulum.duration(seconds=5), **QUIET)
    def every_file_loaded(upstream: dict | None = None) -> int:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.ingest import pending
        from transforms.operations import NoSuchFile, landed_file

        s = settings()
        left = pending(Path(s["landing"]), s["url"], s["period"])
        if s["file"]:  # only the file the run was asked to take; none in landing fails the run, as `discover` did
            try:
                wanted = landed_file(s["landing"], s["file"])
            except NoSuchFile as exc:
                raise AirflowFailException(str(exc)) from None
            left = [item for item in left if item["path"] == wanted["path"]]
        if left:
            names = ", ".join(f"{item['agency']}/{Path(item['path']).name!r}" for item in left)
            raise RuntimeError(f"{len(left)} landed file(s) were not loaded: {names}. Every other file was; see the "
                               "failed tasks' logs, fix the cause and run again (the next run tries them again).")
        say(f"{printable(s['file'])} is loaded for {s['period']}" if s["file"]
            else f"every landed file for {s['period']} is loaded")
        return 0

    return every_file_loaded(after)


def files_refused(loaded):
    """Fail the run, at the end, when it refused a file: an entry of landing not read (a link, a pipe, a device, a
    file at the landing root: `discover`'s XCom `refused`) or a file quarantined by validation (status in `loaded`,
    the loads' summaries). The failure names each file and what its agency must do; Airflow cannot write a run's
    note from a task (Airflow 3.3's Task SDK has no call for it), so a failed task is how the run says so. Runs
    whatever happened upstream (`all_done`); AirflowFailException: never retried."""
    from airflow.sdk import task

    @task(trigger_rule="all_done", **QUIET)
    def files_refused(loaded: list[dict] | None = None) -> int:
        from airflow.sdk.exceptions import AirflowFailException

        refused = get_current_context()["ti"].xcom_pull(task_ids="discover", key="refused") or []
        # the loads' summaries: a list, or the one dict itself when a single file was mapped; none when none ran
        summaries = [loaded] if isinstance(loaded, dict) else list(loaded or [])
        quarantined = [item for item in summaries if isinstance(item, dict) and item.get("status") == "QUARANTINED"]
        if not refused and not quarantined:
            say("no file was refused or quarantined")
            return 0
        lines = [f"{landed(item['agency'], item['file_name'])} was quarantined ({item.get('rule_id') or 'FILE'}): "
                 f"{printable(item.get('reason') or '')}" for item in quarantined]
        lines += [f"landing/{printable(entry['landed'])} was not read ({entry['rule_id']} {entry['title']}"
                  f"{': ' + entry['detail'] if entry['detail'] else ''}): {entry['message']}" for entry in refused]
        say(f"{len(lines)} file(s) refused: " + "; ".join(
            [f"{landed(i['agency'], i['file_name'])} quarantined" for i in quarantined]
            + [f"landing/{printable(e['landed'])} not read" for e in refused]))
        raise AirflowFailException(
            f"{len(lines)} landed file(s) were refused and not loaded. " + " ".join(
                f"({number}) {line}" for number, line in enumerate(lines, start=1))
            + " Each agency has a note saying so in its outbox (outbox/<agency>/, outbox/_landing/ for the landing "
            "root); the other files went on without them. A corrected file dropped into the agency's landing folder "
            "is loaded by the next run.")

    return files_refused(loaded)


STAGE_TASKS = {"ingest": ingest, "crosscheck": crosscheck, "reconcile": reconcile, "indicators": indicators,
               "publish": publish}


def stages(first: str, last: str, upstream=None):
    """Chain the tasks of the stages from `first` to `last`, in the one order of `transforms.STAGES`, after
    `upstream` (for `ingest`: the XComArg of landed files). Returns the last stage's XComArg. With the ingest stage,
    `every_file_loaded` and `files_refused` stand beside the later stages, so a failed publish still fails the run
    too, and a refused or unloaded file fails it at the end."""
    loaded = None
    for name in stage_names(first, last):
        upstream = STAGE_TASKS[name](upstream)
        if name == "ingest":
            loaded = upstream
        if name == "crosscheck":
            every_file_loaded(upstream)
            if loaded is not None:
                files_refused(loaded)
    return upstream
