"""The ground truth written beside the landing files (`_truth/`, never read by the pipeline).

- `errors.csv`: every injected error: file, sheet, Excel row, the header as written, record id, rule, severity.
- `persons.csv`: the true person behind every person record (child identities and police nominals).
- `records/<table_id>.csv`: one row per data row written, with its location, the canonical values the
  pipeline should hold after mapping, the true person and the injected rule (blank when clean).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from schemas.contract import DATE, INT, TableContract
from transforms.generate.calendar import iso

ERROR_COLUMNS = ["file", "sheet", "row", "column", "record_id", "rule_id", "severity"]
PERSON_COLUMNS = ["source", "record_id", "person_id"]


def canonical_text(contract: TableContract, df: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns as the truth writes them: ISO dates, plain integers, '' for blank."""
    out = pd.DataFrame(index=df.index)
    for column in contract.columns:
        values = df[column.name]
        if column.kind == DATE:
            out[column.name] = iso(values.to_numpy())
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


def error_rows(contract: TableContract, records: pd.DataFrame, headers: dict[str, str]) -> list[dict]:
    """errors.csv rows for the injected rows of one table."""
    rules = {r.rule_id: r for r in contract.rules}
    hit = records[records["injected_rule"] != ""]
    return [{"file": row.file, "sheet": row.sheet, "row": int(row.row),
             "column": headers[rules[row.injected_rule].column],
             "record_id": getattr(row, contract.record_id), "rule_id": row.injected_rule,
             "severity": rules[row.injected_rule].severity}
            for row in hit.itertuples(index=False)]


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
    # "\n" line endings and minimal quoting keep the files identical across platforms
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
