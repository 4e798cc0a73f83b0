"""Labelled person records for training, tests and the benchmark: households, twins and the ways records drift.

`assure generate` builds whole agency returns and is the reference for the pipeline, but at a borough it holds about
33,000 person records; measuring the matcher at 200,000 and 1,000,000 records needs something faster. This module
reuses the generator's word lists and identifiers and makes only person records, vectorised, with the truth:
- households: siblings share surname, postcode and address; about 5% of younger siblings are twins (same date of
  birth, a different first name); mothers often keep another surname;
- several records per person across the six person-bearing returns, with police duplicates (two nominal records
  of one person);
- per record, at rates per return: first-name and surname typos, nicknames, first names cut short, given as an
  initial, left blank or swapped with the surname, another first name entirely, surname changes, day/month swaps,
  other date slips, missing and placeholder dates of birth, house moves, missing postcodes and sex, NHS numbers and
  UPNs present at realistic rates, some mistyped, a few UPNs replaced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.generate import identifiers, names, variants

END = np.datetime64("2026-09-30")
CHILDREN = (1, 2, 3, 4, 5)
CHILDREN_WEIGHTS = (0.40, 0.32, 0.17, 0.08, 0.03)
TWIN_RATE = 0.05
RECORDS_PER_CHILD = ((1, 2, 3, 4, 5), (0.50, 0.30, 0.13, 0.05, 0.02))
RECORDS_PER_ADULT = ((0, 1, 2, 3), (0.45, 0.38, 0.13, 0.04))
HOUSEHOLDS_PER_POSTCODE = 8
# source: agency, share of children's records, of adults' records, NHS number shown, UPN shown
SOURCES = {
    "csc_child_identity": ("csc", 0.34, 0.0, 0.90, 0.75),
    "police_nominals": ("police", 0.22, 0.70, 0.0, 0.0),
    "health_safeguarding": ("health", 0.16, 0.15, 0.86, 0.0),
    "edu_suspensions": ("education", 0.14, 0.0, 0.0, 1.0),
    "edu_cme": ("education", 0.05, 0.0, 0.0, 0.79),
    "vulnerability_tracker": ("partnership", 0.09, 0.15, 0.70, 0.0),
}
ONE_PER_PERSON = ("csc_child_identity", "edu_suspensions")  # the id is the person's (child id, UPN)
NO_POSTCODE = ("edu_suspensions",)
# per source: typo, nickname, other first name, surname change, day/month swap, date slip, date missing,
# placeholder date, moved, postcode missing, sex unknown, NHS mistyped, UPN replaced, sex keyed wrongly, first name
# cut short (three or more letters kept), first name left blank, first name and surname keyed the wrong way round,
# first name given as an initial
VARIANTS = ("typo", "nickname", "other_first", "surname", "swap", "slip", "dob_missing", "placeholder", "moved",
            "no_postcode", "no_sex", "nhs_typo", "upn_other", "sex_wrong", "short", "no_first", "names_swapped",
            "initial")
RATES = {
    "csc_child_identity": (0.01, 0.02, 0.001, 0.01, 0.003, 0.003, 0.0, 0.002, 0.05, 0.02, 0.01, 0.01, 0.01, 0.001,
                           0.003, 0.002, 0.001, 0.001),
    "police_nominals": (0.05, 0.07, 0.004, 0.02, 0.012, 0.01, 0.05, 0.01, 0.12, 0.05, 0.03, 0.0, 0.0, 0.004,
                        0.02, 0.02, 0.01, 0.01),
    "health_safeguarding": (0.03, 0.03, 0.002, 0.01, 0.006, 0.005, 0.0, 0.003, 0.05, 0.03, 0.01, 0.02, 0.0, 0.002,
                            0.01, 0.01, 0.003, 0.005),
    "edu_suspensions": (0.01, 0.04, 0.001, 0.01, 0.003, 0.003, 0.0, 0.0, 0.0, 0.0, 0.01, 0.0, 0.0, 0.001,
                        0.002, 0.002, 0.001, 0.001),
    "edu_cme": (0.06, 0.02, 0.002, 0.02, 0.01, 0.01, 0.0, 0.005, 0.10, 0.05, 0.02, 0.0, 0.02, 0.003,
                0.02, 0.02, 0.005, 0.005),
    "vulnerability_tracker": (0.04, 0.08, 0.003, 0.02, 0.01, 0.01, 0.0, 0.005, 0.08, 0.04, 0.02, 0.02, 0.0, 0.003,
                              0.02, 0.02, 0.005, 0.01),
}
OUTWARD_AREAS = ("B", "CV", "WS", "WV", "DY")


def person_records(n_records: int, seed: int = 1) -> pd.DataFrame:
    """About `n_records` person records with their true `person_id` (the truth for pairwise precision and recall).

    Columns: source, record_id, agency, first_name, last_name, date_of_birth, sex, postcode, address_line,
    nhs_number, upn, pnc_id, person_id. The same arguments give the same records.
    """
    rng = np.random.default_rng(seed)
    persons = _people(rng, n_records // 4 + 1)  # about 4.8 records a household: a few more, then cut
    records = _records(rng, persons)
    records = records.iloc[:n_records].reset_index(drop=True)
    return records


def _weighted(rng: np.random.Generator, words: tuple[str, ...], n: int, skew: float = 0.7) -> np.ndarray:
    """Words drawn with a Zipf-like lean (a few common surnames, a long tail), like a real population."""
    weights = 1.0 / np.arange(1, len(words) + 1) ** skew
    return rng.choice(np.array(words, dtype=object), size=n, p=weights / weights.sum())


def _postcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct postcodes across a region's districts (about `HOUSEHOLDS_PER_POSTCODE` households each)."""
    outward = np.array([f"{a}{d}" for a in OUTWARD_AREAS for d in range(1, 100)], dtype=object)
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)
    space = len(outward) * 9 * len(letters) ** 2
    picks = rng.choice(space, size=n, replace=False)
    out_i, rest = np.divmod(picks, 9 * len(letters) ** 2)
    sector, rest = np.divmod(rest, len(letters) ** 2)
    a, b = np.divmod(rest, len(letters))
    return outward[out_i] + " " + (sector + 1).astype(str).astype(object) + letters[a] + letters[b]


