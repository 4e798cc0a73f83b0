"""Airflow for real, on loopback: authenticate through the REST API, trigger `partnership_dataset`, wait for it,
open the plugin's dashboard page in headless Chromium (screenshot saved), and check that the same page and the
REST API refuse a request without a token.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from synthetic.generate import generate
from tests.browser import chromium
from transforms.pipeline import run

PROJECT = Path(__file__).resolve().parents[2]
ARTEFACTS = PROJECT / "build" / "test-artefacts" / "airflow"
STARTUP_SECONDS = 180
RUN_SECONDS = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
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


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    folder = tmp_path_factory.mktemp("airflow")
    generate(folder / "landing", "2026-09", scale=0.1, seed=2)
    run(str(folder / "landing"), "2026-09", str(folder / "out"), None, progress=lambda line: None)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "scripts" / "airflow_local.py"), "--home", str(folder / "home"),
         "--port", str(port), "--out", str(folder / "out"), "--landing", str(folder / "landing")],
        stdout=open(folder / "airflow.log", "w"), stderr=subprocess.STDOUT, start_new_session=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while call(f"{base}/api/v2/monitor/health")[0] != 200:
            assert process.poll() is None, (folder / "airflow.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "Airflow did not start"
            time.sleep(2)
        password = json.loads((folder / "home" / "passwords.json").read_text())["admin"]
        yield {"base": base, "password": password, "folder": folder}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_trigger_the_dataset_and_see_it_in_the_plugin(airflow):
    base = airflow["base"]
    status, body = call(f"{base}/auth/token", "POST", {"username": "admin", "password": airflow["password"]})
    assert status in (200, 201), status
    token = body["access_token"]
    assert call(f"{base}/api/v2/dags/partnership_dataset", token=None)[0] == 401

    deadline = time.monotonic() + 120
    while call(f"{base}/api/v2/dags/partnership_dataset", token=token)[0] != 200:  # parsed yet?
        assert time.monotonic() < deadline, "the DAG was not parsed"
        time.sleep(2)
    assert call(f"{base}/api/v2/dags/partnership_dataset", "PATCH", {"is_paused": False}, token)[0] == 200
    out = str(airflow["folder"] / "out")
    status, created = call(f"{base}/api/v2/dags/partnership_dataset/dagRuns", "POST",
                           {"logical_date": None, "conf": {"period": "2026-09", "out": out}}, token)
    assert status in (200, 201), (status, created)
    run_id = created["dag_run_id"]
    deadline = time.monotonic() + RUN_SECONDS
    while True:
        state = call(f"{base}/api/v2/dags/partnership_dataset/dagRuns/{run_id}", token=token)[1].get("state")
        if state in ("success", "failed"):
            break
        assert time.monotonic() < deadline, f"run still {state}"
        time.sleep(3)
    assert state == "success", (airflow["folder"] / "airflow.log").read_text()[-3000:]

    page = f"{base}/assure/dashboard/index.html"
    assert call(page)[0] == 401, "the plugin page must refuse an unauthenticated request"
    assert call(page, token=token)[0] == 200
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    driver = chromium()
    try:
        driver.get(f"{base}/assure/dashboard/none.html")  # set the session cookie on this origin
        driver.add_cookie({"name": "_token", "value": token, "path": "/"})
        driver.get(page)
        assert "Partnership dataset" in driver.title
        driver.save_screenshot(str(ARTEFACTS / "plugin_dashboard.png"))
    finally:
        driver.quit()
