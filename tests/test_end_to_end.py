"""End to end on a generated borough quarter, on SQLite and on PostgreSQL.

The test computes CSC-01 and LADO-01 itself from the generated spreadsheets (read with openpyxl, not with the
pipeline's reader) and the ground truth of injected errors, and compares them with the published CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

import schemas
from schemas.contract import normalise_header
from synthetic.generate import generate
from tests.conftest import TEST_POPULATION
from transforms import warehouse
from transforms.dataset.indicators import catalogue
from transforms.pipeline import run

PERIOD = "2026-09"
PERIOD_END = dt.date(2026, 9, 30)
POPULATION = TEST_POPULATION  # the child population the runs here are given (fixed_child_population)


pytestmark = pytest.mark.usefixtures("fixed_child_population")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    generate(folder, PERIOD, scale=0.5, seed=11)
    return folder


def parse_cell(value) -> dt.date | None:
    """An independent reading of a date cell: date cells, ISO, day-first and dd-Mon-yyyy text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y"):
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            pass
    return None


def column_dates(landing: Path, table_id: str, column: str) -> pd.DataFrame:
    """Excel row -> date of `column` for every data row of the table, read with openpyxl."""
    records = pd.read_csv(landing / "_truth" / "records" / f"{table_id}.csv", dtype=str, keep_default_na=False)
    aliases = schemas.table(table_id).column(column).header_keys
    out = []
    for (file, sheet), rows in records.groupby(["file", "sheet"]):
        cells = list(openpyxl.load_workbook(landing / file, read_only=True)[sheet].iter_rows(values_only=True))
        header_index = int(rows["row"].astype(int).min()) - 2
        while not any(normalise_header(h) in aliases for h in cells[header_index] if h):
            header_index -= 1  # blank rows between header and data
        position = next(i for i, h in enumerate(cells[header_index]) if h and normalise_header(h) in aliases)
        for row in rows["row"].astype(int):
            out.append({"file": file, "sheet": sheet, "row": row, "date": parse_cell(cells[row - 1][position])})
    return pd.DataFrame(out)


def rejected_rows(landing: Path) -> set[tuple[str, str, int]]:
    errors = pd.read_csv(landing / "_truth" / "errors.csv", dtype=str)
    errors = errors[errors["severity"] == "ERROR"]
    return {(f, s, int(r)) for f, s, r in zip(errors["file"], errors["sheet"], errors["row"], strict=True)}


def published(out: Path) -> dict[tuple[str, str], dict]:
    with open(out / "published" / f"partnership_dataset_{PERIOD}.csv", newline="") as handle:
        return {(r["indicator_id"], r["breakdown"]): r for r in csv.DictReader(handle)}


def expected_csc_01(landing: Path) -> tuple[int, float]:
    dates = column_dates(landing, "list3_referrals", "referral_date")
    bad = rejected_rows(landing)
    kept = dates[[(f, s, r) not in bad for f, s, r in zip(dates["file"], dates["sheet"], dates["row"], strict=True)]]
    assert kept["date"].notna().all(), "every accepted referral has a readable date"
    start = dt.date(2025, 9, 30)
    count = int(((kept["date"] > start) & (kept["date"] <= PERIOD_END)).sum())
    return count, count / POPULATION * 10000


def expected_lado_01(landing: Path) -> tuple[int, int]:
    contacts = column_dates(landing, "lado_allegations", "contact_date")
    meetings = column_dates(landing, "lado_allegations", "pot_meeting_date")
    both = contacts.merge(meetings, on=["file", "sheet", "row"], suffixes=("_contact", "_meeting"))
    bad = rejected_rows(landing)
    both = both[[(f, s, r) not in bad for f, s, r in zip(both["file"], both["sheet"], both["row"], strict=True)]]
    in_fytd = both[(both["date_contact"] >= dt.date(2026, 4, 1)) & (both["date_contact"] <= PERIOD_END)]
    met = in_fytd["date_meeting"].notna() & (in_fytd["date_meeting"] <= PERIOD_END)
    return int(met.sum()), len(in_fytd)


