"""The submissions board: for one quarter, every expected return of every agency with its due date, when it arrived,
how many working days late, its status and row counts, the chain of resubmissions, the agency's feedback, and the
alarms at the top (late returns, refused files, an overdue dataset, failed tasks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from transforms import warehouse
from transforms.dataset import breakdown_label, due_date, is_working_day, previous_period
from transforms.feedback import feedback_paths
from transforms.operations import dataset_publication_due, expected_returns

RECENT_FAILURES = 10  # failed tasks shown among the alarms
SUBMISSION_COLUMNS = ["submission_id", "agency", "return_id", "file_name", "received_at", "status", "rows_read",
                      "rows_accepted", "rows_rejected", "rows_queried", "reason", "loaded", "sha256"]


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after `first` up to and including `last` (0 when `last` is not after `first`)."""
    days, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        days += is_working_day(day)
    return days


def submissions(url: str, period: str) -> pd.DataFrame:
    """Every registered submission of the period, oldest first."""
    registry = warehouse.raw_submission
    with warehouse.engine(url).connect() as conn:
        rows = conn.execute(sa.select(*(registry.c[c] for c in SUBMISSION_COLUMNS))
                            .where(registry.c.period == period).order_by(registry.c.received_at)).all()
    return pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)


def periods(url: str) -> list[str]:
    """The quarters with submissions, newest first."""
    registry = warehouse.raw_submission
    with warehouse.engine(url).connect() as conn:
        return list(conn.execute(sa.select(registry.c.period).distinct().order_by(registry.c.period.desc()))
                    .scalars())


def _chains(subs: pd.DataFrame) -> dict[str, dict]:
    """submission id -> the submission it replaced and the one that replaced it (same agency and return, in order of
    arrival; a quarantined file replaces nothing: it was never read)."""
    linked: dict[str, dict] = {}
    read = subs[subs["return_id"].notna() & (subs["status"] != "QUARANTINED")]
    for _, group in read.groupby(["agency", "return_id"], sort=False):
        ids = list(group["submission_id"])
        for before, after in zip(ids, ids[1:], strict=False):
            linked.setdefault(after, {})["replaces"] = before
            linked.setdefault(before, {})["replaced_by"] = after
    return linked


def _feedback(out_dir: str | None, row: dict) -> dict:
    """The paths of a submission's feedback workbook and JSON, where they exist."""
    if not out_dir:
        return {}
    paths = feedback_paths(out_dir, row["agency"], row["file_name"], row["submission_id"])
    return {kind: str(path) for kind, path in paths.items() if Path(path).is_file()}


def _refused_notes(out_dir: str | None) -> list[dict]:
    """Entries of landing refused without being read (links, pipes, files at the root): the notes in the outboxes."""
    if not out_dir or not (Path(out_dir) / "outbox").is_dir():
        return []
    notes = []
    for path in sorted((Path(out_dir) / "outbox").glob("*/*.refused.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        notes.append({"agency": path.parent.name, "what": lines[0] if lines else path.name,
                      "why": " ".join(lines[1:])})
    return notes


def _failures(url: str) -> list[dict]:
    table = warehouse.ops_failure
    with warehouse.engine(url).connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.failed_at.desc()).limit(RECENT_FAILURES)).mappings()
        return [dict(row) for row in rows]


def _dataset_overdue(url: str, period: str, today: dt.date) -> str | None:
    """The alarm when the previous quarter's dataset is past its publication date and not computed."""
    before = previous_period(period)
    if today <= dataset_publication_due(before):
        return None
    fct = warehouse.fct_indicator_value
    with warehouse.engine(url).connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(fct).where(fct.c.period == before)).scalar():
            return None
    return f"The partnership dataset for {before} was due by {dataset_publication_due(before)} and is not published."


def names(agency: object, return_id: object) -> dict[str, str]:
    """The agency's name and the return's title as the dashboard and the data-quality report write them (the board
    shows them, with the ids an analyst types in `assure` commands beside)."""
    return {"agency_name": breakdown_label(agency) if isinstance(agency, str) and agency else "",
            "return_title": breakdown_label(return_id) if isinstance(return_id, str) and return_id else ""}


