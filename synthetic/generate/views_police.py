"""What the police returns show at a period end E: PPNs, missing reports and the nominal records they cite.

Canonical values as in `views_csc.py`; date-times (missing reports) are minutes since 1970-01-01 with NA_DAY
for blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.generate.calendar import NA_DAY, Period
from synthetic.generate.events import member
from synthetic.generate.world import World

ADULTS_IN_NOMINALS = 0.45
MINUTES = 1440


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


def missing(world: World, period: Period) -> pd.DataFrame:
    """police_missing: children reported missing in the window; the return once it happened by E."""
    m = world.missing
    day = m["missing_from"].to_numpy() // MINUTES
    m = m[(day >= period.start_day) & (day <= period.end_day)]
    returned = m["returned_at"].to_numpy()
    by_e = (returned != NA_DAY) & (returned < (period.end_day + 1) * MINUTES)
    return pd.DataFrame({
        "report_id": m["report_id"].to_numpy(),
        "police_person_id": m["police_person_id"].to_numpy(),
        "missing_from": m["missing_from"].to_numpy(),
        "returned_at": np.where(by_e, returned, NA_DAY),
        "risk_grading": m["risk_grading"].to_numpy(),
        "person_id": m["person_id"].to_numpy(),
    })


def nominals(world: World, period: Period, cited_people: set) -> pd.DataFrame:
    """police_nominals: records (made by E) of the window's PPN and missing children, some carers, new records."""
    n = world.nominals
    n = n[n["created"] <= period.end_day]
    persons = world.by_person
    households = set(persons.loc[list(cited_people), "household"]) if cited_people else set()
    household = persons.loc[n["person_id"], "household"].to_numpy()
    # a stable per-person draw, so the same carers appear in every period
    adult_shown = (pd.util.hash_array(n["person_id"].to_numpy().astype(str)) % 1000) / 1000 < ADULTS_IN_NOMINALS
    adult = (n["role"] == "adult").to_numpy()
    relevant = (member(n["person_id"], list(cited_people))
                | (adult & np.isin(household, list(households)) & adult_shown)
                | ((n["created"] >= period.start_day).to_numpy() & adult & adult_shown))
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
