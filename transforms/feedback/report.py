"""The feedback report an agency receives for one submission: xlsx (Summary, Issues, Rejected rows, Values we could
not read, Rules) and its JSON twin holding the same content, written to that agency's outbox only.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import xlsxwriter

import schemas
from schemas.contract import DATE, DATETIME
from transforms.dataset import records as frame_records
from transforms.feedback.neutralise import neutralise
from transforms.feedback.resubmission import compare, earlier_issues, previous_submission
from transforms.handoff import IngestResult, WorkFolder, read_frame
from transforms.ingest.files import atomic_write
from transforms.ingest.register import safe_name
from transforms.ingest.submission import submission_issues

SUBMISSION_FIELDS = ("agency", "return_id", "file", "sha256", "received_at", "period", "status", "rows_read",
                     "rows_accepted", "rows_rejected", "rows_queried")
# The Summary's labels, in plain English for the person who keyed the data.
LABELS = {"agency": "Agency", "return_id": "Return", "file": "File", "sha256": "SHA-256 (fingerprint of the file)",
          "received_at": "Received at", "period": "Quarter (period end)", "status": "Status",
          "rows_read": "Rows read", "rows_accepted": "Rows loaded", "rows_rejected": "Rows rejected (not loaded)",
          "rows_queried": "Rows loaded with a query"}
STATUS_WORDS = {"ACCEPTED": "Accepted: every row loaded", "PARTIAL": "Partly accepted: some rows rejected",
                "QUARANTINED": "Refused: nothing loaded"}
NEXT_STEPS = {
    "ACCEPTED": "Nothing to fix. Queried rows (if any) were loaded: please confirm or correct them next time.",
    "PARTIAL": "Rejected rows were not loaded. Fix them (see 'Rejected rows') and resubmit the whole return; "
               "it will replace this one.",
    "QUARANTINED": "Nothing was loaded. Fix the problem described below and send the file again.",
}
UNMAPPED_SHEET = "Values we could not read"
ISSUE_FIELDS = ["sheet", "row", "record_id", "column", "value", "rule_id", "severity", "message"]
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(value: object) -> object:
    """A value as the reports carry it: NA as '', numbers kept, text neutralised against formula injection."""
    if value is None or (not isinstance(value, list | dict) and pd.isna(value)):
        return ""
    return value if isinstance(value, int | float) else neutralise(str(value))  # numbers and True/False kept


def _return_title(return_id: str | None) -> str:
    titles = sorted({t.title for t in schemas.TABLES if t.return_id == return_id})
    return f"{' / '.join(titles) if len(titles) < 3 else 'Ofsted Annex A'} ({return_id})" if return_id else \
        "not recognised"


def _rejected_rows(result: IngestResult) -> list[dict]:
    """The rejected rows as submitted, per sheet: {'sheet', 'row' (as Excel shows it), 'cells': {header: value}}."""
    rows = []
    for path in result.rejected_paths:
        frame = read_frame(path)
        for record in frame_records(frame):
            rows.append({"sheet": neutralise(str(record.pop("sheet"))), "row": int(record.pop("source_row")),
                         # headers neutralised like values: a header sent as `=PPN ID` is text, never a formula
                         "cells": {neutralise(str(header)): _text(value) for header, value in record.items()}})
    return rows


def _unmapped(result: IngestResult) -> list[dict]:
    path = WorkFolder(Path(result.issues_path).parent).unmapped if result.issues_path else None
    if path is None or not path.exists():
        return []
    frame = read_frame(path)
    return [{"column": _text(r["header"]), "value": _text(r["raw_value"]), "rows": int(r["rows"]),
             "example_rows": _text(r["example_rows"])} for r in frame_records(frame)]


def _rules_for(result: IngestResult) -> list[dict]:
    tables = {t.table_id for t in result.tables}
    return [{"table": contract.title, "rule_id": rule.rule_id, "severity": rule.severity, "message": rule.message}
            for contract, rule in schemas.all_rules() if not tables or contract.table_id in tables]


def report_content(result: IngestResult, issues: pd.DataFrame | None = None, changes: dict | None = None) -> dict:
    """The JSON twin, holding everything the workbook holds: the submission, the summary as the agency reads it,
    what to do next, the problem and notes, how the sheets were read, columns not used, values we could not read,
    issues per rule, the issues, the rejected rows as submitted, the changes since the last submission, and the
    rules. Every text value is neutralised."""
    issues = submission_issues(result) if issues is None else issues
    submission = {**{k: getattr(result, k) for k in SUBMISSION_FIELDS if k != "file"}, "file": result.file_name}
    submission = {k: neutralise(submission[k]) for k in SUBMISSION_FIELDS}
    records = [{k: (int(v) if k == "row" else neutralise(str(v))) for k, v in rec.items()}
               for rec in frame_records(issues)]
    summary = [{"label": LABELS[k], "value": submission[k]} for k in SUBMISSION_FIELDS]
    summary[1]["value"] = neutralise(_return_title(result.return_id))
    summary[6]["value"] = STATUS_WORDS.get(result.status, result.status)
    counts = pd.Series([i["rule_id"] for i in records], dtype="str").value_counts().sort_index()
    content = {
        "submission": submission,
        "summary": summary,
        "next_step": NEXT_STEPS.get(result.status, ""),
        "problem": _text(result.reason),
        "notes": [_text(note) for note in result.notes],
        "sheets": [{k: _text(v) for k, v in sheet.items()} for sheet in result.sheets],
        "unused_columns": [{"sheet": _text(t.sheet), "headers": [_text(h) for h in t.unused_headers]}
                           for t in result.tables if t.unused_headers],
        "unmapped_values": _unmapped(result),
        "issues_per_rule": {rule_id: int(n) for rule_id, n in counts.items()},
        "issues": records,
        "rejected_rows": _rejected_rows(result),
        "changes": None,
        "rules": [{k: _text(v) for k, v in rule.items()} for rule in _rules_for(result)],
    }
    if changes:
        still = changes["status"].count("STILL PRESENT")
        content["changes"] = {
            "replaces": _text(f"{changes['file']} received {changes['received_at']}"),
            "fixed": [{k: _text(issue[k]) for k in ISSUE_FIELDS if k != "severity"}
                      for issue in frame_records(changes["fixed"])],
            "still_present": still, "new": len(changes["status"]) - still,
            "since_last_submission": list(changes["status"])}
    return content


def _date_headers(result: IngestResult) -> set[str]:
    """The headers (as sent) of the submission's date columns: their cells go back into the workbook as dates."""
    kinds = {c.name: c.kind for t in schemas.TABLES for c in t.columns}
    return {neutralise(str(header)) for t in result.tables for name, header in t.headers.items()
            if kinds.get(name) in (DATE, DATETIME)}


