"""An agency whose data did not change resends the same files next quarter: they are that quarter's returns too, so
no indicator goes to "no data" (measured before: POL-04 and DQ-02's police row did), and the archive keeps the bytes
once (DESIGN.md section 6)."""

from __future__ import annotations

import pandas as pd

from synthetic.generate import generate
from tests.police_files import rows_of
from transforms import warehouse
from transforms.pipeline import run


def test_files_resent_unchanged_are_next_quarters_returns(tmp_path, warehouse_url):
    landing, out = tmp_path / "landing", tmp_path / "out"
    generate(landing, "2026-06", scale=0.15, seed=21)
    for period in ("2026-06", "2026-09"):  # the very same folder, run for two quarters in turn
        run(str(landing), period, str(out), warehouse_url, progress=lambda line: None)
    warehouse.dispose_all()
    values = rows_of(warehouse_url, "fct_indicator_value")
    by_period = {p: v.set_index(["indicator_id", "breakdown"]) for p, v in values.groupby("period")}
    june, september = by_period["2026-06"], by_period["2026-09"]
    no_data = {p: {i for (i, _), rag in v["rag"].items() if rag == "NO_DATA"} for p, v in by_period.items()}
    assert no_data["2026-09"] <= no_data["2026-06"], no_data["2026-09"] - no_data["2026-06"]
    for key in (("POL-04", ""), ("DQ-02", "police"), ("DQ-02", "")):  # the same nominal records both quarters
        assert (september.loc[key, "numerator"], september.loc[key, "denominator"]) == \
            (june.loc[key, "numerator"], june.loc[key, "denominator"]), key
        assert september.loc[key, "denominator"] > 0
    registry = rows_of(warehouse_url, "raw_submission")
    files = len(list(landing.glob("*/*.xlsx")))
    assert len(registry) == 2 * files and registry["loaded"].eq(1).all()
    assert all(sorted(periods) == ["2026-06", "2026-09"] for _, periods in registry.groupby("sha256")["period"])
    assert len(list((out / "archive").iterdir())) == registry["sha256"].nunique()
    lineage = rows_of(warehouse_url, "fct_indicator_lineage")
    assert not pd.merge(lineage[lineage["period"] == "2026-09"], registry[registry["period"] == "2026-06"],
                        on="submission_id").empty, "the September values also read June's returns (history)"
