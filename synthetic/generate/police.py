"""Police events and records: public protection notices (PPNs) and the nominal (person) records they cite.

PPNs come from three places: incidents behind police referrals to children's social care, domestic abuse
incidents in the months before some child protection plans, and households known only to the police.
Missing reports (missing.py) cite nominal records too, so every child reported missing has one.
About 8% of people get a second (sometimes third) nominal record with a new id and a variant of their
details: the "multiple records held against the same person" the inspectors found. Those are not errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import police_ppn
from synthetic.generate import identifiers, names, variants
from synthetic.generate.calendar import NA_DAY, to_date
from synthetic.generate.events import chains, member, pick_children

INCIDENT_STEPS = ((0.68, 10, 200),)
P_ALL_CHILDREN = 0.75
TYPE_WEIGHTS = {  # police-only incidents; with the referral incidents DOMESTIC_ABUSE is ~45% overall
    "DOMESTIC_ABUSE": 0.44, "CHILD_CONCERN": 0.18, "MISSING": 0.14, "EXPLOITATION": 0.09, "ONLINE_HARM": 0.07,
    "OTHER": 0.08,
}
REFERRAL_TYPE_WEIGHTS = {
    "DOMESTIC_ABUSE": 0.42, "CHILD_CONCERN": 0.34, "MISSING": 0.08, "EXPLOITATION": 0.08, "ONLINE_HARM": 0.04,
    "OTHER": 0.04,
}
RISK_WEIGHTS = {"STANDARD": 0.55, "MEDIUM": 0.32, "HIGH": 0.10, "": 0.03}
P_PLAN_DA = 0.35  # share of plan episodes preceded by a domestic abuse PPN
DUPLICATE_RATE = 0.08
THIRD_RECORD_RATE = 0.15

assert set(TYPE_WEIGHTS) == set(police_ppn.PPN_TYPES) == set(REFERRAL_TYPE_WEIGHTS)
assert {k for k in RISK_WEIGHTS if k} == set(police_ppn.RISK_LEVELS)


def incidents(rng: np.random.Generator, refs: pd.DataFrame, cp_plans: pd.DataFrame, households: pd.DataFrame,
              children: pd.DataFrame, first_day: int, last_day: int) -> pd.DataFrame:
    """Every PPN of the world: one row per (incident, child), with type, DARA, risk and submitted day."""
    # 1. Police referrals to children's social care: the incident a few days before the referral.
    police_refs = refs[refs["referral_source"] == "6"]
    ep = police_refs.groupby("episode", as_index=False)["referral_day"].first()
    ep["incident_day"] = ep["referral_day"] - rng.integers(0, 6, len(ep))
    ep["ppn_type"] = _choice(rng, REFERRAL_TYPE_WEIGHTS, len(ep))
    ep["max_lag"] = ep["referral_day"] - ep["incident_day"]  # the PPN was sent before the referral was logged
    from_refs = police_refs[["episode", "person_id", "dob"]].merge(ep, on="episode")
    from_refs["source"] = "referral"

    # 2. Domestic abuse in the year before a child protection plan (the MA-01 picture).
    plan_ep = cp_plans.groupby("episode", as_index=False)["start"].first()
    plan_ep = plan_ep[rng.random(len(plan_ep)) < P_PLAN_DA]
    plan_ep["incident_day"] = plan_ep["start"] - rng.integers(30, 331, len(plan_ep))
    plan_ep["ppn_type"] = "DOMESTIC_ABUSE"
    plan_ep["max_lag"] = 7
    from_plans = cp_plans[["episode", "person_id", "dob"]].merge(plan_ep.drop(columns="start"), on="episode")
    from_plans = from_plans[from_plans["dob"] < from_plans["incident_day"]]
    from_plans["source"] = "plan"

    # 3. Households known to the police: chains of incidents, each about all the children or one.
    owner, day = chains(rng, households["anchor"].to_numpy(), INCIDENT_STEPS, last_day)
    events = pd.DataFrame({"event": np.arange(len(owner)), "household": households["household"].to_numpy()[owner],
                           "day": day})
    events["ppn_type"] = _choice(rng, TYPE_WEIGHTS, len(events))
    chosen = pick_children(rng, events, children, P_ALL_CHILDREN)
    from_chains = chosen.rename(columns={"day": "incident_day", "event": "episode"})
    from_chains["episode"] = from_chains["episode"] + 10**9  # keep incident keys apart from referral episodes
    from_chains["max_lag"] = 7
    from_chains["source"] = "police"

    cols = ["episode", "person_id", "dob", "incident_day", "ppn_type", "max_lag", "source"]
    ppn = pd.concat([from_refs[cols], from_plans[cols], from_chains[cols]], ignore_index=True)
    ppn = ppn[(ppn["incident_day"] >= first_day) & (ppn["incident_day"] <= last_day)]
    ppn = ppn.drop_duplicates(["person_id", "incident_day", "source"]).reset_index(drop=True)

    # Per incident (shared by the siblings it concerns): DARA, risk and the day the notice went in.
    key = ppn["source"] + ":" + ppn["episode"].astype(str)
    uniq, inv = np.unique(key.to_numpy(dtype=str), return_inverse=True)
    n_inc = len(uniq)
    lag = rng.choice(np.array([0, 1, 2, 3, 5, 7]), size=n_inc, p=np.array([0.45, 0.30, 0.10, 0.07, 0.05, 0.03]))
    ppn["submitted_day"] = ppn["incident_day"] + np.minimum(lag[inv], ppn["max_lag"].to_numpy())
    da = ppn["ppn_type"].to_numpy() == "DOMESTIC_ABUSE"
    u = rng.random(n_inc)[inv]
    # DARA expected on domestic abuse: ~80% done, the rest N or blank (the PPN-014Q query arises naturally)
    ppn["dara_completed"] = np.where(da, np.where(u < 0.80, "Y", np.where(u < 0.92, "N", "")),
                                     np.where(u < 0.15, "N", ""))
    ppn["risk_level"] = _choice(rng, RISK_WEIGHTS, n_inc)[inv]
    ppn = ppn.sort_values(["submitted_day", "incident_day", "person_id"], kind="stable").reset_index(drop=True)
    year = np.array([to_date(d).year for d in ppn["submitted_day"]])
    seq = ppn.groupby(year).cumcount().to_numpy() + 1
    ppn["ppn_id"] = [f"PPN-{y}-{s:06d}" for y, s in zip(year, seq, strict=True)]
    return ppn.drop(columns=["max_lag"])


def nominals(rng: np.random.Generator, ppn: pd.DataFrame, missing: pd.DataFrame, persons: pd.DataFrame,
             last_day: int, floor_day: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Nominal records for children in PPNs or missing reports and adults of their households, with duplicates.

    Returns (nominals, ppn, missing) where ppn and missing have `police_person_id` set to one of the child's
    records that existed on the incident day (missing: the day they went missing).
    """
    missing_day = missing["missing_from"].to_numpy() // 1440
    seen = pd.concat([ppn[["person_id", "incident_day"]],
                      pd.DataFrame({"person_id": missing["person_id"].to_numpy(), "incident_day": missing_day})])
    first_ppn = seen.groupby("person_id")["incident_day"].min()
    kids = persons[member(persons["person_id"], first_ppn.index)].copy()
    kids["created"] = np.maximum(first_ppn.reindex(kids["person_id"]).to_numpy() - rng.integers(0, 21, len(kids)),
                                 kids["dob"].to_numpy())
    child_hh = persons.set_index("person_id").loc[first_ppn.index, "household"]
    hh_first = pd.Series(first_ppn.to_numpy(), index=child_hh.to_numpy()).groupby(level=0).min()
    adults = persons[(persons["role"] == "adult").to_numpy() & np.isin(persons["household"], hh_first.index)].copy()
    adults = adults[rng.random(len(adults)) < 0.75]
    first_seen = hh_first.reindex(adults["household"]).to_numpy()
    created = first_seen - rng.integers(0, 3000, len(adults))
    adults["created"] = np.minimum(np.maximum(created, np.maximum(adults["dob"].to_numpy() + 3653, floor_day)),
                                   first_seen)
    base = pd.concat([kids, adults], ignore_index=True)
    base["pnc_id"] = ""
    pnc = (base["role"] == "adult").to_numpy() & (rng.random(len(base)) < 0.35)
    yy = np.array([to_date(d).year % 100 for d in base["created"]])
    letters = rng.choice(np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ")), len(base))
    base.loc[pnc, "pnc_id"] = [f"{y:02d}/{n:06d}{c}" for y, n, c in
                               zip(yy[pnc], rng.integers(0, 10**6, int(pnc.sum())), letters[pnc], strict=True)]
    base["is_duplicate"] = False

    dups = _duplicates(rng, base, last_day)
    records = pd.concat([base, dups], ignore_index=True)
    ids = identifiers.unique_numbers(rng, len(records), 1_000_000, 9_999_999)
    records["police_person_id"] = [f"N{n:07d}" for n in ids]
    records = records.sort_values("created", kind="stable").reset_index(drop=True)
    ppn = ppn.copy()
    ppn["police_person_id"] = _cite(rng, ppn["person_id"].to_numpy(), ppn["incident_day"].to_numpy(), records)
    missing = missing.copy()
    missing["police_person_id"] = _cite(rng, missing["person_id"].to_numpy(), missing_day, records)
    cols = ["police_person_id", "person_id", "role", "first_name", "last_name", "dob", "sex", "postcode",
            "address_line", "pnc_id", "created", "is_duplicate"]
    return records[cols], ppn, missing


def _duplicates(rng: np.random.Generator, base: pd.DataFrame, last_day: int) -> pd.DataFrame:
    """Second (and some third) records: a new id and one or two variants of the person's details."""
    pick = rng.random(len(base)) < DUPLICATE_RATE
    second = base[pick]
    third = second[rng.random(len(second)) < THIRD_RECORD_RATE]
    dups = pd.concat([second, third], ignore_index=True)
    span = last_day - (dups["created"].to_numpy() + 30)
    dups = dups[span > 0].reset_index(drop=True)
    span = span[span > 0]
    dups["created"] = dups["created"].to_numpy() + 30 + (rng.random(len(dups)) * span).astype(np.int64)
    dups["is_duplicate"] = True
    dups["pnc_id"] = ""  # the second record was made without a PNC check
    first_names = dups["first_name"].to_numpy().copy()
    last_names = dups["last_name"].to_numpy().copy()
    dob = dups["dob"].to_numpy().copy()
    postcode = dups["postcode"].to_numpy().copy()
    address = dups["address_line"].to_numpy().copy()
    moved_postcodes = identifiers.postcodes(rng, len(dups))
    moved_numbers = rng.integers(1, 220, len(dups))
    moved_streets = rng.choice(np.array(names.STREETS, dtype=object), len(dups))
    kinds = ("typo", "nickname", "dob_missing", "dob_swap", "moved")
    weights = np.array([0.30, 0.20, 0.15, 0.10, 0.25])
    for i in range(len(dups)):
        for kind in rng.choice(kinds, size=1 + int(rng.random() < 0.3), replace=False, p=weights):
            if kind == "nickname" and first_names[i] in names.NICKNAMES:
                options = names.NICKNAMES[first_names[i]]
                first_names[i] = options[int(rng.integers(len(options)))]
            elif kind in ("typo", "nickname"):
                if rng.random() < 0.6:
                    first_names[i] = variants.typo(rng, first_names[i])
                else:
                    last_names[i] = variants.typo(rng, last_names[i])
            elif kind == "dob_swap" and variants.swappable(dob[i]):
                dob[i] = variants.swap_day_month(dob[i])
            elif kind in ("dob_missing", "dob_swap"):
                dob[i] = NA_DAY
            else:
                postcode[i] = moved_postcodes[i]
                address[i] = f"{moved_numbers[i]} {moved_streets[i]}"
    dups["first_name"], dups["last_name"], dups["dob"] = first_names, last_names, dob
    dups["postcode"], dups["address_line"] = postcode, address
    # a record is never created before the birth it records (NOM-008)
    has_dob = dob != NA_DAY
    dups.loc[has_dob, "created"] = np.maximum(dups.loc[has_dob, "created"].to_numpy(), dob[has_dob])
    return dups


def _cite(rng: np.random.Generator, person_ids: np.ndarray, days: np.ndarray, records: pd.DataFrame) -> np.ndarray:
    """Record id each event names: the child's first record, or (sometimes) a later duplicate that existed by then."""
    originals = records[~records["is_duplicate"]].set_index("person_id")["police_person_id"]
    cited = originals.reindex(person_ids).to_numpy().astype(object)
    dups = records.loc[records["is_duplicate"], ["person_id", "created", "police_person_id"]]
    options = pd.DataFrame({"ppn": np.arange(len(person_ids)), "person_id": person_ids,
                            "day": days}).merge(dups, on="person_id")
    options = options[options["created"] <= options["day"]].reset_index(drop=True)
    # one random existing duplicate per PPN, used for 45% of them
    options["key"] = rng.random(len(options))
    options = options.sort_values(["ppn", "key"], kind="stable").drop_duplicates("ppn", keep="last")
    options = options[rng.random(len(options)) < 0.45]
    cited[options["ppn"].to_numpy()] = options["police_person_id"].to_numpy()
    return cited


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    w = np.array(list(weights.values()))
    return rng.choice(keys, size=n, p=w / w.sum())
