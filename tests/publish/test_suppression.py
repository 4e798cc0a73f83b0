"""The public profile never shows a count from 1 to 5, nor a rate built on one."""

import pandas as pd
import pytest

from transforms.publish.suppression import apply_profile


def frame():
    return pd.DataFrame({
        "indicator_id": ["A", "A", "B", "C", "D"],
        "breakdown": ["", "x", "", "", ""],
        "numerator": [0.0, 3.0, 6.0, 40.0, None],
        "denominator": [10.0, 10.0, 4.0, 48000.0, None],
        "value": [0.0, 30.0, 150.0, 8.3, None],
        "unit": ["percent", "percent", "percent", "rate_per_10000", "count"],
    })


def test_public_profile_suppresses_small_counts_and_rates_built_on_them():
    public = apply_profile(frame(), "public")
    assert public["numerator"].tolist()[:4] == [0.0, "c", 6.0, 40.0]
    assert public["denominator"].tolist()[:4] == [10.0, 10.0, "c", 48000.0]
    assert public["value"].tolist()[:4] == [0.0, "c", "c", 8.3]  # B: 6 of 4 people is still about 4 people
    assert pd.isna(public["value"].iloc[4])


def test_internal_profile_is_exact_and_unknown_profiles_are_refused():
    internal = apply_profile(frame(), "internal")
    assert internal["numerator"].tolist()[:4] == [0.0, 3.0, 6.0, 40.0]
    with pytest.raises(ValueError):
        apply_profile(frame(), "press")


def test_a_count_indicator_of_five_is_suppressed():
    counts = pd.DataFrame({"indicator_id": ["E"], "breakdown": [""], "numerator": [5.0], "denominator": [None],
                           "value": [5.0], "unit": ["count"]})
    assert apply_profile(counts, "public")[["numerator", "value"]].values.tolist() == [["c", "c"]]


def test_indicators_not_about_people_are_exempt():
    returns = pd.DataFrame({"indicator_id": ["DQ-01", "CSC-07"], "breakdown": ["csc/x/on_time", ""],
                            "numerator": [1.0, 2.0], "denominator": [1.0, 3.0], "value": [100.0, 66.7],
                            "unit": ["percent", "percent"]})
    public = apply_profile(returns, "public", {"DQ-01"})
    assert public["value"].tolist() == [100.0, "c"]
