"""Reading cell values: dates (never month-first), codes in Annex A styles, NHS numbers, postcodes."""

import datetime as dt

import pandas as pd

from schemas import codes
from transforms import values


def series(*items):
    return values.blank_to_na(pd.Series(list(items), dtype="object"))


def test_dates_in_every_accepted_form_and_day_first():
    got = values.to_date(series(dt.datetime(2024, 4, 3, 14, 5), dt.date(2024, 4, 3), "03/04/2024", "2024-04-03",
                                "03-Apr-2024", 45385.0, "45385", "03/04/2024 10:30"))
    assert got.tolist() == ["2024-04-03"] * 8


def test_unreadable_dates_are_na_and_blanks_stay_na():
    got = values.to_date(series("31/02/2026", "not known", "13/13/2024", "", "#N/A", None))
    assert got.isna().all()


def test_codes_match_code_label_synonym_and_annex_a_style():
    got = values.to_code(series("q) 6: Police", "6", "police", "  POLICE ",
                                "a) 1A: Individual - Family member/relative/carer", "Schools", 6.0, "Z9"),
                         codes.CIN_SOURCE)
    assert got.tolist()[:7] == ["6", "6", "6", "6", "1A", "2A", "6"]
    assert pd.isna(got.iloc[7])


def test_sex_and_yes_no_styles():
    assert values.to_code(series("a) Male", "Male", "M", "1", "b) Female", "2", "Unknown"), codes.SEX).tolist() == \
        ["M", "M", "M", "M", "F", "F", "U"]
    yes_no = series("Y", "Yes", "True", "1", "a) Yes", "N", "No", "0", "b) No")
    assert values.to_code(yes_no, codes.YES_NO).tolist() == ["Y"] * 5 + ["N"] * 4


def test_nhs_number_check_digit():
    assert values.nhs_number_is_valid("9434765919")
    assert not values.nhs_number_is_valid("9434765918")
    got = values.to_nhs_number(series("943 476 5919", "943-476-5919", 9434765919.0, "943476591", "9434765918"))
    assert got.tolist()[:3] == ["9434765919"] * 3
    assert got.iloc[3:].isna().all()


def test_postcodes_normalised():
    got = values.to_postcode(series("b91 3qs", "B913QS", " B91  3QS ", "NOTAPOSTCODE"))
    assert got.tolist()[:3] == ["B91 3QS"] * 3
    assert pd.isna(got.iloc[3])
