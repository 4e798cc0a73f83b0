"""Read, map and validate one registered submission, writing its results as plain files for the next stages.

Results land in the submission's work folder (`transforms.handoff.WorkFolder`): one table of accepted rows per
table, the issues, the rejected rows as submitted, and `result.json` (the `IngestResult`). Later stages read those.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pandas as pd

from schemas.contract import TableContract
from schemas.file_rules import UNREADABLE, WRONG_PERIOD
from schemas.reserved import RAW, SOURCE_ROW
from schemas.rules import FILE
from transforms.dataset.periods import period_end
from transforms.handoff import IngestResult, Submission, TableResult, WorkFolder, read_frame, write_frame
from transforms.ingest import value_map
from transforms.ingest.files import atomic_write
from transforms.ingest.mapping import Recognition, recognise
from transforms.ingest.period_check import other_period
from transforms.ingest.read import UnreadableFile, read_file
from transforms.ingest.register import safe_name
from transforms.ingest.validate import ISSUE_COLUMNS, empty_issues, validate_table
from transforms.operations import stopwatch


def submission_issues(result: IngestResult) -> pd.DataFrame:
    """Every issue of a submission: its own validation, then checks across returns, in sheet and row order."""
    frames = [read_frame(result.issues_path)]
    cross = WorkFolder(Path(result.issues_path).parent).cross_issues
    if cross.exists():
        frames.append(read_frame(cross))
    issues = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return issues.sort_values(["sheet", "row", "rule_id"], kind="stable").reset_index(drop=True)


LOG = logging.getLogger(__name__)


def _file_issue(sheet: str, message: str, rule_id: str) -> pd.DataFrame:
    return pd.DataFrame([{"sheet": sheet, "row": 0, "record_id": "", "column": "", "value": "",
                          "rule_id": rule_id, "severity": FILE, "message": message}], columns=ISSUE_COLUMNS)


def _recognise_file(submission: Submission, return_id: str | None, mapped: value_map.ValueMap | None
                    ) -> tuple[Recognition | None, str | None, str | None, TableContract | None]:
    """(recognition, FILE problem, FILE rule id, the table recognised even if the file is refused for another
    period): read, recognise and check the period of the archived file."""
    try:
        with stopwatch.step("ingest/read") as step:
            sheets, read_notes = read_file(Path(submission.archive_path), submission.file_name)
            step.items += sum(len(sheet.rows) for sheet in sheets)
        with stopwatch.step("ingest/map") as step:
            recognition = recognise(sheets, submission.agency, return_id, mapped)
            step.items += sum(len(table.frame) for table in recognition.tables)
    except UnreadableFile as exc:
        return None, str(exc), exc.rule_id, None
    except Exception:  # untrusted input must never crash a run: whatever a file does to a parser, refuse the file
        LOG.exception("reading %s failed", submission.archive_path)
        return None, f"{UNREADABLE.message} (it made the reader fail)", UNREADABLE.rule_id, None
    recognition.notes[:0] = read_notes
    recognised = recognition.tables[0].contract if recognition.tables else None
    if recognition.file_problem is None and submission.period:
        wrong = [why for why in (other_period(t, submission.period) for t in recognition.tables) if why]
        if wrong:
            recognition.tables = []  # nothing of a file for another quarter is loaded
            recognition.file_problem = f"{WRONG_PERIOD.message} " + " ".join(wrong)
            recognition.file_rule = WRONG_PERIOD.rule_id
    return recognition, recognition.file_problem, recognition.file_rule, recognised


def quarantine(submission: Submission, reason: str, out_dir: str, rule_id: str | None = None) -> Path:
    """Copy a refused file to `quarantine/` with a text file saying why (and under which FILE rule)."""
    folder = Path(out_dir) / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{submission.sha256[:12]}_{safe_name(submission.file_name)}"
    with atomic_write(target) as partial:
        shutil.copyfile(submission.archive_path, partial)
    with atomic_write(target.with_name(target.name + ".reason.txt")) as partial:
        partial.write_text(
            f"{submission.agency}/{submission.file_name!r} (sha256 {submission.sha256}): "
            f"{rule_id + ': ' if rule_id else ''}{reason}\n", encoding="utf-8")
    return target


def validate_submission(submission: Submission, out_dir: str, return_id: str | None = None,
                        mapped: value_map.ValueMap | None = None) -> IngestResult:
    """Validate the archived file; write accepted rows, issues, rejected rows and the values no code list could
    read; return the result. `mapped`: the agency's value map (`value_map.load`), applied before the code lists.

    With no `agency` in the submission (a file validated on its own), the agency is the recognised return's.
    """
    work = WorkFolder.of(out_dir, submission.submission_id)
    work.path.mkdir(parents=True, exist_ok=True)
    work.cross_issues.unlink(missing_ok=True)  # the checks across returns run again after loading
    work.cross_counts.unlink(missing_ok=True)
    result = IngestResult(**submission.to_dict())
    recognition, result.reason, result.rule_id, recognised = _recognise_file(submission, return_id, mapped)
    if recognition is not None:
        result.notes = recognition.notes
        result.sheets = list(getattr(recognition, "assignment", []))
    if recognised is not None:  # also for a file refused for another quarter: the agency is told which return
        result.agency = result.agency or recognised.agency
        result.return_id = recognised.return_id
    result.agency = result.agency or "unknown"

    issues, rejected, unmapped = [], [], []
    if result.reason:
        if submission.agency:  # a landed file; `assure validate` on a loose file quarantines nothing
            quarantine(submission, result.reason, out_dir, result.rule_id)
        issues.append(_file_issue("", result.reason, result.rule_id))
        result.status = "QUARANTINED"
    else:
        for table in recognition.tables:
            with stopwatch.step("ingest/validate", len(table.frame)):
                checked = validate_table(table, period_end(submission.period).isoformat()
                                         if submission.period else None)
            accepted_path = work.accepted(table.contract.table_id)
            write_frame(checked.accepted.assign(source_sheet=table.sheet), accepted_path)
            issues.append(checked.issues)
            unmapped.append(value_map.unmapped_in(table, table.frame))
            bad = table.frame[table.frame[SOURCE_ROW].isin(checked.rejected_rows)]
            raw_columns = {c + RAW: table.headers[c] for c in table.headers}
            rejected.append(bad[[SOURCE_ROW, *raw_columns]].rename(columns=raw_columns)
                            .assign(sheet=table.sheet).astype("str"))
            result.tables.append(TableResult(table.contract.table_id, table.sheet, str(accepted_path),
                                             checked.rows_read, table.headers, list(table.extra_headers)))
            result.rows_read += checked.rows_read
            result.rows_accepted += len(checked.accepted)
            result.rows_rejected += len(checked.rejected_rows)
            result.rows_queried += checked.rows_queried
        result.status = "ACCEPTED" if result.rows_rejected == 0 else "PARTIAL"
        result.return_id = recognition.tables[0].contract.return_id

    all_issues = pd.concat(issues, ignore_index=True) if issues else empty_issues()
    # Every file is written whole then renamed: the same submission validated twice at once (two copies of one
    # file) never lets a reader see a half-written file.
    result.issues_path = str(work.issues)
    write_frame(all_issues, work.issues)
    for frame in rejected:
        if len(frame):
            path = work.rejected(len(result.rejected_paths))
            write_frame(frame, path)
            result.rejected_paths.append(str(path))
    unread = [frame for frame in unmapped if len(frame)]
    work.unmapped.unlink(missing_ok=True)
    if unread:  # most files have none: no file, nothing to read back
        write_frame(pd.concat(unread, ignore_index=True), work.unmapped)
    with atomic_write(work.result) as partial:
        partial.write_text(result.to_json())
    return result
