"""Reading cell values: dates (never month-first), codes in Annex A styles, NHS numbers, postcodes."""

import datetime as dt
import re
import sys

import numpy as np
import pandas as pd
import pytest

import schemas
from schemas import codes
from schemas.reserved import RAW, SOURCE_ROW, UNTRUSTED
from transforms.ingest import mapping, sheets, values
from transforms.ingest.read import Sheet


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


# What Python's str.strip() and re's \s leave or take: the vectorised text path must agree on every one of these.
TRICKY_TEXT = ["  a\u00a0\u2003b\t\tc  ", "\x1c#n/a\x1f", "#ſpill!", "#DıV/0!", "#N/A!", "#REF", "ß", " \u3000 ", "",
               "x\u200by", "a\x0bb", "\u2028line\u2029", "tab\there", "q) 6:  Police", "é  e\u0301", "\ufeffbom"]


def test_whitespace_list_is_pythons():
    assert set(values._WHITESPACE) == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}
    assert re.fullmatch(r"\s+", values._WHITESPACE)


def test_text_is_tidied_as_python_tidies_each_value():
    cells = [*TRICKY_TEXT, 12.0, 12.5, -0.0, 7, dt.date(2024, 4, 3), dt.datetime(2024, 4, 3, 10, 30), None]
    got = values.to_text(pd.Series(cells, dtype="object"))
    assert got.dtype == "str"
    assert got.tolist()[:-1] == [re.sub(r"\s+", " ", v).strip() for v in TRICKY_TEXT] + \
        ["12", "12.5", "0", "7", "2024-04-03", "2024-04-03"]
    assert pd.isna(got.iloc[-1])


def test_blanks_and_error_values_are_found_as_python_finds_them():
    got = values.blank_to_na(pd.Series(TRICKY_TEXT, dtype="object")).tolist()
    for value, cleaned in zip(TRICKY_TEXT, got, strict=True):
        text = value.strip()
        if text == "" or text.upper() in values.EXCEL_ERRORS:
            assert pd.isna(cleaned), value
        else:
            assert cleaned == text, value


def test_true_and_1_are_read_as_themselves():
    # pandas hashes True as 1 and False as 0, so a per-distinct lookup could read a True cell as 1
    got = values.to_code(series(1, True, 0, False, 1.0, "1"), codes.SEX)
    assert got.iloc[[0, 2, 4, 5]].tolist() == ["M", "U", "M", "M"]
    assert got.iloc[[1, 3]].isna().all()  # TRUE/FALSE is not a sex
    assert values.to_text(series(True, 1, False, 0.0, 1.0, True)).tolist() == ["True", "1", "False", "0", "1", "True"]


def test_mapping_keeps_true_apart_from_1():
    contract = next(t for t in schemas.TABLES if t.table_id == "list3_referrals")
    raw = pd.DataFrame({"gender": [1, True, 1.0], "referral_nfa": [True, 1, "b) No"]}, dtype="object")
    frame = mapping.map_values(raw, contract)
    assert frame["gender"].tolist()[::2] == ["M", "M"] and pd.isna(frame["gender"].iloc[1])
    assert frame["gender" + RAW].tolist() == ["1", "True", "1"]
    assert frame["referral_nfa"].tolist() == ["Y", "Y", "N"]
    assert frame["referral_nfa" + RAW].tolist() == ["True", "1", "b) No"]


def test_sheet_rows_blank_short_formula_and_error_cells():
    contract = next(t for t in schemas.TABLES if t.table_id == "list3_referrals")
    header = ["Child ID", "Gender", "Referral Date", "Referral Source", "Notes"]
    rows = [["Referrals"], header,
            ["C1", "M", "03/04/2024", "Police", "x"],  # Excel row 3
            [None, "", None, "", ""],  # blank: skipped
            ["C2", " #n/a ", dt.datetime(2024, 4, 3), 6.0],  # row 5: short, an error value in Gender
            [0, None, None, None, None],  # row 6: a 0 is a value
            ["  C3 ", "F", "03/04/2024", "2A", None],  # row 7: Referral Date holds a formula
            []]
    sheet = Sheet("S", rows, untrusted={(6, 2), (3, 0), (40, 1)})
    _, index, _, positions, _ = sheets.best_header(sheet, (contract,))
    table = mapping._table_from_sheet(sheet, index, contract, positions)
    frame = table.frame
    assert frame[SOURCE_ROW].tolist() == [3, 5, 6, 7]
    assert frame["child_id"].tolist() == ["C1", "C2", "0", "C3"]
    assert frame["gender"].tolist()[::3] == ["M", "F"] and frame["gender"].iloc[1:3].isna().all()
    assert frame["referral_date"].tolist()[:2] == ["2024-04-03"] * 2 and frame["referral_date"].iloc[2:].isna().all()
    assert frame["referral_date" + RAW].iloc[3:].isna().all()
    assert frame["referral_source"].tolist()[::3] == ["6", "2A"]
    assert frame[UNTRUSTED].tolist()[1::2] == ["gender", "referral_date"]
    assert frame[UNTRUSTED].iloc[::2].isna().all()
    assert table.extra_headers == ["Notes"]


@pytest.mark.parametrize("convert, kernel", [(values.nhs_number_text, values._NHS_PLAIN),
                                             (values.upn_text, values._UPN_PLAIN),
                                             (values.postcode_of, values._POSTCODE_PLAIN)])
def test_text_kernels_give_what_the_per_value_reading_gives(convert, kernel):
    """The one-pass reading of plain NHS numbers, UPNs and postcodes gives, for every value, exactly what reading each
    value on its own gives: random texts over digits, letters, spaces, hyphens, tabs, non-breaking spaces and accents,
    and postcode shapes right and wrong."""
    random = np.random.default_rng(5)
    alphabet = list("0123456789 -abcxyzABCXYZ") + ["\t", "\u00a0", "\u2013", "é", "ß", "\n"]
    plain = list("0123456789 -aAzZ")  # mostly what the kernels cover, some not
    texts = ["".join(random.choice(letters, size=random.integers(0, 16))) for letters in (alphabet, plain)
             for _ in range(2500)]
    texts += ["943 476 5919", "943-476-5919", "", " ", None, 9434765919.0, 9434765919, "A123456789012"]
    texts += [f"{a}{b} {c}{d}" for a in ("B", "ls", "SW1A", "m1", "EC1") for b in ("1", "") for c in ("1", "0A")
              for d in ("AA", "ab", "A")]  # postcode shapes, right and wrong
    cells = pd.Series(texts, dtype=object)
    expected = values.per_distinct(cells, convert)
    assert values.per_distinct(cells, convert, kernel).tolist() == expected.tolist()
    assert sum(isinstance(t, str) and re.fullmatch(kernel.pattern, t) is not None for t in texts) > 500
