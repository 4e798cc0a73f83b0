"""Read, map and validate one registered submission, writing its results as plain files for the next stages.

Results land in `<out>/work/<submission_id>/`: one parquet of accepted rows per table, the issues, the
rejected rows as submitted, and `result.json` describing the submission. Later stages read those files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from schemas.rules import FILE, RAW
from transforms.mapping import SOURCE_ROW, recognise
from transforms.periods import period_end
from transforms.read import UnreadableFile, read_workbook
from transforms.register import safe_name
from transforms.validate import ISSUE_COLUMNS, empty_issues, validate_table

CROSS_ISSUES = "cross_issues.parquet"  # issues found across returns after loading (transforms/crosscheck.py)


def submission_issues(result: dict) -> pd.DataFrame:
    """Every issue of a submission: its own validation, then checks across returns, in sheet and row order."""
    frames = [pd.read_parquet(result["issues_path"])]
    cross = Path(result["issues_path"]).with_name(CROSS_ISSUES)
    if cross.exists():
        frames.append(pd.read_parquet(cross))
    issues = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return issues.sort_values(["sheet", "row", "rule_id"], kind="stable").reset_index(drop=True)


def work_dir(out_dir: str, submission_id: str) -> Path:
    """Where a submission's intermediate files live."""
    return Path(out_dir) / "work" / submission_id


def _file_issue(sheet: str, message: str) -> pd.DataFrame:
    return pd.DataFrame([{"sheet": sheet, "row": 0, "record_id": "", "column": "", "value": "",
                          "rule_id": "FILE-001", "severity": FILE, "message": message}], columns=ISSUE_COLUMNS)


def quarantine(submission: dict, reason: str, out_dir: str) -> Path:
    """Copy a refused file to `quarantine/` with a text file saying why."""
    folder = Path(out_dir) / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{submission['sha256'][:12]}_{safe_name(submission['file_name'])}"
    shutil.copyfile(submission["archive_path"], target)
    target.with_name(target.name + ".reason.txt").write_text(
        f"{submission['agency']}/{submission['file_name']} (sha256 {submission['sha256']}): {reason}\n")
    return target


def validate_submission(submission: dict, out_dir: str, return_id: str | None = None) -> dict:
    """Validate the archived file; write accepted rows, issues and rejected rows; return the result dict.

    With no `agency` in the submission (a file validated on its own), the agency is the recognised return's.
    """
    folder = work_dir(out_dir, submission["submission_id"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CROSS_ISSUES).unlink(missing_ok=True)  # recomputed after loading
    result = {**submission, "tables": [], "notes": [], "reason": None}
    try:
        recognition = recognise(read_workbook(Path(submission["archive_path"])), submission["agency"], return_id)
    except UnreadableFile as exc:
        recognition = None
        result["reason"] = str(exc)
    if recognition is not None:
        result["notes"] = recognition.notes
        result["reason"] = recognition.file_problem
        if not result["agency"] and recognition.tables:
            result["agency"] = recognition.tables[0].contract.agency
    result["agency"] = result["agency"] or "unknown"

    issues, rejected = [], []
    if result["reason"]:
        if submission["agency"]:  # a landed file; `assure validate` on a loose file quarantines nothing
            quarantine(submission, result["reason"], out_dir)
        issues.append(_file_issue("", result["reason"]))
        result.update(status="QUARANTINED", return_id=None, rows_read=0, rows_accepted=0, rows_rejected=0,
                      rows_queried=0)
    else:
        counts = {"rows_read": 0, "rows_accepted": 0, "rows_rejected": 0, "rows_queried": 0}
        for table in recognition.tables:
            checked = validate_table(table, period_end(submission["period"]).isoformat()
                                     if submission.get("period") else None)
            accepted_path = folder / f"{table.contract.table_id}.accepted.parquet"
            checked.accepted.assign(source_sheet=table.sheet).to_parquet(accepted_path, index=False)
            issues.append(checked.issues)
            bad = table.frame[table.frame[SOURCE_ROW].isin(checked.rejected_rows)]
            raw_columns = {c + RAW: table.headers[c] for c in table.headers}
            rejected.append(bad[[SOURCE_ROW, *raw_columns]].rename(columns=raw_columns)
                            .assign(sheet=table.sheet).astype("str"))
            result["tables"].append({"table_id": table.contract.table_id, "sheet": table.sheet,
                                     "accepted_path": str(accepted_path), "rows_read": checked.rows_read,
                                     "headers": table.headers})
            counts["rows_read"] += checked.rows_read
            counts["rows_accepted"] += len(checked.accepted)
            counts["rows_rejected"] += len(checked.rejected_rows)
            counts["rows_queried"] += checked.rows_queried
        status = "ACCEPTED" if counts["rows_rejected"] == 0 else "PARTIAL"
        result.update(status=status, return_id=recognition.tables[0].contract.return_id, **counts)

    all_issues = pd.concat(issues, ignore_index=True) if issues else empty_issues()
    result["issues_path"] = str(folder / "issues.parquet")
    all_issues.to_parquet(result["issues_path"], index=False)
    result["rejected_paths"] = []
    for frame in rejected:
        if len(frame):
            path = folder / f"rejected_{len(result['rejected_paths'])}.parquet"
            frame.to_parquet(path, index=False)
            result["rejected_paths"].append(str(path))
    (folder / "result.json").write_text(json.dumps(result, indent=2, sort_keys=True))
    return result
