"""Match review: the grey-band pairs of person records, both records side by side with the evidence in words, for a
reviewer to decide (the same person, not the same person, or skip); decisions with who, when and why; undo; and
whether the last reconciliation honoured each decision."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from transforms import warehouse
from transforms.people import undo

SHOWN = ("first_name", "last_name", "dob", "sex", "postcode", "agency", "nhs_number", "upn", "agency_ref")
MASKED = ("nhs_number", "upn")  # identifiers: the reviewer sees whether they agree and their last digits only
LAST_DIGITS = 3


def pair_key(left: str, right: str) -> str:
    """One string for a pair (`source:id|source:id`), the same whichever way round."""
    return "|".join(sorted((left, right)))


def masked(value: object) -> str:
    """An identifier with all but its last digits hidden."""
    text = "" if value is None or pd.isna(value) else str(value)
    return "" if not text else "•" * max(len(text) - LAST_DIGITS, 0) + text[-LAST_DIGITS:]


def _records(conn: sa.Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    table, link = warehouse.core_person_record, warehouse.core_person_link
    found: dict[tuple[str, str], dict] = {}
    keys = sorted(keys)
    for start in range(0, len(keys), 400):  # a bounded IN list per query on both warehouses
        chunk = keys[start:start + 400]
        where = sa.tuple_(table.c.source, table.c.record_id).in_(chunk)
        for row in conn.execute(sa.select(table, link.c.person_key).outerjoin(
                link, sa.and_(link.c.source == table.c.source, link.c.record_id == table.c.record_id))
                .where(where)).mappings():
            found[(row["source"], row["record_id"])] = dict(row)
    return found


def _side(record: dict | None, other: dict | None) -> dict:
    """What the page shows of one record: its details (identifiers masked) and whether each agrees with the other."""
    if record is None:
        return {"missing": True}
    shown = {}
    for name in SHOWN:
        value = record.get(name)
        text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        agrees = bool(text) and other is not None and text == str(other.get(name) or "")
        shown[name] = {"text": masked(text) if name in MASKED else text, "agrees": agrees}
    return {"missing": False, "fields": shown, "person_key": record.get("person_key")}


def review_pairs(url: str, decided: bool = False, limit: int = 200) -> list[dict]:
    """The open pairs (most likely first), or the decided ones (latest first), each with both records side by side,
    the evidence, the probability and (decided) whether the current person index honours the decision."""
    table = warehouse.dq_match_review
    order = [table.c.decided_at.desc()] if decided else [table.c.match_probability.desc(), table.c.source_l,
                                                         table.c.record_id_l]
    where = table.c.decision.is_not(None) if decided else table.c.decision.is_(None)
    with warehouse.engine(url).connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(table).where(where).order_by(*order).limit(limit))
                .mappings()]
        records = _records(conn, {(r["source_l"], r["record_id_l"]) for r in rows}
                           | {(r["source_r"], r["record_id_r"]) for r in rows})
    pairs = []
    for row in rows:
        left = records.get((row["source_l"], row["record_id_l"]))
        right = records.get((row["source_r"], row["record_id_r"]))
        together = left is not None and right is not None and left.get("person_key") == right.get("person_key")
        honoured = None
        if decided and left is not None and right is not None:
            honoured = together if row["decision"] == "ACCEPT" else not together
        pairs.append({**row, "left": f"{row['source_l']}:{row['record_id_l']}",
                      "right": f"{row['source_r']}:{row['record_id_r']}", "left_record": _side(left, right),
                      "right_record": _side(right, left), "honoured": honoured})
    return pairs


def counts(url: str) -> dict[str, int]:
    """Open and decided pairs."""
    table = warehouse.dq_match_review
    with warehouse.engine(url).connect() as conn:
        open_ = conn.execute(sa.select(sa.func.count()).where(table.c.decision.is_(None))).scalar()
        done = conn.execute(sa.select(sa.func.count()).where(table.c.decision.is_not(None))).scalar()
    return {"open": int(open_ or 0), "decided": int(done or 0)}


__all__ = ["counts", "masked", "pair_key", "review_pairs", "undo"]
