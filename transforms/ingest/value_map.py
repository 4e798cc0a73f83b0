"""The value map (DESIGN.md section 4): values no code list rule can read (local codes such as `FREI`, `ACOM`), mapped
once per agency and column by the analyst, applied to every later file of that agency; and the values still
waiting, collected per agency, return and column with their counts.

A value is matched by its words (`codes.words`: case, spacing, punctuation and curly quotes ignored), so `FREI`,
` frei ` and `Frei.` are one value. A mapping wins over the code list's own reading: it is a person's decision.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

import schemas
from schemas.contract import CODE, YESNO
from schemas.reserved import RAW, SOURCE_ROW
from transforms import warehouse
from transforms.ingest.codes import words

EXPORT_COLUMNS = ["agency", "column", "raw_value", "code", "mapped_by", "mapped_at"]
EXAMPLE_ROWS = 5  # Excel rows listed per unmapped value
UNMAPPED_COLUMNS = ["table_id", "column", "header", "raw_value", "value_key", "rows", "example_rows"]

ValueMap = dict[str, dict[str, str]]  # column -> value key -> code (one agency's mappings)


def value_key(value: object) -> str:
    """A value as the map compares it: its words, lower case, single spaces."""
    return " ".join(words(value))


def load(warehouse_url: str, agency: str | None) -> ValueMap:
    """The mappings of one agency (an empty map without an agency)."""
    if not agency:
        return {}
    table = warehouse.dq_value_map
    with warehouse.engine(warehouse_url).connect() as conn:
        rows = conn.execute(sa.select(table.c.column, table.c.value_key, table.c.code)
                            .where(table.c.agency == agency)).all()
    mapped: ValueMap = {}
    for column, key, code in rows:
        mapped.setdefault(column, {})[key] = code
    return mapped


def with_map(convert: Callable[[object], str | None], mapped: dict[str, str] | None) -> Callable[[object], str | None]:
    """`convert` of a coded column, the analyst's mappings first."""
    if not mapped:
        return convert
    return lambda value: mapped.get(value_key(value)) or convert(value)


def coded_columns(agency: str, column: str) -> list:
    """The columns of that name, coded, in the agency's returns (one name may serve several lists: gender)."""
    return [c for t in schemas.TABLES if t.agency == agency for c in t.columns
            if c.name == column and c.kind in (CODE, YESNO)]


