"""Move whole DataFrames in and out of the warehouse fast: COPY on PostgreSQL, one executemany on SQLite.

SQLAlchemy's `conn.execute(table.insert(), list_of_dicts)` builds and checks a dict per row; at a region's
million rows that was a third of the pipeline's time. Here rows go to the driver as plain tuples, and on
PostgreSQL through COPY, inside the caller's transaction (so a failed load still leaves nothing behind).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa


def plain_rows(frame: pd.DataFrame) -> list[tuple]:
    """The frame's rows as tuples of plain Python values, None for every missing value (NaN, NA, NaT).

    Column by column, then zipped: a text column goes through Arrow straight to `str` and None, and no
    two-dimensional object array is built (a region's person index: 2.9 s -> 1.7 s for the same tuples)."""
    columns = []
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.StringDtype):
            columns.append(pa.array(column, from_pandas=True).to_pylist())
            continue
        values = column.astype("object").to_numpy(dtype=object)
        missing = column.isna().to_numpy(dtype=bool)
        if missing.any():
            values = values.copy()
            values[missing] = None
        columns.append(values.tolist())
    return list(zip(*columns, strict=True)) if columns else [() for _ in range(len(frame))]


# Rows handed to the driver at a time: as Python tuples a region's 467,751 person records (18 columns) took about
# 550 MB at once, the largest part of reconciliation's peak; a part at a time they take a tenth of it.
INSERT_ROWS = 50_000


def insert_frame(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Insert every row of `frame` (its columns named as the table's; missing ones are NULL); return the count."""
    if frame.empty:
        return 0
    columns = [c.name for c in table.columns if c.name in frame.columns]
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    target = conn.dialect.identifier_preparer.format_table(table)
    if conn.dialect.name == "postgresql":
        statement = f"COPY {target} ({names}) FROM STDIN"

        def send(rows: list[tuple]) -> None:
            _copy(conn, statement, rows)
    elif conn.dialect.paramstyle == "qmark":  # SQLite: the driver loops over the rows in C
        statement = f"INSERT INTO {target} ({names}) VALUES ({', '.join('?' for _ in columns)})"

        def send(rows: list[tuple]) -> None:
            conn.exec_driver_sql(statement, rows)
    else:
        def send(rows: list[tuple]) -> None:
            conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
    selected = frame[columns]
    for start in range(0, len(selected), INSERT_ROWS):
        send(plain_rows(selected.iloc[start:start + INSERT_ROWS]))
    return len(selected)


def _copy(conn: sa.Connection, statement: str, rows: list[tuple]) -> None:
    """COPY rows in through the connection's psycopg cursor. Driver errors are raised as SQLAlchemy's, as any
    other statement's would be, so a dropped connection is retried (`warehouse.retrying`) and reported alike."""
    dbapi = conn.dialect.dbapi
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:  # psycopg encodes each row in C; the loop only hands the rows over
                copy.write_row(row)
    except dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(statement, None, exc, dbapi.Error,
                                         connection_invalidated=conn.dialect.is_disconnect(exc, None, cursor)) from exc
    finally:
        cursor.close()


def read_frame(conn: sa.Connection, query: sa.Executable, columns: list[str] | None = None) -> pd.DataFrame:
    """The result of `query` as a DataFrame (columns named as selected), with no per-row mapping objects."""
    result = conn.execute(query)
    names = columns or list(result.keys())
    # plain tuples: pandas builds a frame from SQLAlchemy Row objects 2x slower, and from mappings 3x slower
    return pd.DataFrame.from_records(_plain_tuples(result), columns=names)


def _plain_tuples(result: sa.CursorResult) -> list[tuple]:
    """Every row of `result` as a tuple. When SQLAlchemy would convert no value (text and numbers, every column the
    pipeline reads in bulk), the driver's own rows, fetched at once: a region's 511,000 person records 2.6-3.1 s ->
    2.2-2.4 s, against one row object at a time. A column it converts (a date, a boolean) takes the usual way."""
    processors = getattr(result._metadata, "_processors", None)  # None when the SQLAlchemy version differs
    cursor = result.cursor
    if processors is None or any(processors) or cursor is None:
        return [tuple(row) for row in result]
    try:
        rows = cursor.fetchall()
    finally:
        result.close()
    return rows if not rows or type(rows[0]) is tuple else [tuple(row) for row in rows]


def replace_all(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Replace every row of `table` with the rows of `frame`; return the count. On SQLite the table's secondary
    indexes are dropped and made again after the insert, in the same transaction: a region's 467,751 person links
    went in 3.9-4.3 s with the index on person keys (hashes, so each insert lands at a random page of it), 1.1 s
    without it, and building the index from the sorted keys took 0.4 s."""
    conn.execute(table.delete())
    rebuilt = list(table.indexes) if conn.dialect.name == "sqlite" and len(frame) > REBUILD_INDEXES_FROM else []
    for index in rebuilt:
        index.drop(conn)
    count = insert_frame(conn, table, frame)
    for index in rebuilt:
        index.create(conn)
    return count


REBUILD_INDEXES_FROM = 10_000  # rows: below it, inserting into the index costs less than building it again
