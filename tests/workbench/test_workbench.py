"""The analyst's workbench (DESIGN.md section 8, issue 19) without a browser: the submissions board (who is late, what
was refused, the resubmission chain, feedback), match review (side by side, decide with who and why, undo, honoured by
the index), the value map (map with a click, loaded on the re-run), lineage (from a dashboard value to the submissions
behind it), and every route behind the login. The real-browser walk through Airflow is tests/dags/test_airflow_live.py.
"""

import datetime as dt
import html
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.police_files import ppn_file, rows_of
from transforms import cli, warehouse
from transforms.pipeline import run
from transforms.workbench import board, matches

PERIOD = "2026-09"
DUE = dt.date(2026, 10, 21)  # 15 working days after 30 September 2026
ROWS = [["P1", "N1", "01/07/2026", "02/07/2026", "FREI", "Y"],
        ["P2", "N2", "02/07/2026", "03/07/2026", "Child concern", "Y"]]
pytestmark = pytest.mark.usefixtures("fixed_child_population")


def quiet_run(tmp_path, url):
    return run(str(tmp_path / "landing"), PERIOD, str(tmp_path / "out"), url, progress=lambda line: None)


def set_received(url, file_name, when):
    registry = warehouse.raw_submission
    with warehouse.engine(url).begin() as conn:
        conn.execute(registry.update().where(registry.c.file_name == file_name).values(received_at=when))


def mounted():
    """The plugin's app where Airflow mounts it: under /assure (its pages link there)."""
    from fastapi import FastAPI

    from plugins.assure_plugin import app

    server = FastAPI()
    server.mount("/assure", app)
    return server


@pytest.fixture
def client(tmp_path, warehouse_url, monkeypatch):
    """The plugin's app in-process, logged in as `analyst-1` (Airflow's login replaced by that user)."""
    from fastapi.testclient import TestClient

    from plugins.assure_plugin import app, get_user

    class Analyst:
        def get_name(self):
            return "analyst-1"

    monkeypatch.setenv("ASSURE_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("ASSURE_WAREHOUSE_URL", warehouse_url)
    app.dependency_overrides[get_user] = Analyst
    try:
        yield TestClient(mounted(), cookies={"_token": "the-analyst's-jwt"}, base_url="http://testserver/assure/")
    finally:
        app.dependency_overrides.clear()


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_working_days_late_skip_weekends_and_bank_holidays():
    assert board.working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 29)) == 1  # 25th and 28th: holidays
    assert board.working_days_between(DUE, dt.date(2026, 10, 28)) == 5
    assert board.working_days_between(DUE, DUE) == 0 and board.working_days_between(DUE, dt.date(2026, 10, 1)) == 0


