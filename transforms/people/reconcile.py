"""The reconcile stage: the period's person records -> the master person index in the warehouse.

The matching itself lives beside it in `transforms/people/` (standardise, deterministic rules, the Splink model,
stable keys).
This module reads the period's person records from the `stg_` tables and the index from the `core_` tables, runs
one incremental update, and writes back: `core_person`, `core_person_link` (record -> person_key, probability,
rule), `core_person_record`, `core_person_edge`, `core_person_history` (merges and splits), the review queue
`dq_match_review` (reviewers' decisions in it are honoured on every later run), and for the period the
within-agency duplicates (`dq_person_duplicate`) and cross-agency conflicts (`dq_person_conflict`).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

import schemas
from transforms import warehouse
from transforms.people import index, reports
from transforms.people.index import pseudonym_key
from transforms.people.standardise import RAW_COLUMNS, standardise
from transforms.warehouse import bulk

__all__ = ["Prepared", "current_records", "person_records", "prepare", "pseudonym_key", "reconcile"]


def person_records(conn: sa.Connection, period: str) -> pd.DataFrame:
    """Every person record of the period's returns, as loaded: source, agency, record_id and person columns."""
    return _in_key_order([frame for contract in PERSON_TABLES
                          if not (frame := _table_records(conn, contract, period)).empty])


