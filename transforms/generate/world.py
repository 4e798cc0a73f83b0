"""The synthetic world: one set of people and events spanning every requested period.

Built once per `generate` call, so earlier periods' files and the latest ones describe the same children
and the same events, each seen as it stood at its own period end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from transforms.generate import csc, lado, people, police
from transforms.generate.calendar import Period, add_months, day_number

# Households starting a chain per year at scale 1 (tuned so a 48,000-child borough sees ~2,700 referrals and
# ~4,000 PPNs a year).
CSC_HOUSEHOLDS_PER_YEAR = 1330
POLICE_HOUSEHOLDS_PER_YEAR = 400
CSC_HOUSEHOLDS_KNOWN_TO_POLICE = 0.2
CSC_HISTORY_MONTHS = 36  # referrals and plans before the first window, so plans open at its start exist
POLICE_HISTORY_MONTHS = 12


@dataclass
class World:
    """Everything that happened, with true person ids; the period views pick what each return shows."""

    persons: pd.DataFrame
    referrals: pd.DataFrame
    plans: pd.DataFrame
    ppn: pd.DataFrame
    nominals: pd.DataFrame
    lado: pd.DataFrame
    child_ids: pd.Series  # person_id -> Annex A Child Unique ID


def build_world(periods: list[Period], scale: float, seed: int) -> World:
    """People and events from well before the first window to the last period end, deterministic in `seed`."""
    rng = np.random.default_rng([seed, 20260930])
    last_day = periods[-1].end_day
    first_window = periods[0].window_start
    csc_start = day_number(add_months(first_window, -CSC_HISTORY_MONTHS))
    police_start = day_number(add_months(first_window, -POLICE_HISTORY_MONTHS))

    n_csc = _count(rng, CSC_HOUSEHOLDS_PER_YEAR * scale * (last_day - csc_start) / 365.25)
    csc_anchor = np.sort(csc_start + rng.integers(0, last_day - csc_start + 1, n_csc))
    csc_hh, csc_people = people.make_households(rng, csc_anchor, young_bias=0.25, first_pid=1,
                                                first_household=1, last_day=last_day)
    n_pol = _count(rng, POLICE_HOUSEHOLDS_PER_YEAR * scale * (last_day - police_start) / 365.25)
    pol_anchor = np.sort(police_start + rng.integers(0, last_day - police_start + 1, n_pol))
    pol_hh, pol_people = people.make_households(rng, pol_anchor, young_bias=0.12, first_pid=len(csc_people) + 1,
                                                first_household=n_csc + 1, last_day=last_day)
    persons = pd.concat([csc_people, pol_people], ignore_index=True)
    children = persons[persons["role"] == "child"]

    refs = csc.referrals(rng, csc_hh, children, last_day)
    cp_plans = csc.plans(rng, refs, last_day)

    # Some social care families are also known to the police in their own right; their police story
    # starts within the police history, not decades back.
    known = csc_hh[rng.random(len(csc_hh)) < CSC_HOUSEHOLDS_KNOWN_TO_POLICE].copy()
    known["anchor"] = np.maximum(known["anchor"].to_numpy(), police_start) + rng.integers(0, 400, len(known))
    police_hh = pd.concat([pol_hh, known[known["anchor"] <= last_day]], ignore_index=True)
    ppn = police.incidents(rng, refs, cp_plans, police_hh, children, police_start, last_day)
    nominals, ppn = police.nominals(rng, ppn, persons, last_day, day_number(date(2003, 1, 1)))

    lado_contacts = lado.contacts(rng, day_number(first_window), last_day, scale)

    referred = refs["person_id"].drop_duplicates().to_numpy()
    numbers = rng.permutation(len(referred)) + 100_001
    child_ids = pd.Series([f"LL{n:07d}" for n in numbers], index=referred)
    return World(persons, refs, cp_plans, ppn, nominals, lado_contacts, child_ids)


def _count(rng: np.random.Generator, expected: float) -> int:
    """A Poisson count, at least 1 so the smallest scales still have someone in them."""
    return max(1, int(rng.poisson(max(expected, 0.0))))
