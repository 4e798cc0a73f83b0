"""Retention (DESIGN.md section 9): raw files are kept 2 years, staging rows 7 years, both configurable.

A purge removes archived and quarantined files and work folders of submissions received before the raw-file
cut-off, and the staging rows and issues of submissions received before the dataset cut-off; every removal is
logged in `ops_retention`. The file registry keeps its row (who sent what, when, its sha256) as the audit trail.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import sqlalchemy as sa

from transforms import settings, warehouse
from transforms.dataset.periods import shift_months


def purge(out_dir: str, warehouse_url: str, today: dt.date, raw_days: int | None = None,
          dataset_years: int | None = None) -> dict:
    """Remove what is past retention on `today`; return counts by kind (defaults: `settings.retention()`)."""
    default_days, default_years = settings.retention()
    raw_days = default_days if raw_days is None else raw_days
    dataset_years = default_years if dataset_years is None else dataset_years
    raw_cutoff = (today - dt.timedelta(days=raw_days)).isoformat()
    data_cutoff = shift_months(today, -12 * dataset_years).isoformat()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    registry = warehouse.raw_submission
    removed = {"raw_files": 0, "staging_rows": 0, "issues": 0}
    log = []
    with warehouse.engine(warehouse_url).begin() as conn:
        old_files = conn.execute(sa.select(registry.c.submission_id, registry.c.sha256, registry.c.archive_path)
                                 .where(registry.c.received_at < raw_cutoff, registry.c.archive_path != "")).all()
        for submission_id, sha, archive in old_files:
            paths = [Path(archive), *(Path(out_dir) / "quarantine").glob(f"{sha[:12]}_*")]
            for path in paths:
                if path.is_file():
                    path.unlink()
                    removed["raw_files"] += 1
                    log.append({"purged_at": now, "kind": "raw_file", "item": path.name, "count": 1})
            shutil.rmtree(Path(out_dir) / "work" / submission_id, ignore_errors=True)
            conn.execute(registry.update().where(registry.c.submission_id == submission_id).values(archive_path=""))
        old = sa.select(registry.c.submission_id).where(registry.c.received_at < data_cutoff)
        for stg in warehouse.STG_TABLES.values():
            count = conn.execute(stg.delete().where(stg.c.submission_id.in_(old))).rowcount
            if count:
                removed["staging_rows"] += count
                log.append({"purged_at": now, "kind": "staging_rows", "item": stg.name, "count": count})
        count = conn.execute(warehouse.dq_issue.delete().where(warehouse.dq_issue.c.submission_id.in_(old))).rowcount
        if count:
            removed["issues"] += count
            log.append({"purged_at": now, "kind": "issues", "item": "dq_issue", "count": count})
        if log:
            conn.execute(warehouse.ops_retention.insert(), log)
    return removed
