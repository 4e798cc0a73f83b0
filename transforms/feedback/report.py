"""The feedback report an agency receives for one submission: xlsx (Summary, Issues, Rejected rows, Rules)
and its JSON twin, written to that agency's outbox only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import xlsxwriter

import schemas
from transforms.feedback.neutralise import neutralise
from transforms.feedback.resubmission import compare, earlier_issues, previous_submission
from transforms.handoff import IngestResult
from transforms.ingest.files import atomic_write
from transforms.ingest.register import safe_name
from transforms.ingest.submission import submission_issues

SUBMISSION_FIELDS = ("agency", "return_id", "file", "sha256", "received_at", "period", "status", "rows_read",
                     "rows_accepted", "rows_rejected", "rows_queried")
NEXT_STEPS = {
    "ACCEPTED": "Nothing to fix. Queried rows (if any) were loaded: please confirm or correct them next time.",
    "PARTIAL": "Rejected rows were not loaded. Fix them (see 'Rejected rows') and resubmit the whole return; "
               "it will replace this one.",
    "QUARANTINED": "Nothing was loaded. Fix the problem described below and send the file again.",
}


def report_content(result: IngestResult, issues: pd.DataFrame | None = None) -> dict:
    """The JSON twin: {'submission': {...}, 'issues': [...]}, every text value neutralised."""
    issues = submission_issues(result) if issues is None else issues
    submission = {**{k: getattr(result, k) for k in SUBMISSION_FIELDS if k != "file"}, "file": result.file_name}
    submission = {k: neutralise(submission[k]) for k in SUBMISSION_FIELDS}
    records = [{k: (int(v) if k == "row" else neutralise(str(v))) for k, v in rec.items()}
               for rec in issues.to_dict("records")]
    return {"submission": submission, "issues": records}


def _rules_for(result: IngestResult) -> list[tuple[str, str, str, str]]:
    tables = {t.table_id for t in result.tables}
    return [(contract.title, rule.rule_id, rule.severity, rule.message)
            for contract, rule in schemas.all_rules() if not tables or contract.table_id in tables]


def _write_xlsx(path: Path, result: IngestResult, content: dict, changes: dict | None) -> None:
    # constant_memory streams each row to disk once the next begins, so a file with a hundred thousand rejected rows
    # costs no more memory than one with ten; every sheet below is therefore written strictly top to bottom
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "constant_memory": True})
    book.set_properties({"title": "Submission feedback"})
    bold = book.add_format({"bold": True})
    flagged = book.add_format({"bg_color": "#FFD966"})

    summary = book.add_worksheet("Summary")
    summary.set_column(0, 0, 22)
    summary.set_column(1, 1, 90)
    rows = [(k, content["submission"][k]) for k in SUBMISSION_FIELDS]
    rows.append(("what to do next", NEXT_STEPS[result.status]))
    if result.reason:
        rows.append(("problem", result.reason))
    for note in result.notes:
        rows.append(("note", note))
    if changes:
        still = changes["status"].count("STILL PRESENT")
        rows.append(("replaces", f"{changes['file']} received {changes['received_at']}"))
        rows.append(("compared with it", f"{len(changes['fixed'])} earlier issues fixed (sheet 'Fixed since last'), "
                                          f"{still} still present, {len(changes['status']) - still} new"))
    counts = pd.Series([i["rule_id"] for i in content["issues"]], dtype="str").value_counts().sort_index()
    rows.append(("", ""))
    rows.append(("issues per rule", ""))
    rows.extend((rule_id, int(n)) for rule_id, n in counts.items())
    for r, (key, value) in enumerate(rows):
        summary.write_string(r, 0, str(key), bold)
        summary.write(r, 1, neutralise(value))

    issues = book.add_worksheet("Issues")
    headers = ["sheet", "row", "record_id", "column", "value", "rule_id", "severity", "message"]
    issues.write_row(0, 0, headers + (["since last submission"] if changes else []), bold)
    for r, issue in enumerate(content["issues"], start=1):
        for c, key in enumerate(headers):
            issues.write(r, c, issue[key]) if key == "row" else issues.write_string(r, c, str(issue[key]))
        if changes:
            issues.write_string(r, len(headers), changes["status"][r - 1])
    issues.set_column(0, 6, 16)
    issues.set_column(7, 7, 90)
    issues.autofilter(0, 0, max(len(content["issues"]), 1), len(headers) - 1)

    rejected = book.add_worksheet("Rejected rows")
    by_cell = {}
    for issue in content["issues"]:
        by_cell.setdefault((issue["sheet"], issue["row"], issue["column"]), []).append(
            f"{issue['rule_id']}: {issue['message']}")
    r = 0
    for path_ in result.rejected_paths:
        frame = pd.read_parquet(path_)
        sheet_name = str(frame["sheet"].iloc[0])
        columns = [c for c in frame.columns if c not in ("sheet", "source_row")]
        rejected.write_string(r, 0, f"Sheet '{sheet_name}'", bold)
        r += 1
        rejected.write_row(r, 0, ["Excel row", *columns], bold)
        r += 1
        for record in frame.to_dict("records"):
            row_number = int(record["source_row"])
            rejected.write_number(r, 0, row_number)
            for c, column in enumerate(columns, start=1):
                value = "" if pd.isna(record[column]) else str(record[column])
                messages = by_cell.get((sheet_name, row_number, column))
                rejected.write_string(r, c, str(neutralise(value)), flagged if messages else None)
                if messages:
                    rejected.write_comment(r, c, "\n".join(messages), {"x_scale": 3, "y_scale": 2})
            r += 1
        r += 1

    if changes:
        fixed = book.add_worksheet("Fixed since last")
        fixed.write_row(0, 0, ["sheet", "row (then)", "record_id", "column", "value (then)", "rule_id", "message"],
                        bold)
        for r, issue in enumerate(changes["fixed"].to_dict("records"), start=1):
            fixed.write_row(r, 0, [str(neutralise("" if pd.isna(issue[k]) else str(issue[k])))
                                   for k in ("sheet", "row", "record_id", "column", "value", "rule_id", "message")])

    catalogue = book.add_worksheet("Rules")
    catalogue.write_row(0, 0, ["table", "rule_id", "severity", "message"], bold)
    for r, rule in enumerate(_rules_for(result), start=1):
        catalogue.write_row(r, 0, [str(neutralise(v)) for v in rule])
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


def write_feedback(result: IngestResult, out_dir: str, warehouse_url: str | None = None) -> dict:
    """Write `<name>.feedback.xlsx` and `.json` into `outbox/<agency>/`; return their paths.

    With a warehouse, a resubmission's report also says which earlier issues are fixed and which are new.
    """
    outbox = Path(out_dir) / "outbox" / safe_name(result.agency)
    outbox.mkdir(parents=True, exist_ok=True)
    stem = f"{Path(safe_name(result.file_name)).stem}_{result.submission_id[:8]}.feedback"
    issues = submission_issues(result)  # read once: the report and the comparison with the last one share it
    content = report_content(result, issues)
    json_path, xlsx_path = outbox / f"{stem}.json", outbox / f"{stem}.xlsx"
    # Both are written under temporary names and renamed only when both are complete: a failure (a full disk)
    # never leaves half a report, or a report without its twin, in the agency's outbox.
    with atomic_write(json_path) as json_partial, atomic_write(xlsx_path) as xlsx_partial:
        json_partial.write_text(json.dumps(content, indent=2, ensure_ascii=False), encoding="utf-8")
        _write_xlsx(xlsx_partial, result, content, changes_since_previous(result, issues, warehouse_url))
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
