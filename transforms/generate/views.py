"""What each return shows for one period: the world's records seen as they stood at the period end E.

Each builder returns a frame of canonical values (the contract's column names; dates as day numbers with
NA_DAY for blank, integers as Int64, everything else as text with '' for blank) plus `person_id`, the true
person, where the table is about a person. Plans or outcomes still in the future at E show as open.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.generate.calendar import NA_DAY, Period, years_between
from transforms.generate.world import World

NHS_SHOWN = 0.90  # identities carrying an NHS number
UPN_SHOWN = 0.92  # school-age identities carrying a UPN
ADULTS_IN_NOMINALS = 0.45


def referrals(world: World, period: Period) -> pd.DataFrame:
    """List 3: referrals dated in the window."""
    r = world.referrals
    r = r[(r["referral_day"] >= period.start_day) & (r["referral_day"] <= period.end_day)]
    p = world.persons.set_index("person_id").loc[r["person_id"]]
    return pd.DataFrame({
        "child_id": world.child_ids.loc[r["person_id"]].to_numpy(),
        "gender": p["sex"].to_numpy(),
        "ethnicity": p["ethnicity"].to_numpy(),
        "date_of_birth": r["dob"].to_numpy(),
        "age": pd.array(years_between(r["dob"].to_numpy(), r["referral_day"].to_numpy()), dtype="Int64"),
        "referral_date": r["referral_day"].to_numpy(),
        "referral_source": r["referral_source"].to_numpy(),
        "referral_nfa": r["referral_nfa"].to_numpy(),
        "referrals_last_12m": pd.array(r["referrals_last_12m"].to_numpy(), dtype="Int64"),
        "allocated_team": r["allocated_team"].to_numpy(),
        "allocated_worker": r["allocated_worker"].to_numpy(),
        "person_id": r["person_id"].to_numpy(),
    })


def cp_plans(world: World, period: Period, rng: np.random.Generator) -> pd.DataFrame:
    """List 7: plans open at any time in the window, including ones that started before it."""
    c = world.plans
    c = c[(c["start"] <= period.end_day) & (c["end"] >= period.start_day)]
    p = world.persons.set_index("person_id").loc[c["person_id"]]
    end = c["end"].to_numpy()
    latest = c["latest_category"].to_numpy().copy()
    latest[rng.random(len(c)) < 0.03] = ""  # not every plan has its latest category keyed
    return pd.DataFrame({
        "child_id": world.child_ids.loc[c["person_id"]].to_numpy(),
        "gender": p["sex"].to_numpy(),
        "ethnicity": p["ethnicity"].to_numpy(),
        "date_of_birth": c["dob"].to_numpy(),
        "age": pd.array(years_between(c["dob"].to_numpy(), c["start"].to_numpy()), dtype="Int64"),
        "cpp_start_date": c["start"].to_numpy(),
        "initial_category": c["initial_category"].to_numpy(),
        "latest_category": latest,
        # a plan ending after E was still open at E
        "cpp_end_date": np.where(end <= period.end_day, end, NA_DAY),
        "previous_cpp_count": pd.array(c["previous_cpp_count"].to_numpy(), dtype="Int64"),
        "person_id": c["person_id"].to_numpy(),
    })


def child_identity(world: World, period: Period, person_ids: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """csc_child_identity: one row per child in List 3 or List 7."""
    p = world.persons.set_index("person_id").loc[person_ids]
    age_at_end = years_between(p["dob"].to_numpy(), np.full(len(p), period.end_day))
    postcode = p["postcode"].to_numpy().copy()
    postcode[rng.random(len(p)) < 0.03] = ""
    return pd.DataFrame({
        "child_id": world.child_ids.loc[person_ids].to_numpy(),
        "first_name": p["first_name"].to_numpy(),
        "last_name": p["last_name"].to_numpy(),
        "date_of_birth": p["dob"].to_numpy(),
        "sex": p["sex"].to_numpy(),
        "postcode": postcode,
        "nhs_number": np.where(p["u_nhs"].to_numpy() < NHS_SHOWN, p["nhs_number"].to_numpy(), ""),
        "upn": np.where((age_at_end >= 4) & (p["u_upn"].to_numpy() < UPN_SHOWN), p["upn"].to_numpy(), ""),
        "person_id": np.asarray(person_ids),
    })


def ppn(world: World, period: Period) -> pd.DataFrame:
    """police_ppn: notices about incidents in the window submitted by E."""
    n = world.ppn
    n = n[(n["incident_day"] >= period.start_day) & (n["incident_day"] <= period.end_day)
          & (n["submitted_day"] <= period.end_day)]
    return pd.DataFrame({
        "ppn_id": n["ppn_id"].to_numpy(),
        "police_person_id": n["police_person_id"].to_numpy(),
        "incident_date": n["incident_day"].to_numpy(),
        "submitted_date": n["submitted_day"].to_numpy(),
        "ppn_type": n["ppn_type"].to_numpy(),
        "dara_completed": n["dara_completed"].to_numpy(),
        "risk_level": n["risk_level"].to_numpy(),
        "person_id": n["person_id"].to_numpy(),
    })


def nominals(world: World, period: Period, ppn_view: pd.DataFrame) -> pd.DataFrame:
    """police_nominals: records (made by E) of the window's PPN children, some of their carers, and new records."""
    n = world.nominals
    n = n[n["created"] <= period.end_day]
    persons = world.persons.set_index("person_id")
    cited = set(ppn_view["person_id"])
    households = set(persons.loc[list(cited), "household"]) if cited else set()
    household = persons.loc[n["person_id"], "household"].to_numpy()
    # a stable per-person draw, so the same carers appear in every period
    adult_shown = (pd.util.hash_array(n["person_id"].to_numpy().astype(str)) % 1000) / 1000 < ADULTS_IN_NOMINALS
    relevant = (n["person_id"].isin(cited).to_numpy()
                | ((n["role"] == "adult").to_numpy() & np.isin(household, list(households)) & adult_shown)
                | (n["created"] >= period.start_day).to_numpy() & (n["role"] == "adult").to_numpy() & adult_shown)
    n = n[relevant]
    return pd.DataFrame({
        "police_person_id": n["police_person_id"].to_numpy(),
        "first_name": n["first_name"].to_numpy(),
        "last_name": n["last_name"].to_numpy(),
        "date_of_birth": n["dob"].to_numpy(),
        "sex": n["sex"].to_numpy(),
        "postcode": n["postcode"].to_numpy(),
        "address_line": n["address_line"].to_numpy(),
        "pnc_id": n["pnc_id"].to_numpy(),
        "created_date": n["created"].to_numpy(),
        "person_id": n["person_id"].to_numpy(),
    })


def allegations(world: World, period: Period) -> pd.DataFrame:
    """lado_allegations: contacts in the window, with meetings and outcomes known by E."""
    c = world.lado
    c = c[(c["contact_day"] >= period.start_day) & (c["contact_day"] <= period.end_day)]
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


def contacts_sample(world: World, period: Period, rng: np.random.Generator, n: int = 15) -> pd.DataFrame:
    """A handful of List 1 contact rows for the sheet the pipeline ignores."""
    r = referrals(world, period)
    r = r[r["referral_date"] > period.end_day - 92]
    r = r.iloc[np.sort(rng.choice(len(r), size=min(n, len(r)), replace=False))] if len(r) else r
    return r
