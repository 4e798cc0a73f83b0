"""Reviewers' decisions on pairs of person records: "the same person" (ACCEPT) or "not the same person" (REJECT).

A decision is stored in `dq_match_review` with its reason, who made it and when, and is honoured on every later run
(`index.update`): an ACCEPT links the two records before any rule or model link; a REJECT keeps their people apart
through any chain of other links (`cluster.Groups` refuses every union that would join them). A pair need not be in
the queue: a reviewer who learns from casework that two linked records are two children records a REJECT for them,
and the next run splits the person. Deciding a pair again replaces the earlier decision; the new one is what holds.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from transforms import warehouse

DECISIONS = ("ACCEPT", "REJECT")
UNQUEUED = "decided by a reviewer without a queued question"  # the evidence of a pair nobody queued


def _record(text: str) -> tuple[str, str]:
    """`source:record_id` -> (source, record_id)."""
    source, sep, record_id = str(text).partition(":")
    if not sep or not source.strip() or not record_id.strip():
        raise ValueError(f"{text!r}: name a record as SOURCE:RECORD_ID, e.g. police_nominals:N123")
    return source.strip(), record_id.strip()


def decide(url: str, left: str, right: str, decision: str, reason: str, who: str,
           at: dt.datetime | None = None) -> dict:
    """Store a reviewer's decision on the pair of records `left` and `right` (each `source:record_id`).

    The decision must be ACCEPT or REJECT and carry a reason and the reviewer's name; `at` defaults to now (UTC).
    Returns the stored row. The pair is kept in one order (the smaller record first), as the queue keeps it.
    """
    verdict = str(decision).strip().upper()
    if verdict not in DECISIONS:
        raise ValueError(f"decision {decision!r}: give ACCEPT (the same person) or REJECT (not the same person)")
    if not str(reason or "").strip():
        raise ValueError("give the reason for the decision (what the reviewer saw)")
    if not str(who or "").strip():
        raise ValueError("give who decided")
    pair = sorted([_record(left), _record(right)])
    if pair[0] == pair[1]:
        raise ValueError(f"{left}: a record is always the same person as itself")
    (source_l, record_id_l), (source_r, record_id_r) = pair
    stamp = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    values = {"decision": verdict, "reason": str(reason).strip(), "decided_by": str(who).strip(), "decided_at": stamp}
    table = warehouse.dq_match_review
    key = {"source_l": source_l, "record_id_l": record_id_l, "source_r": source_r, "record_id_r": record_id_r}
    where = sa.and_(*(table.c[k] == v for k, v in key.items()))
    flipped = sa.and_(table.c.source_l == source_r, table.c.record_id_l == record_id_r,
                      table.c.source_r == source_l, table.c.record_id_r == record_id_l)
    with warehouse.engine(url).begin() as conn:
        conn.execute(table.delete().where(flipped))  # one row per pair, whichever way round it was asked
        if conn.execute(table.update().where(where).values(**values)).rowcount == 0:
            link = warehouse.core_person_link
            either = sa.or_(sa.and_(link.c.source == source_l, link.c.record_id == record_id_l),
                            sa.and_(link.c.source == source_r, link.c.record_id == record_id_r))
            keys = {(s, r): k for s, r, k in conn.execute(
                sa.select(link.c.source, link.c.record_id, link.c.person_key).where(either))}
            conn.execute(table.insert().values(
                **key, **values, person_key_l=keys.get((source_l, record_id_l)),
                person_key_r=keys.get((source_r, record_id_r)), match_probability=1.0 if verdict == "ACCEPT" else 0.0,
                evidence=UNQUEUED))
    return {**key, **values}


def undo(url: str, left: str, right: str) -> bool:
    """Take back the decision on a pair: a queued question goes back to the queue, a decision made without one is
    removed. Returns False when the pair had no decision. The next run no longer honours it."""
    pair = sorted([_record(left), _record(right)])
    (source_l, record_id_l), (source_r, record_id_r) = pair
    table = warehouse.dq_match_review
    where = sa.and_(table.c.source_l == source_l, table.c.record_id_l == record_id_l, table.c.source_r == source_r,
                    table.c.record_id_r == record_id_r, table.c.decision.is_not(None))
    with warehouse.engine(url).begin() as conn:
        row = conn.execute(sa.select(table.c.evidence).where(where)).first()
        if row is None:
            return False
        if row.evidence == UNQUEUED:
            conn.execute(table.delete().where(where))
        else:
            conn.execute(table.update().where(where).values(decision=None, reason=None, decided_by=None,
                                                            decided_at=None))
    return True
