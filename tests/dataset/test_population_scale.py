"""Rates per 10,000 children follow the generated world's size: `assure generate --scale S` writes a population of
about 48,000 x S children (ONS file format, loaded with the product's own loader), so a run at scale 4 gives the
same rates as a run at scale 1 (a region's rates, not four times a borough's). Measured before: every scale was
divided by 48,000 (DESIGN.md section 6, population)."""

from __future__ import annotations

import pytest

from synthetic.generate import generate
from synthetic.generate.population import AREA_CODE
from tests.police_files import rows_of
from transforms import warehouse
from transforms.dataset.population import read_reference
from transforms.pipeline import run

PERIOD = "2026-09"
PER_10K = {"CSC-01": "", "CSC-07": "per_10000"}  # the rows whose denominator is the child population
SMALL, LARGE = 0.1, 0.4


def _rates(tmp_path, scale: float, monkeypatch) -> tuple[dict[str, tuple[float, float, float]], int]:
    """Generate and run one scale with its own population; (value, numerator, denominator) per 10k indicator."""
    landing, out = tmp_path / f"landing{scale:g}", tmp_path / f"out{scale:g}"
    summary = generate(landing, PERIOD, scale=scale, seed=31)
    monkeypatch.setenv("ASSURE_CHILD_POPULATION", summary["child_population"])
    monkeypatch.setenv("ASSURE_AREA_CODE", summary["area_code"])
    url = f"sqlite:///{out / 'warehouse.sqlite'}"
    out.mkdir(parents=True)
    run(str(landing), PERIOD, str(out), url, progress=lambda line: None)
    warehouse.dispose_all()
    values = rows_of(url, "fct_indicator_value")
    rates = {r.indicator_id: (float(r.value), float(r.numerator), float(r.denominator))
             for r in values[values["period"] == PERIOD].itertuples() if PER_10K.get(r.indicator_id) == r.breakdown}
    population = read_reference(summary["child_population"])
    assert {r.area_code for r in population} == {AREA_CODE}
    return rates, population[-1].population_0_17


def test_generated_population_follows_the_scale(tmp_path, monkeypatch):
    small, small_children = _rates(tmp_path, SMALL, monkeypatch)
    large, large_children = _rates(tmp_path, LARGE, monkeypatch)
    assert (small_children, large_children) == (round(48000 * SMALL), round(48000 * LARGE))
    for indicator in PER_10K:
        assert small[indicator][2] == small_children and large[indicator][2] == large_children, indicator
        assert large[indicator][1] > 2.5 * small[indicator][1], "four times the world, about four times the events"
        ratio = large[indicator][0] / small[indicator][0]
        # the same borough's rates at either size (sampling noise aside); a fixed denominator would give ~4
        assert ratio == pytest.approx(1, abs=0.35), (indicator, small[indicator], large[indicator])
