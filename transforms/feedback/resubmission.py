"""Compare a resubmission's issues with those of the submission it replaces: fixed, still present, new.

An issue is the same issue when it has the same sheet, record id and rule: row numbers move when rows are
added or removed, and the value changes when it is corrected.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from transforms import warehouse
from transforms.handoff import IngestResult

ISSUE_KEY = ["sheet", "record_id", "rule_id"]


def previous_submission(result: IngestResult, warehouse_url: str) -> dict | None:
    """The latest earlier submission of the same agency, return and period, if any."""
    table = warehouse.raw_submission
    if not result.return_id:
        return None
    with warehouse.engine(warehouse_url).connect() as conn:
        row = conn.execute(
            sa.select(table).where(
                table.c.agency == result.agency, table.c.return_id == result.return_id,
                table.c.period == result.period, table.c.submission_id != result.submission_id,
                table.c.loaded == 1, table.c.received_at < result.received_at)
            .order_by(table.c.received_at.desc(), table.c.submission_id.desc())).mappings().first()
    return dict(row) if row else None


def earlier_issues(submission_id: str, warehouse_url: str) -> pd.DataFrame:
    """The issues recorded for a loaded submission."""
    dq = warehouse.dq_issue
    with warehouse.engine(warehouse_url).connect() as conn:
        rows = conn.execute(sa.select(dq).where(dq.c.submission_id == submission_id)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in dq.columns])


def compare(previous: pd.DataFrame, current: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(earlier issues now fixed, and for each current issue 'NEW' or 'STILL PRESENT')."""
    def keys(frame: pd.DataFrame) -> list[tuple]:
        return [tuple(str(v) for v in row) for row in frame[ISSUE_KEY].fillna("").itertuples(index=False)]

    before, now = set(keys(previous)), keys(current)
    fixed = previous[[k not in set(now) for k in keys(previous)]]
    return fixed.reset_index(drop=True), ["STILL PRESENT" if k in before else "NEW" for k in now]
