"""Health returns: safeguarding referrals made by health providers, and child death overview panel cases.

Most health safeguarding referrals are the health-sourced contacts the front door logged (the same child,
a day or so earlier, referred to the MASH); the rest stay within health. Each record keeps the details as
the provider's system holds them (an NHS number on most, the odd keying slip). Child deaths (15-25 a year in
a borough) are case level, without names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import health_cdop, health_safeguarding
from synthetic.generate import identifiers, variants
from synthetic.generate.events import sample_eligible

P_FROM_CONTACT = 0.60  # health-sourced contacts that the provider also logged as a safeguarding referral
OTHERS_PER_YEAR = 800  # referrals not sent to the front door, per year at scale 1
ANTENATAL_PER_YEAR = 70  # maternity referrals about unborn babies (pre-birth work), per year at scale 1
ANTENATAL_DAYS = 270  # how long before the birth a midwife may refer
NHS_SHOWN = 0.85
PROVIDER_BY_SOURCE = {"3A": "GP", "3B": "HEALTH_VISITING", "3C": "SCHOOL_NURSING", "3D": "COMMUNITY", "3E": "ED",
                      "3F": "CAMHS"}
# provider by age band for referrals made without a front-door contact
PROVIDERS_BY_AGE = (
    (28, {"MATERNITY": 0.5, "HEALTH_VISITING": 0.3, "ED": 0.1, "GP": 0.1}),
    (5 * 365, {"HEALTH_VISITING": 0.45, "ED": 0.25, "GP": 0.2, "COMMUNITY": 0.1}),
    (11 * 365, {"SCHOOL_NURSING": 0.3, "ED": 0.3, "GP": 0.25, "COMMUNITY": 0.1, "OTHER": 0.05}),
    (10**6, {"CAMHS": 0.3, "ED": 0.3, "SCHOOL_NURSING": 0.15, "GP": 0.15, "COMMUNITY": 0.05, "OTHER": 0.05}),
)
GENERAL_CONCERNS = {"NEGLECT": 0.30, "PHYSICAL": 0.16, "EMOTIONAL": 0.10, "SEXUAL": 0.05, "DOMESTIC_ABUSE": 0.26,
                    "EXPLOITATION": 0.02, "SELF_HARM": 0.03, "MENTAL_HEALTH": 0.03, "OTHER": 0.05}
CONCERNS_BY_PROVIDER = {
    "CAMHS": {"SELF_HARM": 0.38, "MENTAL_HEALTH": 0.38, "EXPLOITATION": 0.08, "SEXUAL": 0.06, "OTHER": 0.10},
    "ED": {"PHYSICAL": 0.25, "SELF_HARM": 0.20, "NEGLECT": 0.15, "DOMESTIC_ABUSE": 0.15, "EXPLOITATION": 0.06,
           "SEXUAL": 0.05, "MENTAL_HEALTH": 0.08, "OTHER": 0.06},
    "MATERNITY": {"NEGLECT": 0.35, "DOMESTIC_ABUSE": 0.40, "OTHER": 0.25},
}
MASH_OTHERS = {"N": 0.85, "Y": 0.08, "": 0.07}

# Child deaths: age at death (days) bands, and the panel's category by band.
DEATHS_PER_YEAR = 18
AGE_BANDS = ((0.40, 0, 27), (0.20, 28, 364), (0.15, 365, 1824), (0.08, 1825, 3649), (0.08, 3650, 5474),
             (0.09, 5475, 6500))
CATEGORY_INFANT = {"8": 0.45, "7": 0.30, "10": 0.10, "9": 0.08, "5": 0.05, "1": 0.02}
CATEGORY_OLDER = {"4": 0.18, "5": 0.14, "6": 0.14, "7": 0.12, "3": 0.14, "2": 0.10, "9": 0.08, "10": 0.05,
                  "1": 0.05}
RESIDENCE = {"Solihull": 0.85, "Birmingham": 0.08, "Warwickshire": 0.03, "Coventry": 0.02, "Worcestershire": 0.02}
UNEXPECTED = {"1", "2", "3", "10"}  # categories that bring a joint agency response

assert set(PROVIDER_BY_SOURCE.values()) <= set(health_safeguarding.PROVIDER_TYPES)
assert set(GENERAL_CONCERNS) == set(health_safeguarding.CONCERNS)
assert set(CATEGORY_INFANT) | set(CATEGORY_OLDER) <= set(health_cdop.CATEGORIES)


def safeguarding_referrals(rng: np.random.Generator, contacts: pd.DataFrame, persons: pd.DataFrame,
                           pool: pd.DataFrame, first_day: int, last_day: int, scale: float) -> pd.DataFrame:
    """Every health safeguarding referral: the child's details as health holds them, provider, concern, MASH."""
    health = contacts[contacts["contact_source"].isin(list(PROVIDER_BY_SOURCE))]
    health = health[rng.random(len(health)) < P_FROM_CONTACT]
    day = np.maximum(health["contact_day"].to_numpy() - rng.integers(0, 4, len(health)), health["dob"].to_numpy())
    via_mash = pd.DataFrame({"person_id": health["person_id"].to_numpy(), "dob": health["dob"].to_numpy(),
                             "day": day, "provider_type": health["contact_source"].map(PROVIDER_BY_SOURCE).to_numpy(),
                             "referred_to_mash": "Y"})
    # a health visitor's or midwife's referral is about a young child; the contact may have named an older sibling
    age = via_mash["day"].to_numpy() - via_mash["dob"].to_numpy()
    provider = via_mash["provider_type"].to_numpy()
    provider[(provider == "HEALTH_VISITING") & (age >= 5 * 365)] = "COMMUNITY"
    via_mash["provider_type"] = provider

    span = last_day - first_day + 1
    n = int(rng.poisson(OTHERS_PER_YEAR * scale * span / 365.25))
    days = first_day + rng.integers(0, span, n)
    who = sample_eligible(rng, pool["dob"].to_numpy(), days, 0, 18)
    ok = who >= 0
    others = pd.DataFrame({"person_id": pool["person_id"].to_numpy()[who[ok]], "dob": pool["dob"].to_numpy()[who[ok]],
                           "day": days[ok]})
    age = others["day"].to_numpy() - others["dob"].to_numpy()
    others["provider_type"] = _by_band(rng, age, PROVIDERS_BY_AGE)
    others["referred_to_mash"] = _choice(rng, MASH_OTHERS, len(others))

    # a midwife's referral during the pregnancy: the baby is born after the referral (its expected date of birth)
    n = int(rng.poisson(ANTENATAL_PER_YEAR * scale * span / 365.25))
    days = first_day + rng.integers(0, span, n)
    cand = rng.integers(len(pool), size=(n, 16)) if n else np.empty((0, 16), dtype=np.int64)
    lead = pool["dob"].to_numpy()[cand] - days[:, None]
    ok = (lead > 0) & (lead <= ANTENATAL_DAYS)
    found = ok.any(axis=1)
    unborn = cand[np.arange(n), ok.argmax(axis=1)][found]
    antenatal = pd.DataFrame({"person_id": pool["person_id"].to_numpy()[unborn],
                              "dob": pool["dob"].to_numpy()[unborn], "day": days[found],
                              "provider_type": "MATERNITY", "referred_to_mash": "Y"})

    refs = pd.concat([via_mash, others, antenatal], ignore_index=True)
    refs = refs[(refs["day"] >= first_day) & (refs["day"] <= last_day)]
    refs = refs.sort_values(["day", "person_id"], kind="stable").drop_duplicates(["person_id", "day"])
    refs = refs.reset_index(drop=True)
    m = len(refs)
    concern = _choice(rng, GENERAL_CONCERNS, m)
    for provider_type, weights in CONCERNS_BY_PROVIDER.items():
        at = refs["provider_type"].to_numpy() == provider_type
        concern[at] = _choice(rng, weights, int(at.sum()))
    refs["concern"] = concern
    details = persons.set_index("person_id").loc[refs["person_id"], ["first_name", "last_name", "dob", "sex",
                                                                      "postcode"]].reset_index()
    day = refs["day"].to_numpy()
    details = variants.vary(rng, details, "health", day, day)
    refs["first_name"], refs["last_name"] = details["first_name"].to_numpy(), details["last_name"].to_numpy()
    refs["record_dob"], refs["sex"] = details["dob"].to_numpy(), details["sex"].to_numpy()
    refs["postcode"] = np.where(rng.random(m) < 0.05, "", details["postcode"].to_numpy()).astype(object)
    refs["nhs_shown"] = rng.random(m) < NHS_SHOWN  # the number itself is given out once the world is built
    refs["referral_id"] = identifiers.yearly_ids(day, "SG{yy:02d}-{n:05d}")
    return refs


