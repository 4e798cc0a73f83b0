"""The scheduled purge removes raw files after 2 years and staging rows after 7, and logs what it removed."""

import datetime as dt

import sqlalchemy as sa

from tests.police_files import ingest, ppn_file, rows_of
from transforms import warehouse
from transforms.operations.retention import purge


def age(url: str, submission_id: str, received_at: str) -> None:
    with warehouse.engine(url).begin() as conn:
        table = warehouse.raw_submission
        conn.execute(table.update().where(table.c.submission_id == submission_id).values(received_at=received_at))


def test_purge_respects_both_retention_periods_and_logs(tmp_path, sqlite_url):
    old, _ = ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "old.xlsx", [
        ["P1", "N1", "01/07/2018", "02/07/2018", "Other", ""]]), period="2018-09")
    mid, _ = ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "mid.xlsx", [
        ["P2", "N1", "01/07/2023", "02/07/2023", "Other", ""]]), period="2023-09")
    new, _ = ingest(tmp_path, sqlite_url, ppn_file(tmp_path, "new.xlsx", [
        ["P3", "N1", "01/07/2026", "02/07/2026", "Other", ""]]), period="2026-09")
    age(sqlite_url, old.submission_id, "2018-10-20T09:00:00+00:00")
    age(sqlite_url, mid.submission_id, "2023-10-20T09:00:00+00:00")

    removed = purge(str(tmp_path / "out"), sqlite_url, dt.date(2026, 11, 22))
    assert removed == {"raw_files": 2, "staging_rows": 1, "issues": 0}
    assert not (tmp_path / "out" / "archive" / f"{old.sha256}.xlsx").exists()
    assert not (tmp_path / "out" / "archive" / f"{mid.sha256}.xlsx").exists()
    assert (tmp_path / "out" / "archive" / f"{new.sha256}.xlsx").exists()
    assert sorted(rows_of(sqlite_url, "stg_police_ppn")["ppn_id"]) == ["P2", "P3"]
    assert len(rows_of(sqlite_url, "raw_submission")) == 3  # the registry is the audit trail
    log = rows_of(sqlite_url, "ops_retention")
    assert sorted(log["kind"]) == ["raw_file", "raw_file", "staging_rows"]
    assert purge(str(tmp_path / "out"), sqlite_url, dt.date(2026, 11, 22)) == \
        {"raw_files": 0, "staging_rows": 0, "issues": 0}
    with warehouse.engine(sqlite_url).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(warehouse.ops_retention)).scalar() == 3
