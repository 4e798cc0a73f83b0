"""More than one machine, for real (`make test-scale-out`; `make test` leaves this folder out): the same DAGs on the
CeleryExecutor with two workers write what they write when Airflow runs them in one process.

A generated quarter (scale 0.2: 13 files) is taken through `agency_returns` (a mapped task group per file: 52
mapped task instances), `person_reconciliation` and `partnership_dataset` (its `approve_release` answered Approve),
twice, from the same landing folder, each time into a fresh PostgreSQL warehouse (given as the Airflow connection
`assure_warehouse`, as docker-compose.yaml does) and an output folder of its own:

1. **The reference, a LocalExecutor stack**: `scripts/airflow_celery.py`'s `AirflowStack` with
   `executor="LocalExecutor"` (the stack of `make airflow`): its own PostgreSQL metadata database, api-server,
   scheduler (which runs the tasks itself, in processes it forks), dag-processor and triggerer, driven through the
   REST API exactly as the Celery stack is.
2. **The CeleryExecutor**: `scripts/airflow_celery.py`'s `AirflowStack`, the stack of `make airflow-celery`:
   Redis (Debian's redis-server, loopback, no persistence), a fresh PostgreSQL metadata database, the api-server,
   scheduler, dag-processor, triggerer and two `airflow celery worker` processes, `celery-worker-1` and
   `celery-worker-2`, each recording its own name as the hostname of the task instances it runs (`[core]
   hostname_callable`). Runs are triggered and the approval answered through the REST API; the scheduler creates
   no run of its own (`[scheduler] use_job_schedule = False`).

The Celery stack boots while the LocalExecutor stack runs; the LocalExecutor stack is stopped before the Celery
run starts, so the two never run tasks at once on the two cores.

What it checks:
- every run succeeded both ways, with the same task instances (task, file, state);
- every Celery task instance ran on one of the two workers, and the mapped `agency_returns` tasks on BOTH (it
  fails if one worker ran them all);
- the two warehouses are equal row for row in every table, leaving out only the columns that hold a wall-clock
  time (their names end in `_at`: received_at, mapped_at, decided_at, released_at, drafted_at, published_at,
  finished_at...) or the id of the Airflow run that wrote the row (`run_id`), which differ between any two runs;
- the published dataset CSV, internal and (after the approval) public, is equal byte for byte: it holds no run
  id or time.

Timings and the task instances per worker go to build/test-artefacts/scale-out/summary.json and the terminal.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import pytest
import sqlalchemy as sa

from scripts.airflow_celery import AirflowStack, create_database, drop_database, postgres_reachable
from synthetic.generate import generate
from tests.airflow_stack import answer_and_wait, sign_in, task_instances, trigger, unpause

PROJECT = Path(__file__).resolve().parents[2]
ARTEFACTS = PROJECT / "build" / "test-artefacts" / "scale-out"
PERIOD = "2026-09"
SCALE = 0.2
SEED = 2
FILES = 13  # the generated quarter's files: 4 mapped task instances each in agency_returns
RUN_SECONDS = 360  # one DAG run, at most
MAPPED_DAG = "agency_returns"
RUNS = ((MAPPED_DAG, None), ("person_reconciliation", None), ("partnership_dataset", "Approve"))  # (DAG, answer)
COMMENT = "approved by the scale-out test"


# The columns left out of the comparison, and only these: each holds a wall-clock time or the id of the Airflow run
# that wrote the row, so it differs between any two runs of the same DAGs on the same files. (Not every column named
# `*_at` is one: stg_police_missing.returned_at is the agencies' data, and compared.)
VOLATILE = {
    "raw_submission": {"received_at"},
    "dq_value_map": {"mapped_at"},
    "dq_match_review": {"decided_at"},
    "fct_indicator_value": {"run_id"},
    "fct_indicator_trend": {"run_id"},
    "fct_indicator_published": {"run_id", "published_at"},
    "fct_indicator_commentary": {"drafted_at", "edited_at"},
    "ops_release": {"run_id", "decided_at", "released_at"},
    "ops_failure": {"run_id", "failed_at"},
    "ops_run": {"run_id", "finished_at"},
    "ops_retention": {"purged_at"},
}


def require(available: bool, what: str) -> None:
    """Fail under CI (`.ci/run` installs and starts what this needs), skip elsewhere."""
    if not available:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is required under CI")
        pytest.skip(f"{what} is not available (set CI=true to make this a failure)")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    require(postgres_reachable(), "PostgreSQL at 127.0.0.1:5432")
    require(shutil.which("redis-server") is not None, "redis-server (Debian's redis-server)")
    folder = tmp_path_factory.mktemp("landing")
    generate(folder, PERIOD, scale=SCALE, seed=SEED)
    return folder


def warehouse_rows(url: str, out: Path) -> dict[str, dict]:
    """Every table of a warehouse: the columns compared, those left out, and its rows (without the volatile columns)
    in one order. A path into the run's own output folder (raw_submission.archive_path) is compared from there:
    `<out>/archive/...`."""
    engine = sa.create_engine(url)
    try:
        tables = {}
        with engine.connect() as conn:
            metadata = sa.MetaData()
            metadata.reflect(conn)
            for name, table in sorted(metadata.tables.items()):
                left_out = VOLATILE.get(name, set())
                assert left_out <= set(table.columns.keys()), (name, left_out - set(table.columns.keys()))
                kept = [c for c in table.columns if c.name not in left_out]
                rows = [tuple(f"<out>{value[len(str(out)):]}" if isinstance(value, str) and value.startswith(str(out))
                              else value for value in row) for row in conn.execute(sa.select(*kept))]
                tables[name] = {"columns": [c.name for c in kept],
                                "left_out": sorted(left_out),
                                "rows": sorted(rows, key=repr)}
        assert set(VOLATILE) <= set(tables), set(VOLATILE) - set(tables)
        return tables
    finally:
        engine.dispose()


def run_on_stack(stack: AirflowStack, landing: Path, out: Path) -> dict:
    """Run the three DAGs on `landing` in turn on a started stack, through the REST API, and return what they did:
    each run's state and task instances, the warehouse's tables, the published CSVs and the timings."""
    timings, runs = {}, {}
    token = sign_in(stack.base, stack.password)
    for dag_id, answer in RUNS:
        unpause(stack.base, token, dag_id)
        started = time.monotonic()
        run_id = trigger(stack.base, token, dag_id, conf(dag_id, landing, out))
        state = answer_and_wait(stack.base, token, dag_id, run_id, RUN_SECONDS,
                                {"chosen_options": [answer], "params_input": {"comment": COMMENT}} if answer else None)
        timings[dag_id] = round(time.monotonic() - started, 1)
        progress(f"{stack.executor}: {dag_id} {state} in {timings[dag_id]} s")
        runs[dag_id] = {"run_id": run_id, "state": state,
                        "instances": task_instances(stack.base, token, dag_id, run_id)}
        assert state == "success", (stack.executor, dag_id, state, failed_tails(stack, runs[dag_id]["instances"]))
    return {"workers": stack.worker_names, "runs": runs, "timings": timings,
            "warehouse": warehouse_rows(stack.warehouse_url, out), "csv": published_csvs(out)}


def conf(dag_id: str, landing: Path, out: Path) -> dict[str, str]:
    """The params each run is given: the quarter and the output folder; agency_returns the landing folder too."""
    return {"period": PERIOD, "out": str(out), **({"landing": str(landing)} if dag_id == MAPPED_DAG else {})}


def progress(line: str) -> None:
    """A line on the terminal while the test runs (pytest -s, as `make test-scale-out` runs it)."""
    print(f"[scale-out] {line}", flush=True)


def failed_tails(stack: AirflowStack, instances: list[dict]) -> dict:
    """The task instances that did not succeed and the end of every service's log, for an assertion's message."""
    failed = [(i["task_id"], i.get("rendered_map_index"), i["state"]) for i in instances
              if i["state"] not in ("success", "skipped")]
    return {"failed": failed, **{name: stack.log_tail(name, 1500) for name in stack.processes}}


def published_csvs(out: Path) -> dict[str, bytes]:
    """The bytes of the dataset CSV of the internal profile and of the public one (released by the approval)."""
    name = f"partnership_dataset_{PERIOD}.csv"
    return {kind: path.read_bytes() for kind, path in (("internal", out / "published" / name),
                                                        ("public", out / "published" / "public" / name))}


@pytest.fixture(scope="module")
def runs(landing, tmp_path_factory) -> dict:
    """Both runs: the LocalExecutor stack boots and runs while the Celery stack boots in the background, then it
    stops and the Celery run follows. Every process either stack started is stopped and every database dropped,
    whatever happens (Ctrl-C and SIGTERM included)."""
    tag = f"assure_scaleout_{uuid.uuid4().hex[:8]}"
    folder, local_folder = tmp_path_factory.mktemp("celery"), tmp_path_factory.mktemp("local")
    databases = [f"{tag}_airflow", f"{tag}_warehouse", f"{tag}_local_airflow", f"{tag}_local_warehouse"]
    metadata, warehouse, local_metadata, local_warehouse = (create_database(name, fresh=True) for name in databases)
    stack = AirflowStack(folder / "home", folder / "out", landing, metadata, executor="CeleryExecutor", workers=2,
                         warehouse_url=warehouse, use_schedules=False)
    local = AirflowStack(local_folder / "home", local_folder / "out", landing, local_metadata,
                         executor="LocalExecutor", warehouse_url=local_warehouse, use_schedules=False)
    interrupted = signal.signal(signal.SIGTERM, _interrupt)  # so a killed test still stops the stacks
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as background:
        booting = background.submit(stack.start)
        try:
            local.start()
            progress(f"LocalExecutor: stack up {round(time.monotonic() - began, 1)} s after it began booting")
            reference = run_on_stack(local, landing, local_folder / "out")
            local.stop()
            booting.result()
            booted = round(time.monotonic() - began, 1)
            progress(f"CeleryExecutor: stack up {booted} s after it began booting (workers "
                     f"{', '.join(stack.worker_names)})")
            celery = run_on_stack(stack, landing, folder / "out")
            celery["timings"] = {"stack up (booted beside the LocalExecutor run)": booted, **celery["timings"]}
        finally:
            wait([booting])  # a stack still booting is stopped once its processes exist
            local.stop()
            stack.stop()
            for name in databases:
                drop_database(name)
            signal.signal(signal.SIGTERM, interrupted)
    return {"reference": reference, "celery": celery}


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@pytest.fixture(scope="module")
def reference_run(runs) -> dict:
    return runs["reference"]


@pytest.fixture(scope="module")
def celery_run(runs) -> dict:
    return runs["celery"]


def where_ran(run: dict) -> dict[str, dict[str, int]]:
    """Per DAG, how many task instances ran on each host (mapped ones counted apart as `<host> (mapped)`)."""
    return {dag_id: dict(Counter(f"{i['hostname']}{' (mapped)' if i['map_index'] >= 0 else ''}"
                                 for i in details["instances"] if i["state"] != "skipped"))
            for dag_id, details in run["runs"].items()}


def test_the_mapped_tasks_ran_on_both_celery_workers(celery_run, reference_run):
    summary = {"LocalExecutor seconds": reference_run["timings"], "CeleryExecutor seconds": celery_run["timings"],
               "CeleryExecutor task instances per host": where_ran(celery_run),
               "LocalExecutor task instances per host": where_ran(reference_run),
               "approve_release tries under Celery": [i["try_number"] for i in celery_run["runs"]["partnership_dataset"]
                                                      ["instances"] if i["task_id"] == "approve_release"],
               "columns left out of the comparison": {name: table["left_out"] for name, table
                                                      in reference_run["warehouse"].items() if table["left_out"]}}
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "summary.json").write_text(json.dumps(summary, indent=2))
    progress(json.dumps(summary, indent=2))

    workers = set(celery_run["workers"])
    assert len(workers) == 2
    for dag_id, details in celery_run["runs"].items():
        hosts = {i["hostname"] for i in details["instances"] if i["state"] != "skipped"}
        assert hosts <= workers, f"{dag_id}: task instances ran outside the Celery workers: {hosts - workers}"
    mapped = [i for i in celery_run["runs"][MAPPED_DAG]["instances"] if i["map_index"] >= 0]
    assert len(mapped) == 4 * FILES, len(mapped)
    per_worker = Counter(i["hostname"] for i in mapped)
    assert set(per_worker) == workers, f"the mapped tasks ran on {dict(per_worker)}, not on both workers"


def test_the_same_task_instances_end_the_same_way(celery_run, reference_run):
    def ended(run: dict) -> dict[str, list[tuple]]:
        return {dag_id: sorted((i["task_id"], i.get("rendered_map_index") or "", i["state"])
                               for i in details["instances"]) for dag_id, details in run["runs"].items()}

    celery, reference = ended(celery_run), ended(reference_run)
    assert len(reference[MAPPED_DAG]) == 4 * FILES + 4  # discover, crosscheck, every_file_loaded, files_refused
    assert celery == reference


def test_the_warehouses_are_equal_row_for_row(celery_run, reference_run):
    celery, reference = celery_run["warehouse"], reference_run["warehouse"]
    assert set(celery) == set(reference)
    for table in ("stg_police_ppn", "core_person", "fct_indicator_value", "ops_release"):
        assert reference[table]["rows"], f"{table} is empty"
    differing = [name for name in reference if celery[name] != reference[name]]
    assert not differing, {name: (len(reference[name]["rows"]), len(celery[name]["rows"])) for name in differing}


def test_the_published_csv_is_equal_byte_for_byte(celery_run, reference_run):
    assert set(reference_run["csv"]) == {"internal", "public"}
    assert reference_run["csv"]["internal"].count(b"\n") > 10
    assert celery_run["csv"] == reference_run["csv"]
