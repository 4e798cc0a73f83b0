"""Publish the partnership dataset from the warehouse, the same tables feeding every output:

- `published/partnership_dataset_<period>.csv` + `.meta.csv` (internal profile, exact counts);
- `published/arg_pack_<period>.xlsx` (the ARG pack), `published/dashboard/` (offline HTML, internal);
- `published/data_quality_<period>.html` (the analyst's data-quality report).

That is the internal profile, published on every run (`publish`). The public profile is released only once an
analyst approved the quarter (`release`, DESIGN.md section 7), and every decision is recorded in `ops_release`:

- `published/public/`: the open-data CSV and dashboard in the public profile (small numbers suppressed);
- `published/circulation/`: the files approved for circulation: the ARG pack printed to PDF for the meeting papers
  (where LibreOffice is installed), rendered when approved from the numbers approved. The analyst checks the same
  pack, page set-up and all, in `arg_pack_<period>.xlsx` before approving; rendering it on every run would cost each
  run seconds of LibreOffice for a file nobody may circulate yet.

Published outputs hold aggregates only: no names, dates of birth, addresses or agency identifiers.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from transforms import warehouse
from transforms.dataset import records
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
APPROVED, REJECTED = "APPROVED", "REJECTED"  # `ops_release.decision`


class ReleaseRefused(RuntimeError):
    """The quarter cannot be released as asked: nothing computed for it, or its numbers are no longer those of the
    run that was approved (another run computed the quarter again since)."""


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
        for row in records(frame):
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
    headless; None (and no file) where LibreOffice is not installed. Made on release (`release`), for circulation."""
    if soffice() is None:
        return None
    with tempfile.TemporaryDirectory(prefix="assure-pack-") as folder:
        printable = write_arg_pack(Path(folder) / path.with_suffix(".xlsx").name, *pack, **options,
                                   with_sources=False)
        return render_pdf(printable, path)


@dataclass
class _Material:
    """What every publication of a period is written from, read once."""

    current: pd.DataFrame
    history: pd.DataFrame
    indicators: list
    quarters: list[str]
    labels: dict[str, str]
    exempt: set[str]
    compared: dict
    story: object


def _material(period: str, warehouse_url: str) -> _Material:
    indicators = catalogue()
    quarters = [previous_period(period, back) for back in range(QUARTERS_SHOWN - 1, -1, -1)]
    return _Material(dataset(period, warehouse_url), trend(period, warehouse_url), indicators, quarters,
                     {q: quarter_label(q) for q in quarters}, {i.id for i in indicators if not i.disclosive},
                     comparator_details(int(period[:4])),
                     gather(period, warehouse_url))  # commentary, why it moved, reds, movers, caveats


def publish(period: str, warehouse_url: str, out_dir: str,
            alongside: Callable[..., Any] | None = None) -> dict:
    """Write the internal profile of the period (every run): the dataset CSV, the dashboard, the ARG pack and the
    data-quality report; return their paths. Nothing public or for circulation: that is `release`, once the quarter
    is approved.

    `alongside(work, *arguments)`, when given, starts the data-quality report while the rest is written and returns
    what its `result()` collects (`operations.beside`, or a thread pool's `submit`); otherwise it is written here,
    last."""
    published = Path(out_dir) / "published"
    report = (period, warehouse_url, published / f"data_quality_{period}.html")
    written_beside = alongside(write_dq_report, *report) if alongside else None
    try:
        m = _material(period, warehouse_url)
        outputs = {"csv": write_csv(apply_profile(m.current, "internal"), period, published)}
        outputs["dashboard"] = write_dashboard(apply_profile(m.current, "internal"),
                                               apply_profile(m.history, "internal"), m.indicators, period, m.quarters,
                                               m.labels, published / "dashboard", "internal", m.compared, m.story)[0]
        sources = lineage(period, warehouse_url)
        outputs["arg_pack"] = write_arg_pack(published / f"arg_pack_{period}.xlsx", m.current, m.history,
                                             m.indicators, m.quarters, m.labels, sources, m.compared, m.story)
    except BaseException:
        if written_beside:  # not left running: waited for, its own outcome second to this failure
            with contextlib.suppress(Exception):
                written_beside.result()
        raise
    outputs["data_quality"] = written_beside.result() if written_beside else write_dq_report(*report)
    return {name: str(path) for name, path in outputs.items()}


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _stamp(when: dt.datetime | str | None) -> str:
    """An ISO time stamp in UTC, to the second (now when not given)."""
    if when is None:
        return _now()
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _computed_by(period: str, warehouse_url: str) -> set[str]:
    fct = warehouse.fct_indicator_value
    with warehouse.engine(warehouse_url).connect() as conn:
        return set(conn.execute(sa.select(fct.c.run_id).where(fct.c.period == period).distinct()).scalars())


