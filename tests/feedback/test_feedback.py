"""The agency's feedback report: every sheet, only its own submission, neutralised values, what a resubmission fixed."""

import json

import openpyxl

from tests.police_files import ingest, ppn_file, rows_of
from transforms.feedback.neutralise import neutralise


def test_feedback_has_every_sheet_only_this_submission_and_neutralised_values(tmp_path, sqlite_url):
    rows = [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""],
            ["P2", "N2", "=HYPERLINK(\"x\")", "02/07/2026", "Other", ""]]  # no incident date: the row is rejected
    result, paths = ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", rows))
    content = json.loads(open(paths["json"]).read())
    assert content["submission"] == {
        "agency": "police", "return_id": "police_ppn", "file": "a.xlsx", "sha256": result.sha256,
        "received_at": result.received_at, "period": "2026-09", "status": "PARTIAL", "rows_read": 2,
        "rows_accepted": 1, "rows_rejected": 1, "rows_queried": 0}
    assert content["issues"] == [{"sheet": "PPN", "row": 4, "record_id": "P2", "column": "Incident Date",
                                  "value": "'=HYPERLINK(\"x\")", "rule_id": "PPN-005", "severity": "ERROR",
                                  "message": content["issues"][0]["message"]}]
    book = openpyxl.load_workbook(paths["xlsx"])
    assert book.sheetnames == ["Summary", "Issues", "Rejected rows", "Values we could not read", "Rules"]
    rejected = book["Rejected rows"]
    flagged = [c for row in rejected.iter_rows() for c in row if c.comment is not None]
    assert [c.value for c in flagged] == ["'=HYPERLINK(\"x\")"]
    assert "PPN-005" in flagged[0].comment.text
    assert neutralise("+44") == "'+44" and neutralise("ok") == "ok" and neutralise(3) == 3


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
    assert [(r[2], r[5]) for r in fixed] == [("P1", "PPN-009Q")]
    issues = {(r[2], r[5]): r[8] for r in book["Issues"].iter_rows(min_row=2, values_only=True)}
    assert issues == {("P2", "PPN-005"): "STILL PRESENT", ("P3", "PPN-012"): "NEW"}
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["Replaces"].startswith("a.xlsx")
    twin = json.loads(open(paths["json"]).read())
    assert twin["changes"]["replaces"].startswith("a.xlsx") and twin["changes"]["still_present"] == 1
    assert [(f["record_id"], f["rule_id"]) for f in twin["changes"]["fixed"]] == [("P1", "PPN-009Q")]
    assert len(rows_of(sqlite_url, "raw_submission")) == 2


def _cells_of(path):
    """Every sheet's cells as the agency's spreadsheet shows them: value, number format, fill and comment."""
    book = openpyxl.load_workbook(path)
    return {sheet.title: [(c.coordinate, c.value, c.number_format, c.fill.fgColor.rgb,
                           c.comment.text if c.comment else None)
                          for row in sheet.iter_rows() for c in row if c.value is not None or c.comment]
            for sheet in book.worksheets}


def test_a_small_report_built_in_memory_holds_what_a_streamed_one_does(tmp_path, sqlite_url, monkeypatch):
    """A report of a few cells is built in memory (no temporary file per part), a large one streamed to disk row by
    row: the agency gets the same cells, dates, flags and comments either way."""
    import datetime as dt

    from tests.police_files import register, validate_submission
    from transforms.feedback import report

    first = [["P1", "N1", "01/07/2026", "02/07/2026", "Bad type", ""],
             ["P2", "N2", "31/02/2026", "02/07/2026", "Other", ""]]
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", first))
    second = [["P1", "N1", "01/07/2026", "02/07/2026", "Other", ""],
              ["P2", "N2", "31/02/2026", "=1+1", "Other", ""],
              ["P3", "N3", dt.datetime(2026, 7, 1), dt.datetime(2026, 6, 1), "Other", ""]]  # date cells
    out = str(tmp_path / "out")
    result = validate_submission(register(str(ppn_file(tmp_path, "b.xlsx", second)), "police", "2026-09", out,
                                          sqlite_url), out)
    built = []
    real = report.xlsxwriter.Workbook

    class Recorded(real):
        def __init__(self, path, options):
            built.append((options["in_memory"], options["constant_memory"]))
            super().__init__(path, options)

    monkeypatch.setattr(report.xlsxwriter, "Workbook", Recorded)
    paths = report.write_feedback(result, out, sqlite_url)
    kept = tmp_path / "in_memory.xlsx"
    kept.write_bytes(open(paths["xlsx"], "rb").read())
    monkeypatch.setattr(report, "IN_MEMORY_CELLS", 0)
    report.write_feedback(result, out, sqlite_url)
    assert built == [(True, False), (False, True)]
    cells = _cells_of(kept)
    assert cells == _cells_of(paths["xlsx"])
    assert "Fixed since last" in cells
    assert any(comment for sheet in cells.values() for *_, comment in sheet)  # flagged cells came through
    assert any(number_format == "dd/mm/yyyy" for sheet in cells.values() for _, _, number_format, *_ in sheet)
