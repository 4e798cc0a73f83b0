"""After a referral: assessments (Annex A List 4), section 47 enquiries (List 5) and children in need (List 6).

Most referrals that are not NFA get an assessment within days; its factors (CIN census codes) are recorded
when it is authorised. Children later on a plan had a section 47 enquiry whose initial conference started
the plan; about 30% of assessed children have an enquiry. Each referral opens a child-in-need episode that
closes after the assessment when nothing more is needed, or runs on through plans and care.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import codes
from synthetic.generate.calendar import add_years_days
from synthetic.generate.events import merge_intervals

P_ASSESSED = 0.92
START_LAGS = ((0, 0.35), (1, 0.25), (2, 0.15), (3, 0.10), (4, 0.08), (7, 0.07))
# days from start to authorisation: mostly inside the 45 working days, some late, a few quick
DURATIONS = ((0.10, 3, 9), (0.70, 10, 60), (0.20, 61, 95))
P_NEGLECT = 0.35  # neglect (16A) among assessments not leading to a neglect plan; ~35% overall
P_FURTHER = {"neglect": 0.90, "other": 0.50}  # the report: ~90% of neglect assessments needed further action
P_NO_FACTORS = 0.03  # authorised assessments with no factor keyed
# CIN census factor codes other than neglect, with the share of assessments recording each
FACTOR_RATES = {"1B": 0.10, "2B": 0.12, "3A": 0.22, "3B": 0.30, "4A": 0.10, "4B": 0.24, "5B": 0.05, "6A": 0.04,
                "10A": 0.03, "11A": 0.02, "14A": 0.04, "15A": 0.05, "17A": 0.10, "18B": 0.05, "19B": 0.02,
                "22A": 0.03}
P_S47 = 0.19  # enquiries among assessed episodes without a plan (with the plans' enquiries ~30% of children)
P_ICPC_NO_PLAN = 0.28  # of those, an initial conference that decided against a plan
# child-in-need episodes that continue after the assessment: lengths in days
CIN_DURATIONS = ((0.55, 45, 150), (0.35, 151, 365), (0.10, 366, 700))
NEED_WEIGHTS = {"N1": 0.30, "N2": 0.12, "N3": 0.06, "N4": 0.17, "N5": 0.21, "N6": 0.06, "N7": 0.01, "N8": 0.04,
                "N9": 0.01, "N0": 0.02}

assert set(FACTOR_RATES) <= set(codes.ASSESSMENT_FACTORS)
assert set(NEED_WEIGHTS) == set(codes.PRIMARY_NEED)


def assessments(rng: np.random.Generator, refs: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """One assessment per (non-NFA referral episode, child) assessed: dates, child seen, factors, further action."""
    r = refs.loc[refs["referral_nfa"] == "N", ["episode", "person_id", "dob", "referral_day"]]
    p = plans.drop_duplicates(["episode", "person_id"])[["episode", "person_id", "start", "initial_category",
                                                         "latest_category"]]
    r = r.merge(p, on=["episode", "person_id"], how="left")
    planned = r["start"].notna().to_numpy()
    r = r[planned | (rng.random(len(r)) < P_ASSESSED)].reset_index(drop=True)
    planned = r["start"].notna().to_numpy()
    n = len(r)
    lags = np.array([d for d, _ in START_LAGS])
    w = np.array([x for _, x in START_LAGS])
    start = r["referral_day"].to_numpy() + rng.choice(lags, size=n, p=w / w.sum())
    authorised = start + _spans(rng, DURATIONS, n)
    neglect_plan = planned & ((r["initial_category"] == "NEG") | (r["latest_category"] == "NEG")).to_numpy()
    neglect = neglect_plan | (~planned & (rng.random(n) < P_NEGLECT))
    further = planned | (rng.random(n) < np.where(neglect, P_FURTHER["neglect"], P_FURTHER["other"]))
    return pd.DataFrame({
        "person_id": r["person_id"].to_numpy(), "episode": r["episode"].to_numpy(), "dob": r["dob"].to_numpy(),
        "referral_day": r["referral_day"].to_numpy(), "start": start, "authorised": authorised,
        "child_seen": np.where(rng.random(n) < 0.96, "Y", "N").astype(object),
        "further_action": np.where(further, "Y", "N").astype(object),
        "factors": _factors(rng, neglect), "neglect": neglect, "planned": planned,
    })


def _factors(rng: np.random.Generator, neglect: np.ndarray) -> np.ndarray:
    """Comma-separated factor codes per assessment (16A where neglect), at least one unless none was keyed."""
    n = len(neglect)
    codes_ = list(FACTOR_RATES)
    hit = rng.random((n, len(codes_))) < np.array(list(FACTOR_RATES.values()))
    none = ~hit.any(axis=1) & ~neglect
    hit[none, rng.integers(len(codes_), size=int(none.sum()))] = True
    text = np.full(n, "", dtype=object)
    for j, code in enumerate(codes_):
        text = text + np.where(hit[:, j], code + ",", "")
        if code == "15A":  # CIN census order: 16A sits between 15A and 17A
            text = text + np.where(neglect, "16A,", "")
    text = np.array([t[:-1] for t in text], dtype=object)
    text[rng.random(n) < P_NO_FACTORS] = ""
    return text


def section47(rng: np.random.Generator, assessed: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """Section 47 enquiries: one before every plan (its conference started the plan) and some that led to none."""
    p = plans.drop_duplicates(["episode", "person_id"])
    lead = rng.integers(7, 22, len(p))
    led = pd.DataFrame({
        "person_id": p["person_id"].to_numpy(), "dob": p["dob"].to_numpy(),
        "s47_start": np.maximum(p["referral_day"].to_numpy(), p["start"].to_numpy() - lead),
        "icpc_unnecessary": "N", "icpc_day": p["start"].to_numpy(), "icpc_led_to_plan": "Y",
    })
    others = assessed[~assessed["planned"]]
    # siblings are enquired into together: draws per referral episode
    episodes = others["episode"].unique()
    chosen = pd.Series(rng.random(len(episodes)) < P_S47, index=episodes)
    held = pd.Series(rng.random(len(episodes)) < P_ICPC_NO_PLAN, index=episodes)
    delay = pd.Series(rng.integers(0, 11, len(episodes)), index=episodes)
    wait = pd.Series(rng.integers(10, 26, len(episodes)), index=episodes)
    others = others[chosen.reindex(others["episode"]).to_numpy()]
    start = others["referral_day"].to_numpy() + delay.reindex(others["episode"]).to_numpy()
    conf = held.reindex(others["episode"]).to_numpy()
    rest = pd.DataFrame({
        "person_id": others["person_id"].to_numpy(), "dob": others["dob"].to_numpy(), "s47_start": start,
        "icpc_unnecessary": np.where(conf, "N", "Y").astype(object),
        "icpc_day": np.where(conf, start + wait.reindex(others["episode"]).to_numpy(), np.iinfo(np.int64).min),
        "icpc_led_to_plan": np.where(conf, "N", "").astype(object),
    })
    out = pd.concat([led, rest], ignore_index=True)
    return out.sort_values(["s47_start", "person_id"], kind="stable").reset_index(drop=True)


def children_in_need(rng: np.random.Generator, refs: pd.DataFrame, assessed: pd.DataFrame, plans: pd.DataFrame,
                     care: pd.DataFrame) -> pd.DataFrame:
    """Child-in-need episodes: from each non-NFA referral (and each care episode), overlapping ones merged."""
    r = refs.loc[refs["referral_nfa"] == "N", ["episode", "person_id", "dob", "referral_day"]]
    a = assessed[["episode", "person_id", "authorised", "further_action", "neglect"]]
    r = r.merge(a, on=["episode", "person_id"], how="left")
    p = plans.drop_duplicates(["episode", "person_id"])[["episode", "person_id", "end"]]
    r = r.merge(p, on=["episode", "person_id"], how="left")
    n = len(r)
    day = r["referral_day"].to_numpy()
    was_assessed = r["authorised"].notna().to_numpy()
    auth = r["authorised"].fillna(0).to_numpy().astype(np.int64)
    further = (r["further_action"] == "Y").to_numpy()
    end = np.where(~was_assessed, day + rng.integers(1, 21, n),
                   np.where(~further, auth + rng.integers(0, 11, n), auth + _spans(rng, CIN_DURATIONS, n)))
    planned = r["end"].notna().to_numpy()
    plan_end = r["end"].fillna(0).to_numpy().astype(np.int64)
    end = np.where(planned, np.maximum(end, plan_end + rng.integers(30, 241, n)), end)
    serious = planned | r["neglect"].fillna(False).to_numpy().astype(bool)
    spans = pd.DataFrame({"person_id": r["person_id"].to_numpy(), "dob": r["dob"].to_numpy(), "start": day,
                          "end": end, "serious": serious})
    # looked-after children are children in need for as long as they are in care
    in_care = pd.DataFrame({"person_id": care["person_id"].to_numpy(), "dob": care["dob"].to_numpy(),
                            "start": care["start"].to_numpy(), "end": care["end"].to_numpy(), "serious": True})
    spans = pd.concat([spans, in_care], ignore_index=True)
    spans["end"] = np.minimum(spans["end"].to_numpy(), add_years_days(spans["dob"].to_numpy(), 18) - 1)
    spans = spans[spans["end"] >= spans["start"]]
    spans = spans.sort_values(["person_id", "start"], kind="stable").reset_index(drop=True)
    spans["group"] = merge_intervals(spans["person_id"].to_numpy(), spans["start"].to_numpy(),
                                     spans["end"].to_numpy())
    cin = spans.groupby("group", sort=True).agg(person_id=("person_id", "first"), dob=("dob", "first"),
                                                 start=("start", "min"), end=("end", "max"),
                                                 serious=("serious", "max")).reset_index(drop=True)
    m = len(cin)
    keys = np.array(list(NEED_WEIGHTS), dtype=object)
    w = np.array(list(NEED_WEIGHTS.values()))
    need = rng.choice(keys, size=m, p=w / w.sum())
    cin["primary_need"] = np.where(cin["serious"].to_numpy() & (rng.random(m) < 0.9), "N1", need).astype(object)
    cin["u_need_blank"] = rng.random(m)
    return cin.drop(columns="serious")


def _spans(rng: np.random.Generator, mixture: tuple[tuple[float, int, int], ...], n: int) -> np.ndarray:
    p = np.array([m[0] for m in mixture])
    which = rng.choice(len(mixture), size=n, p=p / p.sum())
    lo = np.array([m[1] for m in mixture])[which]
    hi = np.array([m[2] for m in mixture])[which]
    return rng.integers(lo, hi + 1)
