"""Three quarters run in turn into one warehouse: each later quarter's indicators read the earlier returns too.

The generator writes three consecutive quarters of one world (2026-03 and 2026-06 under `landing/_earlier/<P>/`,
2026-09 in `landing/` itself). The pipeline runs them oldest first into ONE warehouse, on SQLite and PostgreSQL.
After the 2nd and 3rd runs, `fct_indicator_value` must equal, numerator and denominator exactly, what
`tests/dataset/independent.py` computes from the warehouse's `stg_` tables (every period) by the history rule of
DESIGN.md section 6, written without reading the indicator SQL. The seed is one in which full history changes
CSC-06 in both later quarters and NEG-04 in the last (checked below, so the test cannot silently lose its teeth).

Also: the trend of the last quarter shows 2026-03 as computed for 2026-03 (its value right after the first run),
and an indicator with data in the first quarter never turns "no data" in a later one.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from synthetic.generate import generate
from tests.conftest import population_file
from tests.dataset import independent
from transforms import warehouse
from transforms.pipeline import run

QUARTERS = ("2026-03", "2026-06", "2026-09")
SEED = 19  # full history changes CSC-06 in 2026-06 and 2026-09 and NEG-04 in 2026-09 (scale 0.25)
SCALE = 0.25
NOT_COMPARED = {("CSC-01", "")}  # CSC-01's denominator is the child population, not computed independently


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """Three quarters of one world, generated once for both databases."""
    folder = tmp_path_factory.mktemp("landing")
    generate(folder, QUARTERS[-1], quarters=len(QUARTERS), scale=SCALE, seed=SEED)
    return folder


@pytest.fixture
def population(tmp_path, monkeypatch):
    """Rates use a fixed child population, so CSC-01 does not depend on the figures shipped in reference/."""
    monkeypatch.setenv("ASSURE_CHILD_POPULATION", population_file(tmp_path))
    monkeypatch.delenv("ASSURE_AREA_CODE", raising=False)


def landing_for(landing: Path, period: str) -> Path:
    return landing if period == QUARTERS[-1] else landing / "_earlier" / period


def published(url: str, period: str) -> pd.DataFrame:
    """fct_indicator_value of a period, indexed by (indicator_id, breakdown)."""
    with warehouse.engine(url).connect() as conn:
        frame = pd.read_sql(sa.text("SELECT indicator_id, breakdown, numerator, denominator, value, rag "
                                    "FROM fct_indicator_value WHERE period = :p"), conn, params={"p": period})
    return frame.set_index(["indicator_id", "breakdown"]).sort_index()


def trend(url: str, data_period: str, quarter: str) -> pd.DataFrame:
    with warehouse.engine(url).connect() as conn:
        frame = pd.read_sql(sa.text("SELECT indicator_id, breakdown, numerator, denominator, value "
                                    "FROM fct_indicator_trend WHERE data_period = :d AND quarter = :q"),
                            conn, params={"d": data_period, "q": quarter})
    return frame.set_index(["indicator_id", "breakdown"]).sort_index()


def number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def same(a, b) -> bool:
    a, b = number(a), number(b)
    return a is None and b is None or a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(a))


def mismatches(expected: independent.Values, values: pd.DataFrame) -> list[str]:
    """Every (indicator, breakdown) where the pipeline's numerator or denominator differs from the expected."""
    out = []
    for key, (numerator, denominator) in sorted(expected.items()):
        if key not in values.index:
            out.append(f"{key}: expected {(numerator, denominator)}, not published")
            continue
        got = (number(values.loc[key, "numerator"]), number(values.loc[key, "denominator"]))
        want_denominator = got[1] if key in NOT_COMPARED else denominator
        if got != (numerator, want_denominator):
            out.append(f"{key}: expected {(numerator, denominator)}, pipeline {got}")
    return out


