"""Checks across returns, run once every return of the period is loaded.

Annex A child ids missing from the period's `csc_child_identity` return are queried (ANX-001Q): the rows stay
loaded, `dq_issue` carries the query, and the agency's feedback is written again to include it. The check writes
only its own files in each submission's work folder (`cross_issues.arrow`, `crosscheck.json`); the submission's
`result.json` stays as ingest wrote it.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

import schemas
from schemas.csc_annex_a import CROSS_RULES, NOT_IN_IDENTITY
from schemas.reserved import IN_IDENTITY
from schemas.rules import failing_rows
from transforms import warehouse
from transforms.feedback import rewrite_feedback
from transforms.handoff import IngestResult, WorkFolder, write_frame
from transforms.ingest import ISSUE_COLUMNS, atomic_write
from transforms.warehouse import bulk

ANNEX_TABLES = [t for t in schemas.TABLES if t.annex_list is not None]
UPDATE_CHUNK = 5000


def _identity_ids(conn: sa.Connection, period: str) -> pa.Array:
    """The child ids of the period's identity return, as one Arrow array (hashed in C by `pc.is_in`)."""
    stg = warehouse.STG_TABLES["csc_child_identity"]
    ids = conn.execute(sa.select(stg.c.child_id).where(stg.c.period == period, stg.c.child_id.is_not(None)))
    return pa.array(ids.scalars().all(), type=pa.large_string())


def crosscheck(period: str, warehouse_url: str, out_dir: str) -> dict:
    """Query Annex A rows whose child is not in the identity return; refresh feedback; return counts (rows
    checked, rows queried)."""
    eng = warehouse.engine(warehouse_url)
    rule_ids = [rule.rule_id for rule in CROSS_RULES]
    found: dict[str, list[pd.DataFrame]] = {}
    checked = 0
    with eng.begin() as conn:
        known = _identity_ids(conn, period)
        for contract in ANNEX_TABLES:
            stg = warehouse.STG_TABLES[contract.table_id]
            rows = bulk.read_frame(conn, sa.select(stg.c.submission_id, stg.c.source_sheet, stg.c.source_row,
                                                   stg.c.child_id).where(stg.c.period == period))
            if rows.empty:
                continue
            checked += len(rows)
            for submission_id in rows["submission_id"].unique():
                found.setdefault(submission_id, [])
            if not len(known):
                continue  # no identity return this quarter: its absence is a submission matter, not a row query
            # Arrow's own hash lookup: a region's half a million ids are never made Python objects twice
            ids = pa.array(rows["child_id"], type=pa.large_string(), from_pandas=True)
            rows[IN_IDENTITY] = pc.is_in(ids, value_set=known).to_numpy(zero_copy_only=False)
            failed = failing_rows(rows, CROSS_RULES, "crosscheck")
            if failed.empty:
                continue
            bad = rows.loc[failed["index"]]
            unknown = sorted(set(bad["child_id"]))
            for start in range(0, len(unknown), UPDATE_CHUNK):  # bounded IN lists (SQLite caps bound parameters)
                conn.execute(stg.update().where(stg.c.period == period,
                                                stg.c.child_id.in_(unknown[start:start + UPDATE_CHUNK]))
                             .values(queried=1))
            for submission_id, part in bad.groupby("submission_id"):
                found[submission_id].append(part.assign(table_id=contract.table_id))

        queried = 0
        for submission_id, parts in found.items():
            result = IngestResult.read(out_dir, submission_id)
            if result is None:
                continue  # loaded by an earlier run whose work files are gone: nothing to rewrite
            work = WorkFolder.of(out_dir, submission_id)
            headers = {t.table_id: t.headers for t in result.tables}
            issues = pd.DataFrame([{
                "sheet": r["source_sheet"], "row": int(r["source_row"]), "record_id": r["child_id"],
                "column": headers.get(r["table_id"], {}).get("child_id", "child_id"), "value": r["child_id"],
                "rule_id": NOT_IN_IDENTITY.rule_id, "severity": NOT_IN_IDENTITY.severity,
                "message": NOT_IN_IDENTITY.message} for part in parts for r in part.to_dict("records")],
                columns=ISSUE_COLUMNS)
            write_frame(issues.astype({"row": "int64"}), work.cross_issues)
            dq = warehouse.dq_issue
            conn.execute(dq.delete().where(dq.c.submission_id == submission_id, dq.c.rule_id.in_(rule_ids)))
            if len(issues):
                bulk.insert_frame(conn, dq, issues.assign(submission_id=submission_id, agency=result.agency,
                                                          return_id=result.return_id))
            rows_queried = sum(
                conn.execute(sa.select(sa.func.count()).select_from(warehouse.STG_TABLES[t.table_id]).where(
                    warehouse.STG_TABLES[t.table_id].c.submission_id == submission_id,
                    warehouse.STG_TABLES[t.table_id].c.queried == 1)).scalar() for t in result.tables)
            reg = warehouse.raw_submission
            conn.execute(reg.update().where(reg.c.submission_id == submission_id).values(rows_queried=rows_queried))
            with atomic_write(work.cross_counts) as partial:
                partial.write_text(json.dumps({"rows_queried": rows_queried}))
            queried += len(issues)
    rewrite_feedback(list(found), out_dir, warehouse_url)
    return {"checked": checked, "queried": queried}
