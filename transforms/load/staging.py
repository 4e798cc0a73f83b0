"""Load a validated submission's accepted rows into `stg_` tables, replacing the same agency's earlier
submission of that table for the period, and record the submission's outcome and issues.

Everything for one submission happens in one transaction: a failed load leaves the warehouse as it was. A load
that fails because the warehouse dropped or refused the connection is retried as a new transaction
(`warehouse.retrying`). Loads are serialised on PostgreSQL with a transaction-level advisory lock, so two
processes loading at once (two copies of one file, or two files of one agency) cannot interleave their
delete-then-insert; SQLite serialises writers itself.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

import schemas
from transforms import warehouse
from transforms.handoff import IngestResult, WorkFolder, read_frame
from transforms.warehouse import bulk

LOAD_LOCK = 0x617373757265  # any fixed 64-bit number: the advisory lock every load takes ("assure")


def _newer_rows_loaded(conn: sa.Connection, stg: sa.Table, result: IngestResult) -> bool:
    """True when the agency's rows for the period come from a submission received after this one."""
    registry = warehouse.raw_submission
    newer = conn.execute(
        sa.select(sa.func.count()).select_from(stg.join(registry, stg.c.submission_id == registry.c.submission_id))
        .where(stg.c.agency == result.agency, stg.c.period == result.period,
               registry.c.received_at > result.received_at)).scalar()
    return bool(newer)


def load_submission(result: IngestResult, warehouse_url: str) -> dict:
    """Replace this agency's rows for the period in each table the submission holds; return row counts.

    Raises warehouse.WarehouseUnavailable when the warehouse fails through every retry (nothing written).
    """
    return warehouse.retrying(lambda: _load_once(result, warehouse_url),
                              f"loading {result.agency}/{result.file_name!r}")


def _load_once(result: IngestResult, warehouse_url: str) -> dict:
    eng = warehouse.engine(warehouse_url)
    loaded = {}
    superseded = False
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(LOAD_LOCK)))
        for table_info in result.tables:
            contract = schemas.table(table_info.table_id)
            stg = warehouse.STG_TABLES[contract.table_id]
            if _newer_rows_loaded(conn, stg, result):
                loaded[contract.table_id] = 0  # a later submission already replaced this one: keep it
                superseded = True
                continue
            accepted = read_frame(table_info.accepted_path)
            rows = accepted.assign(submission_id=result.submission_id, agency=result.agency,
                                   period=result.period)
            rows = rows[[c.name for c in stg.columns]]
            conn.execute(stg.delete().where(stg.c.agency == result.agency, stg.c.period == result.period))
            loaded[contract.table_id] = bulk.insert_frame(conn, stg, rows)

        conn.execute(warehouse.dq_issue.delete().where(warehouse.dq_issue.c.submission_id == result.submission_id))
        issues = read_frame(result.issues_path)
        if len(issues):
            issues = issues.assign(submission_id=result.submission_id, agency=result.agency,
                                   return_id=result.return_id)
            bulk.insert_frame(conn, warehouse.dq_issue, issues)
        _record_unmapped(conn, result, superseded)
        mark_loaded(conn, result)
    return {"submission_id": result.submission_id, "loaded": loaded}


def _record_unmapped(conn: sa.Connection, result: IngestResult, superseded: bool) -> None:
    """The submission's values no code list could read, in `dq_unmapped_value`, replacing those of the submission it
    replaces (the value map lists what is in the warehouse now)."""
    table = warehouse.dq_unmapped_value
    conn.execute(table.delete().where(table.c.submission_id == result.submission_id))
    path = WorkFolder(Path(result.issues_path).parent).unmapped
    if superseded or not path.exists():
        return
    conn.execute(table.delete().where(table.c.agency == result.agency, table.c.return_id == result.return_id,
                                      table.c.period == result.period))
    values = read_frame(path)
    if len(values):
        bulk.insert_frame(conn, table, values.assign(submission_id=result.submission_id, agency=result.agency,
                                                     return_id=result.return_id, period=result.period))


def mark_loaded(conn: sa.Connection, result: IngestResult) -> None:
    """The load's last write, in the same transaction as its rows: the submission is loaded, with its counts.

    Until the transaction commits nothing of the load is visible (the fault tests stop a run right here)."""
    registry = warehouse.raw_submission
    conn.execute(registry.update().where(registry.c.submission_id == result.submission_id).values(
        return_id=result.return_id, status=result.status, rows_read=result.rows_read,
        rows_accepted=result.rows_accepted, rows_rejected=result.rows_rejected,
        rows_queried=result.rows_queried, reason=result.reason, loaded=1))
