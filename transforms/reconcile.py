"""Reconcile person records from every person-bearing return into one master person index (deterministic rules).

Rules, strongest first:
- NHS_NUMBER: the same valid NHS number, agreeing on date of birth or a name.
- EXACT_NAME_DOB: the same standardised first name, last name and date of birth (all present).
A merge is vetoed when the two groups carry different valid NHS numbers. Probabilistic matching (Splink)
comes on top of these rules.

`person_key` is a keyed pseudonym (HMAC with `ASSURE_PSEUDONYM_KEY`). A group that already holds a key
keeps it, so re-runs and new data never renumber existing people.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sys

import pandas as pd
import sqlalchemy as sa

import schemas
from transforms import warehouse

DEMO_KEY = "demo-only-pseudonym-key"
PERSON_COLUMNS = ("first_name", "last_name", "date_of_birth", "sex", "postcode", "nhs_number")


def pseudonym_key() -> bytes:
    """The secret for person keys, from the environment (a fixed demo key, with a warning, if unset)."""
    key = os.environ.get("ASSURE_PSEUDONYM_KEY")
    if not key:
        print("warning: ASSURE_PSEUDONYM_KEY is not set; using the demo key (not for real data)", file=sys.stderr)
        key = DEMO_KEY
    return key.encode()


def standard_name(names: pd.Series) -> pd.Series:
    """Upper case letters only: `O'Neil-Smith ` -> `ONEILSMITH`."""
    return names.fillna("").map(lambda n: re.sub(r"[^A-Z]", "", str(n).upper())).replace("", pd.NA)


def person_records(conn: sa.Connection, period: str) -> pd.DataFrame:
    """Every person record for the period: source, agency, record_id and standardised person columns."""
    frames = []
    for contract in schemas.TABLES:
        if not contract.person_bearing:
            continue
        stg = warehouse.STG_TABLES[contract.table_id]
        wanted = [stg.c[contract.record_id].label("record_id"), stg.c.agency,
                  *[stg.c[c] for c in PERSON_COLUMNS if c in stg.c]]
        frame = pd.DataFrame(conn.execute(sa.select(*wanted).where(stg.c.period == period)).mappings().all())
        if frame.empty:
            continue
        frames.append(frame.assign(source=contract.table_id))
    columns = ["source", "agency", "record_id", *PERSON_COLUMNS]
    records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    for column in PERSON_COLUMNS:
        if column not in records:
            records[column] = pd.NA
    records["first_std"] = standard_name(records["first_name"])
    records["last_std"] = standard_name(records["last_name"])
    placeholder = records["date_of_birth"].isin(["1900-01-01"])
    records.loc[placeholder, "date_of_birth"] = pd.NA
    # one record per agency id: a pupil with several suspensions is one education record of that pupil
    records = records.dropna(subset=["record_id"]).drop_duplicates(["source", "record_id"], keep="first")
    return records.sort_values(["source", "record_id"], kind="stable").reset_index(drop=True)


class _Groups:
    """Union-find over record positions, refusing unions that join two different NHS numbers."""

    def __init__(self, nhs: list[object]):
        self.parent = list(range(len(nhs)))
        self.nhs = [{n} if isinstance(n, str) else set() for n in nhs]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.nhs[ra] and self.nhs[rb] and self.nhs[ra] != self.nhs[rb]:
            return False  # veto: different valid NHS numbers are different people
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.nhs[ra] |= self.nhs[rb]
        return True


def _pairs(records: pd.DataFrame, keys: list[str]) -> list[tuple[int, int]]:
    """(first, other) positions of records agreeing on every key (all present)."""
    usable = records.dropna(subset=keys)
    firsts = usable.groupby(keys, sort=True).ngroup()
    head = pd.Series(usable.index, index=usable.index).groupby(firsts).transform("min")
    return [(int(a), int(b)) for a, b in zip(head, usable.index, strict=True) if a != b]


def link_records(records: pd.DataFrame) -> pd.DataFrame:
    """Group records into people: adds `group` (smallest member position) and `rule` to each record."""
    groups = _Groups(records["nhs_number"].tolist())
    rule = ["SINGLE"] * len(records)
    nhs_pairs = [p for keys in (["nhs_number", "date_of_birth"], ["nhs_number", "last_std"],
                                ["nhs_number", "first_std"]) for p in _pairs(records, keys)]
    for name, pairs in (("NHS_NUMBER", nhs_pairs),
                        ("EXACT_NAME_DOB", _pairs(records, ["first_std", "last_std", "date_of_birth"]))):
        for a, b in pairs:
            if groups.union(a, b):
                for i in (a, b):
                    rule[i] = name if rule[i] == "SINGLE" else rule[i]
    out = records.copy()
    out["group"] = [groups.find(i) for i in range(len(records))]
    out["rule"] = rule
    return out


def _new_key(secret: bytes, source: str, record_id: str) -> str:
    return hmac.new(secret, f"{source}|{record_id}".encode(), hashlib.sha256).hexdigest()[:20]


def assign_person_keys(linked: pd.DataFrame, existing: pd.DataFrame, secret: bytes) -> pd.DataFrame:
    """person_key per record: the group's existing key (smallest if several), else a new pseudonym."""
    known = existing.set_index(["source", "record_id"])["person_key"].to_dict() if len(existing) else {}
    linked = linked.copy()
    linked["known_key"] = [known.get((s, r)) for s, r in zip(linked["source"], linked["record_id"], strict=True)]
    keys = {}
    for group, members in linked.groupby("group", sort=True):
        held = sorted(k for k in members["known_key"] if isinstance(k, str))
        first = members.sort_values(["source", "record_id"]).iloc[0]
        keys[group] = held[0] if held else _new_key(secret, first["source"], first["record_id"])
    linked["person_key"] = linked["group"].map(keys)
    return linked


def reconcile(period: str, warehouse_url: str) -> dict:
    """Rebuild `core_person_link` and `core_person` for the period's records; return counts."""
    eng = warehouse.engine(warehouse_url)
    link_table, person_table = warehouse.core_person_link, warehouse.core_person
    with eng.begin() as conn:
        records = person_records(conn, period)
        existing = pd.DataFrame(conn.execute(sa.select(link_table)).mappings().all(),
                                columns=[c.name for c in link_table.columns])
        linked = assign_person_keys(link_records(records), existing, pseudonym_key())
        links = linked[["source", "record_id", "agency", "person_key", "rule"]].assign(match_probability=1.0)
        current = set(zip(links["source"], links["record_id"], strict=True))
        kept = existing[[(s, r) not in current for s, r in zip(existing["source"], existing["record_id"],
                                                                strict=True)]]
        all_links = pd.concat([kept, links], ignore_index=True).sort_values(["source", "record_id"])
        conn.execute(link_table.delete())
        if len(all_links):
            conn.execute(link_table.insert(), all_links[[c.name for c in link_table.columns]].to_dict("records"))
        people = (all_links.groupby("person_key", sort=True)
                  .agg(record_count=("record_id", "size"),
                       sources=("source", lambda s: ",".join(sorted(set(s))))).reset_index())
        conn.execute(person_table.delete())
        if len(people):
            conn.execute(person_table.insert(), people.to_dict("records"))
    return {"records": len(records), "people": int(linked["person_key"].nunique()) if len(linked) else 0}
