"""Airflow for real, on loopback: authenticate through the REST API, trigger `partnership_dataset`, wait for it,
open the plugin's dashboard page in headless Chromium (screenshot saved), and check that the same page and the
REST API refuse a request without a token.

Then the analyst's workbench, from the Airflow UI alone, in one Chromium session signed in through Airflow's login
form: every route answers a session or a token and refuses without; the submissions board (the late agency, a
feedback workbook downloaded by a click equals the agency's own); match review (five decisions with reasons, one
undone, reconciliation triggered from the page honours the rest, in the warehouse too); the value map (a local code
mapped on the page, the file re-run from the board loads it); lineage from the dashboard to CSC-01's query and
submissions; and no request of the whole session left the machine. Screenshots in build/test-artefacts/airflow/.

The fixture's data: a generated quarter (scale 0.2: 2 grey-band pairs at 0.1, 19 at 0.2) with LADO's return missing
(late), three referral sources set to a local code no code list reads (FREI), files received on 14 October.
"""

from __future__ import annotations

import email.message
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import openpyxl
import pytest
import sqlalchemy as sa

import schemas
from synthetic.generate import generate
from tests.airflow_stack import call, dag_runs, executor_reported, free_port, unpause
from tests.browser import chromium
from tests.workbench_browser import Session, links
from transforms import settings, warehouse
from transforms.pipeline import run

PROJECT = Path(__file__).resolve().parents[2]
ARTEFACTS = PROJECT / "build" / "test-artefacts" / "airflow"
STARTUP_SECONDS = 180
RUN_SECONDS = 300
PERIOD = "2026-09"
SCALE = 0.2  # grey-band pairs for review (seed 2): 2 at scale 0.1, 19 at 0.2, 25 at 0.3
LATE_AGENCY = "lado"  # its return is removed from landing: not received
DUE_NOT_PASSED, DUE_PASSED = "2026-10-20", "2026-11-22"  # the 2026-09 returns are due on 21 October
RECEIVED_AT = "2026-10-14T09:00:00+00:00"  # when the other files "arrived" (the real clock is after the due date)
UNMAPPED, MAPPED_CODE = "FREI", "6"  # a local referral source no code list reads; CIN source 6 is Police
PLANTED_ROWS = 3
BOARD = f"/assure/workbench/submissions?period={PERIOD}"


def plant_unmapped(folder: Path) -> dict:
    """Set the referral source of the first PLANTED_ROWS referrals in a CSC workbook of `folder` to UNMAPPED; return
    the file's name, the sheet and the Excel rows."""
    for path in sorted(folder.glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(min_row=1, max_row=10):
                for cell in row:
                    if re.sub(r"[^a-z]", "", str(cell.value or "").lower()) in ("referralsource", "sourceofreferral"):
                        rows = list(range(cell.row + 1, cell.row + 1 + PLANTED_ROWS))
                        for number in rows:
                            sheet.cell(number, cell.column).value = UNMAPPED
                        book.save(path)
                        return {"file": path.name, "sheet": sheet.title, "rows": rows}
    raise AssertionError(f"no referral source column in {folder}")


def query(out: Path, sql: str, **params) -> list[dict]:
    """Rows of a query on the fixture's warehouse (`transforms.settings.warehouse_url(out)`)."""
    engine = sa.create_engine(settings.warehouse_url(out))
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(sql), params)
            return [dict(row) for row in result.mappings()] if result.returns_rows else []
    finally:
        engine.dispose()