# Up to this many cells a report is built in memory: no temporary file for each of its parts, three times faster
# for the usual report of a few hundred issues. A larger one streams each row to disk (xlsxwriter's
# constant_memory) once the next begins, so a file with a hundred thousand rejected rows costs no more memory than
# one with ten; every sheet below is therefore written strictly top to bottom.
IN_MEMORY_CELLS = 50_000


def _cells(content: dict) -> int:
    """About how many cells the report writes (rows times columns of each sheet)."""
    changes = content["changes"] or {}
    return (len(content["issues"]) * (len(ISSUE_FIELDS) + 1)
            + sum(len(record["cells"]) + 1 for record in content["rejected_rows"])
            + len(changes.get("fixed", ())) * 7 + len(content["unmapped_values"]) * 4 + len(content["rules"]) * 4
            + 2 * (len(content["summary"]) + len(content["notes"]) + len(content["sheets"]) + 40))


def _printable(sheet):
    """A sheet as the agency prints it: landscape, every column on one page's width, the first row on every page."""
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    return sheet


def _write_xlsx(path: Path, result: IngestResult, content: dict) -> None:
    streamed = _cells(content) > IN_MEMORY_CELLS
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "constant_memory": streamed, "in_memory": not streamed})
    book.set_properties({"title": "Submission feedback"})
    bold = book.add_format({"bold": True})
    # left-aligned: a count in the summary's wide second column would otherwise print at its far right, off the page
    wrap = book.add_format({"text_wrap": True, "valign": "top", "align": "left"})
    flagged = book.add_format({"bg_color": "#FFD966"})
    flagged_date = book.add_format({"bg_color": "#FFD966", "num_format": "dd/mm/yyyy"})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    changes = content["changes"]

    summary = _printable(book.add_worksheet("Summary"))
    summary.set_column(0, 0, 34)
    summary.set_column(1, 1, 100, wrap)
    rows = [(line["label"], line["value"]) for line in content["summary"]]
    rows.append(("What to do next", content["next_step"]))
    if content["problem"]:
        rows.append(("Problem", content["problem"]))
    rows += [("Note", note) for note in content["notes"]]
    rows += [("Sheet", f"{s['sheet']}: {s.get('list') or 'not read'} ({s.get('status', '')})")
             for s in content["sheets"]]
    rows += [("Columns not used", f"sheet {u['sheet']}: " + ", ".join(u["headers"])) for u in content["unused_columns"]]
    if content["unmapped_values"]:
        rows.append(("Values we could not read", f"{len(content['unmapped_values'])} (sheet '{UNMAPPED_SHEET}')"))
    if changes:
        rows.append(("Replaces", changes["replaces"]))
        rows.append(("Compared with it", f"{len(changes['fixed'])} earlier issues fixed (sheet 'Fixed since last'), "
                                         f"{changes['still_present']} still present, {changes['new']} new"))
    rows.append(("", ""))
    rows.append(("Issues per rule", ""))
    rows.extend(content["issues_per_rule"].items())
    for r, (key, value) in enumerate(rows):
        summary.write_string(r, 0, str(key), bold)
        summary.write(r, 1, value)

    issues = _printable(book.add_worksheet("Issues"))
    issues.write_row(0, 0, ISSUE_FIELDS + (["since last submission"] if changes else []), bold)
    for r, issue in enumerate(content["issues"], start=1):
        for c, key in enumerate(ISSUE_FIELDS):
            issues.write(r, c, issue[key]) if key == "row" else issues.write_string(r, c, str(issue[key]))
        if changes:
            issues.write_string(r, len(ISSUE_FIELDS), changes["since_last_submission"][r - 1])
    issues.set_column(0, 6, 16)
    issues.set_column(7, 7, 90)
    issues.autofilter(0, 0, max(len(content["issues"]), 1), len(ISSUE_FIELDS) - 1)

    rejected = _printable(book.add_worksheet("Rejected rows"))
    by_cell = {}
    for issue in content["issues"]:
        by_cell.setdefault((issue["sheet"], issue["row"], issue["column"]), []).append(
            f"{issue['rule_id']}: {issue['message']}")
    dates = _date_headers(result)
    r, sheet_name = 0, None
    for record in content["rejected_rows"]:
        if record["sheet"] != sheet_name:
            sheet_name, headers = record["sheet"], list(record["cells"])
            r += 1 if r else 0
            rejected.write_string(r, 0, f"Sheet '{sheet_name}'", bold)
            for c, header in enumerate(["Excel row", *headers]):
                rejected.write_string(r + 1, c, str(neutralise(header)), bold)
            r += 2
        rejected.write_number(r, 0, record["row"])
        for c, header in enumerate(headers, start=1):
            value = record["cells"].get(header, "")
            messages = by_cell.get((sheet_name, record["row"], header))
            if header in dates and isinstance(value, str) and _ISO_DAY.fullmatch(value[:10]) and len(value) in (10, 16):
                # a date cell as the agency sent it (read as ISO text): back into the workbook as a date
                when = dt.datetime.fromisoformat(value)
                rejected.write_datetime(r, c, when, flagged_date if messages else date_format)
            elif isinstance(value, int | float):
                rejected.write_number(r, c, value, flagged if messages else None)
            else:
                rejected.write_string(r, c, str(value), flagged if messages else None)
            if messages:
                rejected.write_comment(r, c, "\n".join(messages), {"x_scale": 3, "y_scale": 2})
        r += 1

    if changes:
        fixed = _printable(book.add_worksheet("Fixed since last"))
        fixed.write_row(0, 0, ["sheet", "row (then)", "record_id", "column", "value (then)", "rule_id", "message"],
                        bold)
        for r, issue in enumerate(changes["fixed"], start=1):
            fixed.write_row(r, 0, [str(issue[k]) for k in
                                   ("sheet", "row", "record_id", "column", "value", "rule_id", "message")])

    unread = _printable(book.add_worksheet(UNMAPPED_SHEET))
    unread.write_row(0, 0, ["column", "value as sent", "rows", "first rows (sheet!row)"], bold)
    for r, value in enumerate(content["unmapped_values"], start=1):
        unread.write_row(r, 0, [value["column"], value["value"], value["rows"], value["example_rows"]])
    if not content["unmapped_values"]:
        unread.write_string(1, 0, "Every coded value was read.")
    else:
        unread.write_string(len(content["unmapped_values"]) + 2, 0,
                            "Use a value from the code list (see the Rules sheet and the template), or ask the "
                            "partnership analyst to map your local value once: it is then read in every later file.")
    unread.set_column(0, 1, 30)
    unread.set_column(3, 3, 40)

    catalogue = _printable(book.add_worksheet("Rules"))
    catalogue.write_row(0, 0, ["table", "rule_id", "severity", "message"], bold)
    for r, rule in enumerate(content["rules"], start=1):
        catalogue.write_row(r, 0, [str(rule[k]) for k in ("table", "rule_id", "severity", "message")])
    catalogue.set_column(0, 2, 18)
    catalogue.set_column(3, 3, 100)
    book.close()


