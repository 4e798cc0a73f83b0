"""Looked-after children (Annex A List 8): care episodes with a legal status, ending by the 18th birthday.

Children come into care when a child protection plan ends in care proceedings, after an assessment, or
were already in care before the world's referral history begins (long-term care from early childhood), so
about 500 are looked after at any period end in a borough, as the annual report shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import codes
from synthetic.generate.calendar import add_years_days
from synthetic.generate.events import keep_first_per_overlap

P_FROM_PLAN = 0.25  # plans that end with the child coming into care
P_FROM_ASSESSMENT = 0.10  # assessed children needing support (no plan) who come into care within months
LEGACY_PER_YEAR_OF_AGE = 28  # children in care at the start of the history, per year of age (scale 1)
P_LEGACY_TO_18 = 0.55  # of those, the share staying until 18
# episode lengths (days) for new entrants: short section 20 stays, a year or two, long-term care
LENGTHS = ((0.25, 7, 180), (0.35, 181, 900), (0.40, 901, 5000))
STATUS_SHORT = {"V2": 0.60, "C1": 0.20, "L2": 0.05, "L1": 0.05, "J1": 0.03, "J2": 0.02, "V3": 0.03, "V4": 0.02}
STATUS_LONG = {"C2": 0.60, "E1": 0.15, "C1": 0.10, "V2": 0.15}

assert set(STATUS_SHORT) | set(STATUS_LONG) <= set(codes.LEGAL_STATUS)


def looked_after(rng: np.random.Generator, plans: pd.DataFrame, assessed: pd.DataFrame, legacy: pd.DataFrame,
                 history_start: int, last_day: int) -> pd.DataFrame:
    """Care episodes: person_id, dob, start, end, legal status (an end after a period end is still open then)."""
    from_plans = plans[(plans["end"] <= last_day).to_numpy() & (rng.random(len(plans)) < P_FROM_PLAN)]
    a = assessed[(assessed["further_action"] == "Y") & ~assessed["planned"]]
    a = a[rng.random(len(a)) < P_FROM_ASSESSMENT]
    new = pd.concat([
        pd.DataFrame({"person_id": from_plans["person_id"].to_numpy(), "dob": from_plans["dob"].to_numpy(),
                      "start": from_plans["end"].to_numpy()}),
        pd.DataFrame({"person_id": a["person_id"].to_numpy(), "dob": a["dob"].to_numpy(),
                      "start": a["authorised"].to_numpy() + rng.integers(0, 121, len(a))}),
    ], ignore_index=True)
    n = len(new)
    p = np.array([x[0] for x in LENGTHS])
    which = rng.choice(len(LENGTHS), size=n, p=p / p.sum())
    length = rng.integers(np.array([x[1] for x in LENGTHS])[which], np.array([x[2] for x in LENGTHS])[which] + 1)
    new["end"] = new["start"].to_numpy() + length
    new["long"] = which > 0

    # already in care when the history starts: in care since some day before it, some until they are 18
    m = len(legacy)
    eighteen = add_years_days(legacy["dob"].to_numpy(), 18) - 1
    stays = rng.random(m) < P_LEGACY_TO_18
    old = pd.DataFrame({"person_id": legacy["person_id"].to_numpy(), "dob": legacy["dob"].to_numpy(),
                        "start": legacy["start"].to_numpy(),
                        "end": np.where(stays, eighteen, history_start + rng.integers(30, 2200, m)), "long": True})

    care = pd.concat([old, new], ignore_index=True)
    care["end"] = np.minimum(care["end"].to_numpy(), add_years_days(care["dob"].to_numpy(), 18) - 1)
    care = care[(care["start"] <= last_day) & (care["end"] > care["start"]) & (care["start"] >= care["dob"])]
    care = care.sort_values(["person_id", "start"], kind="stable").reset_index(drop=True)
    care = care[keep_first_per_overlap(care["person_id"].to_numpy(), care["start"].to_numpy(),
                                       care["end"].to_numpy())].reset_index(drop=True)
    k = len(care)
    short = _choice(rng, STATUS_SHORT, k)
    long_ = _choice(rng, STATUS_LONG, k)
    care["legal_status"] = np.where(care["long"].to_numpy(), long_, short).astype(object)
    care["legal_status"] = np.where(rng.random(k) < 0.02, "", care["legal_status"]).astype(object)
    return care.drop(columns="long")


def legacy_starts(rng: np.random.Generator, children: pd.DataFrame, history_start: int) -> pd.DataFrame:
    """Children (person_id, dob) in care on `history_start`, each with the day their care began."""
    dob = children["dob"].to_numpy()
    # came into care between birth (most as babies or toddlers) and the history start
    age_at_history = history_start - dob
    frac = rng.beta(1.2, 2.5, len(children))
    start = dob + (frac * age_at_history).astype(np.int64)
    return pd.DataFrame({"person_id": children["person_id"].to_numpy(), "dob": dob,
                         "start": np.minimum(start, history_start - 1)})


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    w = np.array(list(weights.values()), dtype=float)
    return rng.choice(keys, size=n, p=w / w.sum())

