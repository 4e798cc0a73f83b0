"""`assure link`: reconcile any person file (csv or parquet) and write each record's person key.

Input columns: record_id, source, first_name, last_name, date_of_birth, sex, postcode, nhs_number (others optional:
upn, address_line, pnc_id, agency, other_id: another personal identifier the file's sources share, such as a national
insurance or social security number, compared as written). Output: record_id, person_key, match_probability, then
source and the rule that linked the record, one row per input row in input order. The file is reconciled on its own
(an empty index).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from transforms.people import index
from transforms.people.standardise import KEY, standardise_rows

REQUIRED = ("record_id", "source")
OUTPUT = ["record_id", "person_key", "match_probability", "source", "rule"]


def read_people(path: Path | str) -> pd.DataFrame:
    """A person file as text columns (csv: every value as written; parquet: as stored)."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""])
    else:
        raise ValueError(f"{path.name}: give a .csv or .parquet file")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return frame


def write_table(frame: pd.DataFrame, path: Path | str) -> None:
    """Write csv or parquet, by the file's extension."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def _joined(order: pd.DataFrame, records: pd.DataFrame, row_of_input: np.ndarray,
            linked: pd.DataFrame) -> pd.DataFrame:
    """Each input row (`order`: its source and record id) with its record's person key, probability and rule.

    The index returns the records in the order they were given (both in key order), so each input row takes its
    record's result by position; were that order ever different, the rows are joined on their keys instead."""
    linked = linked[[*KEY, "person_key", "match_probability", "rule"]]
    same_order = len(linked) == len(records) and all(
        np.array_equal(linked[c].to_numpy(dtype=object), records[c].to_numpy(dtype=object)) for c in KEY)
    if not same_order:
        return order.merge(linked, on=KEY, how="left")[OUTPUT]
    found = row_of_input >= 0
    out = order.copy()
    for column in ("person_key", "match_probability", "rule"):
        values = linked[column].to_numpy()[np.where(found, row_of_input, 0)]
        out[column] = pd.Series(values, dtype=linked[column].dtype).where(found) if len(values) else \
            pd.Series([], dtype=linked[column].dtype)
    return out[OUTPUT]


def link_file(in_path: Path | str, out_path: Path | str, review_path: Path | str | None = None,
              secret: bytes | None = None, memory_limit: str | None = None,
              temp_dir: str | None = None) -> dict:
    """Reconcile the records of `in_path`, write `out_path` (and the grey-band pairs to `review_path`); counts."""
    started = time.perf_counter()
    raw = read_people(in_path)
    order = raw[list(REQUIRED)].astype("str").apply(lambda column: column.str.strip())
    records, row_of_input = standardise_rows(raw)
    del raw  # a million rows: let the raw text go before the matcher needs the memory
    pa.default_memory_pool().release_unused()
    result = index.update(records, index.Index(), "link", secret or index.pseudonym_key(),
                          memory_limit=memory_limit, temp_dir=temp_dir)
    out = _joined(order, records, row_of_input, result.records)
    write_table(out, out_path)
    if review_path:
        undecided = result.review.drop(columns=["decision", "reason", "decided_by", "decided_at", "period"])
        write_table(undecided, review_path)
    return {"records": len(records), "people": int(result.people.shape[0]), "review": len(result.review),
            "scored_pairs": result.scored_pairs, "seconds": time.perf_counter() - started}
