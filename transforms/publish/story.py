"""What the overview and each indicator say beyond the numbers (DESIGN.md section 7): the final commentary, why it
moved, the red indicators, the biggest movers on last quarter and on the same quarter last year, and the caveats
behind each indicator. Read once per publication from the warehouse; the dashboard and the pack both show it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from transforms import warehouse
from transforms.dataset import breakdown_label, catalogue, commentary, grouped, previous_period, records

MOVERS_SHOWN = 5


@dataclass
class Story:
    """The words of a quarter: per indicator id its commentary ({'text', 'edited', ...}), why it moved, caveats and
    headline label; and, for the overview, the red indicators and the biggest movers."""

    period: str
    commentary: dict[str, dict] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    caveats: dict[str, list[str]] = field(default_factory=dict)
    reds: list[dict] = field(default_factory=list)
    movers_quarter: list[dict] = field(default_factory=list)
    movers_year: list[dict] = field(default_factory=list)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    def label(self, indicator, breakdown: str) -> str:
        """The words a breakdown of `indicator` is published under (as stored, else worked out)."""
        return self.labels.get((indicator.id, breakdown)) or breakdown_label(breakdown, indicator.sources)


def label_of(story: Story | None, indicator, breakdown: str) -> str:
    """A breakdown's words, with or without a story."""
    return story.label(indicator, breakdown) if story else breakdown_label(breakdown, indicator.sources)


def _movers(rows: list[dict], before: dict[str, dict]) -> list[dict]:
    moved = []
    for row in rows:
        prior = before.get(row["indicator_id"])
        if prior is None or pd.isna(prior["value"]) or pd.isna(row["value"]) or prior["value"] == row["value"]:
            continue
        change = row["value"] - prior["value"]
        relative = change / abs(prior["value"]) if prior["value"] else None
        moved.append({**row, "before": prior["value"], "change": change, "relative": relative})
    # relative change first (a count and a rate compare only that way); from zero counts as the largest
    moved.sort(key=lambda m: (-(abs(m["relative"]) if m["relative"] is not None else float("inf")),
                              m["indicator_id"]))
    return moved[:MOVERS_SHOWN]


def gather(period: str, url: str) -> Story:
    """The story of `period` from the warehouse (values of this quarter, last quarter and last year; commentary;
    submissions)."""
    story = Story(period, commentary=commentary.final(url, period))
    indicators = {i.id: i for i in catalogue()}
    last_quarter, last_year = previous_period(period), previous_period(period, 4)
    with warehouse.engine(url).connect() as conn:
        values = commentary.values_of(conn, [period, last_quarter, last_year])
        submissions = commentary.submissions_of(conn, period)
        labels = conn.execute(warehouse.dim_breakdown_label.select()).all()
    story.labels = {(i, b): label for i, b, label in labels}
    heads = {}
    rows_of = grouped(values, "indicator_id", "period")
    received = records(submissions)
    for indicator_id, indicator in indicators.items():
        now = rows_of.get((indicator_id, period), [])
        top = commentary.headline(now)
        if top is None or top.get("rag") == "NO_DATA":
            continue
        heads[indicator_id] = top
        previous = rows_of.get((indicator_id, last_quarter), [])
        parts = commentary.split(top, commentary.row_of(previous, top["breakdown"]), top["unit"])
        why = commentary.why_words(indicator, parts, commentary.movers(indicator, now, previous))
        if why and indicator.window != "FYTD":
            story.why[indicator_id] = why
        story.caveats[indicator_id] = commentary.caveats(indicator, top, received, period)
        if top.get("rag") == "RED" and indicator.rated:
            story.reds.append({**top, "title": indicator.title, "area": indicator.area})
    rows = [{**top, "title": indicators[i].title, "area": indicators[i].area} for i, top in heads.items()]

    def held(back_to: str, fytd_too: bool) -> dict[str, dict]:
        found = {}
        for i, top in heads.items():
            if indicators[i].window == "FYTD" and not fytd_too:
                continue  # a year-to-date count always falls in Q1: only last year's is a fair comparison
            match = commentary.row_of(rows_of.get((i, back_to), []), top["breakdown"])
            if match is not None:
                found[i] = match
        return found

    story.movers_quarter = _movers(rows, held(last_quarter, False))
    story.movers_year = _movers(rows, held(last_year, True))
    return story


__all__ = ["Story", "gather", "label_of"]
