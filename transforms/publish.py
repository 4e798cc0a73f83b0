"""Publish the partnership dataset: the open-data CSV with its `.meta.csv`, and the HTML dashboard page.

Published outputs hold aggregates only: no names, dates of birth, addresses or agency identifiers.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from transforms import warehouse
from transforms.indicators import NO_DATA, catalogue

CSV_COLUMNS = ["indicator_id", "period", "breakdown", "numerator", "denominator", "value", "unit", "rag", "direction"]
META = [
    ("indicator_id", "Indicator identifier from the partnership dataset catalogue (e.g. CSC-01)"),
    ("period", "Financial quarter, named by its last month (YYYY-MM); 2026-09 is July to September 2026"),
    ("breakdown", "Breakdown category; empty for the headline value"),
    ("numerator", "Count the value is built on; empty when there is no data"),
    ("denominator", "Count or population the numerator is divided by; empty for counts and when there is no data"),
    ("value", "Unrounded value: a percentage 0-100, a rate per 10,000 children, or a count (see unit)"),
    ("unit", "percent, rate_per_10000 or count"),
    ("rag", "RED, AMBER or GREEN against the comparator; empty when not rated; NO_DATA when the source "
            "returns were not received"),
    ("direction", "up, down or level against the previous quarter; empty when not comparable"),
]


def _number(value: object) -> str:
    """Numbers written the same way on every run: integers without a decimal point, others unrounded."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def dataset(period: str, warehouse_url: str) -> pd.DataFrame:
    """The period's indicator values, ordered by catalogue id and breakdown."""
    fct = warehouse.fct_indicator_value
    with warehouse.engine(warehouse_url).connect() as conn:
        rows = conn.execute(sa.select(fct).where(fct.c.period == period)
                            .order_by(fct.c.indicator_id, fct.c.breakdown)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in fct.columns])


def write_csv(frame: pd.DataFrame, period: str, published: Path) -> Path:
    """`partnership_dataset_<period>.csv` and its `.meta.csv`."""
    path = published / f"partnership_dataset_{period}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in frame.to_dict("records"):
            writer.writerow([_number(row[c]) if c in ("numerator", "denominator", "value") else row[c]
                             for c in CSV_COLUMNS])
    with open(path.with_suffix(".meta.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["column_name", "description"])
        writer.writerows(META)
    return path


RAG_COLOURS = {"RED": "#c0392b", "AMBER": "#e69f00", "GREEN": "#2e7d32", NO_DATA: "#777777", "": "#777777"}
ARROWS = {"up": "&#8593;", "down": "&#8595;", "level": "&#8594;", "": ""}


def _display(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return "no data"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate_per_10000":
        return f"{value:.1f}"
    return f"{value:,.0f}"


def write_dashboard(frame: pd.DataFrame, period: str, published: Path) -> Path:
    """A self-contained HTML page (no scripts, no external requests) showing every indicator value."""
    titles = {i.id: i for i in catalogue()}
    rows = []
    for row in frame.to_dict("records"):
        indicator = titles[row["indicator_id"]]
        value = None if row["rag"] == NO_DATA else row["value"]
        width = 0 if value is None else max(0.0, min(100.0, value if row["unit"] == "percent" else 100.0))
        bar = (f'<svg width="120" height="14" role="img" aria-label="{html.escape(_display(value, row["unit"]))}">'
               f'<rect width="120" height="14" fill="#eee"/><rect width="{width * 1.2:.1f}" height="14" '
               f'fill="#1f5f99"/></svg>') if row["unit"] == "percent" and value is not None else ""
        comparator = "" if row["comparator"] is None or pd.isna(row["comparator"]) else \
            _display(row["comparator"], row["unit"])
        rag = row["rag"]
        rows.append(
            f"<tr><td>{html.escape(row['indicator_id'])}</td><td>{html.escape(indicator.title)}</td>"
            f"<td>{html.escape(row['breakdown'] or 'all')}</td>"
            f"<td class='num'>{html.escape(_display(value, row['unit']))}</td><td>{bar}</td>"
            f"<td class='num'>{html.escape(comparator)}</td>"
            f"<td><span class='rag' style='background:{RAG_COLOURS.get(rag, '#777')}'>"
            f"{html.escape(rag.replace('_', ' ').lower() or 'not rated')}</span></td>"
            f"<td class='dir'>{ARROWS.get(row['direction'], '')}</td></tr>")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partnership dataset {html.escape(period)}</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; margin: 2rem; font-size: 18px; color: #111; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: .5rem; text-align: left; vertical-align: middle; }}
th {{ background: #1f3b57; color: #fff; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.rag {{ color: #fff; padding: .15rem .5rem; border-radius: .3rem; font-size: 14px; }}
.dir {{ font-size: 22px; text-align: center; }}
</style></head><body>
<h1>Partnership dataset: quarter ending {html.escape(period)}</h1>
<p>Internal profile: exact counts, for the Assurance and Review Group. Values are computed from the agencies'
returns for this quarter; direction compares with the previous quarter.</p>
<table><thead><tr><th>Id</th><th>Indicator</th><th>Breakdown</th><th>Value</th><th></th><th>England</th>
<th>RAG</th><th>Trend</th></tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
    path = published / "dashboard" / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def publish(period: str, warehouse_url: str, out_dir: str) -> dict:
    """Write the published CSV, its metadata and the dashboard page; return their paths."""
    published = Path(out_dir) / "published"
    published.mkdir(parents=True, exist_ok=True)
    frame = dataset(period, warehouse_url)
    return {"csv": str(write_csv(frame, period, published)),
            "dashboard": str(write_dashboard(frame, period, published))}
