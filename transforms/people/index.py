"""The master person index: incremental matching, stable person keys, merges and splits, reviewers' decisions.

Each run brings the period's records. Records the index already holds keep their person; only new or changed
records (the probe) are matched: deterministic rules and the model score probe x probe and probe x index, never the
whole history again. A changed record stays with its person: its new details may add links, never take them away.
Links are applied strongest first (reviewer accepts, deterministic rules, then model links above `AUTO_THRESHOLD`
with first-name evidence) onto the existing people, under the NHS-number veto and reviewers' rejections.

Keys: an existing person keeps its key; when people merge, the one first seen earliest keeps its key and the other
key is retired (a MERGE event); when a reviewer's rejection or the veto splits a person, the larger part keeps the
key and the other part gets a new one (a SPLIT event). A new key is an HMAC of the person's first record, so the
same input gives the same keys on any machine holding the same secret.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms import settings
from transforms.people import cluster, deterministic, model
from transforms.people.standardise import COLUMNS, KEY

AUTO_THRESHOLD = 0.99
REVIEW_THRESHOLD = 0.50
# A model link needs first-name evidence: siblings and twins share surname, address and sometimes date of birth, so
# only an agreeing first name may let the model join records: exactly, as a nickname, with one keying slip, cut
# short to its first three or more letters, or keyed in the surname's place (DESIGN.md section 5). An initial, a
# merely similar name or no first name at all is weak evidence: such a pair goes to a reviewer, never joins alone.
NAME_EVIDENCE = ("exact", "nickname", "one slip", "short form", "swapped with surname")
NO_NAME = "different"
ATTRIBUTES = COLUMNS[2:]
RECORD_COLUMNS = [*COLUMNS, "person_key", "match_probability", "rule", "first_period", "last_period"]
KEY_PAIR = ["source_l", "record_id_l", "source_r", "record_id_r"]
EDGE_COLUMNS = ["source_l", "record_id_l", "source_r", "record_id_r", "match_probability", "rule", "period"]
REVIEW_COLUMNS = ["source_l", "record_id_l", "source_r", "record_id_r", "person_key_l", "person_key_r",
                  "match_probability", "evidence", "period", "decision", "reason", "decided_by", "decided_at"]
EVENT_COLUMNS = ["period", "event", "person_key", "other_key", "records", "reason"]
PERSON_COLUMNS = ["person_key", "record_count", "sources", "first_period", "last_period"]
RULE_ORDER = {"REVIEW": 0, "AGENCY_ID": 1, "NHS_NUMBER": 2, "UPN": 3, "OTHER_ID": 4, "PROBABILISTIC": 5, "INDEX": 6}
APPLY_ORDER = {"REVIEW": 0, "AGENCY_ID": 1, "NHS_NUMBER": 1, "UPN": 1, "OTHER_ID": 1, "PROBABILISTIC": 2}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass
class Index:
    """What the index holds before a run: every record ever seen with its person, the links, the review queue."""

    records: pd.DataFrame = field(default_factory=lambda: _empty(RECORD_COLUMNS))
    edges: pd.DataFrame = field(default_factory=lambda: _empty(EDGE_COLUMNS))
    review: pd.DataFrame = field(default_factory=lambda: _empty(REVIEW_COLUMNS))
    retired_keys: set[str] = field(default_factory=set)
    person_since: dict[str, str] = field(default_factory=dict)  # person_key -> period first seen


@dataclass
class Update:
    """The index after a run, and what the run did."""

    records: pd.DataFrame
    people: pd.DataFrame
    edges: pd.DataFrame
    review: pd.DataFrame
    events: pd.DataFrame
    probe: int = 0
    scored_pairs: int = 0
    vetoed: int = 0


def _signature(frame: pd.DataFrame) -> pa.Array:
    """Every attribute of each record as one text, to tell a changed record from one held as it was."""
    parts = [pc.fill_null(pa.array(frame[c].astype("str"), type=pa.large_string(), from_pandas=True), "")
             for c in ATTRIBUTES]
    # one Arrow pass, not one pandas concatenation per column
    return pc.binary_join_element_wise(*parts, pa.scalar("|", pa.large_string()))


pseudonym_key = settings.pseudonym_key


def new_key(secret: bytes, source: str, record_id: str, taken: set[str]) -> str:
    """A person key: HMAC of the person's first record; a counter is added in the rare case the key was used."""
    n = 1
    while True:
        text = f"{source}|{record_id}" if n == 1 else f"{source}|{record_id}|{n}"
        key = hmac.digest(secret, text.encode(), "sha256").hex()[:20]  # one-shot: the same HMAC, made faster
        if key not in taken:
            return key
        n += 1