def board(url: str, period: str, today: dt.date, out_dir: str | None = None) -> dict:
    """The board of `period` as of `today`: {'period', 'due', 'returns': [...], 'late': [...], 'alarms': [...],
    'extra': [...]} (`extra`: submissions of returns the calendar does not expect, and files no return was recognised
    in). Each return row: agency, return_id, due, received_at, days_late, status (MISSING, LATE, ON TIME, REFUSED,
    ...), counts, reason, feedback paths, the current submission and its chain."""
    due = due_date(period)
    subs = submissions(url, period)
    chains = _chains(subs)
    rows, late = [], []
    for expected in expected_returns(period):
        mine = subs[(subs["agency"] == expected["agency"]) & (subs["return_id"] == expected["return_id"])]
        read = mine[mine["status"] != "QUARANTINED"]
        current = read.iloc[-1].to_dict() if len(read) else (mine.iloc[-1].to_dict() if len(mine) else None)
        first_read = read.iloc[0].to_dict() if len(read) else None
        received = dt.date.fromisoformat(first_read["received_at"][:10]) if first_read else None
        days_late = working_days_between(due, received or today) if (received or today) > due else 0
        if first_read is None:
            status = "LATE" if today > due else "AWAITED"
        else:
            status = "LATE" if received > due else "ON TIME"
        row = {**expected, **names(expected["agency"], expected["return_id"]), "due": due.isoformat(),
               "received_at": first_read["received_at"] if first_read else None,
               "days_late": days_late, "status": status, "submission": current,
               "submissions": len(mine), "chain": chains.get(current["submission_id"], {}) if current else {},
               "feedback": _feedback(out_dir, current) if current else {}}
        rows.append(row)
        if status == "LATE":
            late.append(row)
    expected_keys = {(e["agency"], e["return_id"]) for e in expected_returns(period)}
    extra = [{**r, **names(r["agency"], r["return_id"]), "chain": chains.get(r["submission_id"], {}),
              "feedback": _feedback(out_dir, r)}
             for r in subs.to_dict("records") if (r["agency"], r["return_id"]) not in expected_keys]
    # a return received late is history (the board shows it); one still missing is an alarm
    alarms = [f"{r['agency']} {r['return_id']}: not received, {r['days_late']} working days after the due date "
              f"{r['due']}" for r in late if r["received_at"] is None]
    alarms += [f"{r['agency']}/{r['file_name']}: refused ({r['reason'] or 'not read'})"
               for r in subs.to_dict("records") if r["status"] == "QUARANTINED"]
    alarms += [f"{n['agency']}: {n['what']} ({n['why']})" for n in _refused_notes(out_dir)]
    overdue = _dataset_overdue(url, period, today)
    alarms += [overdue] if overdue else []
    failures = _failures(url)
    return {"period": period, "today": today.isoformat(), "due": due.isoformat(), "returns": rows, "late": late,
            "extra": extra, "alarms": alarms, "failures": failures,
            "submissions": {r["submission_id"]: r for r in subs.to_dict("records")}}


def submission(url: str, submission_id: str) -> dict | None:
    """One registered submission (any period), or None."""
    registry = warehouse.raw_submission
    with warehouse.engine(url).connect() as conn:
        row = conn.execute(sa.select(registry).where(registry.c.submission_id == submission_id)).mappings().first()
    return dict(row) if row else None


def feedback_file(url: str, out_dir: str, submission_id: str, kind: str) -> Path | None:
    """The feedback workbook (`xlsx`) or JSON (`json`) of a submission, when it exists."""
    row = submission(url, submission_id)
    if row is None or kind not in ("xlsx", "json"):
        return None
    path = Path(feedback_paths(out_dir, row["agency"], row["file_name"], submission_id)[kind])
    return path if path.is_file() else None


def landed_name(row: dict) -> str:
    """`agency/file name` of a submission, as the `agency_returns` DAG's `file` parameter names it."""
    return f"{row['agency']}/{Path(row['file_name']).name}"


__all__ = ["board", "feedback_file", "landed_name", "periods", "submission", "submissions",
           "working_days_between"]