def child_deaths(rng: np.random.Generator, first_day: int, last_day: int, scale: float) -> pd.DataFrame:
    """Child deaths from two years before `first_day` (so reviews in the window are there), with panel findings."""
    start = first_day - 730
    span = last_day - start + 1
    n = max(4, int(rng.poisson(DEATHS_PER_YEAR * scale * span / 365.25)))  # a panel always has a few cases
    death = np.sort(start + rng.integers(0, span, n))
    p = np.array([b[0] for b in AGE_BANDS])
    band = rng.choice(len(AGE_BANDS), size=n, p=p / p.sum())
    age = rng.integers(np.array([b[1] for b in AGE_BANDS])[band], np.array([b[2] for b in AGE_BANDS])[band] + 1)
    dob = death - age  # the oldest band ends at 17 years 9 months: every death is of a child
    infant = age < 365
    category = np.where(infant, _choice(rng, CATEGORY_INFANT, n), _choice(rng, CATEGORY_OLDER, n)).astype(object)
    review = death + rng.integers(90, 451, n)
    unexpected = np.isin(category, list(UNEXPECTED))
    jar = np.where(unexpected, rng.random(n) < 0.9, rng.random(n) < 0.08)
    return pd.DataFrame({
        "death": death, "dob": dob, "residence_la": _choice(rng, RESIDENCE, n), "review": review,
        "category": category, "modifiable_factors": _choice(rng, {"Y": 0.30, "N": 0.60, "U": 0.10}, n),
        "learning_identified": np.where(rng.random(n) < 0.6, "Y", "N").astype(object),
        "joint_agency_response": np.where(jar, "Y", "N").astype(object),
        "case_id": identifiers.yearly_ids(death, "SOL-{y}-{n:03d}"),
    })


def _by_band(rng: np.random.Generator, age: np.ndarray, bands) -> np.ndarray:
    out = np.full(len(age), "", dtype=object)
    lower = -1
    for upper, weights in bands:
        at = (age > lower) & (age <= upper) if lower >= 0 else age <= upper
        out[at] = _choice(rng, weights, int(at.sum()))
        lower = upper
    return out


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    w = np.array(list(weights.values()), dtype=float)
    return rng.choice(keys, size=n, p=w / w.sum())

