"""Contacts to the children's social care front door (Annex A List 1).

Every referral was a contact first (decided as REFERRAL, the referral logged the same or the next day). Most
contacts end otherwise: advice and information, early help or no further action. Those come from families
already known (before or after their referrals) and from families never referred. About four contacts are
made for each referral.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import codes
from synthetic.generate.calendar import next_weekday
from synthetic.generate.events import chains, pick_children

# Sources of contacts that do not become referrals: more individuals and schools, police the largest single
# source, unknown about 3% (the FD-02 data-quality watch).
SOURCE_WEIGHTS = {
    "1A": 0.09, "1B": 0.03, "1C": 0.01, "1D": 0.02, "2A": 0.14, "2B": 0.03,
    "3A": 0.025, "3B": 0.025, "3C": 0.01, "3D": 0.015, "3E": 0.03, "3F": 0.01,
    "4": 0.04, "5A": 0.04, "5B": 0.03, "5C": 0.03, "5D": 0.05, "6": 0.29, "7": 0.02, "8": 0.03, "9": 0.01,
    "10": 0.03,
}
OUTCOME_WEIGHTS = {"ADVICE_INFORMATION": 0.45, "EARLY_HELP": 0.27, "NFA": 0.28}
# working days from contact to decision: most the same or the next day, a tail waiting in the queue
DECISION_LAGS = ((0, 0.58), (1, 0.27), (2, 0.06), (3, 0.04), (5, 0.03), (8, 0.02))
P_CONTACT_SAME_DAY = 0.75  # contacts that became referrals: referral logged the same day, else the next
EXTRA_CONTACTS_PER_CSC_FAMILY = 0.9
COMMUNITY_CONTACTED = 0.45  # share of the wider pool's families ever contacted in the span
COMMUNITY_STEPS = ((0.25, 30, 400),)
P_ALL_SIBLINGS = 0.4

assert set(SOURCE_WEIGHTS) == set(codes.CIN_SOURCE)
assert set(OUTCOME_WEIGHTS) | {"REFERRAL"} == set(codes.CONTACT_OUTCOME)


def contacts(rng: np.random.Generator, refs: pd.DataFrame, csc_households: pd.DataFrame,
             community_households: pd.DataFrame, children: pd.DataFrame, first_day: int,
             last_day: int) -> pd.DataFrame:
    """Every contact from `first_day`: one row per (contact, child) with source, outcome and decision day."""
    # 1. The contacts behind referrals: siblings referred together were one contact.
    episodes = refs["episode"].unique()
    same_day = pd.Series(rng.random(len(episodes)) < P_CONTACT_SAME_DAY, index=episodes)
    lag = np.where(same_day.reindex(refs["episode"]).to_numpy(), 0, 1)
    from_refs = pd.DataFrame({
        "event": "R" + refs["episode"].astype(str).to_numpy(),
        "person_id": refs["person_id"].to_numpy(), "dob": refs["dob"].to_numpy(),
        "contact_day": refs["referral_day"].to_numpy() - lag,
        "contact_source": refs["referral_source"].to_numpy(), "contact_outcome": "REFERRAL",
        "decision_day": refs["referral_day"].to_numpy(),
    })

    # 2. Other contacts: known families around their referrals, and families never referred.
    k = rng.poisson(EXTRA_CONTACTS_PER_CSC_FAMILY, len(csc_households))
    known = pd.DataFrame({"household": np.repeat(csc_households["household"].to_numpy(), k),
                          "day": np.repeat(csc_households["anchor"].to_numpy(), k)})
    known["day"] += rng.integers(-400, 701, len(known))
    contacted = community_households[rng.random(len(community_households)) < COMMUNITY_CONTACTED]
    owner, day = chains(rng, contacted["anchor"].to_numpy(), COMMUNITY_STEPS, last_day)
    wider = pd.DataFrame({"household": contacted["household"].to_numpy()[owner], "day": day})
    events = pd.concat([known, wider], ignore_index=True)
    events = events[(events["day"] >= first_day - 1) & (events["day"] <= last_day)].reset_index(drop=True)
    events["event"] = np.arange(len(events))
    n = len(events)
    events["contact_source"] = _choice(rng, SOURCE_WEIGHTS, n)
    events["contact_outcome"] = _choice(rng, OUTCOME_WEIGHTS, n)
    lags = np.array([d for d, _ in DECISION_LAGS])
    p = np.array([w for _, w in DECISION_LAGS])
    events["decision_day"] = next_weekday(events["day"].to_numpy() + rng.choice(lags, size=n, p=p / p.sum()))
    chosen = pick_children(rng, events, children, P_ALL_SIBLINGS)
    others = pd.DataFrame({
        "event": "C" + chosen["event"].astype(str).to_numpy(), "person_id": chosen["person_id"].to_numpy(),
        "dob": chosen["dob"].to_numpy(), "contact_day": chosen["day"].to_numpy(),
        "contact_source": chosen["contact_source"].to_numpy(), "contact_outcome": chosen["contact_outcome"].to_numpy(),
        "decision_day": chosen["decision_day"].to_numpy(),
    })

    out = pd.concat([from_refs, others], ignore_index=True)
    out = out[(out["contact_day"] >= first_day) & (out["contact_day"] <= last_day)]
    # one contact per child per day: the referral's contact wins over another logged that day
    out = out.drop_duplicates(["person_id", "contact_day"]).sort_values(["contact_day", "person_id"], kind="stable")
    return out.reset_index(drop=True)


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    w = np.array(list(weights.values()), dtype=float)
    return rng.choice(keys, size=n, p=w / w.sum())
