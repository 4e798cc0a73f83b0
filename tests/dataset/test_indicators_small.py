"""Indicators computed and published from one small police file: values by hand, and "no data"."""

import pandas as pd

from tests.police_files import ingest, ppn_file, rows_of
from transforms.dataset.indicators import compute_indicators
from transforms.publish.outputs import publish


def test_indicators_by_hand_and_no_data(tmp_path, sqlite_url):
    rows = [["P1", "N1", "01/07/2026", "02/07/2026", "Domestic abuse", "Y"],
            ["P2", "N2", "01/08/2026", "02/08/2026", "Domestic abuse", "N"],
            ["P3", "N3", "01/08/2026", "02/08/2026", "Domestic abuse", ""],
            ["P4", "N4", "01/08/2026", "02/08/2026", "Missing", ""],
            ["P5", "N5", "01/05/2026", "02/05/2026", "Domestic abuse", "Y"]]  # previous quarter
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", rows))
    compute_indicators("2026-09", sqlite_url, "run-1")
    values = rows_of(sqlite_url, "fct_indicator_value").set_index("indicator_id")
    assert values.loc["POL-02", ["numerator", "denominator"]].tolist() == [1, 3]
    assert abs(values.loc["POL-02", "value"] - 100 / 3) < 1e-9
    assert values.loc["POL-02", "direction"] == "down"  # 100% in Q1 (P5) -> 33% in Q2
    assert values.loc["CSC-01", "rag"] == "NO_DATA" and pd.isna(values.loc["CSC-01", "value"])
    outputs = publish("2026-09", sqlite_url, str(tmp_path / "out"))
    text = open(outputs["csv"]).read().splitlines()
    assert text[0] == "indicator_id,period,breakdown,numerator,denominator,value,unit,rag,direction"
    assert "CSC-01,2026-09,,,,,rate_per_10000,NO_DATA," in text
    assert f"POL-02,2026-09,,1,3,{100 / 3!r},percent,,down" in text
    lineage = rows_of(sqlite_url, "fct_indicator_lineage")
    assert sorted(lineage["indicator_id"]) == ["DQ-01", "POL-01", "POL-02"]
