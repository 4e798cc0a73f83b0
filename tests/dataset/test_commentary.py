"""Commentary (DESIGN.md section 7): drafts from the numbers, worked by hand; why it moved; edits that survive
re-runs; every breakdown in words."""

import re

import pandas as pd
import pytest

from tests.police_files import ppn_file, rows_of
from transforms import cli
from transforms.dataset import breakdown_label, catalogue, commentary
from transforms.dataset.indicators import Comparator
from transforms.pipeline import run

pytestmark = pytest.mark.usefixtures("fixed_child_population")
BY_ID = {i.id: i for i in catalogue()}


def test_changes_are_said_in_units_people_read():
    assert commentary.change_words(271, 246, "count", "last quarter") == "25 more than last quarter (246, up 10%)"
    assert commentary.change_words(12, 16, "count", "last quarter") == "4 fewer than last quarter (16, down 25%)"
    assert commentary.change_words(19.6, 18.25, "percent", "last quarter") == \
        "up 1.4 percentage points on last quarter (18.2%)"
    assert commentary.change_words(564.6, 570.8, "rate_per_10000", "the same quarter last year") == \
        "down 6.2 on the same quarter last year (570.8)"
    assert commentary.change_words(5, 5, "count", "last quarter") == "the same as last quarter"
    assert commentary.change_words(5, None, "count", "last quarter") is None
    assert commentary.change_words(3, 0, "count", "last quarter") == "3 more than last quarter (0)"


def test_the_comparator_is_better_or_worse_only_where_polarity_says():
    england = Comparator(20.0, "England", 2024, "DfE")
    lower = BY_ID["CSC-02"]  # re-referrals: lower is better
    assert lower.polarity == "lower_is_better"
    assert commentary.comparator_words(lower, 25.0, "percent", england) == \
        "above the England average, 2024 (20.0%), which is worse"
    assert commentary.comparator_words(lower, 15.0, "percent", england) == \
        "below the England average, 2024 (20.0%), which is better"
    assert commentary.comparator_words(lower, 20.2, "percent", england) == \
        "in line with the England average, 2024 (20.0%)"
    neutral = next(i for i in catalogue() if i.polarity == "neutral")
    assert commentary.comparator_words(neutral, 25.0, "percent", england) == "above the England average, 2024 (20.0%)"
    assert commentary.comparator_words(lower, 25.0, "percent", None) is None


def test_a_rate_change_splits_into_numerator_and_denominator_effects():
    parts = commentary.split({"numerator": 12, "denominator": 80}, {"numerator": 10, "denominator": 100}, "percent")
    # 15% now, 10% before: 2 more on the old denominator is +2 points, the smaller denominator the other +3
    assert parts["change"] == pytest.approx(5.0)
    assert parts["numerator_effect"] == pytest.approx(2.0)
    assert parts["denominator_effect"] == pytest.approx(3.0)
    assert (parts["numerator_change"], parts["denominator_change"]) == (2, -20)
    assert commentary.split({"numerator": 5, "denominator": 5}, {"numerator": 4, "denominator": 4}, "count") is None


def frame(rows):
    return pd.DataFrame(rows, columns=["breakdown", "numerator", "denominator", "value", "unit"])


def test_why_it_moved_names_the_breakdowns_that_changed_most():
    indicator = BY_ID["POL-01"]
    now = frame([["", 30, None, 30, "count"], ["CHILD_CONCERN", 20, None, 20, "count"],
                 ["MISSING", 4, None, 4, "count"], ["ONLINE_HARM", 6, None, 6, "count"]])
    before = frame([["", 25, None, 25, "count"], ["CHILD_CONCERN", 11, None, 11, "count"],
                    ["MISSING", 8, None, 8, "count"], ["ONLINE_HARM", 6, None, 6, "count"]])
    moved = commentary.movers(indicator, now, before)
    assert [(m["label"], m["change"]) for m in moved] == [("Child concern", 9), ("Missing", -4)]
    said = commentary.why_words(indicator, None, moved)
    assert said == "Why it moved: largest changes: Child concern +9, Missing -4."


def test_the_headline_is_the_whole_row_else_the_largest_numerator_first_of_equals():
    whole = frame([["MISSING", 40, None, 40, "count"], ["", 30, None, 30, "count"], ["", 1, None, 1, "count"]])
    assert commentary.headline(whole)["numerator"] == 30  # the first row of the whole, not the largest
    parts = [["ONLINE_HARM", None, None, None, "count"], ["MISSING", 8, None, 8, "count"],
             ["CHILD_CONCERN", 11, None, 11, "count"], ["EXPLOITATION", 11, None, 11, "count"]]
    assert commentary.headline(frame(parts))["breakdown"] == "CHILD_CONCERN"  # missing last, first of equals
    assert commentary.headline(frame(parts).to_dict("records")) == commentary.headline(frame(parts))  # records too
    assert commentary.headline(frame([["MISSING", None, None, None, "count"], ["OTHER", None, None, None, "count"]])
                               )["breakdown"] == "MISSING"  # no numerator at all: the first row
    assert commentary.headline(frame([])) is None and commentary.headline([]) is None


