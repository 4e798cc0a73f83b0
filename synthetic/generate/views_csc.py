"""What children's social care returns show at a period end E: the Annex A lists, child identity, interviews.

Each builder returns canonical values (the contract's column names; dates as day numbers with NA_DAY for
blank, integers as Int64, text with '' for blank) plus `person_id`, the true child. Anything decided after
E (an authorisation, a conference, a closure) shows as not yet happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.generate.calendar import NA_DAY, Period, years_between
from synthetic.generate.events import member
from synthetic.generate.world import World

NHS_SHOWN = 0.90  # identities carrying an NHS number
UPN_SHOWN = 0.92  # school-age identities carrying a UPN


def _child(world: World, person_id: np.ndarray, dob: np.ndarray, event: np.ndarray) -> dict:
    """The columns every Annex A list starts with, for children `person_id` at their list's event day."""
    p = world.by_person.loc[person_id]
    return {
        "child_id": world.child_ids.loc[person_id].to_numpy(),
        "gender": p["sex"].to_numpy(),
        "ethnicity": p["ethnicity"].to_numpy(),
        "date_of_birth": np.asarray(dob),
        "age": pd.array(years_between(dob, event), dtype="Int64"),
    }


def _by_e(days: np.ndarray, period: Period) -> np.ndarray:
    """Days after E are not known yet at E."""
    days = np.asarray(days, dtype=np.int64)
    return np.where((days != NA_DAY) & (days <= period.end_day), days, NA_DAY)


def _in_window(days: pd.Series, period: Period) -> pd.Series:
    return (days >= period.start_day) & (days <= period.end_day)


def contacts(world: World, period: Period, rng: np.random.Generator) -> pd.DataFrame:
    """List 1: contacts dated in the window, decided (outcome and date) by E or still awaiting a decision."""
    c = world.contacts[_in_window(world.contacts["contact_day"], period)]
    decided = _by_e(c["decision_day"].to_numpy(), period)
    outcome = np.where(decided != NA_DAY, c["contact_outcome"].to_numpy(), "").astype(object)
    decided = np.where(rng.random(len(c)) < 0.02, NA_DAY, decided)  # outcome keyed, decision date not
    return pd.DataFrame({
        **_child(world, c["person_id"].to_numpy(), c["dob"].to_numpy(), c["contact_day"].to_numpy()),
        "contact_date": c["contact_day"].to_numpy(), "contact_source": c["contact_source"].to_numpy(),
        "contact_outcome": outcome, "decision_date": decided, "person_id": c["person_id"].to_numpy(),
    })


def referrals(world: World, period: Period) -> pd.DataFrame:
    """List 3: referrals dated in the window."""
    r = world.referrals[_in_window(world.referrals["referral_day"], period)]
    return pd.DataFrame({
        **_child(world, r["person_id"].to_numpy(), r["dob"].to_numpy(), r["referral_day"].to_numpy()),
        "referral_date": r["referral_day"].to_numpy(),
        "referral_source": r["referral_source"].to_numpy(),
        "referral_nfa": r["referral_nfa"].to_numpy(),
        "referrals_last_12m": pd.array(r["referrals_last_12m"].to_numpy(), dtype="Int64"),
        "allocated_team": r["allocated_team"].to_numpy(),
        "allocated_worker": r["allocated_worker"].to_numpy(),
        "person_id": r["person_id"].to_numpy(),
    })


def assessments(world: World, period: Period) -> pd.DataFrame:
    """List 4: assessments started in the window; factors and the decision appear once authorised by E."""
    a = world.assessments[_in_window(world.assessments["start"], period)]
    authorised = _by_e(a["authorised"].to_numpy(), period)
    done = authorised != NA_DAY
    return pd.DataFrame({
        **_child(world, a["person_id"].to_numpy(), a["dob"].to_numpy(), a["start"].to_numpy()),
        "assessment_start_date": a["start"].to_numpy(), "child_seen": a["child_seen"].to_numpy(),
        "assessment_authorised_date": authorised,
        "further_action": np.where(done, a["further_action"].to_numpy(), "").astype(object),
        "assessment_factors": np.where(done, a["factors"].to_numpy(), "").astype(object),
        "person_id": a["person_id"].to_numpy(),
    })


def section47(world: World, period: Period) -> pd.DataFrame:
    """List 5: enquiries started in the window; the conference and its outcome once held by E."""
    s = world.section47[_in_window(world.section47["s47_start"], period)]
    icpc = _by_e(s["icpc_day"].to_numpy(), period)
    held = icpc != NA_DAY
    # "no conference needed" is decided within about ten days of the strategy discussion
    decided = held | ((s["icpc_unnecessary"] == "Y").to_numpy() & (s["s47_start"].to_numpy() + 10 <= period.end_day))
    return pd.DataFrame({
        **_child(world, s["person_id"].to_numpy(), s["dob"].to_numpy(), s["s47_start"].to_numpy()),
        "s47_start_date": s["s47_start"].to_numpy(),
        "icpc_unnecessary": np.where(decided, s["icpc_unnecessary"].to_numpy(), "").astype(object),
        "icpc_date": icpc,
        "icpc_led_to_plan": np.where(held, s["icpc_led_to_plan"].to_numpy(), "").astype(object),
        "person_id": s["person_id"].to_numpy(),
    })