def add(warehouse_url: str, agency: str, column: str, raw_value: str, code: str, mapped_by: str,
        mapped_at: str | None = None) -> dict:
    """Map one value of an agency's column to a code (replacing an earlier mapping of the same value).

    Raises ValueError when the agency has no such coded column or the code is not in its list.
    """
    columns = coded_columns(agency, column)
    if not columns:
        known = sorted({c.name for t in schemas.TABLES if t.agency == agency for c in t.columns
                        if c.kind in (CODE, YESNO)})
        raise ValueError(f"'{agency}' returns have no coded column '{column}'. Coded columns: {', '.join(known)}")
    for target in columns:
        if code not in target.codes:
            raise ValueError(f"'{code}' is not a code of {column} (codes: {', '.join(target.codes)})")
    key = value_key(raw_value)
    if not key:
        raise ValueError("an empty value cannot be mapped")
    row = {"agency": agency, "column": column, "value_key": key, "raw_value": raw_value, "code": code,
           "mapped_by": mapped_by, "mapped_at": mapped_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    table = warehouse.dq_value_map

    def write() -> None:
        with warehouse.engine(warehouse_url).begin() as conn:
            conn.execute(table.delete().where(table.c.agency == agency, table.c.column == column,
                                              table.c.value_key == key))
            conn.execute(table.insert().values(**row))

    warehouse.retrying(write, f"mapping {agency} {column} {raw_value!r}")
    return row


def mappings(warehouse_url: str, agency: str | None = None) -> pd.DataFrame:
    """Every mapping (of one agency), in agency, column and value order."""
    table = warehouse.dq_value_map
    query = sa.select(*(table.c[name] for name in EXPORT_COLUMNS))
    if agency:
        query = query.where(table.c.agency == agency)
    with warehouse.engine(warehouse_url).connect() as conn:
        rows = conn.execute(query.order_by(table.c.agency, table.c.column, table.c.value_key)).all()
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


def export_csv(warehouse_url: str, path: str | Path) -> int:
    """Write every mapping to a CSV (for review, or to move them to another environment); return how many."""
    frame = mappings(warehouse_url)
    frame.to_csv(path, index=False, encoding="utf-8")
    return len(frame)


def import_csv(warehouse_url: str, path: str | Path, imported_by: str) -> int:
    """Add the mappings of a CSV written by `export_csv` (who and when kept when the file has them)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    missing = {"agency", "column", "raw_value", "code"} - set(rows[0] if rows else EXPORT_COLUMNS)
    if missing:
        raise ValueError(f"{path}: columns missing: {', '.join(sorted(missing))}")
    for row in rows:
        add(warehouse_url, row["agency"], row["column"], row["raw_value"], row["code"],
            row.get("mapped_by") or imported_by, row.get("mapped_at") or None)
    return len(rows)


def unmapped_in(table, checked_frame: pd.DataFrame | None) -> pd.DataFrame:
    """The values of a mapped table's coded columns that were submitted but read as no code: one row per column and
    value, with how many rows hold it and the first Excel rows (UNMAPPED_COLUMNS); no rows for no table."""
    found = []
    frame = checked_frame
    for column in (table.contract.columns if table is not None else ()):
        if column.kind not in (CODE, YESNO) or column.name not in table.headers:
            continue
        raw = frame[column.name + RAW]
        missed = np.flatnonzero(raw.notna().to_numpy() & frame[column.name].isna().to_numpy())
        if not len(missed):  # the usual column: every value read
            continue
        by_key: dict[str, tuple[str, list[int]]] = {}
        for value, row in zip(raw.to_numpy()[missed], frame[SOURCE_ROW].to_numpy()[missed], strict=True):
            key = value_key(value)
            if key:
                by_key.setdefault(key, (str(value), []))[1].append(int(row))
        for key, (value, rows) in sorted(by_key.items()):
            rows.sort()
            found.append((table.contract.table_id, column.name, table.headers[column.name], value, key, len(rows),
                          f"{table.sheet}!" + ", ".join(map(str, rows[:EXAMPLE_ROWS]))
                          + (", ..." if len(rows) > EXAMPLE_ROWS else "")))
    return pd.DataFrame(found, columns=UNMAPPED_COLUMNS).astype({"rows": "int64"})


def unmapped(warehouse_url: str, agency: str | None = None, period: str | None = None) -> pd.DataFrame:
    """Values waiting for a mapping, summed over the latest loaded submissions (per agency, return, column, value),
    most frequent first; values mapped since their file was loaded are left out."""
    table, registry, mapped = warehouse.dq_unmapped_value, warehouse.raw_submission, warehouse.dq_value_map
    query = (sa.select(table.c.agency, table.c.return_id, table.c.column, table.c.value_key,
                       sa.func.min(table.c.raw_value).label("raw_value"), sa.func.sum(table.c.rows).label("rows"),
                       sa.func.min(table.c.example_rows).label("example_rows"),
                       sa.func.max(table.c.period).label("period"))
             .join(registry, registry.c.submission_id == table.c.submission_id)
             .outerjoin(mapped, sa.and_(mapped.c.agency == table.c.agency, mapped.c.column == table.c.column,
                                        mapped.c.value_key == table.c.value_key))
             .where(registry.c.loaded == 1, mapped.c.code.is_(None))
             .group_by(table.c.agency, table.c.return_id, table.c.column, table.c.value_key))
    if agency:
        query = query.where(table.c.agency == agency)
    if period:
        query = query.where(table.c.period == period)
    with warehouse.engine(warehouse_url).connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["agency", "return_id", "column", "value_key", "raw_value", "rows",
                                        "example_rows", "period"])
    return frame.sort_values(["rows", "agency", "column", "value_key"], ascending=[False, True, True, True],
                             kind="stable").reset_index(drop=True)
