"""Children's social care events: referrals (Annex A List 3) and child protection plans (List 7).

Referrals arrive per household in chains (a family re-referred within months, or again years later); a
referral concerns one child or the whole sibling group. Some referrals lead to a plan a few weeks later.
A child never has two plans open at once, and every plan follows a referral of that child.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import codes
from synthetic.generate import names
from synthetic.generate.calendar import add_years_days
from synthetic.generate.events import chains, pick_children

# (probability, min gap, max gap) of the next referral: soon (a re-referral) or years later.
REFERRAL_STEPS = ((0.26, 20, 330), (0.10, 400, 1100))
P_ALL_SIBLINGS = 0.45
NFA_RATE = 0.15
# CIN census referral sources: police ~25%, schools ~15%, health ~15%, individuals ~10%, unknown ~3%.
SOURCE_WEIGHTS = {
    "1A": 0.05, "1B": 0.02, "1C": 0.015, "1D": 0.015, "2A": 0.15, "2B": 0.04,
    "3A": 0.03, "3B": 0.03, "3C": 0.015, "3D": 0.02, "3E": 0.035, "3F": 0.02,
    "4": 0.05, "5A": 0.05, "5B": 0.04, "5C": 0.04, "5D": 0.05, "6": 0.25, "7": 0.03, "8": 0.015, "9": 0.005,
    "10": 0.03,
}
P_PLAN = 0.105  # share of non-NFA referral episodes that lead to a plan
P_REPEAT_PLAN = 0.5  # share of later referrals of a former plan child that lead to another plan
CATEGORY_WEIGHTS = {"NEG": 0.35, "EMO": 0.35, "PHY": 0.15, "SAB": 0.05, "MUL": 0.10}
# plan lengths in days: mostly 6-12 months, some shorter, some long
DURATIONS = ((0.14, 90, 180), (0.66, 181, 365), (0.20, 366, 730))
MAX_PLAN_START_AGE = int(17.2 * 365.25)  # plans end by 18, so none start at 17 years 3 months or over

assert set(SOURCE_WEIGHTS) == set(codes.CIN_SOURCE), "referral source weights must cover the CIN codes"
assert set(CATEGORY_WEIGHTS) == set(codes.ABUSE_CATEGORY)


def referrals(rng: np.random.Generator, households: pd.DataFrame, children: pd.DataFrame,
              last_day: int) -> pd.DataFrame:
    """All referrals of the world: one row per (referral episode, child) with source, NFA, team and worker."""
    owner, day = chains(rng, households["anchor"].to_numpy(), REFERRAL_STEPS, last_day)
    events = pd.DataFrame({"event": np.arange(len(owner)), "household": households["household"].to_numpy()[owner],
                           "day": day})
    n = len(events)
    src = np.array(list(SOURCE_WEIGHTS), dtype=object)
    w = np.array(list(SOURCE_WEIGHTS.values()))
    events["referral_source"] = rng.choice(src, size=n, p=w / w.sum())
    events["referral_nfa"] = np.where(rng.random(n) < NFA_RATE, "Y", "N")
    events["allocated_team"] = rng.choice(np.array(names.ALLOCATED_TEAMS, dtype=object), size=n)
    events["allocated_worker"] = np.char.add("SW", rng.integers(100, 400, size=n).astype(str)).astype(object)
    # no further action: nobody is allocated
    nfa = events["referral_nfa"].to_numpy() == "Y"
    events.loc[nfa, ["allocated_team", "allocated_worker"]] = ""
    out = pick_children(rng, events, children, P_ALL_SIBLINGS)
    out = out.rename(columns={"day": "referral_day", "event": "episode"})
    out = out.sort_values(["person_id", "referral_day"], kind="stable").reset_index(drop=True)
    out["referrals_last_12m"] = _previous_within(out, 365)
    return out


def _previous_within(refs: pd.DataFrame, days: int) -> np.ndarray:
    """For each referral, how many earlier referrals of the same child fall in the `days` before it."""
    person = refs["person_id"].to_numpy()
    day = refs["referral_day"].to_numpy()
    # rows are sorted by child then day, so a child's earlier referrals sit just above
    count = np.zeros(len(refs), dtype=np.int64)
    for lag in range(1, 8):
        same = np.zeros(len(refs), dtype=bool)
        same[lag:] = (person[lag:] == person[:-lag]) & (day[lag:] - day[:-lag] <= days)
        count += same
    return count


def plans(rng: np.random.Generator, refs: pd.DataFrame, last_day: int) -> pd.DataFrame:
    """Child protection plans: from referral episodes (siblings together), then repeat plans for some children."""
    eligible = refs[refs["referral_nfa"] == "N"]
    episodes = eligible["episode"].unique()
    chosen = episodes[rng.random(len(episodes)) < P_PLAN]
    ep = pd.DataFrame({"episode": chosen})
    ep["lag"] = rng.integers(10, 61, len(ep))
    ep["duration"] = _durations(rng, len(ep))
    ep["initial_category"] = _categories(rng, len(ep))
    first = eligible.merge(ep, on="episode")

    # Repeat plans: a later referral of a child whose earlier plan ended.
    prior = first[["person_id", "referral_day", "lag", "duration"]].copy()
    prior["plan_end"] = prior["referral_day"] + prior["lag"] + prior["duration"]
    later = eligible.merge(prior[["person_id", "plan_end"]], on="person_id")
    later = later[later["referral_day"] > later["plan_end"] + 30].drop_duplicates(["person_id", "referral_day"])
    later = later[rng.random(len(later)) < P_REPEAT_PLAN].drop(columns="plan_end")
    later = later.assign(lag=rng.integers(10, 61, len(later)), duration=_durations(rng, len(later)),
                         initial_category=_categories(rng, len(later)))

    cand = pd.concat([first, later], ignore_index=True)
    cand["start"] = cand["referral_day"] + cand["lag"]
    cand = cand[(cand["start"] - cand["dob"] < MAX_PLAN_START_AGE) & (cand["start"] <= last_day)]
    end = cand["start"] + cand["duration"]
    # a plan ends by the day before the 18th birthday
    cand["end"] = np.minimum(end.to_numpy(), add_years_days(cand["dob"].to_numpy(), 18) - 1)
    cand = cand.sort_values(["person_id", "start", "referral_day"], kind="stable").reset_index(drop=True)
    cand = cand[_non_overlapping(cand)].reset_index(drop=True)

    latest_changes = rng.random(len(cand)) < 0.15
    latest = cand["initial_category"].to_numpy().copy()
    latest[latest_changes] = _categories(rng, int(latest_changes.sum()))
    cand["latest_category"] = latest
    # earlier plans of the child in the world, plus now and then one from before the records begin
    cand["previous_cpp_count"] = cand.groupby("person_id").cumcount() + (rng.random(len(cand)) < 0.04)
    return cand[["person_id", "episode", "referral_day", "start", "end", "initial_category", "latest_category",
                 "previous_cpp_count", "dob"]]


def _non_overlapping(plans: pd.DataFrame) -> np.ndarray:
    """Keep a plan only if it starts after the child's previous kept plan ended (rows sorted by child, start)."""
    keep = np.zeros(len(plans), dtype=bool)
    last_person, last_end = None, -(10**9)
    for i, (person, start, end) in enumerate(zip(plans["person_id"].to_numpy(), plans["start"].to_numpy(),
                                                 plans["end"].to_numpy(), strict=True)):
        if person != last_person:
            last_person, last_end = person, -(10**9)
        if start > last_end:
            keep[i] = True
            last_end = end
    return keep


def _durations(rng: np.random.Generator, n: int) -> np.ndarray:
    p = np.array([d[0] for d in DURATIONS])
    which = rng.choice(len(DURATIONS), size=n, p=p / p.sum())
    lo = np.array([d[1] for d in DURATIONS])[which]
    hi = np.array([d[2] for d in DURATIONS])[which]
    return rng.integers(lo, hi + 1)


def _categories(rng: np.random.Generator, n: int) -> np.ndarray:
    cats = np.array(list(CATEGORY_WEIGHTS), dtype=object)
    w = np.array(list(CATEGORY_WEIGHTS.values()))
    return rng.choice(cats, size=n, p=w / w.sum())