def _first_names(rng: np.random.Generator, sex: np.ndarray) -> np.ndarray:
    boys = _weighted(rng, names.BOY_NAMES, len(sex), 0.5)
    girls = _weighted(rng, names.GIRL_NAMES, len(sex), 0.5)
    return np.where((sex == "M") | ((sex == "U") & (rng.random(len(sex)) < 0.5)), boys, girls)


def _people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """`n` households of children and carers (about 2.1 children and 1.4 carers each), with true details."""
    surname = _weighted(rng, names.SURNAMES, n)
    pool = _postcodes(rng, max(1, n // HOUSEHOLDS_PER_POSTCODE))
    postcode_of = rng.integers(0, len(pool), n)
    street = np.array(names.STREETS, dtype=object)[rng.integers(0, len(names.STREETS), len(pool))][postcode_of]
    number = rng.integers(1, 400, n).astype(str).astype(object)
    flat = rng.random(n) < 0.12
    address = np.where(flat, "Flat " + rng.integers(1, 9, n).astype(str).astype(object) + ", " + number, number)
    address = address + " " + street

    k = rng.choice(np.array(CHILDREN), size=n, p=np.array(CHILDREN_WEIGHTS))
    hh = np.repeat(np.arange(n), k)
    order = np.arange(len(hh)) - np.repeat(np.cumsum(k) - k, k)
    eldest = END - (rng.uniform(0.05, 17.9, n) * 365.25).astype("timedelta64[D]")
    gaps = np.where(rng.random(len(hh)) < TWIN_RATE, 0, rng.integers(300, 1460, len(hh)))
    gaps[order == 0] = 0
    cum = np.cumsum(gaps)
    offset = cum - np.repeat(cum[np.cumsum(k) - k], k)
    dob = eldest[hh] + offset.astype("timedelta64[D]")
    keep = dob <= END - np.timedelta64(30, "D")
    hh, order, dob = hh[keep], order[keep], dob[keep]
    twin = np.zeros(len(hh), dtype=bool)
    twin[1:] = (order[1:] > 0) & (dob[1:] == dob[:-1]) & (hh[1:] == hh[:-1])
    sex = rng.choice(np.array(["M", "F"]), size=len(hh))
    first = _first_names(rng, sex)
    clash = twin & (first == np.roll(first, 1))
    while clash.any():  # twins are never given the same first name
        first[clash] = _first_names(rng, sex[clash])
        clash = twin & (first == np.roll(first, 1))
    children = pd.DataFrame({"household": hh, "role": "child", "first_name": first, "last_name": surname[hh],
                             "sex": sex, "dob": dob, "twin": twin})

    mother = rng.random(n) < 0.9
    father = rng.random(n) < 0.5
    mother_dob = eldest - (rng.uniform(17, 40, n) * 365.25).astype("timedelta64[D]")
    father_dob = mother_dob - (rng.uniform(-3, 9, n) * 365.25).astype("timedelta64[D]")
    maiden = np.where(rng.random(n) < 0.65, surname, _weighted(rng, names.SURNAMES, n))
    adults = pd.concat([
        pd.DataFrame({"household": np.flatnonzero(mother), "sex": "F", "last_name": maiden[mother],
                      "dob": mother_dob[mother]}),
        pd.DataFrame({"household": np.flatnonzero(father), "sex": "M", "last_name": surname[father],
                      "dob": father_dob[father]}),
    ], ignore_index=True)
    adults["role"] = "adult"
    adults["first_name"] = _first_names(rng, adults["sex"].to_numpy())
    adults["twin"] = False
    people = pd.concat([children, adults], ignore_index=True).sort_values(["household", "role"], kind="stable")
    people = people.reset_index(drop=True)
    hh = people["household"].to_numpy()
    people["postcode"] = pool[postcode_of][hh]
    people["address_line"] = address[hh]
    people["person_id"] = [f"T{i:08d}" for i in range(len(people))]
    people["nhs_number"] = identifiers.nhs_numbers(rng, len(people))
    child = (people["role"] == "child").to_numpy()
    years = people["dob"].to_numpy().astype("datetime64[Y]").astype(int) + 1974
    people["pnc_id"] = [f"{n % 100:02d}/{n // 100:06d}X" for n in identifiers.unique_numbers(
        rng, len(people), 10**7, 10**8)]
    people["upn"] = None
    people.loc[child, "upn"] = identifiers.upns(rng, int(child.sum()), years[child])
    return people


def _records(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Records of the people in the agencies' returns, each drifting from the truth as that agency's do."""
    child = (people["role"] == "child").to_numpy()
    counts = np.where(child, rng.choice(np.array(RECORDS_PER_CHILD[0]), len(people), p=RECORDS_PER_CHILD[1]),
                      rng.choice(np.array(RECORDS_PER_ADULT[0]), len(people), p=RECORDS_PER_ADULT[1]))
    who = np.repeat(np.arange(len(people)), counts)
    sources = np.array(list(SOURCES))
    p_child = np.array([s[1] for s in SOURCES.values()])
    p_adult = np.array([s[2] for s in SOURCES.values()])
    is_child = child[who]
    source = np.where(is_child, rng.choice(sources, len(who), p=p_child / p_child.sum()),
                      rng.choice(sources, len(who), p=p_adult / p_adult.sum())).astype(object)
    frame = people.iloc[who].reset_index(drop=True)
    frame["source"] = source
    # a child has one record in the identity return and one in suspensions; a second draw is a police duplicate
    again = frame.duplicated(["person_id", "source"]) & frame["source"].isin(ONE_PER_PERSON)
    frame.loc[again, "source"] = "police_nominals"
    frame = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    n = len(frame)
    src = frame["source"].to_numpy()
    rates = np.array([RATES[s] for s in src])
    hit = rng.random((n, len(VARIANTS))) < rates
    flag = {name: hit[:, i] for i, name in enumerate(VARIANTS)}

    first = frame["first_name"].to_numpy().copy()
    last = frame["last_name"].to_numpy().copy()
    for i in np.flatnonzero(flag["typo"]):
        if rng.random() < 0.6:
            first[i] = variants.typo(rng, first[i])
        else:
            last[i] = variants.typo(rng, last[i])
    for i in np.flatnonzero(flag["nickname"]):
        first[i] = variants.nickname(rng, first[i])
    other = flag["other_first"]  # known by a middle name or another name entirely
    first[other] = _first_names(rng, frame["sex"].to_numpy()[other])
    changed = flag["surname"]
    double = rng.random(n) < 0.3
    new_surname = _weighted(rng, names.SURNAMES, n)
    last[changed] = np.where(double[changed], last[changed] + "-" + new_surname[changed], new_surname[changed])
    for i in np.flatnonzero(flag["short"]):
        if len(first[i]) >= 5:  # "Eys" for Eysamo: the first three or more letters
            first[i] = first[i][:int(rng.integers(3, len(first[i])))]
    first[flag["initial"]] = [f[0] for f in first[flag["initial"]]]
    swapped = flag["names_swapped"]
    first[swapped], last[swapped] = last[swapped], first[swapped].copy()
    first[flag["no_first"]] = None

    dob = frame["dob"].to_numpy().copy()
    for i in np.flatnonzero(flag["swap"]):
        d = pd.Timestamp(dob[i])
        if d.day <= 12 and d.day != d.month:
            dob[i] = np.datetime64(d.replace(month=d.day, day=d.month).date())
    slip = np.array([-1, 1, -10, 10, -365, 365, -31, 31])[rng.integers(0, 8, n)].astype("timedelta64[D]")
    dob[flag["slip"]] = dob[flag["slip"]] + slip[flag["slip"]]
    text = np.datetime_as_string(dob, unit="D").astype(object)
    text[flag["placeholder"]] = "1900-01-01"
    text[flag["dob_missing"]] = None

    moved = flag["moved"]
    postcode = frame["postcode"].to_numpy().copy()
    address = frame["address_line"].to_numpy().copy()
    new_pc = _postcodes(rng, int(moved.sum()))
    nearby = rng.random(len(new_pc)) < 0.5  # half of moves stay in the same postcode district
    old_district = np.array([p.split(" ")[0] for p in postcode[moved]], dtype=object)
    new_pc = np.where(nearby, old_district + " " + np.array([p.split(" ")[1] for p in new_pc], dtype=object), new_pc)
    postcode[moved] = new_pc
    address[moved] = (rng.integers(1, 400, int(moved.sum())).astype(str).astype(object) + " "
                      + np.array(names.STREETS, dtype=object)[rng.integers(0, len(names.STREETS), int(moved.sum()))])
    postcode[flag["no_postcode"] | np.isin(src, NO_POSTCODE)] = None
    address[src != "police_nominals"] = None  # only the police keep an address line

    sex = frame["sex"].to_numpy().copy().astype(object)
    sex[flag["sex_wrong"]] = np.where(sex[flag["sex_wrong"]] == "M", "F", "M")
    sex[flag["no_sex"]] = "U"

    nhs_rate = np.array([SOURCES[s][3] for s in src])
    nhs = frame["nhs_number"].to_numpy().copy().astype(object)
    nhs[rng.random(n) >= nhs_rate] = None
    typo_nhs = flag["nhs_typo"] & pd.notna(nhs)
    nhs[typo_nhs] = [x[:9] + str((int(x[9]) + 1) % 10) for x in nhs[typo_nhs]]  # fails the check digit
    upn_rate = np.array([SOURCES[s][4] for s in src])
    upn = frame["upn"].to_numpy().copy().astype(object)
    upn[(rng.random(n) >= upn_rate) & (src != "edu_suspensions")] = None
    replaced = flag["upn_other"] & pd.notna(upn)
    upn[replaced] = identifiers.upns(rng, int(replaced.sum()), np.full(int(replaced.sum()), 2020))

    pnc = frame["pnc_id"].to_numpy().copy()
    pnc[(src != "police_nominals") | (rng.random(n) >= 0.35)] = None
    out = pd.DataFrame({
        "source": src, "agency": [SOURCES[s][0] for s in src],
        "first_name": first, "last_name": last, "date_of_birth": text, "sex": sex, "postcode": postcode,
        "address_line": address, "nhs_number": nhs, "upn": upn, "pnc_id": pnc,
        "person_id": frame["person_id"].to_numpy(),
    })
    ids = np.empty(n, dtype=object)
    prefixes = {"csc_child_identity": "LL", "police_nominals": "N", "health_safeguarding": "SG",
                "edu_cme": "CME", "vulnerability_tracker": "VT"}
    for s, prefix in prefixes.items():
        mine = src == s
        numbers = identifiers.unique_numbers(rng, int(mine.sum()), 1_000_000, 99_999_999)
        ids[mine] = [f"{prefix}{x:08d}" for x in numbers]
    ids[src == "edu_suspensions"] = out.loc[src == "edu_suspensions", "upn"].to_numpy()
    out.insert(1, "record_id", ids)
    return out.astype("object").where(out.notna(), None)
