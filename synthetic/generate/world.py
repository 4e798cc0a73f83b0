"""The synthetic world: one set of people and events spanning every requested period.

Built once per `generate` call, so earlier periods' files and the latest ones describe the same children
and the same events, each seen as it stood at its own period end. The same children flow across agencies:
a referral's child has a contact before it, an assessment after it, perhaps a plan, care, missing
episodes, a health referral, suspensions or a place on the exploitation tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from synthetic.generate import (
    assessment,
    care,
    csc,
    education,
    front_door,
    health,
    lado,
    missing,
    partnership,
    people,
    police,
)
from synthetic.generate.calendar import Period, add_months, day_number
from synthetic.generate.events import member, pick_children

# Households starting a chain per year at scale 1 (tuned so a 48,000-child borough sees ~2,700 referrals and
# ~4,000 PPNs a year).
CSC_HOUSEHOLDS_PER_YEAR = 1330
POLICE_HOUSEHOLDS_PER_YEAR = 400
# The wider pool of families other agencies see (and the front door hears about without a referral).
COMMUNITY_HOUSEHOLDS_PER_YEAR = 8000
CSC_HOUSEHOLDS_KNOWN_TO_POLICE = 0.2
CSC_HISTORY_MONTHS = 36  # referrals and plans before the first window, so plans open at its start exist
POLICE_HISTORY_MONTHS = 12
COMMUNITY_HISTORY_MONTHS = 12


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
    contacts: pd.DataFrame
    assessments: pd.DataFrame
    section47: pd.DataFrame
    cin: pd.DataFrame
    care: pd.DataFrame
    missing: pd.DataFrame
    interviews: pd.DataFrame
    health: pd.DataFrame
    deaths: pd.DataFrame
    suspensions: pd.DataFrame
    cme: pd.DataFrame
    tracker: pd.DataFrame
    training: pd.DataFrame

    @cached_property
    def by_person(self) -> pd.DataFrame:
        """`persons` indexed by person_id (built once: views look people up many times)."""
        return self.persons.set_index("person_id")


def build_world(periods: list[Period], scale: float, seed: int) -> World:
    """People and events from well before the first window to the last period end, deterministic in `seed`."""
    rng = np.random.default_rng([seed, 20260930])
    last_day = periods[-1].end_day
    first_window = periods[0].window_start
    first_day = day_number(first_window)
    csc_start = day_number(add_months(first_window, -CSC_HISTORY_MONTHS))
    police_start = day_number(add_months(first_window, -POLICE_HISTORY_MONTHS))
    community_start = day_number(add_months(first_window, -COMMUNITY_HISTORY_MONTHS))

    csc_hh, csc_people = _households(rng, CSC_HOUSEHOLDS_PER_YEAR * scale, csc_start, last_day, 0.25, 1, 1)
    pol_hh, pol_people = _households(rng, POLICE_HOUSEHOLDS_PER_YEAR * scale, police_start, last_day, 0.12,
                                     len(csc_people) + 1, len(csc_hh) + 1)
    com_hh, com_people = _households(rng, COMMUNITY_HOUSEHOLDS_PER_YEAR * scale, community_start, last_day, 0.15,
                                     len(csc_people) + len(pol_people) + 1, len(csc_hh) + len(pol_hh) + 1)
    # children already in care when the referral history starts (one child, or a sibling group)
    n_legacy = max(1, int(rng.poisson(care.LEGACY_PER_YEAR_OF_AGE * 17 * scale * 0.75)))
    leg_hh, leg_people = people.make_households(
        rng, np.full(n_legacy, csc_start), young_bias=0.3, first_pid=len(csc_people) + len(pol_people)
        + len(com_people) + 1, first_household=len(csc_hh) + len(pol_hh) + len(com_hh) + 1, last_day=last_day)
    persons = pd.concat([csc_people, pol_people, com_people, leg_people], ignore_index=True)
    children = persons[persons["role"] == "child"]

    refs = csc.referrals(rng, csc_hh, children, last_day)
    cp_plans = csc.plans(rng, refs, last_day)
    assessed = assessment.assessments(rng, refs, cp_plans)
    enquiries = assessment.section47(rng, assessed, cp_plans)
    in_care_events = leg_hh[["household"]].assign(day=csc_start - 1, event=np.arange(len(leg_hh)))
    legacy_children = pick_children(rng, in_care_events, children, 0.3)
    legacy = care.legacy_starts(rng, legacy_children, csc_start)
    episodes = care.looked_after(rng, cp_plans, assessed, legacy, csc_start, last_day)
    cin = assessment.children_in_need(rng, refs, assessed, cp_plans, episodes)
    contacts = front_door.contacts(rng, refs, csc_hh, com_hh, children, first_day, last_day)

    # Some social care families are also known to the police in their own right; their police story
    # starts within the police history, not decades back.
    known = csc_hh[rng.random(len(csc_hh)) < CSC_HOUSEHOLDS_KNOWN_TO_POLICE].copy()
    known["anchor"] = np.maximum(known["anchor"].to_numpy(), police_start) + rng.integers(0, 400, len(known))
    police_hh = pd.concat([pol_hh, known[known["anchor"] <= last_day]], ignore_index=True)
    ppn = police.incidents(rng, refs, cp_plans, police_hh, children, police_start, last_day)
    police_children = children[np.isin(children["household"], pol_hh["household"])]
    community_children = children[np.isin(children["household"], com_hh["household"])]
    episodes_missing = missing.episodes(rng, episodes, refs, police_children, community_children, first_day,
                                        last_day, scale)
    nominals, ppn, episodes_missing = police.nominals(rng, ppn, episodes_missing, persons, last_day,
                                                      day_number(date(2003, 1, 1)))

    # Annex A ids for every child the front door or social care has met
    known_ids = pd.concat([contacts["person_id"], refs["person_id"], episodes["person_id"]]).drop_duplicates()
    numbers = rng.permutation(len(known_ids)) + 100_001
    child_ids = pd.Series([f"LL{n:07d}" for n in numbers], index=known_ids.to_numpy())
    interviews = missing.return_interviews(rng, episodes_missing, child_ids)

    # other agencies draw on the wider pool and on children social care knows
    csc_children = children[member(children["person_id"], child_ids.index)]
    pool = pd.concat([community_children, csc_children]).drop_duplicates("person_id")
    health_refs = health.safeguarding_referrals(rng, contacts, persons, pool, first_day, last_day, scale)
    deaths = health.child_deaths(rng, first_day, last_day, scale)
    area_schools = education.schools(rng, scale)
    persons = people.assign_upns(rng, persons)
    suspensions = education.suspensions(rng, refs, police_children, pool, persons, area_schools, first_day,
                                        last_day, scale)
    cme = education.missing_education(rng, cp_plans, refs, pool, persons, first_day, last_day, scale)
    adults = persons[persons["role"] == "adult"]
    tracker = partnership.tracker(rng, refs, ppn, episodes_missing, community_children, csc_children, adults, persons,
                                  first_day, last_day, scale)
    training = partnership.training(rng, first_day, last_day, scale)
    lado_contacts = lado.contacts(rng, first_day, last_day, scale)

    # NHS numbers only for the people an NHS-bearing return shows (identity, health, tracker)
    shown = np.concatenate([child_ids.index.to_numpy(dtype=object), health_refs["person_id"].to_numpy(dtype=object),
                            tracker["person_id"].to_numpy(dtype=object)])
    persons = people.assign_nhs_numbers(rng, persons, member(persons["person_id"], shown))
    nhs = persons.set_index("person_id")["nhs_number"]
    health_refs["nhs_number"] = np.where(health_refs["nhs_shown"], nhs.reindex(health_refs["person_id"]).to_numpy(), "")
    tracker["nhs_number"] = np.where(tracker["nhs_shown"], nhs.reindex(tracker["person_id"]).to_numpy(), "")
    return World(persons, refs, cp_plans, ppn, nominals, lado_contacts, child_ids, contacts, assessed, enquiries, cin,
                 episodes, episodes_missing, interviews, health_refs, deaths, suspensions, cme, tracker, training)


def _households(rng: np.random.Generator, per_year: float, start: int, last_day: int, young_bias: float,
                first_pid: int, first_household: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Households whose first contact with a service falls uniformly between `start` and `last_day`."""
    n = _count(rng, per_year * (last_day - start) / 365.25)
    anchors = np.sort(start + rng.integers(0, last_day - start + 1, n))
    return people.make_households(rng, anchors, young_bias=young_bias, first_pid=first_pid,
                                  first_household=first_household, last_day=last_day)


def _count(rng: np.random.Generator, expected: float) -> int:
    """A Poisson count, at least 1 so the smallest scales still have someone in them."""
    return max(1, int(rng.poisson(max(expected, 0.0))))
