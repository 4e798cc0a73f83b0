"""Register, feedback, load, reconcile and indicators on tiny hand-made inputs (SQLite)."""

import json

import openpyxl
import pandas as pd
import sqlalchemy as sa

from tests.conftest import write_xlsx
from transforms import warehouse
from transforms.feedback import write_feedback
from transforms.indicators import compute_indicators
from transforms.ingest import validate_submission
from transforms.linkage import synthetic
from transforms.linkage.index import Index, update
from transforms.linkage.standardise import standardise
from transforms.load import load_submission
from transforms.neutralise import neutralise
from transforms.publish import publish
from transforms.register import register

PPN_HEADER = ["PPN ID", "Person ID", "Incident Date", "Submitted Date", "PPN Type", "DARA Completed"]


def ppn_file(tmp_path, name, rows):
    return write_xlsx(tmp_path / "landing" / "police" / name, {"PPN": [["Force extract"], PPN_HEADER, *rows]})


def ingest(tmp_path, url, path, period="2026-09"):
    submission = register(str(path), "police", period, str(tmp_path / "out"), url)
    result = validate_submission(submission, str(tmp_path / "out"))
    paths = write_feedback(result, str(tmp_path / "out"), url)
    load_submission(result, url)
    return result, paths


def rows_of(url, table):
    with warehouse.engine(url).connect() as conn:
        return pd.DataFrame(conn.execute(sa.select(warehouse.METADATA.tables[table])).mappings().all())


def test_same_bytes_twice_is_one_submission(tmp_path, sqlite_url):
    path = ppn_file(tmp_path, "a.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    copy = tmp_path / "landing" / "police" / "copy.xlsx"
    copy.write_bytes(path.read_bytes())
    first = register(str(path), "police", "2026-09", str(tmp_path / "out"), sqlite_url)
    second = register(str(copy), "police", "2026-09", str(tmp_path / "out"), sqlite_url)
    assert first == second
    assert len(rows_of(sqlite_url, "raw_submission")) == 1
    assert (tmp_path / "out" / "archive" / f"{first['sha256']}.xlsx").read_bytes() == path.read_bytes()


def test_feedback_has_every_sheet_only_this_submission_and_neutralised_values(tmp_path, sqlite_url):
    rows = [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""],
            ["P2", "N2", "01/07/2026", "02/07/2026", "=HYPERLINK(\"x\")", ""]]
    result, paths = ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", rows))
    content = json.loads(open(paths["json"]).read())
    assert content["submission"] == {
        "agency": "police", "return_id": "police_ppn", "file": "a.xlsx", "sha256": result["sha256"],
        "received_at": result["received_at"], "period": "2026-09", "status": "PARTIAL", "rows_read": 2,
        "rows_accepted": 1, "rows_rejected": 1, "rows_queried": 0}
    assert content["issues"] == [{"sheet": "PPN", "row": 4, "record_id": "P2", "column": "PPN Type",
                                  "value": "'=HYPERLINK(\"x\")", "rule_id": "PPN-009", "severity": "ERROR",
                                  "message": content["issues"][0]["message"]}]
    book = openpyxl.load_workbook(paths["xlsx"])
    assert book.sheetnames == ["Summary", "Issues", "Rejected rows", "Rules"]
    rejected = book["Rejected rows"]
    flagged = [c for row in rejected.iter_rows() for c in row if c.comment is not None]
    assert [c.value for c in flagged] == ["'=HYPERLINK(\"x\")"]
    assert "PPN-009" in flagged[0].comment.text
    assert neutralise("+44") == "'+44" and neutralise("ok") == "ok" and neutralise(3) == 3


def test_resubmission_replaces_the_agency_rows_for_the_period(tmp_path, sqlite_url):
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""],
                                                               ["P2", "N1", "01/07/2026", "02/07/2026", "Other", ""]]))
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "b.xlsx", [["P3", "N1", "01/07/2026", "02/07/2026", "Other", ""]]))
    assert rows_of(sqlite_url, "stg_police_ppn")["ppn_id"].tolist() == ["P3"]
    assert len(rows_of(sqlite_url, "raw_submission")) == 2
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "c.xlsx", [["P9", "N1", "01/04/2026", "02/04/2026", "Other", ""]]),
           period="2026-06")
    assert sorted(rows_of(sqlite_url, "stg_police_ppn")["ppn_id"]) == ["P3", "P9"]


def people(rows):
    frame = pd.DataFrame(rows, columns=["source", "record_id", "first_name", "last_name", "date_of_birth",
                                        "nhs_number", "postcode"])
    return frame.astype("object").where(frame.notna(), None)


def link_people(rows, existing=None, period="2026-09"):
    """Match hand-made records among generated ones (name frequencies need a population) -> (source, id) -> key."""
    records = standardise(pd.concat([synthetic.person_records(2000, seed=7), people(rows)], ignore_index=True))
    result = update(records, existing or Index(), period, b"k")
    return result, result.records.set_index(["source", "record_id"])["person_key"]


