"""Publish the partnership dataset from the warehouse, the same tables feeding every output:

- `published/partnership_dataset_<period>.csv` + `.meta.csv` (internal profile, exact counts);
- `published/arg_pack_<period>.xlsx` (the ARG pack), `published/dashboard/` (offline HTML, internal);
- `published/data_quality_<period>.html` (the analyst's data-quality report);
- `published/public/`: the open-data CSV and dashboard in the public profile (small numbers suppressed).

Published outputs hold aggregates only: no names, dates of birth, addresses or agency identifiers.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from transforms import warehouse
from transforms.dataset.indicators import catalogue, comparator_details
from transforms.dataset.periods import previous_period
from transforms.publish.arg_pack import write_arg_pack
from transforms.publish.dashboard import write_dashboard
from transforms.publish.dq_report import write_dq_report
from transforms.publish.pdf import render_pdf, soffice
from transforms.publish.story import gather
from transforms.publish.suppression import apply_profile

CSV_COLUMNS = ["indicator_id", "period", "breakdown", "numerator", "denominator", "value", "unit", "rag", "direction",
               "history_incomplete", "note"]
META = [
    ("indicator_id", "Indicator identifier from the partnership dataset catalogue (e.g. CSC-01)"),
    ("period", "Financial quarter, named by its last month (YYYY-MM); 2026-09 is July to September 2026"),
    ("breakdown", "Breakdown category; empty for the headline value"),
    ("numerator", "Count the value is built on; empty when there is no data; c when suppressed (1 to 5)"),
    ("denominator", "Count or population the numerator is divided by; empty for counts and when there is no data"),
    ("value", "Unrounded value: a percentage 0-100, a rate per 10,000 children, or a count (see unit); "
              "c when it would reveal a count from 1 to 5"),
    ("unit", "percent, rate_per_10000 or count"),
    ("rag", "RED, AMBER or GREEN against the comparator; empty when not rated; NO_DATA when the source "
            "returns were not received"),
    ("direction", "up, down or level against the previous quarter (for financial-year-to-date figures, against the "
                  "same quarter last year); empty when not comparable"),
    ("history_incomplete", "1 when the value's look-back (e.g. 24 months before a plan's start) reaches before the "
                           "earliest quarterly return held, so the value may be too low; else 0"),
    ("note", "Why a value is missing or flagged: no population estimate, history incomplete, a placeholder "
             "population"),
]
QUARTERS_SHOWN = 5


def _number(value: object) -> str:
    """Numbers written the same way on every run: integers without a decimal point, others unrounded."""
    if isinstance(value, str):
        return value  # a suppressed value
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def quarter_label(period: str) -> str:
    """`2026-09` -> `Q2 2026/27` (financial quarters start in April)."""
    year, month = int(period[:4]), int(period[5:7])
    quarter = {6: 1, 9: 2, 12: 3, 3: 4}[month]
    start = year if month >= 4 else year - 1
    return f"Q{quarter} {start}/{(start + 1) % 100:02d}"


def _read(warehouse_url: str, statement) -> pd.DataFrame:
    with warehouse.engine(warehouse_url).connect() as conn:
        result = conn.execute(statement)
        return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def dataset(period: str, warehouse_url: str) -> pd.DataFrame:
    """The period's indicator values, ordered by catalogue id and breakdown."""
    fct = warehouse.fct_indicator_value
    return _read(warehouse_url, sa.select(fct).where(fct.c.period == period)
                 .order_by(fct.c.indicator_id, fct.c.breakdown))


def trend(period: str, warehouse_url: str) -> pd.DataFrame:
    """The last five quarters of every indicator, each as computed for its own quarter (with revision marks)."""
    table = warehouse.fct_indicator_trend
    return _read(warehouse_url, sa.select(table).where(table.c.data_period == period)
                 .order_by(table.c.indicator_id, table.c.breakdown, table.c.quarter))


def lineage(period: str, warehouse_url: str) -> pd.DataFrame:
    """Which submissions each indicator value was computed from."""
    lin, reg = warehouse.fct_indicator_lineage, warehouse.raw_submission
    return _read(warehouse_url, sa.select(lin.c.indicator_id, reg.c.agency, reg.c.return_id, reg.c.received_at,
                                          reg.c.sha256)
                 .join(reg, lin.c.submission_id == reg.c.submission_id).where(lin.c.period == period)
                 .order_by(lin.c.indicator_id, reg.c.agency, reg.c.received_at, reg.c.sha256))


def write_csv(frame: pd.DataFrame, period: str, folder: Path) -> Path:
    """`partnership_dataset_<period>.csv` and its `.meta.csv` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"partnership_dataset_{period}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in frame.to_dict("records"):
            writer.writerow([_number(row[c]) if c in ("numerator", "denominator", "value", "history_incomplete")
                             else "" if row[c] is None or (not isinstance(row[c], str) and pd.isna(row[c]))
                             else row[c] for c in CSV_COLUMNS])
    with open(path.with_suffix(".meta.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["column_name", "description"])
        writer.writerows(META)
    return path


def render_pack_pdf(path: Path, *pack, **options) -> Path | None:
    """`arg_pack_<period>.pdf` for the meeting papers: the pack without its Sources sheet, rendered by LibreOffice
    headless; None (and no file) where LibreOffice is not installed."""
    if soffice() is None:
        return None
    with tempfile.TemporaryDirectory(prefix="assure-pack-") as folder:
        printable = write_arg_pack(Path(folder) / path.with_suffix(".xlsx").name, *pack, **options,
                                   with_sources=False)
        return render_pdf(printable, path)


def publish(period: str, warehouse_url: str, out_dir: str) -> dict:
    """Write every publication for the period; return their paths."""
    published = Path(out_dir) / "published"
    current, history = dataset(period, warehouse_url), trend(period, warehouse_url)
    indicators = catalogue()
    quarters = [previous_period(period, back) for back in range(QUARTERS_SHOWN - 1, -1, -1)]
    labels = {q: quarter_label(q) for q in quarters}
    exempt = {i.id for i in indicators if not i.disclosive}
    compared = comparator_details(int(period[:4]))
    story = gather(period, warehouse_url)  # commentary, why it moved, reds, movers, caveats
    outputs = {"csv": write_csv(apply_profile(current, "internal"), period, published)}
    outputs["dashboard"] = write_dashboard(apply_profile(current, "internal"), apply_profile(history, "internal"),
                                           indicators, period, quarters, labels, published / "dashboard",
                                           "internal", compared, story)[0]
    sources = lineage(period, warehouse_url)
    outputs["arg_pack"] = write_arg_pack(published / f"arg_pack_{period}.xlsx", current, history, indicators,
                                         quarters, labels, sources, compared, story)
    printed = render_pack_pdf(published / f"arg_pack_{period}.pdf", current, history, indicators, quarters, labels,
                              sources, compared, story)
    if printed:
        outputs["arg_pack_pdf"] = printed
    outputs["data_quality"] = write_dq_report(period, warehouse_url, published / f"data_quality_{period}.html")
    public = published / "public"
    outputs["public_csv"] = write_csv(apply_profile(current, "public", exempt), period, public)
    outputs["public_dashboard"] = write_dashboard(apply_profile(current, "public", exempt),
                                                  apply_profile(history, "public", exempt), indicators, period,
                                                  quarters, labels, public / "dashboard", "public", compared,
                                                  story)[0]
    return {name: str(path) for name, path in outputs.items()}
