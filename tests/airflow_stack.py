"""Helpers for the tests that run Airflow for real on loopback (tests/dags/test_airflow_live.py with `airflow
standalone`, tests/scale_out/ with the CeleryExecutor): the REST API calls, DAG runs triggered and waited for, and
the release's approval (`approve_release`, a human-in-the-loop task) answered as an analyst would."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from scripts.airflow_celery import free_port

__all__ = ["answer_and_wait", "call", "dag_runs", "executor_reported", "free_port", "sign_in", "task_instances",
           "trigger", "unpause"]


def call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    """(status, JSON body) of a REST call, with a bearer token when given; status 0 while nothing listens."""
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text.startswith("{") else {"text": text}
    except urllib.error.HTTPError as error:
        return error.code, {}
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}  # not listening yet


def unpause(base: str, token: str, dag_id: str) -> None:
    """Unpause `dag_id` once the dag-processor has parsed it (within 2 minutes)."""
    deadline = time.monotonic() + 120
    while call(f"{base}/api/v2/dags/{dag_id}", token=token)[0] != 200:  # parsed yet?
        assert time.monotonic() < deadline, f"{dag_id} was not parsed"
        time.sleep(2)
    assert call(f"{base}/api/v2/dags/{dag_id}", "PATCH", {"is_paused": False}, token)[0] == 200


def dag_runs(base: str, token: str, dag_id: str) -> list[dict]:
    """The runs of `dag_id` (the latest 100)."""
    status, body = call(f"{base}/api/v2/dags/{dag_id}/dagRuns?limit=100", token=token)
    assert status == 200, status
    return body["dag_runs"]


def sign_in(base: str, password: str, user: str = "admin") -> str:
    """A bearer token for `user` from Airflow's /auth/token."""
    status, body = call(f"{base}/auth/token", "POST", {"username": user, "password": password})
    assert status in (200, 201), status
    return body["access_token"]


def trigger(base: str, token: str, dag_id: str, conf: dict) -> str:
    """Trigger a run of `dag_id` now with `conf` as its params; return its run id."""
    status, created = call(f"{base}/api/v2/dags/{dag_id}/dagRuns", "POST", {"logical_date": None, "conf": conf}, token)
    assert status in (200, 201), (status, created)
    return created["dag_run_id"]


def task_instances(base: str, token: str, dag_id: str, run_id: str) -> list[dict]:
    """Every task instance of a run, mapped ones included, as the REST API gives them (task_id, map_index,
    rendered_map_index, state, hostname, start_date, end_date...)."""
    instances: list[dict] = []
    while True:
        status, body = call(f"{base}/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100"
                            f"&offset={len(instances)}", token=token)
        assert status == 200, status
        instances += body["task_instances"]
        if not body["task_instances"] or len(instances) >= body["total_entries"]:
            return instances


def executor_reported(log: str, dag_id: str, task_id: str, run_id: str, try_number: int) -> bool:
    """True once the scheduler's log (`log`, its text) says it has processed the executor's report that the process
    of `task_id`'s try `try_number` in `run_id` ended. For a question (`approve_release` parked in `awaiting_input`),
    answering before then is what Airflow 3.3.2 loses: the late report removes the resumed try from the executor's
    running set (both tries share one key), the scheduler finds that try queued, and fails it."""
    key = (f"TaskInstanceKey(dag_id='{dag_id}', task_id='{task_id}', run_id='{run_id}', try_number={try_number}, "
           "map_index=-1)")
    return any("Received executor event with state" in line and key in line for line in log.splitlines())


def answer_and_wait(base: str, token: str, dag_id: str, run_id: str, timeout: float,
                    answer: dict | None = None, answer_after: float = 20) -> str:
    """Wait until the run ends; return its state. Meanwhile, when `answer` is given (`{"chosen_options": [...],
    "params_input": {...}}`), answer its `approve_release` question through the REST API as the Required Actions
    page does, once the question has waited `answer_after` seconds (as a person reading it would), and again if it
    is asked again. Why wait: Airflow 3.3.2 loses an answer given before the scheduler has processed the executor's
    report that the parked task's process ended (seconds after the question appears: about 5 s measured with the
    LocalExecutor); the task then fails that try and its retry asks anew, with a new try number."""
    run_url = f"{base}/api/v2/dags/{dag_id}/dagRuns/{run_id}"
    approval = f"{run_url}/taskInstances/approve_release"
    asked_at: dict[int, float] = {}  # try number -> when the question was first seen
    answered: set[int] = set()
    deadline = time.monotonic() + timeout
    while (state := call(run_url, token=token)[1].get("state")) not in ("success", "failed"):
        assert time.monotonic() < deadline, f"{dag_id} run {run_id} still {state} after {timeout:.0f}s"
        if answer is not None:
            instance = call(approval, token=token)[1]
            asking = instance.get("try_number")
            if instance.get("state") == "awaiting_input" and asking not in answered:
                asked_at.setdefault(asking, time.monotonic())
                if time.monotonic() - asked_at[asking] >= answer_after:
                    status, response = call(f"{approval}/-1/hitlDetails", "PATCH", answer, token)
                    assert status == 200, (status, response)
                    answered.add(asking)
        time.sleep(2)
    return state