def test_deterministic_links_and_nhs_veto():
    _, keys = link_people([
        ["csc_child_identity", "C1", "AMY", "SMITH", "2015-01-02", "9434765919", "B91 3QT"],
        ["police_nominals", "N1", "AMY", "SMITH", "2015-01-02", None, "B91 3QT"],  # same name, dob, postcode
        ["vulnerability_tracker", "V2", "AMY", "SMITH", "2015-01-02", "4010232137", "B91 3QT"],  # other NHS no.
        ["health_safeguarding", "H1", "AMELIA", "SMITH", "2015-01-02", "9434765919", None],  # same NHS, dob
        ["police_nominals", "N3", "BEN", "SMITH", "2015-01-02", None, "B91 3QT"],  # twin: other first name
    ])
    ours = keys.loc[[("csc_child_identity", "C1"), ("police_nominals", "N1"), ("vulnerability_tracker", "V2"),
                     ("health_safeguarding", "H1"), ("police_nominals", "N3")]].tolist()
    c1, n1, v2, h1, n3 = ours
    assert c1 == h1 and v2 != c1 and n3 not in (c1, v2) and n1 in (c1, v2)


def test_person_keys_are_stable_across_reruns_and_keep_existing_keys():
    rows = [["csc_child_identity", "C1", "AMY", "SMITH", "2015-01-02", None, "B91 3QT"],
            ["police_nominals", "N1", "AMY", "SMITH", "2015-01-02", None, "B91 3QT"]]
    first, keys = link_people(rows)
    held = Index(records=first.records, edges=first.edges, review=first.review)
    again, keys_again = link_people(rows, held)
    assert keys.equals(keys_again) and again.probe == 0
    assert keys[("csc_child_identity", "C1")] == keys[("police_nominals", "N1")]
    kept = first.records.copy()
    kept.loc[kept["person_key"] == keys[("police_nominals", "N1")], "person_key"] = "kept-key"
    _, renamed = link_people(rows, Index(records=kept, edges=first.edges))
    assert renamed[("police_nominals", "N1")] == renamed[("csc_child_identity", "C1")] == "kept-key"


def test_indicators_by_hand_and_no_data(tmp_path, sqlite_url):
    rows = [["P1", "N1", "01/07/2026", "02/07/2026", "Domestic abuse", "Y"],
            ["P2", "N2", "01/08/2026", "02/08/2026", "Domestic abuse", "N"],
            ["P3", "N3", "01/08/2026", "02/08/2026", "Domestic abuse", ""],
            ["P4", "N4", "01/08/2026", "02/08/2026", "Missing", ""],
            ["P5", "N5", "01/05/2026", "02/05/2026", "Domestic abuse", "Y"]]  # previous quarter
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", rows))
    compute_indicators("2026-09", sqlite_url, "run-1")
    values = rows_of(sqlite_url, "fct_indicator_value").set_index("indicator_id")
    assert values.loc["POL-02", ["numerator", "denominator"]].tolist() == [1, 3]
    assert abs(values.loc["POL-02", "value"] - 100 / 3) < 1e-9
    assert values.loc["POL-02", "direction"] == "down"  # 100% in Q1 (P5) -> 33% in Q2
    assert values.loc["CSC-01", "rag"] == "NO_DATA" and pd.isna(values.loc["CSC-01", "value"])
    outputs = publish("2026-09", sqlite_url, str(tmp_path / "out"))
    text = open(outputs["csv"]).read().splitlines()
    assert text[0] == "indicator_id,period,breakdown,numerator,denominator,value,unit,rag,direction"
    assert "CSC-01,2026-09,,,,,rate_per_10000,NO_DATA," in text
    assert f"POL-02,2026-09,,1,3,{100 / 3!r},percent,,down" in text
    lineage = rows_of(sqlite_url, "fct_indicator_lineage")
    assert sorted(lineage["indicator_id"]) == ["DQ-01", "POL-01", "POL-02"]


def test_resubmission_feedback_says_what_was_fixed_and_what_is_new(tmp_path, sqlite_url):
    first = [["P1", "N1", "01/07/2026", "02/07/2026", "Bad type", ""],
             ["P2", "N2", "31/02/2026", "02/07/2026", "Other", ""]]
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", first))
    second = [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""],       # fixed
              ["P2", "N2", "31/02/2026", "02/07/2026", "Other", ""],       # still wrong
              ["P3", "N3", "01/07/2026", "01/06/2026", "Other", ""]]       # new problem
    _, paths = ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "b.xlsx", second))
    book = openpyxl.load_workbook(paths["xlsx"])
    assert "Fixed since last" in book.sheetnames
    fixed = [row for row in book["Fixed since last"].iter_rows(min_row=2, values_only=True)]
    assert [(r[2], r[5]) for r in fixed] == [("P1", "PPN-009")]
    issues = {(r[2], r[5]): r[8] for r in book["Issues"].iter_rows(min_row=2, values_only=True)}
    assert issues == {("P2", "PPN-005"): "STILL PRESENT", ("P3", "PPN-012"): "NEW"}
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["replaces"].startswith("a.xlsx")
    assert json.loads(open(paths["json"]).read()).keys() == {"submission", "issues"}
    assert len(rows_of(sqlite_url, "raw_submission")) == 2


def test_crosscheck_queries_annex_a_children_missing_from_identity(tmp_path, sqlite_url):
    from transforms.crosscheck import crosscheck

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


def test_an_older_submission_never_replaces_a_newer_one(tmp_path, sqlite_url):
    old = ppn_file(tmp_path, "z_old.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    new = ppn_file(tmp_path, "a_new.xlsx", [["P2", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    ingest(tmp_path, sqlite_url, old)
    ingest(tmp_path, sqlite_url, new)
    ingest(tmp_path, sqlite_url, old)  # re-run of the earlier file, e.g. a whole-landing re-run
    assert rows_of(sqlite_url, "stg_police_ppn")["ppn_id"].tolist() == ["P2"]