def test_the_board_says_who_is_late_what_was_refused_and_which_file_replaced_which(tmp_path, warehouse_url):
    ppn_file(tmp_path, "ppn_first.xlsx", ROWS)
    quiet_run(tmp_path, warehouse_url)
    set_received(warehouse_url, "ppn_first.xlsx", "2026-10-14T09:00:00.000000+00:00")
    ppn_file(tmp_path, "ppn_second.xlsx", [*ROWS, ["P3", "N3", "03/07/2026", "04/07/2026", "Child concern", ""]])
    (tmp_path / "landing" / "police" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    quiet_run(tmp_path, warehouse_url)
    set_received(warehouse_url, "ppn_second.xlsx", "2026-10-23T09:00:00.000000+00:00")

    shown = board.board(warehouse_url, PERIOD, dt.date(2026, 10, 28), str(tmp_path / "out"))
    assert shown["due"] == DUE.isoformat()
    rows = {(r["agency"], r["return_id"]): r for r in shown["returns"]}
    ppn = rows[("police", "police_ppn")]
    assert ppn["status"] == "ON TIME" and ppn["days_late"] == 0, "the first readable submission counts"
    assert ppn["submission"]["file_name"] == "ppn_second.xlsx" and ppn["submissions"] == 2
    first = next(s for s in shown["submissions"].values() if s["file_name"] == "ppn_first.xlsx")
    assert ppn["chain"] == {"replaces": first["submission_id"]}
    assert Path(ppn["feedback"]["xlsx"]).is_file() and Path(ppn["feedback"]["json"]).is_file()
    annex = rows[("csc", "csc_annex_a")]
    assert annex["status"] == "LATE" and annex["received_at"] is None and annex["days_late"] == 5
    assert ("csc", "csc_annex_a") in {(r["agency"], r["return_id"]) for r in shown["late"]}
    assert ("police", "police_ppn") not in {(r["agency"], r["return_id"]) for r in shown["late"]}
    assert any(a.startswith("csc csc_annex_a: not received") for a in shown["alarms"])
    assert any("broken.xlsx" in a and "refused" in a for a in shown["alarms"])

    before_due = board.board(warehouse_url, PERIOD, dt.date(2026, 10, 20), str(tmp_path / "out"))
    assert not before_due["late"] and {r["status"] for r in before_due["returns"]} <= {"AWAITED", "ON TIME"}


def test_a_late_return_counts_working_days_to_its_arrival(tmp_path, warehouse_url):
    ppn_file(tmp_path, "ppn.xlsx", ROWS)
    quiet_run(tmp_path, warehouse_url)
    set_received(warehouse_url, "ppn.xlsx", "2026-10-28T16:00:00.000000+00:00")
    ppn = next(r for r in board.board(warehouse_url, PERIOD, dt.date(2026, 11, 30))["returns"]
               if r["return_id"] == "police_ppn")
    assert (ppn["status"], ppn["days_late"]) == ("LATE", 5)


def test_every_route_answers_a_logged_in_user_and_refuses_without(tmp_path, warehouse_url, client):
    from fastapi.testclient import TestClient

    from plugins.assure_plugin import app

    ppn_file(tmp_path, "ppn.xlsx", ROWS)
    quiet_run(tmp_path, warehouse_url)
    page = client.get(f"workbench/submissions?period={PERIOD}&today=2026-10-28").text
    submission_id = re.search(r"feedback/([0-9a-f]{16})\.xlsx", page).group(1)
    routes = ["workbench/submissions", "workbench/matches", "workbench/values", f"workbench/commentary?period={PERIOD}",
              f"workbench/indicators/POL-01?period={PERIOD}", f"workbench/feedback/{submission_id}.xlsx",
              f"workbench/feedback/{submission_id}.json", "dashboard/index.html",
              f"data-quality/data_quality_{PERIOD}.html", f"data_quality_{PERIOD}.html"]
    for route in routes:
        assert client.get(route).status_code == 200, route
    anonymous = TestClient(mounted(), base_url="http://testserver/assure/")
    app.dependency_overrides.clear()
    for route in routes:
        assert anonymous.get(route).status_code == 401, route
    for action in ("rerun", "matches/decide", "matches/undo", "matches/reconcile", "values/map", "commentary"):
        assert anonymous.post(f"workbench/{action}", data={}).status_code == 401, action


def test_feedback_downloads_are_the_agencys_own_files_and_forms_need_the_pages_token(tmp_path, warehouse_url, client):
    ppn_file(tmp_path, "ppn.xlsx", ROWS)
    summary = quiet_run(tmp_path, warehouse_url)
    page = client.get("workbench/submissions").text
    assert f"Submissions: quarter ending {PERIOD}" in page, "the latest quarter held is the default"
    row = re.search(r"<tr class='return[^']*' data-agency='police' data-return='police_ppn'.*?</tr>", page).group(0)
    assert "<td>Police<br><small class='code'>police</small></td>" in row, "the agency by name, its id beneath"
    assert "<td>Public protection notices<br><small class='code'>police_ppn</small></td>" in row
    late = re.search(r"<li data-agency='csc' data-return='csc_annex_a'>([^<]*)</li>", page)
    assert late and html.unescape(late.group(1)).startswith("Children's social care: Annex A, "), "late by name"
    href = re.search(r"href='([^']+\.xlsx)'", row).group(1)
    download = client.get(urljoin("http://testserver/", href))
    assert download.content == Path(summary.submissions[0]["feedback"]["xlsx"]).read_bytes()
    assert "attachment" in download.headers["content-disposition"]
    assert client.get("workbench/feedback/0123456789abcdef.xlsx").status_code == 404
    assert client.get("workbench/feedback/..%2F..%2Fwarehouse.sqlite").status_code == 404
    forged = client.post("workbench/values/map", data={"agency": "police", "column": "ppn_type", "value": "FREI",
                                                      "code": "DOMESTIC_ABUSE", "csrf": "guessed"})
    assert forged.status_code == 403 and rows_of(warehouse_url, "dq_value_map").empty


def test_a_value_mapped_on_the_page_is_recorded_with_the_user_and_loaded_on_the_re_run(tmp_path, warehouse_url, client):
    ppn_file(tmp_path, "ppn.xlsx", ROWS)
    quiet_run(tmp_path, warehouse_url)
    page = client.get("workbench/values").text
    assert re.search(r"<tr class='unmapped' data-agency='police' data-column='ppn_type' data-value='FREI'>", page)
    token = csrf_of(page)
    done = client.post("workbench/values/map", data={"agency": "police", "column": "ppn_type", "value": "FREI",
                                                    "code": "DOMESTIC_ABUSE", "csrf": csrf_of(page)},
                       follow_redirects=False)
    assert done.status_code == 303
    assert "Mapped" in client.get(urljoin("http://testserver/", done.headers["location"])).text
    mapped = rows_of(warehouse_url, "dq_value_map").iloc[0]
    assert (mapped["raw_value"], mapped["code"], mapped["mapped_by"]) == ("FREI", "DOMESTIC_ABUSE", "analyst-1")
    page = client.get("workbench/values").text
    assert "data-value='FREI' data-code='DOMESTIC_ABUSE'" in page and "class='unmapped'" not in page
    wrong = client.post("workbench/values/map", data={"agency": "police", "column": "ppn_type", "value": "ACOM",
                                                     "code": "NOT_A_CODE", "csrf": token})
    assert "Not mapped" in wrong.text and len(rows_of(warehouse_url, "dq_value_map")) == 1

    quiet_run(tmp_path, warehouse_url)  # what the re-run of the file does (the live test presses the button)
    loaded = rows_of(warehouse_url, "stg_police_ppn").set_index("ppn_id")["ppn_type"]
    assert loaded["P1"] == "DOMESTIC_ABUSE"


def test_the_suggested_code_reads_like_the_value():
    from transforms.workbench.values import suggest

    assert suggest("police", "ppn_type", "Child concern") == "CHILD_CONCERN"
    assert suggest("police", "ppn_type", "zzqx") is None
    assert suggest("csc", "referral_source", "99") is None, "a short code is never guessed from a near one"
    assert suggest("csc", "referral_source", "Police") == "6"
    assert suggest("police", "ppn_type", "FREI", {"frei": "DOMESTIC_ABUSE"}) == "DOMESTIC_ABUSE"


def person(conn, source, record_id, key, **details):
    conn.execute(warehouse.core_person_record.insert().values(source=source, record_id=record_id, agency="police",
                                                              **details))
    conn.execute(warehouse.core_person_link.insert().values(source=source, record_id=record_id, agency="police",
                                                            person_key=key, match_probability=1.0, rule="model"))


def queued(conn, left, right, probability):
    conn.execute(warehouse.dq_match_review.insert().values(
        source_l=left[0], record_id_l=left[1], source_r=right[0], record_id_r=right[1], match_probability=probability,
        evidence="first name: exact; surname: one slip", period=PERIOD))


@pytest.fixture
def two_pairs(warehouse_url):
    with warehouse.engine(warehouse_url).begin() as conn:
        person(conn, "police_nominals", "N1", "K1", first_name="REBECCA", last_name="WRIGHT", dob="1983-11-25",
               sex="F", postcode="B91 4XW", nhs_number="9434765919")
        person(conn, "police_nominals", "N2", "K2", first_name="REBECCA", last_name="WIIGHT", dob="1983-11-25",
               sex="F", postcode="B37 4UA", nhs_number="9434765919")
        person(conn, "police_nominals", "N3", "K3", first_name="ELLIE", last_name="WHITE", dob="2012-02-01", sex="F")
        person(conn, "police_nominals", "N4", "K3", first_name="ELEANOR", last_name="WHITE", dob="2012-02-01", sex="F")
        queued(conn, ("police_nominals", "N1"), ("police_nominals", "N2"), 0.98)
        queued(conn, ("police_nominals", "N3"), ("police_nominals", "N4"), 0.96)
    return warehouse_url


def test_pairs_are_shown_side_by_side_with_identifiers_masked_and_the_agreements_marked(two_pairs):
    pairs = matches.review_pairs(two_pairs)
    assert [(p["left"], p["right"]) for p in pairs] == [("police_nominals:N1", "police_nominals:N2"),
                                                         ("police_nominals:N3", "police_nominals:N4")]
    left, right = pairs[0]["left_record"]["fields"], pairs[0]["right_record"]["fields"]
    assert (left["last_name"]["text"], right["last_name"]["text"]) == ("WRIGHT", "WIIGHT")
    assert left["dob"]["agrees"] and not left["last_name"]["agrees"] and not left["postcode"]["agrees"]
    assert left["nhs_number"] == {"text": "•••••••919", "agrees": True}, "an identifier is never shown whole"


def test_decide_undo_and_honoured_on_the_page(two_pairs, client):
    page = client.get("workbench/matches").text
    assert "9434765919" not in page and page.count("<form class='pair'") == 2
    token = csrf_of(page)
    said = client.post("workbench/matches/decide", data={"left": "police_nominals:N2", "right": "police_nominals:N1",
                                                         "decision": "ACCEPT", "reason": "same custody photo",
                                                         "csrf": token})
    assert "Recorded" in said.text
    client.post("workbench/matches/decide", data={"left": "police_nominals:N3", "right": "police_nominals:N4",
                                                  "decision": "REJECT", "reason": "sisters, one school", "csrf": token})
    no_reason = client.post("workbench/matches/decide", data={"left": "police_nominals:N3", "right":
                                                              "police_nominals:N1", "decision": "REJECT",
                                                              "reason": " ", "csrf": token})
    assert "Not recorded" in no_reason.text
    decided = {(r["record_id_l"], r["record_id_r"]): r for r in rows_of(two_pairs, "dq_match_review")
               .to_dict("records") if r["decision"]}
    assert decided[("N1", "N2")]["decided_by"] == "analyst-1"
    assert decided[("N1", "N2")]["reason"] == "same custody photo"
    assert decided[("N3", "N4")]["decision"] == "REJECT"
    page = client.get("workbench/matches").text
    honoured = dict(re.findall(r"data-left='police_nominals:(N\d)'.*?<td class='honoured'>([^<]*)</td>", page))
    assert honoured == {"N1": "not yet", "N3": "not yet"}, "the index has not been reconciled since"
    with warehouse.engine(two_pairs).begin() as conn:  # what the next reconciliation does with the decisions
        link = warehouse.core_person_link
        conn.execute(link.update().where(link.c.record_id == "N2").values(person_key="K1"))
        conn.execute(link.update().where(link.c.record_id == "N4").values(person_key="K4"))
    page = client.get("workbench/matches").text
    honoured = dict(re.findall(r"data-left='police_nominals:(N\d)'.*?<td class='honoured'>([^<]*)</td>", page))
    assert honoured == {"N1": "yes", "N3": "yes"}

    client.post("workbench/matches/undo", data={"left": "police_nominals:N3", "right": "police_nominals:N4",
                                                "csrf": token})
    assert matches.counts(two_pairs) == {"open": 1, "decided": 1}
    skipped = client.post("workbench/matches/decide", data={"left": "police_nominals:N3", "right":
                                                            "police_nominals:N4", "decision": "SKIP", "csrf": token})
    assert "Skipped" in skipped.text and matches.counts(two_pairs) == {"open": 1, "decided": 1}


def test_review_on_the_command_line(two_pairs, capsys):
    assert cli.main(["review", "list", "--warehouse", two_pairs]) == 0
    listed = capsys.readouterr().out
    assert "2 pairs await a decision" in listed and "WIIGHT" in listed and "9434765919" not in listed
    assert cli.main(["review", "decide", "police_nominals:N1", "police_nominals:N2", "ACCEPT", "--reason", "same",
                     "--by", "analyst-2", "--warehouse", two_pairs]) == 0
    assert cli.main(["review", "decide", "police_nominals:N3", "police_nominals:N4", "REJECT",
                     "--warehouse", two_pairs]) == 2, "a decision needs its reason"
    capsys.readouterr()
    assert cli.main(["review", "list", "--decided", "--warehouse", two_pairs]) == 0
    assert "ACCEPT by analyst-2" in capsys.readouterr().out
    assert cli.main(["review", "undo", "police_nominals:N1", "police_nominals:N2", "--warehouse", two_pairs]) == 0
    assert matches.counts(two_pairs) == {"open": 2, "decided": 0}


def test_a_dashboard_value_leads_to_its_definition_sql_and_submissions(tmp_path, warehouse_url, client):
    ppn_file(tmp_path, "ppn.xlsx", ROWS)
    run(str(tmp_path / "landing"), PERIOD, str(tmp_path / "out"), warehouse_url, progress=lambda line: None,
        approve="tester")  # the public profile released too: its pages are checked below
    area = client.get("dashboard/index.html").text
    police_page = re.search(r'href="([a-z_]+\.html)"[^>]*>[^<]*[Pp]olic', area) or re.search(
        r'href="([a-z_]+\.html)"', area)
    pages = [p for p in re.findall(r'href="([a-z_]+\.html)"', area) if p != "index.html"]
    found = None
    for name in pages:
        text = client.get(f"dashboard/{name}").text
        link = re.search(r"<a class='lineage' href='([^']*POL-01[^']*)'", text)
        if link:
            found = urljoin(f"http://testserver/assure/dashboard/{name}", link.group(1).replace("&amp;", "&"))
    assert police_page and found, "every value on the internal dashboard links to its lineage"
    lineage = client.get(found).text
    assert "<h1>POL-01" in lineage and "FROM hst_police_ppn" in lineage
    assert re.search(r"<tr class='submission' data-agency='police' data-return='police_ppn'>", lineage)
    assert client.get("workbench/indicators/NOPE-99").status_code == 404
    report = re.search(r'href="(\.\./data_quality_[0-9-]+\.html)"', area).group(1)
    assert client.get(urljoin("http://testserver/assure/dashboard/index.html", report)).status_code == 200
    assert client.get("warehouse.sqlite").status_code == 404
    bare = client.get("workbench", follow_redirects=False)
    assert bare.status_code == 307 and bare.headers["location"] == "/assure/workbench/submissions"
    public = (tmp_path / "out" / "published" / "public" / "dashboard")
    assert list(public.glob("*.html")), "the public profile was released"
    assert not any("class='lineage'" in p.read_text() for p in public.glob("*.html")), "the public pages stand alone"


def test_commentary_is_edited_on_its_page_and_kept(tmp_path, warehouse_url, client):
    ppn_file(tmp_path, "ppn.xlsx", ROWS)
    quiet_run(tmp_path, warehouse_url)
    page = client.get(f"workbench/commentary?period={PERIOD}").text
    assert "<form class='commentary'" in page and "data-indicator='POL-01'" in page
    said = client.post("workbench/commentary", data={"indicator": "POL-01", "period": PERIOD, "action": "save",
                                                     "text": "Two notices this quarter.", "csrf": csrf_of(page)})
    assert "POL-01: saved" in said.text and "edited by analyst-1" in said.text
    quiet_run(tmp_path, warehouse_url)  # computed again: the text stays
    from transforms.dataset import commentary

    kept = commentary.final(warehouse_url, PERIOD)["POL-01"]
    assert (kept["text"], kept["edited_by"]) == ("Two notices this quarter.", "analyst-1")
    client.post("workbench/commentary", data={"indicator": "POL-01", "period": PERIOD, "action": "draft",
                                              "text": "", "csrf": csrf_of(page)})
    assert not commentary.final(warehouse_url, PERIOD)["POL-01"]["edited"]