def changes_since_previous(result: IngestResult, issues: pd.DataFrame, warehouse_url: str | None) -> dict | None:
    """For a resubmission: the file it replaces, earlier issues fixed, and NEW/STILL PRESENT per current issue."""
    previous = previous_submission(result, warehouse_url) if warehouse_url else None
    if previous is None:
        return None
    fixed, status = compare(earlier_issues(previous["submission_id"], warehouse_url), issues)
    return {"file": previous["file_name"], "received_at": previous["received_at"], "fixed": fixed,
            "status": status}


def feedback_paths(out_dir: str, agency: str, file_name: str, submission_id: str) -> dict[str, str]:
    """Where a submission's feedback goes: `outbox/<agency>/<file>_<id>.feedback.xlsx` and `.json`."""
    outbox = Path(out_dir) / "outbox" / safe_name(agency)
    stem = f"{Path(safe_name(file_name)).stem}_{submission_id[:8]}.feedback"
    return {"xlsx": str(outbox / f"{stem}.xlsx"), "json": str(outbox / f"{stem}.json")}


def write_feedback(result: IngestResult, out_dir: str, warehouse_url: str | None = None) -> dict:
    """Write `<name>.feedback.xlsx` and `.json` into `outbox/<agency>/`; return their paths.

    With a warehouse, a resubmission's report also says which earlier issues are fixed and which are new.
    """
    paths = feedback_paths(out_dir, result.agency, result.file_name, result.submission_id)
    json_path, xlsx_path = Path(paths["json"]), Path(paths["xlsx"])
    json_path.parent.mkdir(parents=True, exist_ok=True)
    issues = submission_issues(result)  # read once: the report and the comparison with the last one share it
    content = report_content(result, issues, changes_since_previous(result, issues, warehouse_url))
    # Both are written under temporary names and renamed only when both are complete: a failure (a full disk)
    # never leaves half a report, or a report without its twin, in the agency's outbox.
    with atomic_write(json_path) as json_partial, atomic_write(xlsx_path) as xlsx_partial:
        json_partial.write_text(json.dumps(content, indent=2, ensure_ascii=False), encoding="utf-8")
        _write_xlsx(xlsx_partial, result, content)
    return {"xlsx": str(xlsx_path), "json": str(json_path)}


def rewrite_feedback(submission_ids: list[str], out_dir: str, warehouse_url: str) -> list[dict]:
    """Write the reports of these submissions again from their work folders (after the checks across returns found
    new queries); submissions whose work files are gone (loaded by an earlier run) are skipped."""
    written = []
    for submission_id in submission_ids:
        result = IngestResult.read(out_dir, submission_id)
        if result is not None:
            written.append(write_feedback(result, out_dir, warehouse_url))
    return written
