"""Run the partnership DAG through Airflow in-process (`dag.test()` on a temporary SQLite metadata DB).

Usage: python scripts/run_dag.py [--dag ID] [--landing DIR] [--out DIR] [--period YYYY-MM] [--today DATE]
       [--file AGENCY/NAME] [--approve | --reject] [--by NAME] [--comment TEXT]   (or --check to list the DAGs)
       python scripts/run_dag.py --plan RUNS.json   (several runs in turn, one Airflow start; see `run_plan`)
Only the options given go into the run's conf; every other param takes its default (the environment's
ASSURE_LANDING_DIR and ASSURE_OUTPUT_DIR, the quarter being collected today). After the run it prints one line per
task instance, `task <task_id>[<its name>]: <state>` (the name of a mapped instance, e.g. its file), then the
run's final state. Used by `make demo` and the DAG tests: the same code path Airflow's scheduler runs, without a
server.

The release's approval (`approve_release`, a human-in-the-loop task) waits in `awaiting_input`, and dag.test() waits
with it for a response recorded in the metadata database: no server shares this temporary one, so this script gives
the answer itself, as the REST API's PATCH .../hitlDetails would record it: `--approve` or `--reject` by `--by NAME`
(default: the logged-in user) with `--comment`. With neither, nobody answers: the approval is marked skipped, and
so is the release (the internal profile alone is published).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import tempfile
import threading
from pathlib import Path
from unittest import mock

PROJECT = Path(__file__).resolve().parents[1]
DAG_ID = "partnership_pipeline"
JSON_MARKER = "--- DAGs as JSON ---"


def configure_airflow(home: Path) -> None:
    """Point Airflow at a throw-away home and metadata DB, and at the project's DAGs. Call before importing it."""
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(PROJECT / "dags")
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'airflow.db'}"
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__PARALLELISM"] = "2"
    os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")


def answer_approvals(answer: dict | None, stop: threading.Event) -> None:
    """Until `stop`, answer every human-in-the-loop task awaiting input as a user would: `answer` is the chosen
    option, who chose it and the comment, recorded and resumed as Airflow's REST API does (the response on the
    task's `hitl_detail`, then `handle_event_submit`); the task reads it on resuming. No answer: the waiting task is
    marked skipped."""
    import sqlalchemy as sa
    from airflow.models.hitl import HITLDetail
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.trigger import handle_event_submit
    from airflow.triggers.base import TriggerEvent
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState

    seen: set = set()  # (task instance, try) seen waiting on an earlier look: dag.test() has finished parking it
    while not stop.wait(0.5):
        with create_session() as session:
            waiting = session.scalars(sa.select(TaskInstance).where(
                TaskInstance.state == TaskInstanceState.AWAITING_INPUT)).all()
            for ti in waiting:
                detail = session.scalar(sa.select(HITLDetail).where(HITLDetail.ti_id == ti.id))
                if detail is None or (ti.id, ti.try_number) not in seen:
                    seen.add((ti.id, ti.try_number))  # answered on the next look, once the parking is recorded
                    continue
                if detail.response_received:  # answered while it was being parked: resume it with that answer
                    handle_event_submit(TriggerEvent(detail.as_resume_event_payload()), task_instance=ti,
                                        session=session)
                    continue
                if answer is None:
                    ti.set_state(TaskInstanceState.SKIPPED, session=session)
                    print(f"{ti.task_id}: nobody answered (run with --approve or --reject): skipped", flush=True)
                    continue
                detail.responded_by = {"id": answer["by"], "name": answer["by"]}
                detail.responded_at = dt.datetime.now(dt.UTC)
                detail.chosen_options = [answer["option"]]
                detail.params_input = {"comment": answer["comment"]}
                session.add(detail)
                handle_event_submit(TriggerEvent(detail.as_resume_event_payload()), task_instance=ti, session=session)
                print(f"{ti.task_id}: answered {answer['option']} as {answer['by']}", flush=True)


