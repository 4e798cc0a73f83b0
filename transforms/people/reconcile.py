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

__all__ = ["person_records", "pseudonym_key", "reconcile"]


def person_records(conn: sa.Connection, period: str) -> pd.DataFrame:
    """Every person record of the period's returns, as loaded: source, agency, record_id and person columns."""
    frames = []
    for contract in schemas.TABLES:
        if not contract.person_bearing:
            continue
        stg = warehouse.STG_TABLES[contract.table_id]
        wanted = [stg.c[contract.record_id].label("record_id"), stg.c.agency,
                  *[stg.c[c] for c in RAW_COLUMNS if c in stg.c and c != "agency"]]
        # source_row order: a record named by several rows (a pupil's suspensions) keeps its first row's details
        query = sa.select(*wanted).where(stg.c.period == period).order_by(stg.c.submission_id, stg.c.source_row)
        frame = bulk.read_frame(conn, query)
        if not frame.empty:
            frames.append(frame.assign(source=contract.table_id))
    if not frames:
        return pd.DataFrame(columns=["source", "record_id", "agency"])
    records = pd.concat(frames, ignore_index=True)
    return records.sort_values(["source", "record_id"], kind="stable").reset_index(drop=True)


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


def reconcile(period: str, warehouse_url: str) -> dict:
    """Match the period's person records into the master person index; return counts.

    Keys: records (the period's person records), people (distinct people among them), matched (records new to the
    index or changed since, the only ones scored), review (pairs awaiting a decision), merges and splits (this run's).
    """
    eng = warehouse.engine(warehouse_url)
    secret = pseudonym_key()
    with eng.begin() as conn:
        current = standardise(person_records(conn, period))
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
