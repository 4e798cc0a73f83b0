"""Education returns: suspensions and exclusions (school census categories), and children missing education.

Suspensions come in runs per pupil (about 3,500 events a year in a borough from fewer pupils, most in
secondary school, ~30 permanent exclusions after which the pupil attends a pupil referral unit). Children
known to social care are over-represented. Children missing education are identified by the local
authority and resolved within weeks or months; some are children on a child protection plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import edu_suspensions
from synthetic.generate import identifiers, variants
from synthetic.generate.calendar import add_years_days, month_of, next_weekday
from synthetic.generate.events import chains, sample_eligible

SCHOOLS_AT_SCALE_1 = {"PRIMARY": 52, "SECONDARY": 14, "SPECIAL": 4, "PRU": 2, "INDEPENDENT": 3, "POST16": 2}
P_REFERRED_PUPIL = 0.15  # referrals of school-age children followed by a run of suspensions
P_POLICE_PUPIL = 0.15
OTHER_PUPILS_PER_YEAR = 2100  # pupils with a first suspension not otherwise known, per year at scale 1
STEPS = ((0.45, 7, 150),)  # another suspension within the school year, else the run ends
P_SPECIAL = 0.08
P_INDEPENDENT = 0.015
P_PERM = 0.008
P_LUNCH = 0.05
P_UNNAMED = 0.02
SESSIONS = {1: 0.12, 2: 0.35, 3: 0.12, 4: 0.18, 5: 0.05, 6: 0.10, 8: 0.04, 10: 0.04}
REASONS = {"DB": 0.32, "VA": 0.15, "PP": 0.12, "VP": 0.07, "PA": 0.06, "OT": 0.08, "DM": 0.04, "DA": 0.04,
           "MT": 0.03, "BU": 0.02, "RA": 0.02, "SM": 0.01, "TH": 0.02, "": 0.02}  # school census codes

CME_PER_YEAR = 290
P_CME_ON_PLAN = 0.04
P_CME_REFERRED = 0.20
CME_LENGTHS = ((0.45, 5, 30), (0.35, 31, 120), (0.15, 121, 365), (0.05, 366, 700))
CME_REASONS = {
    "Moved out of area - destination unknown": 0.24, "Not on roll - new arrival to the area": 0.22,
    "Failed to return from extended holiday": 0.10, "Removed from roll - no school place": 0.08,
    "Elective home education - not suitable": 0.07, "Child missing from home": 0.06,
    "Gypsy, Roma and Traveller family moving": 0.05, "Permanently excluded - no place": 0.04,
    "Persistent absence - whereabouts unknown": 0.09, "Other": 0.05,
}
CME_UPN_SHOWN = 0.8  # new arrivals and children never on a roll have no UPN

assert set(SCHOOLS_AT_SCALE_1) == set(edu_suspensions.PHASES)


def schools(rng: np.random.Generator, scale: float) -> pd.DataFrame:
    """The area's schools: a 6-digit URN and a phase each."""
    counts = {phase: max(1, round(n * scale)) for phase, n in SCHOOLS_AT_SCALE_1.items()}
    phase = np.repeat(np.array(list(counts), dtype=object), list(counts.values()))
    urn = 100000 + identifiers.unique_numbers(rng, len(phase), 0, 50000)
    return pd.DataFrame({"urn": urn.astype(str).astype(object), "phase": phase})