def _in_key_order(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The tables' records as one frame in (source, record_id) order, each table's rows in the order given."""
    if not frames:
        return pd.DataFrame(columns=["source", "record_id", "agency"])
    records = pd.concat(frames, ignore_index=True)
    return records.sort_values(["source", "record_id"], kind="stable").reset_index(drop=True)


PERSON_TABLES = [contract for contract in schemas.TABLES if contract.person_bearing]


def _table_records(conn: sa.Connection, contract: schemas.TableContract, period: str) -> pd.DataFrame:
    stg = warehouse.STG_TABLES[contract.table_id]
    wanted = [stg.c[contract.record_id].label("record_id"), stg.c.agency,
              *[stg.c[c] for c in RAW_COLUMNS if c in stg.c and c != "agency"]]
    # source_row order: a record named by several rows (a pupil's suspensions) keeps its first row's details
    query = sa.select(*wanted).where(stg.c.period == period).order_by(stg.c.submission_id, stg.c.source_row)
    frame = bulk.read_frame(conn, query)
    return frame.assign(source=contract.table_id) if not frame.empty else frame


class Prepared(dict):
    """The period's person records read and standardised ahead, table by table, while other work goes on (`assure
    run` does it as each file is loaded, in the time the run would otherwise wait for the ingestion processes):
    table id -> (the submissions its rows came from and how many rows, the standardised records or None)."""


def prepare(conn: sa.Connection, period: str, prepared: Prepared, return_id: str | None = None) -> None:
    """Read and standardise the person records of each table (of `return_id`'s, when given) whose rows for the
    period are not those already prepared (its submissions or its row count changed since)."""
    for contract in PERSON_TABLES:
        if return_id is not None and contract.return_id != return_id:
            continue
        stg = warehouse.STG_TABLES[contract.table_id]
        held = _held(conn, stg, period)
        if contract.table_id in prepared and prepared[contract.table_id][0] == held:
            continue
        frame = _table_records(conn, contract, period)
        prepared[contract.table_id] = (held, standardise(frame) if not frame.empty else None)


def _held(conn: sa.Connection, stg: sa.Table, period: str) -> tuple:
    """What identifies a table's rows for the period: each submission they came from, with its row count."""
    return tuple(conn.execute(sa.select(stg.c.submission_id, sa.func.count()).where(stg.c.period == period)
                              .group_by(stg.c.submission_id).order_by(stg.c.submission_id)).all())


def current_records(conn: sa.Connection, period: str, prepared: Prepared | None = None) -> pd.DataFrame:
    """The period's person records standardised (`standardise(person_records(...))`); with `prepared`, from the
    tables standardised ahead where their rows are still those the warehouse holds, the others read now (and
    `prepared` emptied). Standardising is row by row and each table is its own `source`, so table by table gives
    the same records."""
    if prepared is None:
        return standardise(person_records(conn, period))
    prepare(conn, period, prepared)
    # handed over, not copied: only the records joined below stay in memory while they are matched
    frames = [frame for _, frame in (prepared.pop(c.table_id) for c in PERSON_TABLES) if frame is not None]
    return _in_key_order(frames) if frames else standardise(_in_key_order([]))  # none: nothing more to read


def _frame(conn: sa.Connection, table: sa.Table) -> pd.DataFrame:
    return bulk.read_frame(conn, sa.select(table), [c.name for c in table.columns])


def load_index(conn: sa.Connection) -> index.Index:
    """The index as the warehouse holds it. A link without stored details is kept with its key and re-matched."""
    links = _frame(conn, warehouse.core_person_link)[["source", "record_id", "agency", "person_key"]]
    details = _frame(conn, warehouse.core_person_record).drop(columns="agency")
    records = links.merge(details, on=["source", "record_id"], how="left")
    records["birth_year"] = pd.to_numeric(records["birth_year"]).astype("Int64")  # NULLs made it float
    history = _frame(conn, warehouse.core_person_history)
    people = _frame(conn, warehouse.core_person)
    return index.Index(
        records=records.reindex(columns=index.RECORD_COLUMNS),
        edges=_frame(conn, warehouse.core_person_edge),
        review=_frame(conn, warehouse.dq_match_review),
        retired_keys=set(history["other_key"]) | set(history["person_key"]),
        person_since=dict(zip(people["person_key"], people["first_period"].fillna(""), strict=True)))


def _replace(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, where=None) -> None:
    rows = frame[[c.name for c in table.columns]] if len(frame) else frame
    if where is None:
        bulk.replace_all(conn, table, rows)
        return
    conn.execute(table.delete().where(where))
    bulk.insert_frame(conn, table, rows)


def reconcile(period: str, warehouse_url: str, prepared: Prepared | None = None) -> dict:
    """Match the period's person records into the master person index; return counts.

    Keys: records (the period's person records), people (distinct people among them), matched (records new to the
    index or changed since, the only ones scored), review (pairs awaiting a decision), merges and splits (this run's).
    `prepared`: the person records read and standardised ahead (`prepare`), used where the warehouse still holds
    the same rows.
    """
    eng = warehouse.engine(warehouse_url)
    secret = pseudonym_key()
    with eng.begin() as conn:
        current = current_records(conn, period, prepared)
        result = index.update(current, load_index(conn), period, secret)
        records = result.records
        _replace(conn, warehouse.core_person_record, records)
        _replace(conn, warehouse.core_person_link, records)
        _replace(conn, warehouse.core_person_edge, result.edges)
        _replace(conn, warehouse.core_person, result.people)
        _replace(conn, warehouse.dq_match_review, result.review)
        if len(result.events):
            bulk.insert_frame(conn, warehouse.core_person_history, result.events)
        in_period = records.merge(current[["source", "record_id"]], on=["source", "record_id"])
        _replace(conn, warehouse.dq_person_duplicate,
                 reports.within_agency_duplicates(in_period).assign(period=period),
                 warehouse.dq_person_duplicate.c.period == period)
        _replace(conn, warehouse.dq_person_conflict,
                 reports.cross_agency_conflicts(in_period, secret).assign(period=period),
                 warehouse.dq_person_conflict.c.period == period)
    events = result.events["event"].value_counts()
    return {"records": len(current), "people": int(in_period["person_key"].nunique()), "matched": result.probe,
            "review": int(result.review["decision"].isna().sum()),
            "merges": int(events.get("MERGE", 0)), "splits": int(events.get("SPLIT", 0))}
