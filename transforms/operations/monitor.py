"""Submission monitoring: compare what arrived with the submission calendar, and chase what is late.

A return is due 15 working days after its quarter ends (English bank holidays excluded). After that date, a
return with no loaded submission is late: a chaser note goes to that agency's outbox only, naming the return,
the quarter and the due date.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from transforms import settings, warehouse
from transforms.dataset.periods import due_date
from transforms.ingest.register import safe_name
from transforms.operations.failures import notify_failure

CALENDAR = settings.REFERENCE_DIR / "submission_calendar.csv"


def expected_returns(period: str) -> list[dict]:
    """(agency, return_id) pairs the calendar expects for the period."""
    with open(CALENDAR, newline="") as handle:
        return [{"agency": r["agency"], "return_id": r["return_id"]} for r in csv.DictReader(handle)
                if r["expected_from"] <= period]


def submission_status(period: str, today: dt.date, warehouse_url: str) -> pd.DataFrame:
    """One row per expected return: received (first loaded submission's time), on_time, late."""
    due = due_date(period)
    registry = warehouse.raw_submission
    with warehouse.engine(warehouse_url).connect() as conn:
        received = pd.DataFrame(conn.execute(
            sa.select(registry.c.agency, registry.c.return_id, sa.func.min(registry.c.received_at).label("received"))
            .where(registry.c.period == period, registry.c.loaded == 1, registry.c.status != "QUARANTINED")
            .group_by(registry.c.agency, registry.c.return_id)).mappings().all(),
            columns=["agency", "return_id", "received"])
    status = pd.DataFrame(expected_returns(period)).merge(received, on=["agency", "return_id"], how="left")
    status["due"] = due.isoformat()
    status["on_time"] = status["received"].notna() & (status["received"].str.slice(0, 10) <= due.isoformat())
    status["late"] = status["received"].isna() & (today > due)
    return status


def dataset_publication_due(period: str) -> dt.date:
    """When the quarter's dataset should be out: the `partnership_dataset` schedule (the first day of the second
    month after the quarter ends) plus one day's grace."""
    year, month = int(period[:4]), int(period[5:7]) + 2
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1) + dt.timedelta(days=1)


def dataset_late(period: str, today: dt.date, warehouse_url: str) -> bool:
    """True, and recorded in `ops_failure`, when the quarter's dataset is overdue and not published."""
    if today <= dataset_publication_due(period):
        return False
    fct = warehouse.fct_indicator_value
    with warehouse.engine(warehouse_url).connect() as conn:
        published = conn.execute(sa.select(sa.func.count()).select_from(fct).where(fct.c.period == period)).scalar()
    if published:
        return False
    notify_failure(warehouse_url, "partnership_dataset", "(late)", period,
                   f"The partnership dataset for {period} was due by {dataset_publication_due(period)} "
                   "and has not been published.")
    return True


def chase(period: str, today: dt.date, warehouse_url: str, out_dir: str) -> list[str]:
    """Write a chaser note into the outbox of each agency with a late return; return the notes written."""
    status = submission_status(period, today, warehouse_url)
    written = []
    for row in status[status["late"]].to_dict("records"):
        folder = Path(out_dir) / "outbox" / safe_name(row["agency"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"chaser_{period}_{safe_name(row['return_id'])}.txt"
        path.write_text(
            f"To: {row['agency']} data officer\n"
            f"Return: {row['return_id']}\nQuarter: {period}\nDue: {row['due']} (15 working days after the quarter)\n"
            f"As of {today.isoformat()} we have not received this return. Please drop it into your landing folder "
            f"(landing/{row['agency']}/). If there is nothing to report this quarter, tell the partnership "
            f"business unit so the return is recorded as nil rather than missing.\n", encoding="utf-8")
        written.append(str(path))
    return written