def prepare_airflow():
    """Create the metadata DB, the warehouse pool and the DAGs' rows, as the scheduler and dag processor would; the
    parsed DagBag."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.initdb()
    Pool.create_or_update_pool("assure_warehouse", slots=1, description="one writer at a time on the warehouse",
                               include_deferred=False)
    bag = DagBag(dag_folder=str(PROJECT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    DagBundlesManager().sync_bundles_to_db()
    sync_bag_to_db(bag, "dags-folder", None)  # as the dag processor would: deadline alerts need their rows
    return bag


def run_dag(bag, dag_id: str, conf: dict, answer: dict | None = None) -> str:
    """Run one DAG of `bag` once with `conf` as its params, answering its approvals with `answer` (see
    `answer_approvals`); print its task instances' states; return the DagRun's final state."""
    stop = threading.Event()
    answering = threading.Thread(target=answer_approvals, args=(answer, stop), daemon=True)
    answering.start()
    try:
        run = bag.get_dag(dag_id).test(run_conf=conf)
    finally:
        stop.set()
        answering.join(timeout=10)
    for line in task_states(dag_id, run.run_id):
        print(line)
    return str(run.state)


def conf_of(out=None, landing=None, period=None, today=None, file=None) -> dict[str, str]:
    """A run's conf from the options given (folders made absolute); an option not given is left to its param's
    default."""
    conf = {key: str(Path(value).resolve()) for key, value in (("out", out), ("landing", landing)) if value}
    conf.update({key: value for key, value in (("period", period), ("today", today), ("file", file)) if value})
    return conf


PLAN_MARKER = "=== run "


def run_plan(bag, plan: list[dict]) -> bool:
    """Several DAG runs in turn on one metadata DB, as a scheduler would run them one after another: each item has
    `dag`, and optionally `conf`, `answer` (as for `run_dag`), `env` (set for that run only) and `state` (the final
    state expected, default success). Each run's output starts with `=== run <n>: <dag> ===` and ends with
    `DAG <dag> finished: <state>`. True when every run ended in the state expected. (One Airflow start for all: the
    DAG tests save several seconds of imports and API set-up per run.)"""
    met = True
    for number, item in enumerate(plan, start=1):
        print(f"{PLAN_MARKER}{number}: {item['dag']} ===", flush=True)
        with mock.patch.dict(os.environ, item.get("env", {})):
            state = run_dag(bag, item["dag"], item.get("conf", {}), item.get("answer"))
        print(f"DAG {item['dag']} finished: {state}", flush=True)
        met = met and state == item.get("state", "success")
    return met


def task_states(dag_id: str, run_id: str) -> list[str]:
    """`task <task_id>[<rendered map index>]: <state>` for each task instance of the run, as the grid shows them."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        instances = session.query(TaskInstance).filter(TaskInstance.dag_id == dag_id,
                                                       TaskInstance.run_id == run_id).all()
        rows = sorted((ti.task_id, ti.map_index, ti.rendered_map_index, str(ti.state)) for ti in instances)
    return [f"task {task_id}{f'[{name or index}]' if index >= 0 else ''}: {state}"
            for task_id, index, name, state in rows]


def describe_dags(folder: Path = PROJECT / "dags") -> dict:
    """Import errors and, per DAG, what the integrity test checks (tags, owner, retries, docs, tasks)."""
    import socket

    import sqlalchemy
    from airflow.dag_processing.dagbag import DagBag

    def forbidden(*args, **kwargs):
        raise RuntimeError("a DAG file opened a database or network connection while being parsed")

    # parsing must do no database or network work: any attempt becomes an import error
    socket.socket.connect = forbidden
    sqlalchemy.create_engine = forbidden
    bag = DagBag(dag_folder=str(folder))
    dags = {}
    for dag_id, dag in bag.dags.items():
        dags[dag_id] = {
            "tags": sorted(dag.tags), "doc_md": bool(dag.doc_md),
            "owners": sorted({t.owner for t in dag.tasks}),
            "min_retries": min(t.retries for t in dag.tasks), "tasks": sorted(t.task_id for t in dag.tasks),
            "edges": sorted([t.task_id, d] for t in dag.tasks for d in t.downstream_task_ids),
            "map_index_templates": {t.task_id: t.map_index_template for t in dag.tasks
                                    if getattr(t, "map_index_template", None)},
            "params": {name: {"default": param.value, "schema": param.schema, "description": param.description}
                       for name, param in ((name, dag.params.get_param(name)) for name in dag.params)},
            "logs_return_values": sorted(t.task_id for t in dag.tasks
                                         if getattr(t, "show_return_value_in_logs", False)),
        }
    return {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}, "dags": dags}


def main() -> int:
    """Command-line entry: exit 0 only when the DAG run succeeded (or, with --check, print the DAGs as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only parse the DAGs and print them as JSON")
    parser.add_argument("--dag-folder", type=Path, default=PROJECT / "dags",
                        help="--check: the folder of DAG files to parse (default: the project's dags/)")
    parser.add_argument("--dag", default=DAG_ID, help=f"DAG id to run (default {DAG_ID})")
    parser.add_argument("--landing")
    parser.add_argument("--out")
    parser.add_argument("--period")
    parser.add_argument("--today", help="ISO date the monitor and retention DAGs take as today")
    parser.add_argument("--file", help="agency_returns: the one landed file to run again (agency/file name)")
    decision = parser.add_mutually_exclusive_group()
    decision.add_argument("--approve", action="store_true", help="answer the release's approval: Approve")
    decision.add_argument("--reject", action="store_true", help="answer the release's approval: Reject")
    parser.add_argument("--by", help="who answers (default: the logged-in user)")
    parser.add_argument("--comment", help="the comment given with the answer")
    parser.add_argument("--plan", type=Path, help="a JSON list of runs to make in turn (see run_plan); exit 0 when "
                                                  "each ended in the state it expects")
    args = parser.parse_args()
    answer = ({"option": "Approve" if args.approve else "Reject", "by": args.by or getpass.getuser(),
               "comment": args.comment} if args.approve or args.reject else None)
    with tempfile.TemporaryDirectory(prefix="assure-airflow-") as home:
        configure_airflow(Path(home))
        if args.check:
            # Airflow logs import errors to stdout: the JSON follows a marker line
            found = describe_dags(args.dag_folder)
            print(JSON_MARKER)
            print(json.dumps(found, indent=2, sort_keys=True))
            return 0
        if args.plan:
            return 0 if run_plan(prepare_airflow(), json.loads(args.plan.read_text())) else 1
        conf = conf_of(out=args.out, landing=args.landing, period=args.period, today=args.today, file=args.file)
        state = run_dag(prepare_airflow(), args.dag, conf, answer)
    print(f"DAG {args.dag} finished: {state}")
    return 0 if state == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
