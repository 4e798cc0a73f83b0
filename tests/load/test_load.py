"""Loading: a resubmission replaces the agency's rows, an older one never a newer one; the checks across returns."""

import json

from tests.conftest import write_xlsx
from tests.police_files import ingest, ppn_file, rows_of
from transforms.feedback.report import write_feedback
from transforms.ingest.register import register
from transforms.ingest.submission import validate_submission
from transforms.load.staging import load_submission


def test_resubmission_replaces_the_agency_rows_for_the_period(tmp_path, sqlite_url):
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""],
                                                               ["P2", "N1", "01/07/2026", "02/07/2026", "Other", ""]]))
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "b.xlsx", [["P3", "N1", "01/07/2026", "02/07/2026", "Other", ""]]))
    assert rows_of(sqlite_url, "stg_police_ppn")["ppn_id"].tolist() == ["P3"]
    assert len(rows_of(sqlite_url, "raw_submission")) == 2
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "c.xlsx", [["P9", "N1", "01/04/2026", "02/04/2026", "Other", ""]]),
           period="2026-06")
    assert sorted(rows_of(sqlite_url, "stg_police_ppn")["ppn_id"]) == ["P3", "P9"]


def test_an_older_submission_never_replaces_a_newer_one(tmp_path, sqlite_url):
    old = ppn_file(tmp_path, "z_old.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    new = ppn_file(tmp_path, "a_new.xlsx", [["P2", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    ingest(tmp_path, sqlite_url, old)
    ingest(tmp_path, sqlite_url, new)
    ingest(tmp_path, sqlite_url, old)  # re-run of the earlier file, e.g. a whole-landing re-run
    assert rows_of(sqlite_url, "stg_police_ppn")["ppn_id"].tolist() == ["P2"]


def test_crosscheck_queries_annex_a_children_missing_from_identity(tmp_path, sqlite_url):
    from transforms.load.crosscheck import crosscheck

    out = tmp_path / "out"
    annex = write_xlsx(tmp_path / "landing" / "csc" / "annex.xlsx", {"List 3": [
        ["Child Unique ID", "Date of Referral", "Referral Source"],
        ["C1", "01/07/2026", "Police"], ["C2", "02/07/2026", "Schools"]]})
    identity = write_xlsx(tmp_path / "landing" / "csc" / "identity.xlsx", {"Children": [
        ["Child ID", "First Name", "Last Name"], ["C1", "Amy", "Smith"]]})
    results = {}
    for path in (annex, identity):
        submission = register(str(path), "csc", "2026-09", str(out), sqlite_url)
        results[path.name] = validate_submission(submission, str(out))
        write_feedback(results[path.name], str(out), sqlite_url)
        load_submission(results[path.name], sqlite_url)
    assert crosscheck("2026-09", sqlite_url, str(out)) == {"checked": 2, "queried": 1}
    dq = rows_of(sqlite_url, "dq_issue")
    assert dq[["record_id", "rule_id", "row", "column"]].values.tolist() == [["C2", "ANX-001Q", 3, "Child Unique ID"]]
    feedback = json.loads(next((out / "outbox" / "csc").glob("annex_*.json")).read_text())
    assert [i["rule_id"] for i in feedback["issues"]] == ["ANX-001Q"]
    assert feedback["submission"]["rows_queried"] == 1
    referrals = rows_of(sqlite_url, "stg_csc_referral").set_index("child_id")
    assert referrals.loc["C2", "queried"] == 1 and referrals.loc["C1", "queried"] == 0
    assert crosscheck("2026-09", sqlite_url, str(out)) == {"checked": 2, "queried": 1}  # idempotent
    assert len(rows_of(sqlite_url, "dq_issue")) == 1