def suspensions(rng: np.random.Generator, refs: pd.DataFrame, police_children: pd.DataFrame, pool: pd.DataFrame,
                persons: pd.DataFrame, area_schools: pd.DataFrame, first_day: int, last_day: int,
                scale: float) -> pd.DataFrame:
    """Every suspension event from `first_day`: pupil, school, category, sessions, reason."""
    starts = []
    age = (refs["referral_day"] - refs["dob"]).to_numpy() / 365.25
    r = refs[(age >= 5) & (age < 16) & (rng.random(len(refs)) < P_REFERRED_PUPIL)]
    starts.append(pd.DataFrame({"person_id": r["person_id"].to_numpy(), "dob": r["dob"].to_numpy(),
                                "day": r["referral_day"].to_numpy() + rng.integers(-300, 301, len(r))}))
    pc = police_children[rng.random(len(police_children)) < P_POLICE_PUPIL]
    lo = np.maximum(add_years_days(pc["dob"].to_numpy(), 5), first_day - 300)
    hi = np.minimum(add_years_days(pc["dob"].to_numpy(), 16), last_day)
    ok = lo <= hi
    starts.append(pd.DataFrame({"person_id": pc["person_id"].to_numpy()[ok], "dob": pc["dob"].to_numpy()[ok],
                                "day": lo[ok] + (rng.random(int(ok.sum())) * (hi - lo)[ok]).astype(np.int64)}))
    span = last_day - first_day + 301
    n = int(rng.poisson(OTHER_PUPILS_PER_YEAR * scale * span / 365.25))
    days = first_day - 300 + rng.integers(0, span, n)
    # secondary-age pupils are suspended far more often than primary-age ones
    who = sample_eligible(rng, pool["dob"].to_numpy(), days, 5, 17,
                          weight=lambda a: np.where(a < 11, 0.12, np.where(a < 16, 1.0, 0.25)))
    ok = who >= 0
    starts.append(pd.DataFrame({"person_id": pool["person_id"].to_numpy()[who[ok]],
                                "dob": pool["dob"].to_numpy()[who[ok]], "day": days[ok]}))
    first = pd.concat(starts, ignore_index=True).sort_values(["day", "person_id"], kind="stable")
    first = first.drop_duplicates("person_id").reset_index(drop=True)

    owner, day = chains(rng, first["day"].to_numpy(), STEPS, last_day + 60)
    day = _school_day(day)
    ev = pd.DataFrame({"pupil": owner, "person_id": first["person_id"].to_numpy()[owner],
                       "dob": first["dob"].to_numpy()[owner], "day": day})
    ev = ev[(ev["day"] >= first_day) & (ev["day"] <= last_day)
            & (ev["day"] >= add_years_days(ev["dob"].to_numpy(), 4))
            & (ev["day"] < add_years_days(ev["dob"].to_numpy(), 18))]
    ev = ev.sort_values(["pupil", "day"], kind="stable").drop_duplicates(["pupil", "day"]).reset_index(drop=True)
    m = len(ev)
    u = rng.random(m)
    category = np.where(u < P_PERM, "PERM", np.where(u < P_PERM + P_LUNCH, "LNCH", "SUSP")).astype(object)
    # after a permanent exclusion the pupil attends a pupil referral unit
    perm_before = pd.Series(category == "PERM").groupby(ev["pupil"].to_numpy()).cumsum().to_numpy() \
        - (category == "PERM")
    ev["category"] = category
    ev["school_urn"], ev["school_phase"] = _schools_for(rng, ev, first, area_schools, perm_before > 0)
    sessions = np.array(list(SESSIONS))
    w = np.array(list(SESSIONS.values()))
    ev["sessions"] = pd.array(np.where(category == "LNCH", 1, rng.choice(sessions, size=m, p=w / w.sum())),
                              dtype="Int64")
    ev.loc[category == "PERM", "sessions"] = pd.NA
    keys = np.array(list(REASONS), dtype=object)
    w = np.array(list(REASONS.values()))
    ev["reason"] = rng.choice(keys, size=m, p=w / w.sum())

    # the pupil as the school's system holds them (a preferred first name now and then)
    pupils = first[["person_id"]].copy()
    details = persons.set_index("person_id").loc[pupils["person_id"], ["first_name", "last_name", "dob", "sex",
                                                                        "postcode", "upn"]].reset_index()
    span_first = ev.groupby("pupil")["day"].min().reindex(np.arange(len(first))).fillna(last_day).to_numpy()
    span_last = ev.groupby("pupil")["day"].max().reindex(np.arange(len(first))).fillna(last_day).to_numpy()
    details = variants.vary(rng, details, "school", span_first.astype(np.int64), span_last.astype(np.int64))
    # names are optional in this return and a few schools' exports leave them out: the UPN names the pupil
    unnamed = rng.random(len(details)) < P_UNNAMED
    details.loc[unnamed, ["first_name", "last_name"]] = ""
    at = ev["pupil"].to_numpy()
    for column in ("first_name", "last_name", "sex", "upn"):
        ev[column] = details[column].to_numpy()[at]
    ev["record_dob"] = details["dob"].to_numpy()[at]
    ev = ev.sort_values(["day", "person_id"], kind="stable").reset_index(drop=True)
    return ev.drop(columns="pupil")


def _school_day(day: np.ndarray) -> np.ndarray:
    """Term-time weekdays: an August day moves into September, a weekend to the Monday."""
    day = np.where(month_of(day) == 8, day + 35, day)
    return next_weekday(day)