def person_keys(secret: bytes, sources: list[str], record_ids: list[str]) -> list[str]:
    """`new_key` of many records at once, without the counter: HMAC-SHA256 of `source|record_id`, 20 hex digits.

    A million keys one by one take Python seconds; DuckDB computes them in one pass by HMAC's own definition
    (RFC 2104): sha256((key ^ opad) || sha256((key ^ ipad) || message)), the key first hashed if longer than a block
    and padded with zeros to one. Identical to `hmac.digest` (tested).
    """
    if not sources:
        return []
    block = hashlib.sha256(secret).digest() if len(secret) > 64 else secret
    block = block.ljust(64, b"\0")
    inner, outer = bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)
    texts = pa.table({"source": pa.array(sources, pa.string()), "record_id": pa.array(record_ids, pa.string())})
    with duckdb.connect(config={"threads": settings.linkage_threads()}) as con:
        con.register("texts", texts)
        keys = con.execute("SELECT left(sha256($outer || unhex(sha256($inner || encode(source || '|' || record_id)))),"
                           " 20) AS key FROM texts", {"inner": inner, "outer": outer}).fetchnumpy()["key"]
    return keys.tolist()


def _record_key(source: pd.Series, record_id: pd.Series) -> pd.Series:
    """One string per record, (source, record_id) joined by a unit separator that neither contains."""
    return source.astype("str") + "\x1f" + record_id.astype("str")


def _combine(current: pd.DataFrame, index: Index) -> tuple[pd.DataFrame, pd.Series]:
    """Every record (the index's, updated with this period's) in key order, and which ones are new or changed."""
    old = index.records
    cur = current[COLUMNS]  # copy-on-write: new columns below do not copy the record details
    if old.empty:  # the first run: every record is new, nothing to compare with
        for column in ("person_key", "first_period", "last_period"):
            cur[column] = np.full(len(cur), np.nan, dtype=object)
        cur["current"] = True
        every = cur.reset_index(drop=True)
        if not _in_key_order(every):
            every = every.sort_values(KEY, kind="stable").reset_index(drop=True)
        return every, pd.Series(True, index=every.index)
    cur_key = _record_key(cur["source"], cur["record_id"])
    held = old.set_index(_record_key(old["source"], old["record_id"]).to_numpy())
    held = held[~held.index.duplicated()]
    known = held.index.get_indexer(cur_key.to_numpy()) >= 0
    before = held.reindex(cur_key.to_numpy())
    changed = pc.not_equal(_signature(before), _signature(cur)).to_numpy(zero_copy_only=False)
    cur["probe"] = ~known | changed
    for column in ("person_key", "first_period", "last_period"):
        cur[column] = before[column].to_numpy()
    cur["current"] = True
    rest = held[pd.Index(cur_key.to_numpy()).get_indexer(held.index) < 0].reset_index(drop=True)
    rest["probe"] = False
    rest["current"] = False
    every = pd.concat([rest, cur], ignore_index=True) if len(rest) else cur.reset_index(drop=True)
    if len(rest) or not _in_key_order(every):
        every = every.sort_values(KEY, kind="stable").reset_index(drop=True)
    return every, every.pop("probe").astype(bool)


def _in_key_order(frame: pd.DataFrame) -> bool:
    """True when rows are already sorted by (source, record_id), as `standardise` leaves them: no re-sort needed."""
    source, record = frame["source"].to_numpy(), frame["record_id"].to_numpy()
    if len(frame) < 2:
        return True
    same = source[1:] == source[:-1]
    return bool(((source[1:] > source[:-1]) | (same & (record[1:] > record[:-1]))).all())