def test_quarters_in_turn(landing, population, warehouse_url, tmp_path):
    url = warehouse_url
    out = tmp_path / "out"
    values: dict[str, pd.DataFrame] = {}
    first_quarter = None
    for number_, period in enumerate(QUARTERS, start=1):
        run(str(landing_for(landing, period)), period, str(out), url, progress=lambda line: None)
        warehouse.dispose_all()
        values[period] = published(url, period)
        if number_ == 1:
            first_quarter = values[period].copy()  # 2026-03 as published right after its own run
            continue
        expected = independent.compute(url, period)
        own_only = independent.compute(url, period, full_history=False)
        for key in sorted(expected):
            got = values[period].loc[key, ["numerator", "denominator"]].tolist() if key in values[period].index \
                else None
            print(f"{period} {key[0]:8} {key[1] or '(headline)':9} independent {expected[key]}  "
                  f"P's rows only {own_only[key]}  pipeline {got}")
        assert any(expected[key] != own_only[key] for key in expected), \
            f"{period}: the generated quarters exercise full history (some indicator needs the earlier returns)"
        assert mismatches(expected, values[period]) == [], period
        warehouse.dispose_all()

    # the trend shown with 2026-09 holds 2026-03 as computed for 2026-03
    shown = trend(url, QUARTERS[-1], QUARTERS[0])
    assert len(shown) > 0, "the trend shows the first quarter"
    assert set(shown.index) <= set(first_quarter.index)
    differ = [(key, tuple(first_quarter.loc[key, ["numerator", "denominator", "value"]]),
               tuple(shown.loc[key, ["numerator", "denominator", "value"]]))
              for key in shown.index
              if not all(same(first_quarter.loc[key, c], shown.loc[key, c]) for c in ("numerator", "denominator",
                                                                                      "value"))]
    assert differ == [], "the trend's 2026-03 is the value computed for 2026-03 (key, first run, trend)"
    missing = sorted(set(first_quarter.index) - set(shown.index))
    assert missing == [], "every value of 2026-03 is in the trend shown with 2026-09"

    # an indicator with data in the first quarter keeps it in the later quarters (its sources have rows each time)
    had_data = set(first_quarter.index[first_quarter["rag"] != "NO_DATA"])
    for period in QUARTERS[1:]:
        later = values[period]
        lost = sorted(key for key in later.index[later["rag"] == "NO_DATA"] if key in had_data)
        assert lost == [], f"{period}: no data where 2026-03 had data"
        lost_indicators = {i for i, _ in had_data} - set(later.index.get_level_values(0)[later["rag"] != "NO_DATA"])
        assert lost_indicators == set(), f"{period}: indicators with no value where 2026-03 had one"


def test_history_rule_by_hand():
    """The independent history rule itself, on a hand-made table: two returns of one agency and one of another."""
    rows = pd.DataFrame([
        # (agency, period, referral_date, label)
        ("csc", "2026-06", "2024-06-30", "a"),  # on or before W(2026-06) = 2024-06-30: owned by p_1 = 2026-06: in
        ("csc", "2026-06", "2024-07-01", "b"),  # after W(2026-06), on or before W(2026-09): 2026-06's: in
        ("csc", "2026-06", "2024-10-01", "c"),  # after W(2026-09) = 2024-09-30: owned by 2026-09: out
        ("csc", "2026-06", "", "d"),            # blank: owned by the latest return, 2026-09: out
        ("csc", "2026-09", "2024-07-01", "e"),  # owned by 2026-06: out (2026-09 does not cover it)
        ("csc", "2026-09", "2024-10-01", "f"),  # in
        ("csc", "2026-09", "", "g"),            # in
        ("other", "2026-03", "2024-10-01", "h"),  # the other agency's only return: in
    ], columns=["agency", "period", "referral_date", "label"])
    seen = independent.as_seen(rows, "list3_referrals")
    assert sorted(seen["label"]) == ["a", "b", "f", "g", "h"]
    assert independent.window_start("2026-09") == "2024-09-30"
    assert independent.plus_months("2024-12-31", 18) == "2026-06-30"
    assert independent.years_before("2028-02-29", 2) == "2026-02-29"  # between 28 February and 1 March
    w = independent.Windows("2026-06")
    assert (w.r_after, w.fytd_start, w.q_after) == ("2025-06-30", "2026-04-01", "2026-03-31")
