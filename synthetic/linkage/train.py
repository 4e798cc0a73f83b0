"""`assure link-train`: retrain the model on generated records, freeze it as JSON, and check it on other records.

Training data is labelled: `synthetic.linkage.person_records` (households, twins, typos, nicknames, moves...) or the
person records of a folder written by `assure generate` (`landing_records`), whose `_truth/` says who is who.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

import schemas
from synthetic.linkage import accuracy
from synthetic.linkage.person_records import person_records
from transforms.people import index, model
from transforms.people.standardise import standardise

CHECK_RECORDS = 20_000


def landing_records(folder: Path | str) -> pd.DataFrame:
    """Person records of a generated landing folder with their true person (from `_truth/records/`)."""
    frames = []
    for contract in schemas.TABLES:
        path = Path(folder) / "_truth" / "records" / f"{contract.table_id}.csv"
        if not contract.person_bearing or not path.exists():
            continue
        table = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""])
        table = table.rename(columns={contract.record_id: "record_id"})
        frames.append(table.assign(source=contract.table_id, agency=contract.agency))
    return pd.concat(frames, ignore_index=True)


def check(raw: pd.DataFrame, model_dict: dict | None = None) -> dict:
    """Pairwise precision and recall of automatic links on labelled raw records, and the review queue size.

    Also `recall_named`: recall among records with a first name of two letters or more (a blank first name or an
    initial is not enough for the model to link alone: DESIGN.md section 5 sends those pairs to a reviewer), and
    `recall_if_accepted`: recall were every pair in the review queue accepted (what the queue can still recover).
    """
    records = standardise(raw)
    result = index.update(records, index.Index(), "check", b"check", model_dict)
    linked = result.records.merge(records[["source", "record_id", "person_id"]], on=["source", "record_id"])
    scores = accuracy.pairwise(linked["person_key"], linked["person_id"])
    named = accuracy.named(linked["first_name"])
    recall_named = accuracy.pairwise(linked.loc[named, "person_key"], linked.loc[named, "person_id"])["recall"]
    place = {(s, r): i for i, (s, r) in enumerate(zip(linked["source"], linked["record_id"], strict=True))}
    asked = [(place[(sl, rl)], place[(sr, rr)]) for sl, rl, sr, rr in
             result.review[["source_l", "record_id_l", "source_r", "record_id_r"]].itertuples(index=False)]
    accepted = accuracy.pairwise(pd.Series(accuracy.review_accepted(linked["person_key"], asked)),
                                 linked["person_id"])["recall"]
    return {**scores, "records": len(records), "review": len(result.review), "recall_named": recall_named,
            "recall_if_accepted": accepted}


def retrain(out: Path, records: int = 200_000, seed: int = 11, landing: Path | None = None) -> dict:
    """Train on generated records, write the model to `out`, and measure it on records it has not seen."""
    started = time.perf_counter()
    raw = landing_records(landing) if landing else person_records(records, seed)
    labelled = standardise(raw)
    trained = model.train(labelled, out)
    checked = check(person_records(CHECK_RECORDS, seed + 1), trained)
    return {"records": len(labelled), "people": int(labelled["person_id"].nunique()),
            "seconds": time.perf_counter() - started, "check_records": checked["records"],
            "precision": checked["precision"], "recall": checked["recall"], "review": checked["review"]}
