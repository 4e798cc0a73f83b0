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


def test_insert_then_read_gives_back_every_value_and_null(warehouse_url):
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
