"""Synthetic households and the people in them: children (with NHS numbers and UPNs) and their carers.

Siblings share surname, postcode and address; a few are twins sharing a date of birth. Every person gets a
true `person_id` that the truth files use to say which records belong to the same human being.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.generate import identifiers, names

YEAR = 365.25
CHILDREN_PER_HOUSEHOLD = (1, 2, 3, 4, 5)
CHILDREN_WEIGHTS = (0.40, 0.32, 0.17, 0.08, 0.03)
TWIN_RATE = 0.04  # share of younger siblings born on the same day as the previous child
SEX_CODES = np.array(["M", "F", "U"])
SEX_WEIGHTS = (0.495, 0.495, 0.01)

PERSON_COLUMNS = ("person_id", "household", "role", "first_name", "last_name", "sex", "dob", "postcode",
                  "address_line", "ethnicity", "u_nhs", "u_upn")


def make_households(rng: np.random.Generator, anchors: np.ndarray, young_bias: float,
                    first_pid: int, first_household: int, last_day: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Households whose eldest child is 0-17 on each anchor day (the household's first contact with a service).

    Returns (households, persons). `young_bias` is the share of households whose eldest child is under two
    at the anchor (babies dominate child protection; teenagers dominate police notices).
    """
    n = len(anchors)
    hh_ids = np.arange(first_household, first_household + n)
    surnames = rng.choice(np.array(names.SURNAMES, dtype=object), size=n)
    house_numbers = rng.integers(1, 220, size=n)
    streets = rng.choice(np.array(names.STREETS, dtype=object), size=n)
    flats = rng.random(n) < 0.12
    flat_prefix = rng.choice(np.array(names.FLAT_PREFIXES, dtype=object), size=n)
    address = np.where(flats, flat_prefix + ", " + house_numbers.astype(str) + " " + streets,
                       house_numbers.astype(str) + " " + streets)
    eth_codes = np.array(list(names.ETHNICITY), dtype=object)
    eth_p = np.array(list(names.ETHNICITY.values()))
    households = pd.DataFrame({
        "household": hh_ids, "anchor": anchors, "surname": surnames,
        "postcode": identifiers.postcodes(rng, n), "address_line": address,
        "ethnicity": rng.choice(eth_codes, size=n, p=eth_p / eth_p.sum()),
    })

    # Children: eldest first, each younger sibling 10 months to 4 years later, or a twin.
    k = rng.choice(np.array(CHILDREN_PER_HOUSEHOLD), size=n, p=np.array(CHILDREN_WEIGHTS))
    young = rng.random(n) < young_bias
    # otherwise older eldest children are likelier (the square root of a uniform leans towards the top)
    eldest_age = np.where(young, rng.uniform(0.02, 2.0, n), 17.5 * np.sqrt(rng.uniform(0.0001, 1.0, n))) * YEAR
    eldest_dob = anchors - eldest_age.astype(np.int64)
    hh_of_child = np.repeat(np.arange(n), k)
    order = np.concatenate([np.arange(c) for c in k]) if n else np.array([], dtype=int)
    gaps = np.where(rng.random(len(hh_of_child)) < TWIN_RATE, 0, rng.integers(300, 1460, len(hh_of_child)))
    gaps[order == 0] = 0
    # birth offsets from the eldest: running sum of the gaps, restarted at each household's first child
    cum = np.cumsum(gaps)
    first_index = np.cumsum(k) - k
    offsets = cum - np.repeat(cum[first_index], k) if n else cum
    child_dob = eldest_dob[hh_of_child] + offsets
    keep = child_dob <= last_day - 30  # children not yet born by the end of the world do not exist
    hh_of_child, order, child_dob = hh_of_child[keep], order[keep], child_dob[keep]
    twin = np.zeros(len(order), dtype=bool)
    twin[1:] = (order[1:] > 0) & (child_dob[1:] == child_dob[:-1]) & (hh_of_child[1:] == hh_of_child[:-1])

    nc = len(hh_of_child)
    sex = rng.choice(SEX_CODES, size=nc, p=np.array(SEX_WEIGHTS))
    first = _first_names(rng, sex)
    # twins get different first names (same name + same dob + same address would be one child)
    clash = twin & (first == np.roll(first, 1))
    while clash.any():
        first[clash] = _first_names(rng, sex[clash])
        clash = twin & (first == np.roll(first, 1))
    children = pd.DataFrame({
        "household": hh_ids[hh_of_child], "role": "child", "first_name": first,
        "last_name": surnames[hh_of_child], "sex": sex, "dob": child_dob,
        # per-person draws decide once, for every period alike, whether a return shows the NHS number / UPN
        "u_nhs": rng.random(nc), "u_upn": rng.random(nc),
    })

    # Carers: a mother (usually) and sometimes a father; ages fit the eldest child's birth.
    two = rng.random(n) < 0.55
    mother = two | (rng.random(n) < 0.85)
    father = two | ~mother
    mother_dob = eldest_dob - (rng.uniform(17, 40, n) * YEAR).astype(np.int64)
    father_dob = mother_dob - (rng.uniform(-3, 9, n) * YEAR).astype(np.int64)
    mother_surname = np.where(rng.random(n) < 0.65, surnames, rng.choice(np.array(names.SURNAMES, dtype=object), n))
    adults = pd.concat([
        pd.DataFrame({"household": hh_ids[mother], "role": "adult", "sex": "F",
                      "last_name": mother_surname[mother], "dob": mother_dob[mother]}),
        pd.DataFrame({"household": hh_ids[father], "role": "adult", "sex": "M",
                      "last_name": surnames[father], "dob": father_dob[father]}),
    ], ignore_index=True)
    adults["first_name"] = _first_names(rng, adults["sex"].to_numpy())
    adults["u_nhs"] = rng.random(len(adults))
    adults["u_upn"] = 1.0

    persons = pd.concat([children, adults], ignore_index=True)
    persons = persons.sort_values(["household", "role", "dob"], kind="stable").reset_index(drop=True)
    persons = persons.merge(households[["household", "postcode", "address_line", "ethnicity"]], on="household")
    persons.insert(0, "person_id", [f"P{first_pid + i:07d}" for i in range(len(persons))])
    return households, persons[list(PERSON_COLUMNS)]


def assign_upns(rng: np.random.Generator, persons: pd.DataFrame) -> pd.DataFrame:
    """`persons` with a `upn` for every child, drawn once for the whole world so no two children share one."""
    out = persons.copy()
    child = (out["role"] == "child").to_numpy()
    entry_year = out.loc[child, "dob"].to_numpy().astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1974
    out["upn"] = ""
    out.loc[child, "upn"] = identifiers.upns(rng, int(child.sum()), entry_year)
    return out


def assign_nhs_numbers(rng: np.random.Generator, persons: pd.DataFrame, needs: np.ndarray) -> pd.DataFrame:
    """`persons` with a distinct `nhs_number` where `needs` ('' elsewhere).

    The 999 test range holds about 909,000 valid numbers, so only people an NHS-bearing return shows get one.
    """
    out = persons.copy()
    out["nhs_number"] = ""
    out.loc[needs, "nhs_number"] = identifiers.nhs_numbers(rng, int(np.sum(needs)))
    return out


def _first_names(rng: np.random.Generator, sex: np.ndarray) -> np.ndarray:
    boys = np.array(names.BOY_NAMES, dtype=object)
    girls = np.array(names.GIRL_NAMES, dtype=object)
    pick_boy = (sex == "M") | ((sex == "U") & (rng.random(len(sex)) < 0.5))
    return np.where(pick_boy, rng.choice(boys, len(sex)), rng.choice(girls, len(sex)))