def check_run(landing: Path, out: Path, url: str) -> None:
    summary = run(str(landing), PERIOD, str(out), url, progress=lambda line: None)
    files = sorted(str(p.relative_to(landing)) for p in landing.glob("*/*") if not p.parts[-2].startswith("_"))
    assert len(summary.submissions) == len(files) == 13

    # Nothing lost: rows read = accepted + rejected for every submission, in the summary and the warehouse.
    with warehouse.engine(url).connect() as conn:
        registry = pd.DataFrame(conn.execute(sa.select(warehouse.raw_submission)).mappings().all())
        issues = pd.DataFrame(conn.execute(sa.select(warehouse.dq_issue)).mappings().all())
    assert len(registry) == 13 and set(registry["status"]) <= {"ACCEPTED", "PARTIAL"}
    assert (registry["rows_read"] == registry["rows_accepted"] + registry["rows_rejected"]).all()
    for submission in summary.submissions:
        assert submission["rows_read"] == submission["rows_accepted"] + submission["rows_rejected"]
        feedback = json.loads(Path(submission["feedback"]["json"]).read_text())
        assert Path(submission["feedback"]["xlsx"]).exists()
        assert f"/outbox/{submission['agency']}/" in submission["feedback"]["xlsx"]
        rejected = {(i["sheet"], i["row"]) for i in feedback["issues"] if i["severity"] == "ERROR"}
        assert len(rejected) == submission["rows_rejected"], "each rejected row appears in feedback"

    # Every injected error reported with its rule, sheet and Excel row; no clean row gets an ERROR.
    truth = pd.read_csv(landing / "_truth" / "errors.csv", dtype=str)
    names = dict(zip(registry["submission_id"], registry["file_name"], strict=True))
    keys = [(names[s], sh, int(r), rule) for s, sh, r, rule in
            zip(issues["submission_id"], issues["sheet"], issues["row"], issues["rule_id"], strict=True)]
    reported = set(keys)
    injected = {(Path(f).name, sh, int(r), rule) for f, sh, r, rule in
                zip(truth["file"], truth["sheet"], truth["row"], truth["rule_id"], strict=True)}
    assert injected <= reported
    errors = {key for key, severity in zip(keys, issues["severity"], strict=True) if severity == "ERROR"}
    assert errors - injected == set()

    values = published(out)
    count, rate = expected_csc_01(landing)
    assert values[("CSC-01", "")]["numerator"] == str(count)
    assert values[("CSC-01", "")]["denominator"] == str(POPULATION)
    assert abs(float(values[("CSC-01", "")]["value"]) - rate) < 1e-9
    met, contacts = expected_lado_01(landing)
    assert (values[("LADO-01", "")]["numerator"], values[("LADO-01", "")]["denominator"]) == (str(met), str(contacts))
    assert {k[0] for k in values} == {indicator.id for indicator in catalogue()}
    assert (out / "published" / "dashboard" / "index.html").exists()

    # Published outputs carry no names or identifiers from the returns.
    text = (out / "published" / f"partnership_dataset_{PERIOD}.csv").read_text()
    text += (out / "published" / "dashboard" / "index.html").read_text()
    identities = pd.read_csv(landing / "_truth" / "records" / "csc_child_identity.csv", dtype=str)
    for value in identities["child_id"].head(200).tolist() + identities["last_name"].dropna().head(200).tolist():
        assert not re.search(rf"\b{re.escape(value)}\b", text)


def test_end_to_end_sqlite(landing, tmp_path, sqlite_url):
    check_run(landing, tmp_path / "out", sqlite_url)


def test_end_to_end_postgresql(landing, tmp_path, postgres_url):
    check_run(landing, tmp_path / "out", postgres_url)


def test_rerun_is_idempotent(landing, tmp_path, sqlite_url):
    out = tmp_path / "out"
    run(str(landing), PERIOD, str(out), sqlite_url, progress=lambda line: None)
    first = (out / "published" / f"partnership_dataset_{PERIOD}.csv").read_bytes()
    tables = ["raw_submission", "dq_issue", "core_person_link", "core_person",
              *(t.name for t in warehouse.STG_TABLES.values())]

    def snapshot():
        with warehouse.engine(sqlite_url).connect() as conn:
            return {t: sorted(map(tuple, conn.execute(sa.text(f"SELECT * FROM {t}")).all())) for t in tables}

    before = snapshot()
    run(str(landing), PERIOD, str(out), sqlite_url, progress=lambda line: None)
    assert snapshot() == before
    assert (out / "published" / f"partnership_dataset_{PERIOD}.csv").read_bytes() == first
