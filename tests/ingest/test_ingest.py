"""Read, map and validate on tiny hand-made workbooks: header found, aliases, rule ids and Excel rows."""

import datetime as dt

import pandas as pd

from schemas.reserved import RAW, SOURCE_ROW
from schemas.rules import failing_rows, required
from tests.conftest import write_xlsx
from transforms.ingest.mapping import recognise
from transforms.ingest.read import read_workbook
from transforms.ingest.validate import validate_table

LADO_HEADER = ["LADO Ref", "Date of Contact", "Contact Type", "Referring Agency", "Sector", "POT Meeting Date",
               "Outcome", "Outcome Date", "Worker notes"]


def lado_book(tmp_path, rows):
    return write_xlsx(tmp_path / "lado.xlsx", {"Allegations": [["LADO allegations Q2"], [], LADO_HEADER, *rows]})


def test_header_found_below_title_rows_and_aliases_mapped(tmp_path):
    row = ["L1", dt.datetime(2026, 5, 1), "Referral", "Police", "Education", None, None, None, "x"]
    path = lado_book(tmp_path, [row])
    found = recognise(read_workbook(path), "lado")
    assert found.file_problem is None
    table = found.tables[0]
    assert table.contract.table_id == "lado_allegations"
    assert table.header_row == 3
    assert table.headers["referrer_type"] == "Referring Agency"
    assert table.frame.loc[0, "contact_date"] == "2026-05-01"
    assert table.frame.loc[0, SOURCE_ROW] == 4
    assert any("Worker notes" in note for note in found.notes)


def test_errors_carry_rule_sheet_excel_row_and_header_as_written(tmp_path):
    rows = [
        ["L1", "01/05/2026", "Referral", "Police", "Education", "03/05/2026", "Substantiated", "01/04/2026", ""],
        ["L2", "31/02/2026", "Referral", "Police", "Education", None, None, None, ""],
        ["L3", "02/05/2026", "Chat", "Police", "Education", None, None, None, ""],
        ["L4", "02/05/2026", "Consultation", "Faith setting", "Faith", None, None, None, ""],
    ]
    checked = validate_table(recognise(read_workbook(lado_book(tmp_path, rows)), "lado").tables[0])
    got = checked.issues[["sheet", "row", "record_id", "column", "value", "rule_id", "severity"]].values.tolist()
    assert got == [
        ["Allegations", 4, "L1", "Outcome Date", "01/04/2026", "LADO-015Q", "QUERY"],
        ["Allegations", 5, "L2", "Date of Contact", "31/02/2026", "LADO-004", "ERROR"],
        ["Allegations", 6, "L3", "Contact Type", "Chat", "LADO-006Q", "QUERY"],
    ]
    assert checked.rows_read == 4
    # only the unreadable contact date (the event the record is counted by) rejects its row; queried rows are loaded
    # with the bad cell blank
    assert checked.rejected_rows == [5] and checked.accepted["case_id"].tolist() == ["L1", "L3", "L4"]
    assert checked.accepted["queried"].tolist() == [1, 1, 0]
    assert checked.accepted.loc[0, "outcome"] == "SUBSTANTIATED" and pd.isna(checked.accepted.loc[0, "outcome_date"])
    assert pd.isna(checked.accepted.loc[1, "contact_type"])
    assert checked.accepted.loc[2, "referrer_type"] == "FAITH_SETTING"


def test_query_rows_are_loaded_and_flagged(tmp_path):
    header = ["PPN ID", "Person ID", "Incident Date", "Submitted Date", "PPN Type", "DARA Completed"]
    path = write_xlsx(tmp_path / "ppn.xlsx", {"Sheet1": [header, ["P1", "N1", "01/07/2026", "02/07/2026",
                                                                  "Domestic abuse", "No"]]})
    checked = validate_table(recognise(read_workbook(path), "police").tables[0])
    assert checked.issues["rule_id"].tolist() == ["PPN-014Q"]
    assert checked.rows_queried == 1 and len(checked.accepted) == 1


def test_wrong_folder_and_unreadable_and_unrecognised_files_are_file_problems(tmp_path):
    path = lado_book(tmp_path, [["L1", "01/05/2026", "Referral", "Police", "Education"]])
    assert "dropped in the 'police' folder" in recognise(read_workbook(path), "police").file_problem
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01 not a spreadsheet")  # binary: text would be read as CSV, whatever the name
    try:
        read_workbook(junk)
        raise AssertionError("expected UnreadableFile")
    except Exception as exc:
        assert type(exc).__name__ == "UnreadableFile"
    other = write_xlsx(tmp_path / "other.xlsx", {"S": [["Name", "Favourite colour"], ["A", "Blue"]]})
    assert "No table we recognise" in recognise(read_workbook(other), "lado").file_problem


def test_missing_required_column_is_a_file_problem(tmp_path):
    header = [h for h in LADO_HEADER if h != "Contact Type"]
    path = write_xlsx(tmp_path / "l.xlsx", {"S": [header, ["L1", "01/05/2026", "Police", "Education"]]})
    problem = recognise(read_workbook(path), "lado").file_problem
    assert "contact_type" in problem


def test_garbage_in_every_cell_gives_errors_not_exceptions(tmp_path):
    junk = ["=1+", "#REF!", "💥", "x" * 500, "-1", "@@"]
    path = lado_book(tmp_path, [[*junk, "", "", ""]])
    checked = validate_table(recognise(read_workbook(path), "lado").tables[0])
    assert checked.rejected_rows == [4]
    # "#REF!" reads as a blank (required: the contact date is the event) and is queried; every other cell is an
    # unknown code or bad date (queries)
    assert set(checked.issues["rule_id"]) == {"LADO-003", "LADO-006Q", "LADO-008Q", "LADO-010Q", "LADO-011Q",
                                              "LADO-090Q"}


def test_failing_rows_maps_pandera_failures_back_to_rule_ids():
    frame = pd.DataFrame({"a": ["x", None, "z"], "a" + RAW: ["x", None, "z"]})
    got = failing_rows(frame, (required("T-001", "a", "A"),), "t")
    assert got.values.tolist() == [[1, "T-001"]]


def test_blank_record_id_is_reported_as_empty_text(tmp_path):
    path = lado_book(tmp_path, [[None, "01/05/2026", "Referral", "Police", "Education"]])
    checked = validate_table(recognise(read_workbook(path), "lado").tables[0])
    assert checked.issues[["record_id", "value", "rule_id"]].values.tolist() == [["", "", "LADO-001"]]