def prepare(landing: Path, out: Path) -> dict:
    """The fixture's quarter, run through the pipeline before Airflow starts; returns what was planted in it."""
    generate(landing, PERIOD, scale=SCALE, seed=2)
    for path in (landing / LATE_AGENCY).glob("*"):
        path.unlink()
    planted = plant_unmapped(landing / "csc")
    run(str(landing), PERIOD, str(out), None, progress=lambda line: None)
    warehouse.dispose_all()
    query(out, "UPDATE raw_submission SET received_at = :at WHERE period = :period", at=RECEIVED_AT, period=PERIOD)
    found = query(out, "SELECT u.*, r.file_name FROM dq_unmapped_value u JOIN raw_submission r USING (submission_id) "
                       "WHERE u.agency = 'csc' AND upper(u.raw_value) = :value", value=UNMAPPED)
    assert [(f["file_name"], f["rows"]) for f in found] == [(planted["file"], PLANTED_ROWS)], found
    table = next(t for t in schemas.TABLES if t.table_id == found[0]["table_id"])
    return planted | {"column": found[0]["column"], "return_id": found[0]["return_id"], "stg_table": table.stg_table,
                      "submission_id": found[0]["submission_id"]}


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    folder = tmp_path_factory.mktemp("airflow")
    planted = prepare(folder / "landing", folder / "out")
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
        yield {"base": base, "password": password, "folder": folder, "out": folder / "out", "planted": planted}
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
    run_url = f"{base}/api/v2/dags/partnership_dataset/dagRuns/{run_id}"

    # the internal profile is published, then the run waits for an analyst's approval of the public profile
    # (human in the loop), answered through the REST API as the Required Actions page does, by the signed-in user.
    # Unpausing also started the scheduled run of the last quarter day passed: it waits for its own answer first and
    # holds the DAG's one active run (max_active_runs=1), so the triggered run queues behind it; it is rejected.
    # Each question is answered once the scheduler has processed the executor's report that the parked try's process
    # ended (its log says so), as a person would, seconds later: Airflow 3.3.2 loses an answer given before then (it
    # finds the resumed try queued, fails it, and the retry asks again; CI lost all three tries once, on a loaded
    # machine where the report came later than the 3 s this test used to wait). A question asked again is answered
    # again.
    answers, answered = {}, set()
    deadline = time.monotonic() + 2 * RUN_SECONDS
    while (state := call(run_url, token=token)[1].get("state")) not in ("success", "failed"):
        assert time.monotonic() < deadline, f"run still {state}; answers given: {answers}"
        for other in dag_runs(base, token, "partnership_dataset"):
            approval = f"{base}/api/v2/dags/partnership_dataset/dagRuns/{other['dag_run_id']}/taskInstances/" \
                       "approve_release"
            instance = call(approval, token=token)[1]
            waiting, asking = instance.get("state"), (other["dag_run_id"], instance.get("try_number"))
            assert waiting not in ("failed", "upstream_failed"), (waiting, log_tail(airflow))
            if waiting != "awaiting_input" or asking in answered:
                continue
            if not executor_reported((airflow["folder"] / "airflow.log").read_text(), "partnership_dataset",
                                     "approve_release", *asking):
                continue
            assert not (airflow["out"] / "published" / "public").exists(), "nothing public before the approval"
            status, asked = call(f"{approval}/-1/hitlDetails", token=token)
            assert status == 200, status
            mine = other["dag_run_id"] == run_id  # the scheduled run's quarter is the one collected on its date
            assert re.fullmatch(rf"Release the partnership dataset for {PERIOD if mine else '[0-9-]+'} to the public\?",
                                asked["subject"]), asked["subject"]
            assert asked["options"] == ["Approve", "Reject"] and set(asked["params"]) == {"comment"}
            assert call(f"{approval}/-1/hitlDetails", "PATCH", {"chosen_options": ["Approve"]})[0] == 401
            answer = {"chosen_options": ["Approve" if mine else "Reject"],
                      "params_input": {"comment": "checked on the dashboard" if mine else "superseded"}}
            status, response = call(f"{approval}/-1/hitlDetails", "PATCH", answer, token)
            assert status == 200 and response["responded_by"]["name"] == "admin", (status, response)
            answers[other["dag_run_id"]] = answer["chosen_options"][0]
            answered.add(asking)
        time.sleep(3)
    assert state == "success", (airflow["folder"] / "airflow.log").read_text()[-3000:]
    assert call(f"{run_url}/taskInstances/release", token=token)[1].get("state") == "success"
    released = {r["run_id"]: (r["period"] if r["run_id"] == run_id else "-", r["decision"], r["decided_by"],
                              r["comment"]) for r in query(airflow["out"], "SELECT * FROM ops_release")}
    assert released == {other: (PERIOD, "APPROVED", "admin", "checked on the dashboard") if other == run_id
                        else ("-", "REJECTED", "admin", "superseded") for other in answers}
    assert (airflow["out"] / "published" / "public" / f"partnership_dataset_{PERIOD}.csv").is_file()

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


# ---- the analyst's workbench -------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to a login page, say) is an answer of its own, not followed


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, token: str | None = None, cookie: str | None = None) -> tuple[int, email.message.Message, bytes]:
    """(status, headers, body) of a GET with a bearer token, Airflow's session cookie or neither; no redirects."""
    headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **({"Cookie": f"_token={cookie}"} if cookie
                                                                              else {})}
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def wait_for_new_run(airflow: dict, token: str, dag_id: str, before: set[str]) -> dict:
    """The latest run of `dag_id` not in `before` (a manual one when there is one), once it and every other new run
    ended."""
    deadline = time.monotonic() + RUN_SECONDS
    while True:
        new = [r for r in dag_runs(airflow["base"], token, dag_id) if r["dag_run_id"] not in before]
        if new and all(r["state"] in ("success", "failed") for r in new):
            manual = [r for r in new if r.get("run_type") == "manual"] or new
            return max(manual, key=lambda r: r.get("run_after") or r.get("queued_at") or "")
        assert time.monotonic() < deadline, f"{dag_id}: no new run ended within {RUN_SECONDS}s: {new}"
        time.sleep(3)