def test_no_breakdown_is_published_as_a_raw_code():
    cases = {("FD-03", "ADVICE_INFORMATION"): "Advice and information", ("FD-01", "LA_SERVICES"): "LA services",
             ("LADO-02", "types_with_none"): "Referrer types with no contacts", ("CSC-04", "NEG"): "Neglect",
             ("DQ-01", "police/police_ppn/on_time"): "Police · Public protection notices · on time",
             ("DQ-02", "csc"): "Children's social care", ("FD-03", "NOT_RECORDED"): "Not recorded",
             ("POL-01", ""): "All"}
    for (indicator_id, breakdown), label in cases.items():
        assert breakdown_label(breakdown, BY_ID[indicator_id].sources) == label
    assert breakdown_label("SOME_NEW_CODE") == "Some new code"
    assert not re.search(r"\b[A-Z]+_[A-Z_]+\b", breakdown_label("ANOTHER_UNSEEN_VALUE"))


PPN = {"2026-06": [["P1", "N1", "01/04/2026", "02/04/2026", "Child concern", "Y"],
                   ["P2", "N2", "02/04/2026", "03/04/2026", "Missing", "Y"]],
       "2026-09": [["P3", "N3", "01/07/2026", "02/07/2026", "Child concern", "Y"],
                   ["P4", "N4", "02/07/2026", "03/07/2026", "Child concern", "Y"],
                   ["P5", "N5", "03/07/2026", "04/07/2026", "Online harm", "N"]]}


def quarter(tmp_path, url, period):
    landing = tmp_path / period
    ppn_file(landing, "ppn.xlsx", PPN[period])
    run(str(landing / "landing"), period, str(tmp_path / "out"), url, progress=lambda line: None)


def test_drafts_from_two_quarters_and_an_edit_that_survives_a_rerun(tmp_path, warehouse_url, capsys):
    quarter(tmp_path, warehouse_url, "2026-06")
    quarter(tmp_path, warehouse_url, "2026-09")
    texts = commentary.final(warehouse_url, "2026-09")
    assert set(texts) == set(BY_ID), "every indicator has a commentary"
    assert texts["POL-01"]["text"].startswith("3; 1 more than last quarter (2, up 50%)")
    assert "Small numbers (3)" in texts["POL-01"]["text"]
    assert "Child concern +1" in texts["POL-01"]["text"] and "Missing -1" in texts["POL-01"]["text"]
    assert texts["CSC-01"]["text"].startswith("No data this quarter"), "no CSC return: said, not invented"
    assert not texts["POL-01"]["edited"]

    assert cli.main(["commentary", "edit", "POL-01", "--period", "2026-09", "--text", "Three notices; see the trend.",
                     "--by", "analyst-1", "--warehouse", warehouse_url]) == 0
    drafted_before = rows_of(warehouse_url, "fct_indicator_commentary").set_index(["indicator_id", "period"])
    quarter(tmp_path, warehouse_url, "2026-09")  # the quarter computed again
    texts = commentary.final(warehouse_url, "2026-09")
    assert texts["POL-01"] == {"text": "Three notices; see the trend.", "edited": True,
                               "draft": texts["POL-01"]["draft"], "edited_by": "analyst-1",
                               "edited_at": texts["POL-01"]["edited_at"]}
    assert texts["POL-01"]["draft"].startswith("3; 1 more than last quarter")
    after = rows_of(warehouse_url, "fct_indicator_commentary").set_index(["indicator_id", "period"])
    assert after.loc[("POL-01", "2026-09"), "drafted_at"] >= drafted_before.loc[("POL-01", "2026-09"), "drafted_at"]
    capsys.readouterr()
    assert cli.main(["commentary", "list", "--period", "2026-09", "--warehouse", warehouse_url]) == 0
    assert "POL-01 [edited by analyst-1]: Three notices; see the trend." in capsys.readouterr().out
    assert cli.main(["commentary", "edit", "POL-01", "--period", "2026-09", "--draft", "--warehouse",
                     warehouse_url]) == 0
    assert commentary.final(warehouse_url, "2026-09")["POL-01"]["text"].startswith("3; 1 more")
    with pytest.raises(ValueError):
        commentary.edit(warehouse_url, "NOPE-01", "2026-09", "x", "analyst-1")
