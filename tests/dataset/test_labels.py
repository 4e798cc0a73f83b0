"""Breakdown labels as published are catalogued ones only (DESIGN.md section 9; issue 17): cases written from the
partnership's training programme and the ways a data officer or an attacker might write a module's name."""

from __future__ import annotations

import pytest

from transforms.dataset.indicators import catalogue
from transforms.dataset.labels import OTHER, catalogued, publishable, training_module

TRN = next(i for i in catalogue() if i.id == "TRN-01").sql
DQ = next(i for i in catalogue() if i.id == "DQ-01").sql
FD = next(i for i in catalogue() if i.id == "FD-01").sql


@pytest.mark.parametrize(("sent", "published"), [
    ("Module 6(b) - Neglect: Domestic Abuse", "Module 6B - Neglect: Domestic Abuse"),
    ("module 6b neglect DA", "Module 6B - Neglect: Domestic Abuse"),
    ("MODULE 6 (c) GCP2", "Module 6C - Neglect: The Graded Care Profile 2"),
    ("Module 6 - Neglect", "Module 6 - Neglect: Impact on child development"),
    ("Module 5A - exploitation", "Module 5A - All Age Exploitation Awareness"),
    ("Module 2 - Working Together (trainer Jane Smith, 943 476 5919)",
     "Module 2 - Working Together to Safeguard Children"),
    ("  safer   RECRUITMENT ", "Safer recruitment"),
    ("Child sexual abuse - recognising and responding", "Child sexual abuse: recognising and responding"),
])
def test_a_module_named_in_a_return_is_published_under_its_catalogued_label(sent, published):
    assert catalogued(sent, TRN) == published


@pytest.mark.parametrize("sent", [
    '=HYPERLINK("http://example.invalid","Safer recruitment")',
    "Amelia Okafor 9434765919",
    "Safer recruitment for Amelia Okafor",
    "Module 9 - Amelia Okafor",
    "Module",
    "+44 7700 900123",
])
def test_free_text_that_is_no_catalogued_module_is_other(sent):
    assert training_module(sent) is None
    assert catalogued(sent, TRN) == OTHER


@pytest.mark.parametrize("indicator", catalogue(), ids=lambda i: i.id)
def test_every_code_an_indicators_sql_lists_is_catalogued(indicator):
    """The words an indicator's SQL writes as breakdowns (`SELECT 'NEG' AS code ...`), comments with apostrophes
    around them or not, are published as they are."""
    import re

    for code in re.findall(r"SELECT '([A-Za-z_]+)' AS code", indicator.sql):
        assert catalogued(code, indicator.sql) == code


def test_codes_written_in_the_indicators_sql_and_contract_names_are_catalogued():
    assert catalogued("HOUSING", FD) == "HOUSING" and catalogued("", FD) == ""
    assert catalogued("police/police_ppn/on_time", DQ) == "police/police_ppn/on_time"
    assert catalogued("John Smith/police_ppn/on_time", DQ) == OTHER, "an unknown folder's name is not catalogued"
    assert catalogued("HOUSING", TRN) == OTHER, "another indicator's code is not this one's label"


def test_breakdowns_sharing_a_label_are_added_up():
    results = {"": (30, None, "count"), "Amelia Okafor": (4, None, "count"), "=cmd|' /C calc'!A0": (5, None, "count"),
               "Safer recruitment": (7, None, "count"), "safer recruitment ": (2, None, "count")}
    assert publishable(results, TRN) == {"": (30, None, "count"), OTHER: (9, None, "count"),
                                        "Safer recruitment": (9, None, "count")}
    shares = {"": (10, None, None), "HOUSING": (3, 10, "percent"), "Jane": (1, 10, "percent"),
              "Joe": (2, 10, "percent")}
    assert publishable(shares, FD)[OTHER] == (3, 10, "percent"), "shares of one total keep the total"