def log_tail(airflow: dict) -> str:
    return (airflow["folder"] / "airflow.log").read_text(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def token(airflow):
    status, body = call(f"{airflow['base']}/auth/token", "POST", {"username": "admin", "password": airflow["password"]})
    assert status in (200, 201), status
    return body["access_token"]


@pytest.fixture(scope="module")
def browser(airflow):
    """One Chromium session for every workbench test, signed in through Airflow's login form."""
    session = Session(airflow["base"], airflow["folder"] / "downloads", ARTEFACTS)
    try:
        session.login("admin", airflow["password"])
        session.shot("airflow_signed_in")
        yield session
    finally:
        session.quit()


def test_every_workbench_route_needs_a_login(airflow, token, browser):
    base = airflow["base"]
    status, _, page = fetch(base + BOARD, token=token)
    assert status == 200, status
    feedback = links(page.decode(), "feedback-xlsx")
    assert feedback, "the submissions board links no feedback workbook (a.feedback-xlsx)"
    routes = ["/assure/workbench/submissions", "/assure/workbench/matches", "/assure/workbench/values",
              f"/assure/workbench/indicators/CSC-01?period={PERIOD}", urlsplit(urljoin(base + BOARD, feedback[0])).path]
    assert re.fullmatch(r"/assure/workbench/feedback/[^/]+\.xlsx", routes[-1]), routes[-1]
    for route in routes:
        assert fetch(base + route)[0] in (401, 403), f"{route} answered without a login"
        assert fetch(base + route, token=token)[0] == 200, f"{route} refused a bearer token"
        assert fetch(base + route, cookie=browser.token())[0] == 200, f"{route} refused the signed-in session"


def row_text(row, cell: str) -> str:
    cells = row.find_elements("css selector", f"td.{cell}")
    assert len(cells) == 1, f"{row.get_attribute('outerHTML')[:300]}: td.{cell} x {len(cells)}"
    return cells[0].text.strip()


def test_submissions_board_shows_the_late_agency_and_gives_each_its_feedback(airflow, browser):
    browser.get(f"{BOARD}&today={DUE_NOT_PASSED}")
    assert browser.css("table#board tr.return")
    assert not browser.css("ul#late li[data-agency]"), "a return is late before its due date"

    browser.get(f"{BOARD}&today={DUE_PASSED}")
    browser.shot("workbench_submissions")
    rows = browser.css("table#board tr.return")
    for row in rows:
        assert all(row.get_attribute(a) for a in ("data-agency", "data-return", "data-status")), \
            row.get_attribute("outerHTML")[:300]
        for cell in ("due", "received", "days-late"):
            row_text(row, cell)
    by_return = {(r.get_attribute("data-agency"), r.get_attribute("data-return")): r for r in rows}
    assert {agency for agency, _ in by_return} >= {"csc", "police", "health", "education", "partnership", "lado"}
    assert {li.get_attribute("data-agency") for li in browser.css("ul#late li[data-agency]")} == {LATE_AGENCY}
    late = [r for (agency, _), r in by_return.items() if agency == LATE_AGENCY]
    assert late and all(int(re.sub(r"\D", "", row_text(r, "days-late")) or 0) > 0 for r in late)
    police = by_return[("police", "police_ppn")]
    assert RECEIVED_AT[:10] in row_text(police, "received")
    assert row_text(police, "days-late") in ("", "0", "-")
    assert browser.css("section#alarms")

    # the police PPN row's feedback workbook, downloaded by a click, is the one in police's own outbox
    link = browser.css("a.feedback-xlsx", police)[0]
    before = {p.name for p in browser.downloads.iterdir()}
    link.click()
    downloaded = browser.downloaded(before)
    status, headers, body = fetch(link.get_attribute("href"), cookie=browser.token())
    assert status == 200, status
    disposition = email.message.Message()
    disposition["Content-Disposition"] = headers.get("Content-Disposition", "")
    name = disposition.get_filename()
    assert name and name.endswith(".xlsx"), headers.get("Content-Disposition")
    assert downloaded.name == name
    own = [airflow["out"] / folder / "police" / name for folder in ("outbox", "feedback")]
    own = [p for p in own if p.is_file()]
    assert own, f"{name} is not in police's own feedback folder"
    assert downloaded.read_bytes() == own[0].read_bytes() == body
    assert "police" in own[0].parent.name
    openpyxl.load_workbook(downloaded, read_only=True).close()


def pair_key(left: str, right: str) -> frozenset[str]:
    return frozenset((left, right))


def test_match_review_decisions_are_kept_and_honoured(airflow, token, browser):
    base, out = airflow["base"], airflow["out"]
    unpause(base, token, "person_reconciliation")
    browser.get("/assure/workbench/matches")
    browser.shot("workbench_matches_before")

    def open_pairs() -> dict[frozenset, object]:
        return {pair_key(f.get_attribute("data-left"), f.get_attribute("data-right")): f
                for f in browser.css("form.pair")}

    def decided_rows() -> dict[frozenset, object]:
        return {pair_key(r.get_attribute("data-left"), r.get_attribute("data-right")): r
                for r in browser.css("#decided tr.decided")}

    pairs = [(f.get_attribute("data-left"), f.get_attribute("data-right")) for f in browser.css("form.pair")]
    assert len(pairs) >= 5, f"{len(pairs)} grey-band pairs on the page: raise SCALE"
    # five pairs with no record and no person in common, so one decision never bears on another's people
    keys = {pair_key(f"{q['source_l']}:{q['record_id_l']}", f"{q['source_r']}:{q['record_id_r']}"):
            {q["person_key_l"], q["person_key_r"]} for q in query(out, "SELECT * FROM dq_match_review")}
    chosen, taken = [], set()
    for left, right in pairs:
        mine = {left, right} | keys.get(pair_key(left, right), set())
        if not mine & taken:
            chosen.append((left, right))
            taken |= mine
    assert len(chosen) >= 5, f"only {len(chosen)} of {len(pairs)} pairs share no record or person"
    decisions = ["ACCEPT", "REJECT", "ACCEPT", "REJECT", "ACCEPT"]
    reasons = [f"Browser test pair {n}: {d.lower()}ed after comparing dates of birth and addresses"
               for n, d in enumerate(decisions, start=1)]
    for (left, right), decision, reason in zip(chosen[:5], decisions, reasons, strict=True):
        form = open_pairs()[pair_key(left, right)]
        assert browser.css("button[name=decision][value=SKIP]", form)
        browser.css("textarea[name=reason]", form)[0].send_keys(reason)
        browser.submit(browser.css(f"button[name=decision][value={decision}]", form)[0])
        assert pair_key(left, right) not in open_pairs(), f"{left} / {right} still open after {decision}"

    decided = decided_rows()
    for (left, right), decision in zip(chosen[:5], decisions, strict=True):
        row = decided[pair_key(left, right)]
        assert row.get_attribute("data-decision") == decision
        assert row_text(row, "decided-by") == "admin"

    undone = chosen[4]
    browser.submit(browser.css("form.undo button", decided_rows()[pair_key(*undone)])[0])
    assert pair_key(*undone) in open_pairs(), "the undone pair is not back among the open pairs"
    assert pair_key(*undone) not in decided_rows()

    before = {r["dag_run_id"] for r in dag_runs(base, token, "person_reconciliation")}
    browser.submit(browser.css("form#reconcile button")[0])
    reconciled = wait_for_new_run(airflow, token, "person_reconciliation", before)
    assert reconciled["state"] == "success", log_tail(airflow)

    browser.get("/assure/workbench/matches")
    browser.shot("workbench_matches_after")
    kept = {pair_key(*pair): (decision, reason)
            for pair, decision, reason in zip(chosen[:4], decisions[:4], reasons[:4], strict=True)}
    decided = decided_rows()
    assert set(decided) == set(kept)
    assert {key: row_text(row, "honoured").lower() for key, row in decided.items()} == dict.fromkeys(kept, "yes")

    stored = {pair_key(f"{q['source_l']}:{q['record_id_l']}", f"{q['source_r']}:{q['record_id_r']}"):
              (q["decision"], q["reason"], q["decided_by"])
              for q in query(out, "SELECT * FROM dq_match_review WHERE decision IN ('ACCEPT', 'REJECT')")}
    assert stored == {key: (decision, reason, "admin") for key, (decision, reason) in kept.items()}
    for key, (decision, _) in kept.items():
        people = []
        for record in sorted(key):
            source, record_id = record.split(":", 1)
            found = {q["person_key"] for q in query(out, "SELECT person_key FROM core_person_link WHERE source = :s "
                                                         "AND record_id = :r", s=source, r=record_id)}
            assert len(found) == 1, (record, found)
            people.append(found.pop())
        assert (people[0] == people[1]) == (decision == "ACCEPT"), (sorted(key), decision, people)


def test_value_map_a_local_code_and_rerun_the_file(airflow, token, browser):
    base, out, planted = airflow["base"], airflow["out"], airflow["planted"]

    def unmapped() -> list:
        return [r for r in browser.css("tr.unmapped") if r.get_attribute("data-agency") == "csc"
                and (r.get_attribute("data-value") or "").upper() == UNMAPPED]

    def mapping() -> list:
        return [r for r in browser.css("table#mappings tr.mapping[data-value]")
                if r.get_attribute("data-value").upper() == UNMAPPED]

    browser.get("/assure/workbench/values")
    browser.shot("workbench_values_before")
    rows = unmapped()
    assert len(rows) == 1, [r.get_attribute("outerHTML")[:300] for r in rows]
    row = rows[0]
    assert row.get_attribute("data-column") == planted["column"]
    assert int(row_text(row, "rows")) == PLANTED_ROWS
    assert row_text(row, "examples")
    form = browser.css("form.map", row)[0]
    code = browser.css("input[name=code]", form)[0]
    code.clear()
    code.send_keys(MAPPED_CODE)
    browser.submit(browser.css("button, input[type=submit]", form)[0])
    assert mapping() and MAPPED_CODE in mapping()[0].text, "the mapping is not listed in table#mappings"

    # unpaused only now: the scheduled run unpausing starts (catchup is off) then reads the value map as mapped
    unpause(base, token, "agency_returns")
    browser.get(f"{BOARD}&today={DUE_PASSED}")
    row = browser.css(f'table#board tr.return[data-agency="csc"][data-return="{planted["return_id"]}"]')[0]
    before = {r["dag_run_id"] for r in dag_runs(base, token, "agency_returns")}
    browser.submit(browser.css("form.rerun button, form.rerun input[type=submit]", row)[0])
    rerun = wait_for_new_run(airflow, token, "agency_returns", before)
    assert rerun["state"] == "success", log_tail(airflow)

    loaded = query(out, f"SELECT source_row, {planted['column']} AS code FROM {planted['stg_table']} "
                        f"WHERE period = :period AND source_sheet = :sheet", period=PERIOD, sheet=planted["sheet"])
    assert sorted((r["source_row"], r["code"]) for r in loaded if r["source_row"] in planted["rows"]) == \
        [(number, MAPPED_CODE) for number in planted["rows"]]
    assert not query(out, "SELECT * FROM dq_unmapped_value WHERE agency = 'csc' AND period = :period "
                          "AND upper(raw_value) = :value", period=PERIOD, value=UNMAPPED)

    browser.get("/assure/workbench/values")
    browser.shot("workbench_values_after")
    assert not unmapped(), f"{UNMAPPED} is still listed as unmapped after the re-run"
    assert mapping()


def test_lineage_from_the_dashboard_to_the_indicator(browser):
    browser.get("/assure/dashboard/index.html")
    pages = browser.css("nav a") or browser.css("a")
    # CSC-01 (referrals) is children's social care's; the dashboard publishes it on its "Front door" page
    page = ([a for a in pages if "children's social care" in a.text.lower().replace("\u2019", "'")]
            or [a for a in pages if a.text.strip().lower() == "front door"])
    assert page, [a.text for a in pages]
    browser.submit(page[0])
    browser.shot("dashboard_csc01_page")
    lineage = [a for a in browser.css("a.lineage") if urlsplit(a.get_attribute("href")).path.endswith("/CSC-01")]
    assert lineage, "no a.lineage link to CSC-01 on " + browser.driver.current_url
    browser.submit(lineage[0])
    landed = urlsplit(browser.driver.current_url)
    assert landed.path == "/assure/workbench/indicators/CSC-01", browser.driver.current_url
    assert parse_qs(landed.query).get("period") == [PERIOD], browser.driver.current_url
    browser.shot("workbench_lineage")
    assert "CSC-01" in browser.css("h1")[0].text
    assert browser.css("pre#sql")[0].text.strip()
    used = browser.css("table#submissions-used tr.submission")
    assert used and {r.get_attribute("data-agency") for r in used} == {"csc"}


def test_no_request_of_the_session_left_the_machine(browser):
    urls = browser.drain()
    assert urls
    local = ("data:", "about:", "blob:", "chrome-extension:")
    assert not [u for u in urls if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(local)]