def _later_release(period: str, warehouse_url: str) -> str | None:
    """The latest period after `period` already released, if any (its public dashboard stays)."""
    table = warehouse.ops_release
    with warehouse.engine(warehouse_url).connect() as conn:
        return conn.execute(sa.select(sa.func.max(table.c.period)).where(
            table.c.decision == APPROVED, table.c.period > period)).scalar()


def release(period: str, warehouse_url: str, out_dir: str, decided_by: str, *, approved: bool = True,
            comment: str | None = None, run_id: str | None = None, decided_at: dt.datetime | str | None = None) -> dict:
    """Record an analyst's decision on releasing the period's public profile in `ops_release`; when approved, first
    write the public profile into `published/public/` (the dataset CSV and its `.meta.csv`; the dashboard, unless a
    later quarter is already released: its pages stay) and print the ARG pack for circulation into
    `published/circulation/arg_pack_<period>.pdf` (where LibreOffice is installed). Releasing a period again
    replaces its public files and adds a row. A rejection writes nothing and removes nothing (a release made earlier
    stands until a new approval replaces it).

    `run_id`: the run whose numbers were approved; an approval is refused (ReleaseRefused, nothing written or
    recorded) when the quarter's values were computed by another run since, or never. `decided_at`: when the
    approver answered (default: now). Returns the decision, who, when, and the paths released (`outputs`)."""
    if not decided_by or not str(decided_by).strip():
        raise ValueError("a release decision needs the name of who made it")
    computed = _computed_by(period, warehouse_url)
    if approved and not computed:
        raise ReleaseRefused(f"the partnership dataset for {period} has not been computed: nothing to release")
    if approved and run_id is not None and computed != {run_id}:
        raise ReleaseRefused(
            f"the partnership dataset for {period} was computed again (run {', '.join(sorted(computed))}) after run "
            f"{run_id}, whose numbers were approved: nothing was released. Approve the later run's publication.")
    out, outputs, released_at = Path(out_dir), {}, None
    if approved:
        published = out / "published"
        m = _material(period, warehouse_url)
        public = apply_profile(m.current, "public", m.exempt)
        outputs["public_csv"] = write_csv(public, period, published / "public")
        if _later_release(period, warehouse_url) is None:
            outputs["public_dashboard"] = write_dashboard(
                public, apply_profile(m.history, "public", m.exempt), m.indicators, period, m.quarters, m.labels,
                published / "public" / "dashboard", "public", m.compared, m.story)[0]
        printed = render_pack_pdf(published / "circulation" / f"arg_pack_{period}.pdf", m.current, m.history,
                                  m.indicators, m.quarters, m.labels, lineage(period, warehouse_url), m.compared,
                                  m.story)
        if printed:
            outputs["circulation_pdf"] = printed
        released_at = _now()
    decision = {"period": period, "decision": APPROVED if approved else REJECTED, "decided_by": str(decided_by)[:128],
                "decided_at": _stamp(decided_at), "released_at": released_at, "comment": comment or None,
                "run_id": run_id or (sorted(computed)[0] if len(computed) == 1 else None)}
    paths = {name: str(path) for name, path in outputs.items()}
    with warehouse.engine(warehouse_url).begin() as conn:
        conn.execute(warehouse.ops_release.insert().values(
            **decision, outputs="\n".join(Path(p).relative_to(out).as_posix() for p in paths.values()) or None))
    return {**decision, "outputs": paths}


def releases(warehouse_url: str, period: str | None = None) -> list[dict]:
    """Every release decision recorded (of one period when given), oldest first."""
    table = warehouse.ops_release
    query = sa.select(table).order_by(table.c.release_id)
    if period is not None:
        query = query.where(table.c.period == period)
    with warehouse.engine(warehouse_url).connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
