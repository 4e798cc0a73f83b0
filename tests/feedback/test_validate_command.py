"""`assure validate` and the feedback it writes, as the agency's data officer meets them (DESIGN.md sections 4 and 8):
exit codes, the first issues printed, a wrong-period refusal that names the return, the JSON twin carrying what the
workbook carries, rejected rows as sent (dates as dates), and a loaded submission's feedback never overwritten."""

import datetime as dt
import json

import openpyxl

from tests.conftest import write_xlsx
from tests.police_files import PPN_HEADER, ppn_file
from transforms import cli
from transforms.pipeline import run

PERIOD = "2026-09"


def validate(capsys, *arguments):
    code = cli.main(["validate", *map(str, arguments)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_exit_codes_for_a_loadable_file_a_refused_file_and_bad_usage(tmp_path, capsys):
    partial = ppn_file(tmp_path, "ppn.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""],
                                              ["", "N2", "01/07/2026", "02/07/2026", "Other", ""]])
    code, printed, _ = validate(capsys, partial, "--period", PERIOD, "--out", tmp_path / "out")
    assert code == 0 and "PARTIAL (police_ppn)" in printed
    assert "ERROR PPN-001 sheet 'PPN' row 4" in printed, "the first issues are printed, not only counts"

    empty = write_xlsx(tmp_path / "landing" / "police" / "empty.xlsx", {"PPN": [["nothing here"]]})
    code, printed, _ = validate(capsys, empty, "--period", PERIOD, "--out", tmp_path / "out")
    assert code == 3 and "QUARANTINED" in printed

    code, _, err = validate(capsys, partial, "--return", "police_ppns", "--out", tmp_path / "out")
    assert code == 2 and "unknown return 'police_ppns'" in err and "police_ppn" in err and "csc_annex_a" in err
    code, _, err = validate(capsys, tmp_path / "missing.xlsx")
    assert code == 2 and "no such file" in err


def test_a_file_for_another_quarter_names_its_return_and_goes_to_the_agencys_outbox(tmp_path, capsys):
    rows = [[f"P{i}", f"N{i}", "01/01/2024", "02/01/2024", "Other", ""] for i in range(1, 6)]  # 2023/24 Q4
    old = ppn_file(tmp_path, "ppn_2024q4.xlsx", rows)
    code, printed, _ = validate(capsys, old, "--period", PERIOD, "--out", tmp_path / "out")
    assert code == 3
    assert "QUARANTINED (police_ppn)" in printed and "no return recognised" not in printed
    twins = list((tmp_path / "out" / "outbox" / "police").glob("*.json"))
    assert len(twins) == 1 and not (tmp_path / "out" / "outbox" / "unknown").exists()
    assert json.loads(twins[0].read_text())["submission"]["return_id"] == "police_ppn"


def test_the_json_twin_carries_what_the_workbook_carries(tmp_path, capsys):
    path = write_xlsx(tmp_path / "landing" / "police" / "ppn.xlsx", {
        "Notes": [["Extracted from the force system"]],
        "PPN": [["Force extract"], [*PPN_HEADER, "Officer"],
                ["P1", "N1", dt.datetime(2026, 7, 1), dt.datetime(2026, 7, 2), "FREI", "", "PC 1"],
                ["P2", "N2", dt.datetime(2026, 7, 3), dt.datetime(2026, 6, 2), "Other", "", "PC 2"]]})
    code, printed, _ = validate(capsys, path, "--period", PERIOD, "--out", tmp_path / "out", "--json")
    twin = json.loads(printed)
    assert code == 0
    assert {"submission", "summary", "next_step", "notes", "sheets", "unused_columns", "unmapped_values",
            "issues_per_rule", "issues", "rejected_rows", "rules"} <= twin.keys()
    assert [(s["sheet"], s["list"], s["status"], s["hidden"]) for s in twin["sheets"]] == [
        ("Notes", "", "ignored", False), ("PPN", "Public protection notices", "read", False)]
    assert any("Notes" in note for note in twin["notes"])
    assert twin["unused_columns"] == [{"sheet": "PPN", "headers": ["Officer"]}]
    assert [(v["value"], v["rows"]) for v in twin["unmapped_values"]] == [("FREI", 1)]
    assert [(r["row"], r["cells"]["Submitted Date"]) for r in twin["rejected_rows"]] == [(4, "2026-06-02")]
    assert {line["label"] for line in twin["summary"]} >= {"File", "Rows read", "Rows rejected (not loaded)"}

    book = openpyxl.load_workbook(next((tmp_path / "out" / "outbox" / "police").glob("*.xlsx")))
    assert book.sheetnames == ["Summary", "Issues", "Rejected rows", "Values we could not read", "Rules"]
    rejected = list(book["Rejected rows"].iter_rows(min_row=3, max_row=3, values_only=True))[0]
    assert rejected[0] == 4 and isinstance(rejected[3], dt.datetime), "a date as sent stays a date"
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["Rows read"] == 2 and "FREI" not in str(summary.get("Values we could not read", "FREI"))
    unread = list(book["Values we could not read"].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert unread[:3] == ("PPN Type", "FREI", 1)


def test_checking_a_file_already_loaded_never_overwrites_its_feedback(tmp_path, capsys, sqlite_url):
    path = ppn_file(tmp_path, "ppn.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    out = tmp_path / "out"
    run(str(tmp_path / "landing"), PERIOD, str(out), f"sqlite:///{out / 'warehouse.sqlite'}",
        progress=lambda line: None)
    loaded = {p: p.read_bytes() for p in (out / "outbox" / "police").iterdir()}
    code, printed, _ = validate(capsys, path, "--period", PERIOD, "--out", out)
    assert code == 0 and "already loaded" in printed
    assert {p: p.read_bytes() for p in (out / "outbox" / "police").iterdir()} == loaded
    assert list((out / "validate" / "outbox" / "police").glob("*.feedback.json"))


def test_several_files_are_checked_in_one_command_and_the_worst_exit_code_wins(tmp_path, capsys):
    good = ppn_file(tmp_path, "ppn.xlsx", [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""]])
    empty = write_xlsx(tmp_path / "landing" / "police" / "empty.xlsx", {"PPN": [["nothing here"]]})
    code, printed, _ = validate(capsys, good, empty, "--period", PERIOD, "--out", tmp_path / "out", "--json")
    reports = json.loads(printed)
    assert code == 3, "one file was refused"
    assert [r["submission"]["file"] for r in reports] == ["ppn.xlsx", "empty.xlsx"]
    assert [r["submission"]["status"] for r in reports] == ["ACCEPTED", "QUARANTINED"]
    assert len(list((tmp_path / "out" / "outbox" / "police").glob("*.feedback.json"))) == 2

    code, printed, _ = validate(capsys, good, good, "--period", PERIOD, "--out", tmp_path / "out2")
    assert code == 0 and printed.count("ACCEPTED (police_ppn)") == 2
    code, _, err = validate(capsys, good, tmp_path / "missing.xlsx", "--out", tmp_path / "out3")
    assert code == 2 and "missing.xlsx" in err and not (tmp_path / "out3").exists(), "nothing checked"
