"""Bulk moves in and out of the warehouse (COPY on PostgreSQL, executemany on SQLite) keep every value as it was."""

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from transforms import warehouse
from transforms.warehouse import bulk

AWKWARD = ["plain", "tab\there", "line\nbreak", "back\\slash", '"quoted", with comma', "\\N", "", "  spaced  ",
           "Zoë O'Brien", None]


def _issues(n: int) -> pd.DataFrame:
    texts = (AWKWARD * (n // len(AWKWARD) + 1))[:n]
    return pd.DataFrame({
        "submission_id": [f"S{i % 3}" for i in range(n)], "agency": "police", "return_id": None,
        "sheet": pd.Series(texts, dtype="str"), "row": np.arange(n, dtype="int64"),
        "record_id": pd.Series([None if i % 4 == 0 else f"R{i}" for i in range(n)], dtype="object"),
        "column": "x", "value": texts, "rule_id": "PPN-001", "severity": "ERROR", "message": "m"})


@pytest.mark.parametrize("part", [bulk.INSERT_ROWS, 7, 1_000])  # the rows go to the driver a part at a time
def test_insert_then_read_gives_back_every_value_and_null(warehouse_url, part, monkeypatch):
    monkeypatch.setattr(bulk, "INSERT_ROWS", part)
    frame = _issues(2_000)
    table = warehouse.dq_issue
    with warehouse.engine(warehouse_url).begin() as conn:
        assert bulk.insert_frame(conn, table, frame) == 2_000
        back = bulk.read_frame(conn, sa.select(*[table.c[c] for c in frame.columns]).order_by(table.c.row))
    assert back.columns.tolist() == frame.columns.tolist()
    for column in frame.columns:
        expected = frame[column].astype("object").where(frame[column].notna(), None).tolist()
        got = back[column].astype("object").where(back[column].notna(), None).tolist()
        assert got == expected, column
    assert back.loc[back["value"] == "\\N", "value"].size == 200  # the text \N is a value, not NULL
    assert back["value"].isna().sum() == 200


def test_an_empty_frame_inserts_nothing(warehouse_url):
    with warehouse.engine(warehouse_url).begin() as conn:
        assert bulk.insert_frame(conn, warehouse.dq_issue, _issues(0)) == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(warehouse.dq_issue)).scalar() == 0


def test_a_failed_bulk_insert_rolls_back_with_the_transaction(warehouse_url):
    table = warehouse.dq_issue
    bad = _issues(10).assign(rule_id=None)  # rule_id is NOT NULL: the whole insert must fail
    with pytest.raises(sa.exc.DBAPIError):  # the driver's error arrives as SQLAlchemy's, as for any statement
        with warehouse.engine(warehouse_url).begin() as conn:
            bulk.insert_frame(conn, table, _issues(5))
            bulk.insert_frame(conn, table, bad)
    with warehouse.engine(warehouse_url).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0


def _links(n: int, seed: int) -> pd.DataFrame:
    keys = np.random.default_rng(seed).permutation(n)
    return pd.DataFrame({"source": "police_nominals", "record_id": [f"R{i:06d}" for i in range(n)],
                         "agency": "police", "person_key": [f"{k:032x}" for k in keys],
                         "match_probability": 1.0, "rule": "unique"})


def _index_names(conn, table: str) -> set[str]:
    return {index["name"] for index in sa.inspect(conn).get_indexes(table)}


def test_replacing_a_whole_table_keeps_its_indexes_and_gives_back_the_new_rows(warehouse_url):
    """A table replaced whole (the person index, each run) holds exactly the new rows, its indexes are there
    afterwards and the query that reads through one still answers, whether they were built again (SQLite, a large
    replacement) or kept (a small one, or PostgreSQL)."""
    table = warehouse.core_person_link
    eng = warehouse.engine(warehouse_url)
    with eng.connect() as conn:
        indexes = _index_names(conn, table.name)
    assert indexes  # the person_key index
    for rows in (bulk.REBUILD_INDEXES_FROM + 500, 50, 0, bulk.REBUILD_INDEXES_FROM * 2):
        frame = _links(rows, seed=rows)
        with eng.begin() as conn:
            assert bulk.replace_all(conn, table, frame) == rows
        with eng.connect() as conn:
            assert _index_names(conn, table.name) == indexes
            back = bulk.read_frame(conn, sa.select(table).order_by(table.c.record_id))
            if rows:
                key = frame["person_key"].iloc[rows // 2]
                found = conn.execute(sa.select(table.c.record_id).where(table.c.person_key == key)).scalars().all()
                assert found == [frame["record_id"].iloc[rows // 2]]
        assert len(back) == rows
        assert back.astype("object").values.tolist() == frame.astype("object").values.tolist()


def test_a_failed_replacement_leaves_the_table_and_its_indexes_as_they_were(warehouse_url):
    table = warehouse.core_person_link
    eng = warehouse.engine(warehouse_url)
    with eng.begin() as conn:
        bulk.replace_all(conn, table, _links(100, seed=1))
    with eng.connect() as conn:
        indexes = _index_names(conn, table.name)
    bad = _links(bulk.REBUILD_INDEXES_FROM + 10, seed=2)
    bad.loc[len(bad) - 1, "rule"] = None  # NOT NULL: the insert fails after the index was dropped
    with pytest.raises(sa.exc.DBAPIError):
        with eng.begin() as conn:
            bulk.replace_all(conn, table, bad)
    with eng.connect() as conn:
        assert _index_names(conn, table.name) == indexes
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 100


def test_reading_converts_what_sqlalchemy_converts(warehouse_url):
    """Rows come straight from the driver only when SQLAlchemy would convert nothing: a typed column (a date)
    still arrives as its type on either backend."""
    import datetime as dt

    with warehouse.engine(warehouse_url).connect() as conn:
        back = bulk.read_frame(conn, sa.select(sa.literal(dt.date(2026, 1, 2), sa.Date).label("day"),
                                               sa.literal("text").label("plain"), sa.literal(3).label("number")))
    assert back.astype("object").values.tolist() == [[dt.date(2026, 1, 2), "text", 3]]