def _schools_for(rng: np.random.Generator, ev: pd.DataFrame, pupils: pd.DataFrame, area_schools: pd.DataFrame,
                 excluded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each event's school: the pupil's primary, secondary (or sixth form college), special or independent."""
    by_phase = {p: g["urn"].to_numpy() for p, g in area_schools.groupby("phase")}
    k = len(pupils)
    pick = {p: urns[rng.integers(len(urns), size=k)] for p, urns in by_phase.items()}
    u = rng.random(k)
    college = rng.random(k) < 0.5
    at = ev["pupil"].to_numpy()
    age = (ev["day"] - ev["dob"]).to_numpy() / 365.25
    phase = np.where(age < 11, "PRIMARY", np.where((age >= 16) & college[at], "POST16", "SECONDARY")).astype(object)
    phase[(u < P_SPECIAL)[at]] = "SPECIAL"
    phase[((u >= P_SPECIAL) & (u < P_SPECIAL + P_INDEPENDENT))[at]] = "INDEPENDENT"
    phase[excluded] = "PRU"
    urn = np.empty(len(ev), dtype=object)
    for p, urns in pick.items():
        here = phase == p
        urn[here] = urns[at[here]]
    return urn, phase


def missing_education(rng: np.random.Generator, plans: pd.DataFrame, refs: pd.DataFrame, pool: pd.DataFrame,
                      persons: pd.DataFrame, first_day: int, last_day: int, scale: float) -> pd.DataFrame:
    """Children missing education identified from two years before `first_day` (cases may stay open long)."""
    start = first_day - 730
    span = last_day - start + 1
    total = int(rng.poisson(CME_PER_YEAR * scale * span / 365.25))
    cases = []
    # children on a plan: identified while the plan is open
    plan_age_lo = np.maximum(plans["start"].to_numpy(), add_years_days(plans["dob"].to_numpy(), 5))
    plan_hi = np.minimum.reduce([plans["end"].to_numpy(), add_years_days(plans["dob"].to_numpy(), 16) - 1,
                                 np.full(len(plans), last_day)])
    ok = np.flatnonzero((plan_age_lo <= plan_hi) & (plan_age_lo >= start))
    take = rng.permutation(ok)[: int(total * P_CME_ON_PLAN)]
    day = plan_age_lo[take] + (rng.random(len(take)) * (plan_hi - plan_age_lo)[take]).astype(np.int64)
    cases.append(pd.DataFrame({"person_id": plans["person_id"].to_numpy()[take], "dob": plans["dob"].to_numpy()[take],
                               "day": day, "on_plan": True}))
    # children referred to social care, within months of the referral
    age = (refs["referral_day"] - refs["dob"]).to_numpy() / 365.25
    ok = np.flatnonzero((age >= 5.5) & (age < 15.5))
    take = rng.permutation(ok)[: int(total * P_CME_REFERRED)]
    cases.append(pd.DataFrame({"person_id": refs["person_id"].to_numpy()[take], "dob": refs["dob"].to_numpy()[take],
                               "day": refs["referral_day"].to_numpy()[take] + rng.integers(-150, 151, len(take)),
                               "on_plan": False}))
    rest = max(0, total - sum(len(c) for c in cases))
    days = start + rng.integers(0, span, rest)
    who = sample_eligible(rng, pool["dob"].to_numpy(), days, 5, 16)
    ok = who >= 0
    cases.append(pd.DataFrame({"person_id": pool["person_id"].to_numpy()[who[ok]],
                               "dob": pool["dob"].to_numpy()[who[ok]], "day": days[ok], "on_plan": False}))
    cme = pd.concat(cases, ignore_index=True)
    cme = cme[(cme["day"] >= start) & (cme["day"] <= last_day)
              & (cme["day"] >= add_years_days(cme["dob"].to_numpy(), 5))]
    cme = cme.sort_values(["day", "person_id"], kind="stable").drop_duplicates("person_id").reset_index(drop=True)
    n = len(cme)
    p = np.array([x[0] for x in CME_LENGTHS])
    which = rng.choice(len(CME_LENGTHS), size=n, p=p / p.sum())
    which = np.where(cme["on_plan"].to_numpy(), np.maximum(which, 1), which)  # on a plan: not found quickly
    length = rng.integers(np.array([x[1] for x in CME_LENGTHS])[which],
                          np.array([x[2] for x in CME_LENGTHS])[which] + 1)
    cme["resolved"] = cme["day"].to_numpy() + length
    keys = np.array(list(CME_REASONS), dtype=object)
    w = np.array(list(CME_REASONS.values()))
    cme["reason"] = rng.choice(keys, size=n, p=w / w.sum())
    details = persons.set_index("person_id").loc[cme["person_id"], ["first_name", "last_name", "dob", "sex",
                                                                      "postcode", "upn"]].reset_index()
    day = cme["day"].to_numpy()
    details = variants.vary(rng, details, "cme", day, day)
    for column in ("first_name", "last_name", "sex", "postcode"):
        cme[column] = details[column].to_numpy()
    cme["record_dob"] = details["dob"].to_numpy()
    cme["upn"] = np.where(rng.random(n) < CME_UPN_SHOWN, details["upn"].to_numpy(), "").astype(object)
    cme["cme_id"] = identifiers.yearly_ids(day, "CME{yy:02d}{n:04d}")
    return cme

