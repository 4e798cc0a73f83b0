"""The partnership's own returns: the all-age vulnerability (exploitation) tracker and training attendance.

The tracker holds about 200 individuals open at a period end in a borough, six in ten of them children:
teenagers known to social care, to the police for exploitation, or for going missing, and young adults
(often care leavers) and older adults exploited in their homes or at work. Training is recorded per course
and attending agency; the modules follow the partnership's priorities (neglect, exploitation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import vulnerability_tracker
from synthetic.generate import identifiers, variants
from synthetic.generate.calendar import add_years_days, next_weekday
from synthetic.generate.events import sample_eligible

IDENTIFIED_PER_YEAR = 170
CHILD_SHARE = 0.6
CHILD_SOURCES = {"referred": 0.40, "exploitation_ppn": 0.20, "missing": 0.20, "other": 0.20}
P_CARE_LEAVER = 0.3  # adults who were children known to social care
LENGTHS = ((0.30, 30, 180), (0.45, 181, 540), (0.25, 541, 1200))
CHILD_TYPES = {"CCE": 0.35, "CSE": 0.25, "COUNTY_LINES": 0.25, "TRAFFICKING": 0.05, "RADICALISATION": 0.03,
               "OTHER": 0.07}
ADULT_TYPES = {"MODERN_SLAVERY": 0.30, "COUNTY_LINES": 0.25, "CSE": 0.10, "TRAFFICKING": 0.10, "CCE": 0.10,
               "RADICALISATION": 0.05, "OTHER": 0.10}
NHS_SHOWN = 0.7

COURSES_PER_YEAR = 38
MODULES = {
    "Module 1 - Introduction to safeguarding children": 0.16, "Module 2 - Working Together to Safeguard Children": 0.14,
    "Module 5A - All Age Exploitation Awareness": 0.12, "Module 6 - Neglect: Impact on child development": 0.10,
    "Module 6(b) - Neglect: Domestic Abuse": 0.06, "Module 6(c) - Neglect: The Graded Care Profile 2": 0.10,
    "Domestic abuse awareness": 0.10, "Safer recruitment": 0.08,
    "Parents as partners in tackling child exploitation": 0.06, "Child sexual abuse: recognising and responding": 0.08,
}
AGENCIES = {
    "Children's Services": 0.20, "Police": 0.08, "Health - ICB": 0.04, "Health - Acute Trust": 0.07,
    "Health - Community": 0.08, "Education - Primary": 0.14, "Education - Secondary": 0.10, "Early Years": 0.07,
    "Voluntary sector": 0.08, "Adult Social Care": 0.05, "Housing": 0.04, "Probation": 0.02, "Faith sector": 0.01,
    "Sport and leisure": 0.02,
}

assert set(CHILD_TYPES) | set(ADULT_TYPES) == set(vulnerability_tracker.EXPLOITATION_TYPES)


def tracker(rng: np.random.Generator, refs: pd.DataFrame, ppn: pd.DataFrame, missing: pd.DataFrame,
            child_pool: pd.DataFrame, csc_children: pd.DataFrame, adult_pool: pd.DataFrame, persons: pd.DataFrame,
            first_day: int, last_day: int, scale: float) -> pd.DataFrame:
    """Tracker records identified from three years before `first_day` (open cases may be old): one per person."""
    start = first_day - 1095
    span = last_day - start + 1
    n = int(rng.poisson(IDENTIFIED_PER_YEAR * scale * span / 365.25))
    n_child = int(round(n * CHILD_SHARE))
    want = {k: int(round(n_child * w)) for k, w in CHILD_SOURCES.items()}
    parts = []
    # teenagers referred to social care, identified in the months after
    age = (refs["referral_day"] - refs["dob"]).to_numpy() / 365.25
    parts.append(_take(rng, refs[(age >= 11) & (age < 17.5)], "referral_day", want["referred"], 0, 200))
    # children in exploitation PPNs, and children who go missing again and again
    parts.append(_take(rng, ppn[ppn["ppn_type"] == "EXPLOITATION"], "incident_day", want["exploitation_ppn"], 5, 60))
    days = missing.assign(day=missing["missing_from"] // 1440)
    repeat = days.groupby("person_id")["day"].transform("size") >= 3
    parts.append(_take(rng, days[repeat], "day", want["missing"], 1, 30))
    parts.append(_sampled(rng, child_pool, start, span, want["other"], 11, 18))
    n_adult = n - n_child
    leavers = int(round(n_adult * P_CARE_LEAVER))
    parts.append(_sampled(rng, csc_children, start, span, leavers, 18, 25))
    parts.append(_sampled(rng, adult_pool, start, span, n_adult - leavers, 18, 66,
                          weight=lambda a: np.where(a < 30, 1.0, np.where(a < 45, 0.6, 0.3))))
    t = pd.concat(parts, ignore_index=True)
    t = t[(t["day"] >= start) & (t["day"] <= last_day) & (t["day"] > t["dob"])]
    t = t.sort_values(["day", "person_id"], kind="stable").drop_duplicates("person_id").reset_index(drop=True)
    m = len(t)
    child = t["day"].to_numpy() < add_years_days(t["dob"].to_numpy(), 18)
    t["exploitation_type"] = np.where(child, _choice(rng, CHILD_TYPES, m), _choice(rng, ADULT_TYPES, m))
    p = np.array([x[0] for x in LENGTHS])
    which = rng.choice(len(LENGTHS), size=m, p=p / p.sum())
    t["closed"] = t["day"].to_numpy() + rng.integers(np.array([x[1] for x in LENGTHS])[which],
                                                     np.array([x[2] for x in LENGTHS])[which] + 1)
    # an intervention starts after screening and allocation, weeks or months after identification
    t["intervention"] = t["day"].to_numpy() + rng.integers(21, 241, m)
    details = persons.set_index("person_id").loc[t["person_id"], ["first_name", "last_name", "dob", "sex",
                                                                   "postcode"]].reset_index()
    day = t["day"].to_numpy()
    details = variants.vary(rng, details, "tracker", day, day)
    for column in ("first_name", "last_name", "sex"):
        t[column] = details[column].to_numpy()
    t["record_dob"] = details["dob"].to_numpy()
    t["postcode"] = np.where(rng.random(m) < 0.1, "", details["postcode"].to_numpy()).astype(object)
    t["nhs_shown"] = rng.random(m) < NHS_SHOWN  # the number itself is given out once the world is built
    t["individual_id"] = [f"VT{i:05d}" for i in identifiers.unique_numbers(rng, m, 1000, 100000)]
    return t


def _take(rng: np.random.Generator, rows: pd.DataFrame, day_column: str, k: int, lo: int, hi: int) -> pd.DataFrame:
    """`k` random rows (people) identified `lo`-`hi` days after their event."""
    rows = rows.drop_duplicates("person_id")
    take = rng.permutation(len(rows))[:k]
    r = rows.iloc[take]
    return pd.DataFrame({"person_id": r["person_id"].to_numpy(), "dob": r["dob"].to_numpy(),
                         "day": r[day_column].to_numpy() + rng.integers(lo, hi + 1, len(r))})


def _sampled(rng: np.random.Generator, pool: pd.DataFrame, start: int, span: int, k: int, min_age: float,
             max_age: int, weight=None) -> pd.DataFrame:
    days = start + rng.integers(0, span, k)
    who = sample_eligible(rng, pool["dob"].to_numpy(), days, min_age, max_age, weight=weight)
    ok = who >= 0
    return pd.DataFrame({"person_id": pool["person_id"].to_numpy()[who[ok]], "dob": pool["dob"].to_numpy()[who[ok]],
                         "day": days[ok]})


def training(rng: np.random.Generator, first_day: int, last_day: int, scale: float) -> pd.DataFrame:
    """Training courses from `first_day`: one row per (course, attending agency) with the number who attended."""
    span = last_day - first_day + 1
    n = max(2, int(rng.poisson(COURSES_PER_YEAR * scale * span / 365.25)))
    day = np.sort(next_weekday(first_day + rng.integers(0, span - 3, n)))
    module = _choice(rng, MODULES, n)
    agencies = np.array(list(AGENCIES), dtype=object)
    w = np.array(list(AGENCIES.values()))
    # k agencies per course, drawn without replacement by weight (larger agencies attend more courses)
    keys = rng.random((n, len(agencies))) ** (1 / w)
    order = np.argsort(-keys, axis=1)
    k = rng.integers(2, 7, n)
    course, slot = np.nonzero(np.arange(len(agencies))[None, :] < k[:, None])
    ids = identifiers.yearly_ids(day, "LSCP-{y}-{n:03d}")
    return pd.DataFrame({
        "course_id": np.array(ids, dtype=object)[course], "module": module[course], "course_day": day[course],
        "attendee_agency": agencies[order[course, slot]],
        "attendees": 1 + rng.poisson(2.2, len(course)),
    })


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    w = np.array(list(weights.values()), dtype=float)
    return rng.choice(keys, size=n, p=w / w.sum())
