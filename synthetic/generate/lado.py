"""LADO contacts: allegations against adults who work with children (case level, no names).

Volumes and mixes follow the seeds' annual report: ~235 contacts a year, about a quarter progressing to a
position-of-trust meeting, referrer types as in its table (faith settings almost never refer: the gap it
reports).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import lado_allegations as contract
from synthetic.generate.calendar import NA_DAY, to_date

CONTACTS_PER_YEAR = 235
REFERRER_WEIGHTS = {  # the report's 2021/22 referring agencies; FAITH_SETTING kept almost at zero
    "SECONDARY_SCHOOL": 38, "PRIMARY_SCHOOL": 41, "SPECIAL_SCHOOL": 8, "EARLY_YEARS": 20, "OTHER_LA": 25,
    "POLICE": 12, "FOSTERING_AGENCY": 7, "OTHER": 15, "OFSTED": 8, "LOCAL_AUTHORITY": 29, "INDIVIDUAL": 10,
    "PROBATION": 1, "CHILDRENS_HOME": 19, "HEALTH": 3, "FAITH_SETTING": 0.2,
}
# the sector the adult works in, by who referred (others: spread over every sector)
SECTOR_BY_REFERRER = {
    "SECONDARY_SCHOOL": "EDUCATION", "PRIMARY_SCHOOL": "EDUCATION", "SPECIAL_SCHOOL": "EDUCATION",
    "EARLY_YEARS": "EARLY_YEARS", "FOSTERING_AGENCY": "FOSTER_CARE", "CHILDRENS_HOME": "RESIDENTIAL_CARE",
    "HEALTH": "HEALTH", "FAITH_SETTING": "FAITH",
}
OUTCOME_WEIGHTS = {  # concluded outcomes in the report's table
    "UNSUBSTANTIATED": 21, "SUBSTANTIATED": 20, "MALICIOUS": 1, "FALSE": 1, "UNFOUNDED": 12, "NO_ABUSE": 1,
}
P_MEETING = {"REFERRAL": 0.70, "CONSULTATION": 0.10}
P_CONCLUDED = 0.78  # of allegations with a meeting, those that reach an outcome (others run on)

assert set(REFERRER_WEIGHTS) == set(contract.REFERRER_TYPES)
assert set(SECTOR_BY_REFERRER.values()) <= set(contract.SUBJECT_SECTORS)
assert set(OUTCOME_WEIGHTS) < set(contract.OUTCOMES)


def contacts(rng: np.random.Generator, first_day: int, last_day: int, scale: float) -> pd.DataFrame:
    """Every LADO contact of the world with the days its meeting and outcome happen (NA_DAY when never)."""
    span = last_day - first_day + 1
    n = int(rng.poisson(CONTACTS_PER_YEAR * scale * span / 365.25))
    day = np.sort(first_day + rng.integers(0, span, n))
    contact_type = np.where(rng.random(n) < 0.35, "REFERRAL", "CONSULTATION").astype(object)
    referrer = _choice(rng, REFERRER_WEIGHTS, n)
    sectors = np.array(list(contract.SUBJECT_SECTORS), dtype=object)
    sector = np.array([SECTOR_BY_REFERRER.get(r, "") for r in referrer], dtype=object)
    spread = sector == ""
    sector[spread] = rng.choice(sectors, int(spread.sum()))
    meeting = rng.random(n) < np.where(contact_type == "REFERRAL", P_MEETING["REFERRAL"], P_MEETING["CONSULTATION"])
    pot_day = np.where(meeting, day + rng.integers(2, 31, n), NA_DAY)
    concluded = meeting & (rng.random(n) < P_CONCLUDED)
    outcome_day = np.where(concluded, pot_day + rng.integers(14, 241, n), NA_DAY)
    outcome = np.where(concluded, _choice(rng, OUTCOME_WEIGHTS, n), "").astype(object)
    year = np.array([to_date(d).year for d in day])
    seq = pd.Series(year).groupby(year).cumcount().to_numpy() + 1
    case_id = [f"LADO/{y}/{s:04d}" for y, s in zip(year, seq, strict=True)]
    return pd.DataFrame({
        "case_id": case_id, "contact_day": day, "contact_type": contact_type, "referrer_type": referrer,
        "subject_sector": sector, "pot_day": pot_day, "outcome": outcome, "outcome_day": outcome_day,
        "u_report": rng.random(n),
    })


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    w = np.array(list(weights.values()), dtype=float)
    return rng.choice(keys, size=n, p=w / w.sum())
