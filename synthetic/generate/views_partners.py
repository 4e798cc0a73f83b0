"""What health, education, LADO and the partnership's own returns show at a period end E.

Canonical values as in `views_csc.py`. Person records carry the details as the agency holds them (a typo,
a nickname, an old postcode) and `person_id`, the true person.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.generate.calendar import NA_DAY, Period
from synthetic.generate.world import World


def _in_window(days: pd.Series, period: Period) -> pd.Series:
    return (days >= period.start_day) & (days <= period.end_day)


def _by_e(days: np.ndarray, period: Period) -> np.ndarray:
    days = np.asarray(days, dtype=np.int64)
    return np.where((days != NA_DAY) & (days <= period.end_day), days, NA_DAY)


def health_referrals(world: World, period: Period) -> pd.DataFrame:
    """health_safeguarding: referrals made in the window."""
    h = world.health[_in_window(world.health["day"], period)]
    return pd.DataFrame({
        "referral_id": h["referral_id"].to_numpy(), "first_name": h["first_name"].to_numpy(),
        "last_name": h["last_name"].to_numpy(), "date_of_birth": h["record_dob"].to_numpy(),
        "sex": h["sex"].to_numpy(), "postcode": h["postcode"].to_numpy(), "nhs_number": h["nhs_number"].to_numpy(),
        "provider_type": h["provider_type"].to_numpy(), "referral_date": h["day"].to_numpy(),
        "concern": h["concern"].to_numpy(), "referred_to_mash": h["referred_to_mash"].to_numpy(),
        "person_id": h["person_id"].to_numpy(),
    })


def child_deaths(world: World, period: Period) -> pd.DataFrame:
    """health_cdop: deaths in the window, and earlier deaths reviewed in it; findings once reviewed by E."""
    d = world.deaths
    reviewed_in = _in_window(d["review"], period)
    d = d[(d["death"] <= period.end_day) & (_in_window(d["death"], period) | reviewed_in)]
    review = _by_e(d["review"].to_numpy(), period)
    done = review != NA_DAY
    return pd.DataFrame({
        "case_id": d["case_id"].to_numpy(), "date_of_birth": d["dob"].to_numpy(),
        "date_of_death": d["death"].to_numpy(), "residence_la": d["residence_la"].to_numpy(),
        "review_date": review,
        "category": np.where(done, d["category"].to_numpy(), "").astype(object),
        "modifiable_factors": np.where(done, d["modifiable_factors"].to_numpy(), "").astype(object),
        "learning_identified": np.where(done, d["learning_identified"].to_numpy(), "").astype(object),
        "joint_agency_response": d["joint_agency_response"].to_numpy(),
    })


def suspensions(world: World, period: Period) -> pd.DataFrame:
    """edu_suspensions: suspensions and exclusions starting in the window."""
    s = world.suspensions[_in_window(world.suspensions["day"], period)]
    return pd.DataFrame({
        "upn": s["upn"].to_numpy(), "first_name": s["first_name"].to_numpy(), "last_name": s["last_name"].to_numpy(),
        "date_of_birth": s["record_dob"].to_numpy(), "sex": s["sex"].to_numpy(),
        "school_urn": s["school_urn"].to_numpy(), "school_phase": s["school_phase"].to_numpy(),
        "category": s["category"].to_numpy(), "start_date": s["day"].to_numpy(),
        "sessions": pd.array(s["sessions"].to_numpy(), dtype="Int64"), "reason": s["reason"].to_numpy(),
        "person_id": s["person_id"].to_numpy(),
    })


def missing_education(world: World, period: Period) -> pd.DataFrame:
    """edu_cme: cases open at any time in the window (identified by E, not resolved before the window)."""
    c = world.cme
    c = c[(c["day"] <= period.end_day) & (c["resolved"] >= period.start_day)]
    return pd.DataFrame({
        "cme_id": c["cme_id"].to_numpy(), "upn": c["upn"].to_numpy(), "first_name": c["first_name"].to_numpy(),
        "last_name": c["last_name"].to_numpy(), "date_of_birth": c["record_dob"].to_numpy(),
        "sex": c["sex"].to_numpy(), "postcode": c["postcode"].to_numpy(), "identified_date": c["day"].to_numpy(),
        "resolved_date": _by_e(c["resolved"].to_numpy(), period), "reason": c["reason"].to_numpy(),
        "person_id": c["person_id"].to_numpy(),
    })


def tracker(world: World, period: Period) -> pd.DataFrame:
    """vulnerability_tracker: individuals open at any time in the window, with their status at E."""
    t = world.tracker
    t = t[(t["day"] <= period.end_day) & (t["closed"] >= period.start_day)]
    closed = _by_e(t["closed"].to_numpy(), period)
    status = np.where(closed != NA_DAY, "CLOSED",
                      np.where(t["intervention"].to_numpy() <= period.end_day, "INTERVENTION", "NEW")).astype(object)
    return pd.DataFrame({
        "individual_id": t["individual_id"].to_numpy(), "first_name": t["first_name"].to_numpy(),
        "last_name": t["last_name"].to_numpy(), "date_of_birth": t["record_dob"].to_numpy(),
        "sex": t["sex"].to_numpy(), "postcode": t["postcode"].to_numpy(), "nhs_number": t["nhs_number"].to_numpy(),
        "exploitation_type": t["exploitation_type"].to_numpy(), "identified_date": t["day"].to_numpy(),
        "status": status, "closed_date": closed, "person_id": t["person_id"].to_numpy(),
    })


def training(world: World, period: Period) -> pd.DataFrame:
    """training_attendance: courses held in the window, one row per attending agency."""
    t = world.training[_in_window(world.training["course_day"], period)]
    return pd.DataFrame({
        "course_id": t["course_id"].to_numpy(), "module": t["module"].to_numpy(),
        "course_date": t["course_day"].to_numpy(), "attendee_agency": t["attendee_agency"].to_numpy(),
        "attendees": pd.array(t["attendees"].to_numpy(), dtype="Int64"),
    })


def allegations(world: World, period: Period) -> pd.DataFrame:
    """lado_allegations: contacts in the window, with meetings and outcomes known by E."""
    c = world.lado
    c = c[_in_window(c["contact_day"], period)]
    pot = c["pot_day"].to_numpy()
    out_day = c["outcome_day"].to_numpy()
    met = (pot != NA_DAY) & (pot <= period.end_day)
    concluded = (out_day != NA_DAY) & (out_day <= period.end_day)
    outcome = np.where(concluded, c["outcome"].to_numpy(),
                       np.where(met & (c["u_report"].to_numpy() < 0.6), "NOT_CONCLUDED", ""))
    return pd.DataFrame({
        "case_id": c["case_id"].to_numpy(),
        "contact_date": c["contact_day"].to_numpy(),
        "contact_type": c["contact_type"].to_numpy(),
        "referrer_type": c["referrer_type"].to_numpy(),
        "subject_sector": c["subject_sector"].to_numpy(),
        "pot_meeting_date": np.where(met, pot, NA_DAY),
        "outcome": outcome.astype(object),
        "outcome_date": np.where(concluded, out_day, NA_DAY),
    })