def _with_uids(every: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """`pairs` keyed by (source, record_id) on both sides, with uid_l/uid_r; pairs naming unknown records dropped."""
    if pairs.empty:
        return pairs.assign(uid_l=pd.Series(dtype="int64"), uid_r=pd.Series(dtype="int64"))
    position = pd.Series(range(len(every)), index=_record_key(every["source"], every["record_id"]).to_numpy())
    out = pairs.copy()
    for side in ("l", "r"):
        keys = _record_key(out[f"source_{side}"], out[f"record_id_{side}"]).to_numpy()
        out[f"uid_{side}"] = position.reindex(keys).to_numpy()
    out = out.dropna(subset=["uid_l", "uid_r"])
    return out.astype({"uid_l": "int64", "uid_r": "int64"})


def evidence_text(scored: pd.DataFrame, labels: dict[str, dict[int, str]]) -> pd.Series:
    """A pair's evidence in words, one phrase per comparison: `first name: nickname; surname: exact; ...`."""
    parts = [model.DESCRIPTIONS.get(name, name) + ": " + scored[f"gamma_{name}"].astype(int).map(levels)
             for name, levels in labels.items()]
    text = parts[0]
    for part in parts[1:]:
        text = text + "; " + part
    return text + "; match weight " + scored["match_weight"].map(lambda w: f"{w:.1f}")


def update(current: pd.DataFrame, index: Index, period: str, secret: bytes, model_dict: dict | None = None,
           auto_threshold: float = AUTO_THRESHOLD, review_threshold: float = REVIEW_THRESHOLD,
           memory_limit: str | None = None, temp_dir: str | None = None) -> Update:
    """Match this period's standardised records against the index and return the index after the run."""
    model_dict = model_dict or model.load()
    labels = model.level_labels(model_dict)
    every, probe = _combine(current, index)
    if every.empty:
        return Update(_empty(RECORD_COLUMNS), _empty(PERSON_COLUMNS), _empty(EDGE_COLUMNS), index.review.copy(),
                      _empty(EVENT_COLUMNS))
    old_key = every["person_key"].astype("object").where(every["person_key"].notna(), None).tolist()
    nhs = every["nhs_number"].astype("object").where(every["nhs_number"].notna(), None).tolist()

    # Candidate links of the probe: deterministic rules, then the model.
    rule_pairs = deterministic.pairs(every, probe)
    scored = model.score(every, probe, model_dict, review_threshold, memory_limit, temp_dir)
    first = scored["gamma_first_name"].astype(int).map(labels["first_name"])
    high = (scored["match_probability"] >= auto_threshold).to_numpy() & first.isin(NAME_EVIDENCE).to_numpy()
    automatic, grey = scored[high], scored[~high & (first != NO_NAME).to_numpy()]
    # alike in all but a plainly different first name (twins): never joined through a chain of model links
    twins = scored[(first == NO_NAME).to_numpy() & (scored["match_probability"] >= auto_threshold).to_numpy()]

    # Reviewers' decisions and the links already held.
    decided = _with_uids(every, index.review[_decision(index.review).notna().to_numpy()])
    verdict = _decision(decided)
    accepts, rejects = decided[verdict == "ACCEPT"], decided[verdict == "REJECT"]
    held_edges = _with_uids(every, index.edges)

    # People the constraints no longer allow (a reviewer rejected two of their records, or a changed record brought
    # a second NHS number) are regrouped from their links; everyone else starts as they were.
    keyed = pd.DataFrame({"key": old_key, "nhs": nhs}).dropna()
    broken = dict.fromkeys(keyed.groupby("key")["nhs"].nunique().loc[lambda s: s > 1].index, "NHS_VETO")
    for a, b in zip(rejects["uid_l"], rejects["uid_r"], strict=True):
        if old_key[a] is not None and old_key[a] == old_key[b]:
            broken[old_key[a]] = "REVIEW_REJECT"
    # records the index holds as one person (and not broken) start as one group: each joined to its key's first
    held_key = pd.Series(old_key, dtype=object)
    held_key = held_key[held_key.notna() & ~held_key.isin(list(broken))]
    code, _ = pd.factorize(held_key.to_numpy())
    _, first_row = np.unique(code, return_index=True)  # each key's first record, rows being in position order
    held_uid = held_key.index.to_numpy(dtype=np.int64)
    joined = (held_uid[first_row][code], held_uid)
    regroup = pd.Series(old_key, dtype=object).isin(list(broken)).to_numpy()
    held_broken = regroup[held_edges["uid_l"]] | regroup[held_edges["uid_r"]]

    # Strongest first: reviewers' accepts, then the rules, then the model by probability.
    columns = ["uid_l", "uid_r", "match_probability", "rule", "period"]
    candidates = pd.concat([
        accepts.assign(match_probability=1.0, rule="REVIEW", period=period),
        held_edges[held_broken],
        rule_pairs.assign(match_probability=1.0, period=period),
        automatic.assign(rule="PROBABILISTIC", period=period),
    ], ignore_index=True)[columns].astype({"uid_l": "int64", "uid_r": "int64", "match_probability": "float64"})
    candidates["order"] = candidates["rule"].map(APPLY_ORDER).fillna(len(APPLY_ORDER))
    candidates = candidates.sort_values(["order", "match_probability", "uid_l", "uid_r"],
                                        ascending=[True, False, True, True], kind="stable")
    label, kept, vetoed = cluster.group(
        nhs, joined,
        (candidates["uid_l"].to_numpy(), candidates["uid_r"].to_numpy(),
         (candidates["rule"] == "PROBABILISTIC").to_numpy()),
        (rejects["uid_l"].to_numpy(), rejects["uid_r"].to_numpy()),
        (twins["uid_l"].to_numpy(), twins["uid_r"].to_numpy()))
    every["group"] = label
    every["old_key"] = old_key
    edges = pd.concat([held_edges[~held_broken], candidates[kept]], ignore_index=True) \
        .astype({"uid_l": "int64", "uid_r": "int64"})
    edges = edges[label[edges["uid_l"]] == label[edges["uid_r"]]].drop_duplicates(["uid_l", "uid_r"])

    key_of, events = _keys(every, edges, index, broken, period, secret)
    every["person_key"] = every["group"].map(key_of)
    current_rows = every["current"].to_numpy(dtype=bool)
    for column, keep in (("first_period", np.less_equal), ("last_period", np.greater_equal)):
        held = every[column].to_numpy(dtype=object)
        known = pd.notna(held)  # a period (text) or missing
        kept = known.copy()
        kept[known] = keep(held[known].astype(str), period)
        every[column] = np.where(current_rows & ~kept, period, held)
    _strongest_link(every, edges)
    # rows are in (source, record_id) order, so ordering by position is ordering by key
    edges = edges.sort_values(["uid_l", "uid_r"])
    for side in ("l", "r"):
        edges[f"source_{side}"] = every["source"].to_numpy()[edges[f"uid_{side}"]]
        edges[f"record_id_{side}"] = every["record_id"].to_numpy()[edges[f"uid_{side}"]]
    since = {**index.person_since}
    return Update(
        records=every[RECORD_COLUMNS].reset_index(drop=True),
        people=_people(every, since),
        edges=edges[EDGE_COLUMNS].reset_index(drop=True),
        review=_review(every, index.review, grey, labels, period),
        events=pd.DataFrame(events, columns=EVENT_COLUMNS),
        probe=int(probe.sum()), scored_pairs=len(scored), vetoed=vetoed,
    )


def _decision(review: pd.DataFrame) -> pd.Series:
    """ACCEPT, REJECT or NA from what a reviewer typed (case and spaces ignored; anything else is no decision)."""
    said = review["decision"].astype("str").str.strip().str.upper()
    return said.where(said.isin(["ACCEPT", "REJECT"]))


def _keys(every: pd.DataFrame, edges: pd.DataFrame, index: Index, broken: dict[str, str], period: str,
          secret: bytes) -> tuple[dict[int, str], list[dict]]:
    """group -> person_key, and the MERGE and SPLIT events that giving the keys out implies.

    Every old key goes to the group holding most of its records (ties: the group of its first record). A group
    receiving several keys is a merge: the key first seen earliest survives. A group receiving none gets a new key;
    if it holds records of an old person, that person was split.
    """
    overlap = every.dropna(subset=["old_key"]).groupby(["old_key", "group"]).size().reset_index(name="n")
    overlap = overlap.sort_values(["old_key", "n", "group"], ascending=[True, False, True])
    heir = overlap.drop_duplicates("old_key")
    counts = every["old_key"].value_counts()
    # a group heir to one key keeps it (nearly every group); a group heir to several is a merge, taken one by one
    heirs = heir["group"].value_counts()
    merged = heir["group"].isin(heirs.index[heirs.to_numpy() > 1]).to_numpy()
    key_of: dict[int, str] = dict(zip(heir["group"].to_numpy()[~merged].tolist(),
                                      heir["old_key"].to_numpy()[~merged].tolist(), strict=True))
    events: list[dict] = []
    if merged.any():
        edge_group = every["group"].to_numpy()[edges["uid_l"]]
        into = pd.Series(edges["rule"].to_numpy(), index=edge_group)
        into = into[into.index.isin(heir["group"][merged])]
        rules = into.groupby(level=0).agg(lambda r: ", ".join(sorted(set(r))))
        for group, keys in heir[merged].groupby("group")["old_key"]:
            ordered = sorted(keys, key=lambda k: (index.person_since.get(k, period), k))
            key_of[group] = ordered[0]
            events += [{"period": period, "event": "MERGE", "person_key": ordered[0], "other_key": other,
                        "records": int(counts[other]), "reason": rules.get(group, "")} for other in ordered[1:]]
    taken = set(index.retired_keys) | set(heir["old_key"])
    # each group's largest piece of an old person (overlap's order), should the group need a new key
    piece_of = overlap.drop_duplicates("group").set_index("group")
    piece_key, piece_n = piece_of["old_key"].to_dict(), piece_of["n"].to_dict()
    firsts = ~every["group"].duplicated().to_numpy()
    group = every["group"].to_numpy()[firsts]
    keyless = ~pd.Series(group).isin(list(key_of)).to_numpy()
    group = group[keyless].tolist()
    source = every["source"].to_numpy()[firsts][keyless].tolist()
    record_id = every["record_id"].to_numpy()[firsts][keyless].tolist()
    minted = person_keys(secret, source, record_id)
    if len(set(minted)) < len(minted) or not taken.isdisjoint(minted):  # a key used before: mint one by one
        minted = []
        for s, r in zip(source, record_id, strict=True):
            minted.append(new_key(secret, s, r, taken))
            taken.add(minted[-1])
    key_of.update(zip(group, minted, strict=True))
    for g, key in zip(group, minted, strict=True):
        if g in piece_key:  # records of an old person that did not keep its key: a split
            old = piece_key[g]
            events.append({"period": period, "event": "SPLIT", "person_key": old, "other_key": key,
                           "records": int(piece_n[g]), "reason": broken.get(old, "")})
    return key_of, events


def _strongest_link(every: pd.DataFrame, edges: pd.DataFrame) -> None:
    """Set each record's match_probability and rule from its strongest link inside its person (SINGLE if alone)."""
    uid = np.concatenate([edges["uid_l"].to_numpy(), edges["uid_r"].to_numpy()])
    probability = np.tile(edges["match_probability"].to_numpy(dtype="float64"), 2)
    rule = np.tile(edges["rule"].to_numpy(dtype=object), 2)
    order = pd.Series(rule).map(RULE_ORDER).to_numpy(dtype="float64")
    ranked = np.lexsort((order, -probability, uid))  # by record, strongest link first, rule order breaking ties
    best = ranked[np.r_[True, uid[ranked][1:] != uid[ranked][:-1]]] if len(ranked) else ranked
    strongest = np.full(len(every), np.nan)
    strongest[uid[best]] = probability[best]
    named = np.full(len(every), None, dtype=object)
    named[uid[best]] = rule[best]
    every["match_probability"] = strongest
    every["rule"] = named
    alone = every["rule"].isna().to_numpy()
    size = np.bincount(every["group"].to_numpy())[every["group"].to_numpy()]
    # a person carried over from before links were kept has no link to show: INDEX says "as the index had it"
    every.loc[alone, "rule"] = np.where(size[alone] == 1, "SINGLE", "INDEX")
    every.loc[alone, "match_probability"] = 1.0


def _review(every: pd.DataFrame, review: pd.DataFrame, grey: pd.DataFrame, labels: dict,
            period: str) -> pd.DataFrame:
    """The review queue: decided pairs kept for ever, open pairs while their people are still apart, new pairs."""
    group = every["group"].to_numpy()
    key = every["person_key"].to_numpy()
    decided = review[_decision(review).notna().to_numpy()].copy()
    found = _with_uids(every, decided)  # a decision naming no known record is kept as the reviewer wrote it
    decided.loc[found.index, "person_key_l"] = key[found["uid_l"]]
    decided.loc[found.index, "person_key_r"] = key[found["uid_r"]]
    open_ = _with_uids(every, review[_decision(review).isna().to_numpy()])
    open_ = open_[group[open_["uid_l"]] != group[open_["uid_r"]]]  # still two people: still a question
    open_["person_key_l"], open_["person_key_r"] = key[open_["uid_l"]], key[open_["uid_r"]]
    held = pd.concat([p for p in (decided, open_[REVIEW_COLUMNS]) if len(p)] or [_empty(REVIEW_COLUMNS)],
                     ignore_index=True)
    asked = set(zip(held["source_l"], held["record_id_l"], held["source_r"], held["record_id_r"], strict=True))

    nhs = every["nhs_number"].to_numpy()
    nl, nr = nhs[grey["uid_l"]], nhs[grey["uid_r"]]
    vetoed = pd.notna(nl) & pd.notna(nr) & (nl != nr)
    new = grey[(group[grey["uid_l"]] != group[grey["uid_r"]]) & ~vetoed].copy()
    new["pair_l"] = np.minimum(group[new["uid_l"]], group[new["uid_r"]])
    new["pair_r"] = np.maximum(group[new["uid_l"]], group[new["uid_r"]])
    # one question per pair of people: the strongest pair of their records
    new = new.sort_values(["match_probability", "uid_l", "uid_r"], ascending=[False, True, True])
    new = new.drop_duplicates(["pair_l", "pair_r"])
    source, record = every["source"].to_numpy(), every["record_id"].to_numpy()
    rows = pd.DataFrame({
        "source_l": source[new["uid_l"]], "record_id_l": record[new["uid_l"]],
        "source_r": source[new["uid_r"]], "record_id_r": record[new["uid_r"]],
        "person_key_l": key[new["uid_l"]], "person_key_r": key[new["uid_r"]],
        "match_probability": new["match_probability"].to_numpy(),
        "evidence": evidence_text(new, labels).to_numpy() if len(new) else [],
        "period": period, "decision": None, "reason": None, "decided_by": None, "decided_at": None})
    rows = rows[[k not in asked and (k[2], k[3], k[0], k[1]) not in asked for k in
                 zip(rows["source_l"], rows["record_id_l"], rows["source_r"], rows["record_id_r"], strict=True)]]
    parts = [p for p in (held, rows) if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else _empty(REVIEW_COLUMNS)
    return out[REVIEW_COLUMNS].sort_values(KEY_PAIR).reset_index(drop=True)


def _people(every: pd.DataFrame, since: dict[str, str]) -> pd.DataFrame:
    """One row per person: records, the sources they come from, the periods they were first and last seen."""
    # integer codes throughout: a million records reduce to people without grouping by text
    person, keys = pd.factorize(every["person_key"].to_numpy(dtype=object))
    source, names = pd.factorize(every["source"].astype("str"), sort=True)
    seen = pd.concat([every["first_period"], every["last_period"]], ignore_index=True).astype("str")
    period_code, periods = pd.factorize(seen, sort=True)  # sorted: the smallest code is the earliest period
    first_code, last_code = period_code[:len(every)], period_code[len(every):]
    unknown = len(periods)  # a period not recorded (-1) never wins a minimum or a maximum
    first = pd.Series(np.where(first_code < 0, unknown, first_code)).groupby(person).min().to_numpy()
    last = pd.Series(last_code).groupby(person).max().to_numpy()
    labels = np.append(periods.to_numpy(dtype=object), np.nan)
    # the set of sources as a bit mask per person, spelled out once per distinct set (a handful), not per person
    pairs = np.unique(person.astype("int64") * len(names) + source)
    masks = np.bincount(pairs // len(names), weights=2.0 ** (pairs % len(names)), minlength=len(keys)).astype("int64")
    spelled = {m: ",".join(n for i, n in enumerate(names) if m >> i & 1) for m in np.unique(masks).tolist()}
    people = pd.DataFrame({
        "person_key": pd.Series(keys, dtype="str"),
        "record_count": np.bincount(person, minlength=len(keys)),
        "sources": pd.Series(masks).map(spelled),
        "first_period": labels[first], "last_period": labels[np.where(last < 0, unknown, last)]})
    if since:
        earlier = people["person_key"].map(since)
        people["first_period"] = earlier.where(earlier < people["first_period"], people["first_period"])
    return people.sort_values("person_key").reset_index(drop=True)[PERSON_COLUMNS]
