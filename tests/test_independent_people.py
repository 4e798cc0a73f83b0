"""The independent synthetic person-record generator (benchmarks/independent_people.py): determinism, the record
format, the ground truth (households, twins, name collisions) and that every corruption type happens, measured
against the uncorrupted people it returns with with_truth=True."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import independent_people as ip

COLUMNS = ["record_id", "source", "first_name", "last_name", "date_of_birth", "sex", "postcode", "nhs_number", "upn",
           "address_line", "true_person"]
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$")


@pytest.fixture(scope="module")
def small():
    return ip.generate(5_000, 7, with_truth=True)


@pytest.fixture(scope="module")
def measured():
    """Records joined to their person's truth. 20,000 records so that the rarest corruption (a wrong NHS number, about
    one record in a thousand) is expected some twenty times rather than a handful."""
    records, people = ip.generate(20_000, 11, with_truth=True)
    joined = records.merge(people, on="true_person", suffixes=("", "_t"), validate="many_to_one")
    assert len(joined) == len(records)
    return joined, _measure(joined)


def norm(s: str) -> str:
    return " ".join(s.upper().split())


def osa(a: str, b: str) -> int:
    """Optimal string alignment distance (an adjacent transposition counts as one edit); 2 stands for 'more than 1'."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 1:
        return 2
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def test_deterministic_for_a_seed():
    a = ip.generate(2_000, 3)
    b = ip.generate(2_000, 3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(ip.generate(2_000, 4))
    ra, pa = ip.generate(2_000, 3, with_truth=True)
    pd.testing.assert_frame_equal(ra, a)
    pd.testing.assert_frame_equal(pa, ip.generate(2_000, 3, with_truth=True)[1])


def test_columns_and_types(small):
    records, people = small
    assert list(records.columns) == COLUMNS
    assert len(records) == 5_000
    assert records.record_id.is_unique
    for c in COLUMNS[:-1]:
        assert pd.api.types.is_string_dtype(records[c]), c
        assert records[c].notna().all(), c
    assert pd.api.types.is_integer_dtype(records.true_person)
    assert set(records.source) == set(ip.SOURCES)
    assert set(records.sex) <= {"M", "F", "U", ""}
    dob = records.date_of_birth[records.date_of_birth != ""]
    assert dob.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert pd.to_datetime(dob, format="%Y-%m-%d").notna().all()
    assert (records.upn == "").any() and records.upn[records.upn != ""].str.fullmatch(r"[A-Z][0-9A-Z]{12}").all()
    assert records.nhs_number[records.nhs_number != ""].str.fullmatch(r"\d{10}").all()
    # most postcodes are well formed; the rest are the format noise (no space, lower case, doubled space)
    pcs = records.postcode[records.postcode != ""]
    assert pcs.str.fullmatch(POSTCODE.pattern).mean() > 0.9
    assert pcs.str.replace(" ", "").str.upper().str.fullmatch(r"[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}").all()
    assert records.address_line.str.contains(r"\d+ \w", regex=True).mean() > 0.9
    assert set(records.true_person) == set(people.true_person)
    assert people.true_person.is_unique


def test_every_nhs_number_is_valid_mod_11(small):
    records, people = small
    present = records.nhs_number[records.nhs_number != ""]
    assert len(present) > 1_000
    assert all(ip.nhs_check_digit_ok(x) for x in present)
    assert all(ip.nhs_check_digit_ok(x) for x in people.nhs_number[people.nhs_number != ""])
    assert people.nhs_number[people.nhs_number != ""].is_unique
    assert not ip.nhs_check_digit_ok("4010232138") and ip.nhs_check_digit_ok("4010232137")


def test_identifiers_held_by_the_right_agencies(small):
    records, _ = small
    nhs = records.groupby("source").nhs_number.apply(lambda s: (s != "").mean())
    assert nhs["health"] > 0.85 and nhs["police"] < 0.3 and nhs["partnership"] < 0.5
    upn = records.groupby("source").upn.apply(lambda s: (s != "").mean())
    assert upn["education"] > 0.7 and upn["csc"] > 0.25
    assert upn["health"] < 0.05 and upn["police"] < 0.05
    # UPN check letters are right
    for u in records.upn[records.upn != ""].head(500):
        assert u[0] == ip.upn_check_letter(u[1:])


def test_records_per_person(small):
    records, people = small
    per = records.true_person.value_counts()
    assert (per == 1).sum() > 0.3 * len(per)
    assert (per >= 2).sum() > 0.3 * len(per)
    assert (per >= 5).sum() > 0 and per.max() <= 8
    assert (per.reindex(people.true_person).to_numpy() == people.n_records.to_numpy()).all()
    # a person's records are spread over several agencies
    assert (records.groupby("true_person").source.nunique() >= 3).sum() > 0


def test_population(small):
    _, people = small
    assert set(people.role) == {"child", "young_adult", "carer", "unborn"}
    children = people[people.role == "child"]
    ages = (pd.Timestamp(str(ip.REFERENCE_DATE)) - pd.to_datetime(children.date_of_birth)).dt.days / 365.25
    assert ages.between(-0.1, 18).all()
    ya = people[people.role == "young_adult"]
    ya_ages = (pd.Timestamp(str(ip.REFERENCE_DATE)) - pd.to_datetime(ya.date_of_birth)).dt.days / 365.25
    assert ya_ages.between(18, 26).all()
    unborn = people[people.role == "unborn"]
    assert (unborn.first_name == "").all() and (unborn.date_of_birth > str(ip.REFERENCE_DATE)).all()
    # siblings share an address and postcode; blended households have children with different surnames
    kids = people[people.role == "child"]
    per_household = kids.groupby("household").agg(addr=("address_line", "nunique"), pc=("postcode", "nunique"),
                                                 n=("true_person", "size"), surnames=("last_name", "nunique"))
    assert (per_household.addr == 1).all() and (per_household.pc == 1).all()
    assert ((per_household.n >= 2) & (per_household.surnames == 1)).sum() > 100
    assert ((per_household.n >= 2) & (per_household.surnames >= 2)).sum() > 0
    # surname changes and moves are part of the truth
    assert (people.later_last_name != "").any() and (people.later_postcode != "").any()


def masculine(surname: str) -> str:
    return re.sub(r"(sk|ck|dzk)a$", r"\1i", surname)


def test_twins_are_distinct_people(small):
    records, people = small
    twins = people[people.twin_of > 0].merge(people, left_on="twin_of", right_on="true_person", suffixes=("", "_t"))
    assert len(twins) >= 20
    assert (twins.true_person != twins.true_person_t).all()
    assert (twins.date_of_birth == twins.date_of_birth_t).all()
    assert (twins.household == twins.household_t).all()
    # the same surname, up to the Polish feminine form (Kowalski / Kowalska)
    assert (twins.last_name.map(masculine) == twins.last_name_t.map(masculine)).all()
    assert (twins.postcode == twins.postcode_t).all()
    assert (twins.first_name.map(ip.canonical_first_name) != twins.first_name_t.map(ip.canonical_first_name)).all()
    similar = {frozenset((a, b)) for _, a, _, b in ip.SIMILAR_TWIN_NAMES}
    assert any(frozenset(pair) in similar for pair in zip(twins.first_name, twins.first_name_t, strict=True))
    # found from the attributes alone: same date of birth, surname and postcode, different first names
    born = people[people.role != "unborn"]
    born = born.assign(stem=born.last_name.map(masculine))
    pairs = born.merge(born, on=["date_of_birth", "stem", "postcode"], suffixes=("", "_t"))
    pairs = pairs[(pairs.true_person < pairs.true_person_t) & (pairs.first_name != pairs.first_name_t)]
    assert len(pairs) >= 10
    # both twins have records, under different true_person ids
    both = twins[twins.true_person.isin(records.true_person) & twins.true_person_t.isin(records.true_person)]
    assert len(both) == len(twins)


def test_common_names_collide(small):
    _, people = small
    born = people[people.role != "unborn"]
    by_name = born.groupby(["first_name", "last_name"]).household.nunique()
    assert by_name.max() >= 3  # "Mohammed Khan"-like names shared by unrelated people (2,000 people here)
    same_dob = born.groupby(["first_name", "last_name", "date_of_birth"]).household.nunique()
    assert (same_dob >= 2).sum() > 0  # unrelated people sharing a name and a date of birth
    d = people[people.doppelganger_of > 0].merge(people, left_on="doppelganger_of", right_on="true_person",
                                                 suffixes=("", "_t"))
    assert len(d) > 0 and (d.household != d.household_t).all()
    assert (d.first_name == d.first_name_t).all() and (d.date_of_birth == d.date_of_birth_t).all()


def _measure(j: pd.DataFrame) -> dict[str, int]:
    """How many records show each corruption, judged against the person's uncorrupted attributes."""
    born = j.role != "unborn"
    fn, tfn = j.first_name.map(norm), j.first_name_t.map(norm)
    ln, tln = j.last_name.map(norm), j.last_name_t.map(norm)
    swapped = (fn == tln) & (ln == tfn) & (tfn != tln)
    named = born & ~swapped & (tfn != "")
    nick = {k.upper(): {v.upper() for v in vs} for k, vs in ip.NICKNAMES.items()}
    variants = {n.upper(): {v.upper() for v in g} for g in ip.FIRST_NAME_VARIANTS for n in g}
    later_ln = j.later_last_name.map(norm)

    surname_variants = {n.upper(): {v.upper() for v in g} for g in ip.SURNAME_VARIANTS for n in g}

    def strip_marks(s: str) -> str:
        return re.sub(r"['’\- ]", "", s)

    def explained(r: str, t: str) -> bool:
        """Differences that other corruptions account for: accents, punctuation."""
        plain = ip._strip_diacritics(t)
        return r == plain or strip_marks(r) == strip_marks(t) or strip_marks(r) == strip_marks(plain)

    dob = pd.to_datetime(j.date_of_birth.where(j.date_of_birth != ""), format="%Y-%m-%d")
    tdob = pd.to_datetime(j.date_of_birth_t, format="%Y-%m-%d")
    dm_swapped = (dob.dt.day == tdob.dt.month) & (dob.dt.month == tdob.dt.day) & (dob.dt.year == tdob.dt.year) & (
        tdob.dt.day != tdob.dt.month)
    pc = j.postcode.str.replace(" ", "").str.upper()
    tpc = j.postcode_t.str.replace(" ", "")
    lpc = j.later_postcode.str.replace(" ", "")
    pc_typo = [
        p != "" and p not in (a, b) and (osa(p, a) == 1 or (b != "" and osa(p, b) == 1))
        for p, a, b in zip(pc, tpc, lpc, strict=True)
    ]
    both_pc = j.postcode_t.where(j.later_postcode == "", j.later_postcode)
    return {
        "first name typo": sum(
            bool(m) and len(r) > 1 and not t.startswith(r) and not explained(r, t) and r not in variants.get(t, ())
            and osa(r, t) == 1 for m, r, t in zip(named, fn, tfn, strict=True)),
        "first name truncation": int((named & (fn.str.len() >= 3) & (fn.str.len() < tfn.str.len())
                                      & pd.Series([t.startswith(r) for r, t in zip(fn, tfn, strict=True)],
                                                  index=j.index)).sum()),
        "nickname": sum(bool(m) and r in nick.get(t, ()) for m, r, t in zip(named, fn, tfn, strict=True)),
        "spelling variant": sum(bool(m) and r != t and r in variants.get(t, ()) for m, r, t in
                                zip(named, fn, tfn, strict=True)),
        "initial only": int((named & (fn.str.len() == 1) & (fn == tfn.str[:1])).sum()),
        "first name missing": int((named & (fn == "")).sum()),
        "names swapped": int((born & swapped).sum()),
        "surname change": int(((later_ln != "") & (ln == later_ln)).sum()),
        "double barrel partial": int((tln.str.contains("-") & pd.Series(
            [r != "" and r in t.split("-") for r, t in zip(ln, tln, strict=True)], index=j.index)).sum()),
        "surname typo": sum(
            r != "" and r != lt and not explained(r, t) and r not in surname_variants.get(t, ()) and osa(r, t) == 1
            for r, t, lt in zip(ln, tln, later_ln, strict=True)),
        "punctuation variant": sum(
            ("'" in t or "-" in t) and r != t and strip_marks(r) == strip_marks(t)
            for r, t in zip(list(fn) + list(ln), list(tfn) + list(tln), strict=True)),
        "diacritics stripped": sum(
            not t.isascii() and r.isascii() and r == ip._strip_diacritics(t)
            for r, t in zip(list(fn) + list(ln), list(tfn) + list(tln), strict=True)),
        "case noise": int((born & (j.first_name != j.first_name_t) & (fn == tfn) & (tfn != "")).sum()),
        "whitespace noise": int(((j.first_name != j.first_name.str.strip()) | (j.last_name != j.last_name.str.strip())
                                 | j.last_name.str.contains("  ") | j.first_name.str.contains("  ")).sum()),
        "house move": int(((j.later_postcode != "") & (j.postcode == j.later_postcode)
                           & (j.address_line == j.later_address_line)).sum()),
        "dob day/month swap": int((born & dm_swapped).sum()),
        "dob one day off": int((born & ((dob - tdob).dt.days.abs() == 1)).sum()),
        "dob year off": int((born & (dob.dt.day == tdob.dt.day) & (dob.dt.month == tdob.dt.month)
                             & ((dob.dt.year - tdob.dt.year).abs() == 1)).sum()),
        "dob missing": int((j.date_of_birth == "").sum()),
        "sex missing": int(((j.sex == "") & (j.sex_t != "")).sum()),
        "sex wrong": int((j.sex.isin(["M", "F"]) & j.sex_t.isin(["M", "F"]) & (j.sex != j.sex_t)).sum()),
        "postcode typo": sum(pc_typo),
        "postcode format noise": int(((j.postcode != "") & (j.postcode != j.postcode_t)
                                      & (j.postcode != j.later_postcode) & ((pc == tpc) | (pc == lpc))).sum()),
        "postcode missing": int(((j.postcode == "") & (both_pc != "")).sum()),
        "address missing": int((j.address_line == "").sum()),
        "address abbreviated": int(j.address_line.str.contains(r" (?:Rd|St|Ave|Cl|Dr|Ln|Cres|Gr|Gdns|Pl)$").sum()),
        "nhs missing": int(((j.nhs_number == "") & (j.nhs_number_t != "")).sum()),
        "nhs wrong": int(((j.nhs_number != "") & (j.nhs_number != j.nhs_number_t)).sum()),
        "upn missing": int(((j.upn == "") & (j.upn_t != "")).sum()),
    }


def test_every_corruption_type_occurs(measured):
    _, counts = measured
    never = [k for k, v in counts.items() if v == 0]
    assert not never, f"corruptions never seen: {never}; counts {counts}"


def test_corruption_rates_are_roughly_the_configured_ones(measured):
    j, counts = measured
    n = len(j)
    born = (j.role != "unborn").mean()
    assert 0.4 * ip.NAME_SWAP * n * born < counts["names swapped"] < 2 * ip.NAME_SWAP * n
    assert 0.4 * ip.SEX_WRONG * n < counts["sex wrong"] < 2 * ip.SEX_WRONG * n
    assert 0.5 * ip.FIRST_NAME_MISSING * n < counts["first name missing"] < 2 * ip.FIRST_NAME_MISSING * n
    assert 0.5 * ip.FIRST_NAME_TYPO * n < counts["first name typo"] < 1.5 * ip.FIRST_NAME_TYPO * n
    assert 0.5 * ip.ADDRESS_MISSING * n < counts["address missing"] < 1.5 * ip.ADDRESS_MISSING * n
    with_nhs = (j.nhs_number_t != "").mean()
    assert 0.3 * ip.NHS_WRONG * n * with_nhs < counts["nhs wrong"] < 3 * ip.NHS_WRONG * n
    # a wrong NHS number is someone else's real (valid) number
    wrong = j[(j.nhs_number != "") & (j.nhs_number != j.nhs_number_t)]
    assert wrong.nhs_number.isin(j.nhs_number_t).all()


def test_write_and_command_line(tmp_path: Path):
    path = ip.write(tmp_path / "a.csv", 300, 5)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ip.generate(300, 5)
    assert list(back.columns) == COLUMNS and len(back) == 300
    assert (back.record_id == expected.record_id).all() and (back.nhs_number == expected.nhs_number).all()
    out = tmp_path / "cli.csv"
    script = Path(ip.__file__)
    subprocess.run([sys.executable, str(script), "--records", "250", "--seed", "2", "--out", str(out)], check=True,
                   capture_output=True, cwd=tmp_path)
    cli = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(cli) == 250 and (cli.record_id == ip.generate(250, 2).record_id).all()
