"""The ground truth written beside the landing files (`_truth/`, never read by the pipeline).

- `errors.csv`: every injected error: file, sheet, Excel row, the header as written, record id, rule, severity.
- `persons.csv`: the true person behind every person record (every person-bearing table).
- `records/<table_id>.csv`: one row per data row written, with its location, the canonical values the
  pipeline should hold after mapping, the true person and the injected rule (blank when clean).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from schemas.contract import DATE, DATETIME, INT, TableContract
from schemas.csc_annex_a import CROSS_RULES
from synthetic.generate.calendar import iso, iso_minutes

ERROR_COLUMNS = ["file", "sheet", "row", "column", "record_id", "rule_id", "severity"]
PERSON_COLUMNS = ["source", "record_id", "person_id"]
# Rules checked across returns at a later pipeline stage (ANX-001Q: an Annex A child with no accepted
# csc_child_identity row): rule id -> (severity, column reported)
CROSS_RETURN_RULES = {rule.rule_id: (rule.severity, rule.column) for rule in CROSS_RULES}


def canonical_text(contract: TableContract, df: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns as the truth writes them: ISO dates, plain integers, '' for blank."""
    out = pd.DataFrame(index=df.index)
    for column in contract.columns:
        values = df[column.name]
        if column.kind == DATE:
            out[column.name] = iso(values.to_numpy())
        elif column.kind == DATETIME:
            out[column.name] = iso_minutes(values.to_numpy())
        elif column.kind == INT:
            out[column.name] = [("" if pd.isna(v) else str(int(v))) for v in values]
        else:
            out[column.name] = values.fillna("").astype(str).to_numpy()
    return out


def record_rows(contract: TableContract, df: pd.DataFrame, file: str, sheet: str, first_row: int) -> pd.DataFrame:
    """records/<table_id>.csv rows for one written table (rows in file order)."""
    out = pd.DataFrame({"file": file, "sheet": sheet, "row": first_row + np.arange(len(df))})
    out = pd.concat([out, canonical_text(contract, df).reset_index(drop=True)], axis=1)
    if "person_id" in df:
        out["person_id"] = df["person_id"].to_numpy()
    out["injected_rule"] = df["_rule"].to_numpy()
    return out


def error_rows(contract: TableContract, records: pd.DataFrame, headers: dict[str, str],
               frame: pd.DataFrame) -> list[dict]:
    """errors.csv rows for the injected rows of one table (`frame`: the injected frame, rows as in `records`).

    `record_id` is the id as written: where the injected cell is the record id itself (a UPN failing its
    check letter), the text in the cell rather than the blank canonical value.
    """
    rules = {r.rule_id: (r.severity, r.column) for r in contract.rules} | CROSS_RETURN_RULES
    out = []
    raw = frame["_raw"].to_numpy()
    for i in np.flatnonzero(records["injected_rule"].to_numpy() != ""):
        row = records.iloc[i]
        severity, column = rules[row["injected_rule"]]
        record_id = raw[i] if column == contract.record_id and raw[i] is not None else row[contract.record_id]
        out.append({"file": row["file"], "sheet": row["sheet"], "row": int(row["row"]), "column": headers[column],
                    "record_id": record_id, "rule_id": row["injected_rule"], "severity": severity})
    return out


def write_truth(truth_dir: Path, records: dict[str, pd.DataFrame], errors: list[dict],
                persons: pd.DataFrame) -> None:
    """Write errors.csv, persons.csv and records/<table_id>.csv under `truth_dir` (UTF-8, header row)."""
    (truth_dir / "records").mkdir(parents=True, exist_ok=True)
    errors_frame = pd.DataFrame(errors, columns=ERROR_COLUMNS)
    _csv(errors_frame, truth_dir / "errors.csv")
    _csv(persons[PERSON_COLUMNS], truth_dir / "persons.csv")
    for table_id, frame in records.items():
        _csv(frame, truth_dir / "records" / f"{table_id}.csv")


def _csv(frame: pd.DataFrame, path: Path) -> None:
    """RFC 4180 CSV written by Arrow (twenty times pandas' speed at regional scale): "\n" line endings, every text
    value quoted, so the files are identical across platforms."""
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    pa_csv.write_csv(table, str(path), pa_csv.WriteOptions(quoting_style="needed"))
