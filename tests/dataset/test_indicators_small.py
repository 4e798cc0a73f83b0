"""Indicators computed and published from small police files, quarter after quarter: values by hand, "no data", and
the direction of travel against what the previous quarter published."""

import pandas as pd

from tests.police_files import ingest, ppn_file, rows_of
from transforms.dataset.indicators import compute_indicators
from transforms.publish.outputs import publish


def test_indicators_by_hand_and_no_data(tmp_path, sqlite_url):
    june = [["P5", "N5", "01/05/2026", "02/05/2026", "Domestic abuse", "Y"]]
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "june.xlsx", june), period="2026-06")
    compute_indicators("2026-06", sqlite_url, "run-june")  # POL-02: 1 of 1 = 100%
    rows = [["P1", "N1", "01/07/2026", "02/07/2026", "Domestic abuse", "Y"],
            ["P2", "N2", "01/08/2026", "02/08/2026", "Domestic abuse", "N"],
            ["P3", "N3", "01/08/2026", "02/08/2026", "Domestic abuse", ""],  # DARA not known: left out
            ["P4", "N4", "01/08/2026", "02/08/2026", "Missing", ""],
            ["P5", "N5", "01/05/2026", "02/05/2026", "Domestic abuse", "Y"]]  # previous quarter
    ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "a.xlsx", rows))
    compute_indicators("2026-09", sqlite_url, "run-1")
    values = rows_of(sqlite_url, "fct_indicator_value")
    values = values[values["period"] == "2026-09"].set_index("indicator_id")
    assert values.loc["POL-02", ["numerator", "denominator"]].tolist() == [1, 2]
    assert values.loc["POL-02", "value"] == 50
    assert values.loc["POL-02", "direction"] == "down"  # 100% published for Q1 -> 50% in Q2
    assert values.loc["POL-02", "compared_with"] == "2026-06"
    assert values.loc["CSC-01", "rag"] == "NO_DATA" and pd.isna(values.loc["CSC-01", "value"])
    outputs = publish("2026-09", sqlite_url, str(tmp_path / "out"))
    text = open(outputs["csv"]).read().splitlines()
    assert text[0] == "indicator_id,period,breakdown,numerator,denominator,value,unit,rag,direction," \
                      "history_incomplete,note"
    assert "CSC-01,2026-09,,,,,rate_per_10000,NO_DATA,,0," in text
    assert "POL-02,2026-09,,1,2,50,percent,,down,0," in text
    lineage = rows_of(sqlite_url, "fct_indicator_lineage")
    assert sorted(lineage[lineage["period"] == "2026-09"]["indicator_id"]) == ["DQ-01", "POL-01", "POL-02"]
    meta = open(outputs["csv"].replace(".csv", ".meta.csv")).read()
    assert "history_incomplete" in meta and "same quarter last year" in meta