def children_in_need(world: World, period: Period) -> pd.DataFrame:
    """List 6: child-in-need episodes open at any time in the window (some started years before)."""
    c = world.cin
    c = c[(c["start"] <= period.end_day) & (c["end"] >= period.start_day)]
    closed = _by_e(c["end"].to_numpy(), period)
    person = c["person_id"].to_numpy()
    on_plan = _open_at(world.plans, person, period.end_day)
    in_care = _open_at(world.care, person, period.end_day)
    status = np.where(closed != NA_DAY, "Closed", np.where(in_care, "Open - Looked After",
                      np.where(on_plan, "Open - Child Protection", "Open - Child in Need"))).astype(object)
    need = np.where(c["u_need_blank"].to_numpy() < 0.03, "", c["primary_need"].to_numpy()).astype(object)
    return pd.DataFrame({
        **_child(world, person, c["dob"].to_numpy(), c["start"].to_numpy()),
        "cin_start_date": c["start"].to_numpy(), "primary_need": need, "cin_closure_date": closed,
        "case_status": status, "person_id": person,
    })


def _open_at(episodes: pd.DataFrame, person: np.ndarray, day: int) -> np.ndarray:
    """Whether each person has an episode (start, end) open on `day`."""
    open_now = episodes[(episodes["start"] <= day) & (episodes["end"] > day)]
    return member(person, open_now["person_id"])


def cp_plans(world: World, period: Period, rng: np.random.Generator) -> pd.DataFrame:
    """List 7: plans open at any time in the window, including ones that started before it."""
    c = world.plans
    c = c[(c["start"] <= period.end_day) & (c["end"] >= period.start_day)]
    latest = c["latest_category"].to_numpy().copy()
    latest[rng.random(len(c)) < 0.03] = ""  # not every plan has its latest category keyed
    return pd.DataFrame({
        **_child(world, c["person_id"].to_numpy(), c["dob"].to_numpy(), c["start"].to_numpy()),
        "cpp_start_date": c["start"].to_numpy(),
        "initial_category": c["initial_category"].to_numpy(),
        "latest_category": latest,
        # a plan ending after E was still open at E
        "cpp_end_date": _by_e(c["end"].to_numpy(), period),
        "previous_cpp_count": pd.array(c["previous_cpp_count"].to_numpy(), dtype="Int64"),
        "person_id": c["person_id"].to_numpy(),
    })


def looked_after(world: World, period: Period) -> pd.DataFrame:
    """List 8: care episodes open at any time in the window, with missing episodes in the 12 months to E."""
    c = world.care
    c = c[(c["start"] <= period.end_day) & (c["end"] >= period.start_day)].reset_index(drop=True)
    m = world.missing
    recent = pd.DataFrame({"person_id": m["person_id"].to_numpy(), "day": m["missing_from"].to_numpy() // 1440,
                           "at": m["missing_from"].to_numpy(), "report_id": m["report_id"].to_numpy()})
    recent = recent[(recent["day"] > period.end_day - 365) & (recent["day"] <= period.end_day)]
    hits = recent.merge(c[["person_id", "start", "end"]].reset_index(), on="person_id")
    hits = hits[(hits["day"] >= hits["start"]) & (hits["day"] <= hits["end"])]
    count = hits.groupby("index").size().reindex(np.arange(len(c)), fill_value=0).to_numpy()
    # was a return interview offered (by E) after the last of those episodes?
    i = world.interviews
    offered = pd.Series(((i["offered"] != NA_DAY) & (i["offered"] <= period.end_day)).to_numpy(),
                        index=i["report_id"].to_numpy())
    last = hits.sort_values("at", kind="stable").groupby("index")["report_id"].last()
    rhi = pd.Series("", index=np.arange(len(c)), dtype=object)
    rhi.loc[last.index] = np.where(offered.reindex(last.to_numpy()).fillna(False).to_numpy(), "Y", "N")
    return pd.DataFrame({
        **_child(world, c["person_id"].to_numpy(), c["dob"].to_numpy(), c["start"].to_numpy()),
        "lac_start_date": c["start"].to_numpy(), "legal_status": c["legal_status"].to_numpy(),
        "lac_end_date": _by_e(c["end"].to_numpy(), period),
        "missing_episodes_12m": pd.array(count, dtype="Int64"), "rhi_offered": rhi.to_numpy(),
        "person_id": c["person_id"].to_numpy(),
    })


def early_help(world: World, period: Period, rng: np.random.Generator, n: int = 40) -> pd.DataFrame:
    """A few List 2 rows (early help episodes after contacts in the last six months): a sheet the pipeline ignores."""
    c = world.contacts
    c = c[(c["contact_outcome"] == "EARLY_HELP") & (c["decision_day"] <= period.end_day)
          & (c["contact_day"] > period.end_day - 183)]
    c = c.iloc[np.sort(rng.choice(len(c), size=min(n, len(c)), replace=False))] if len(c) else c
    return pd.DataFrame({
        **_child(world, c["person_id"].to_numpy(), c["dob"].to_numpy(), c["contact_day"].to_numpy()),
        "start": np.minimum(c["decision_day"].to_numpy() + rng.integers(3, 21, len(c)), period.end_day),
        "person_id": c["person_id"].to_numpy(),
    })


def return_interviews(world: World, period: Period) -> pd.DataFrame:
    """csc_return_interviews: episodes that started in the window, interviews offered and completed by E."""
    r = world.interviews[_in_window(world.interviews["missing_start"], period)]
    offered = _by_e(r["offered"].to_numpy(), period)
    completed = np.where(offered != NA_DAY, _by_e(r["completed"].to_numpy(), period), NA_DAY)
    return pd.DataFrame({
        "child_id": r["child_id"].to_numpy(), "missing_start_date": r["missing_start"].to_numpy(),
        "police_report_ref": r["police_report_ref"].to_numpy(), "rhi_offered_date": offered,
        "rhi_completed_date": completed, "person_id": r["person_id"].to_numpy(),
    })


def child_identity(world: World, period: Period, person_ids: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """csc_child_identity: one row per child named in the Annex A lists or the return interviews."""
    p = world.by_person.loc[person_ids]
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
