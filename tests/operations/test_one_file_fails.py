"""One file's failure never blocks the others (DESIGN.md section 9, issue 17).

A file whose load fails for a reason of its own (here: the warehouse refusing its rows, as PostgreSQL refused a NUL
character) is marked FAILED and not loaded; the rest of the run completes and publishes; `assure run` exits 1
naming the file. After the cause is fixed, the next run loads it, and the warehouse and the published dataset equal
those of an uninterrupted run. A NUL byte in a CSV itself no longer fails anything: it is removed and queried.
"""

from __future__ import annotations

import contextlib
import io

import pytest
import sqlalchemy as sa

import transforms.pipeline as pipeline
from tests.bad_inputs import PERIOD, PPN_HEADER, ppn_rows, write_csv
from tests.operations.test_faults import STATE_TABLES, small_landing, snapshot
from transforms import cli, warehouse

DERIVED = STATE_TABLES + ("core_person_link", "fct_indicator_value")


def assure_run(landing, out, url) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["run", "--landing", str(landing), "--period", PERIOD, "--out", str(out), "--warehouse", url])
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def two_warehouses(tmp_path, request, warehouse_url):
    """(reference, interrupted) warehouse URLs on the backend under test, both empty."""
    if warehouse_url.startswith("sqlite"):
        yield tuple(f"sqlite:///{tmp_path / name / 'warehouse.sqlite'}" for name in ("reference", "interrupted"))
        return
    schema = warehouse_url.split("search_path%3D")[1]
    other = warehouse_url.replace("search_path%3D", "search_path%3Dx")
    with sa.create_engine(warehouse_url).begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA x{schema}"))
    try:
        yield other, warehouse_url
    finally:
        warehouse.dispose_all()
        with sa.create_engine(warehouse_url).begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA x{schema} CASCADE"))


def test_a_file_the_warehouse_refuses_fails_alone_and_the_next_run_completes_it(tmp_path, monkeypatch,
                                                                                  two_warehouses):
    reference_url, url = two_warehouses
    landing = small_landing(tmp_path / "landing")
    out, reference_out = tmp_path / "interrupted", tmp_path / "reference"
    assert assure_run(landing, reference_out, reference_url)[0] == 0
    reference = snapshot(reference_url, DERIVED)

    real_load = pipeline.load_submission

    def refusing(result, url):  # what psycopg raised for one NUL: a data error on this file only
        if result.agency == "health":
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return real_load(result, url)

    monkeypatch.setattr(pipeline, "load_submission", refusing)
    code, stdout, stderr = assure_run(landing, out, url)
    assert code == 1 and "Traceback" not in stdout + stderr
    assert "health/referrals.xlsx" in stderr and "failed" in stderr and "Everything else was published" in stderr
    assert "failed:       health/referrals.xlsx: loading the file failed: A string literal" in stdout
    state = snapshot(url)
    assert {r[2]: r[-1] for r in state["raw_submission"]} == {"police": 1, "health": 0, "lado": 1}
    assert state["stg_health_referral"] == [] and len(state["stg_police_ppn"]) == 12
    assert (out / "published" / f"partnership_dataset_{PERIOD}.csv").exists(), "the rest was published"
    with warehouse.engine(url).connect() as conn:
        failures = conn.execute(sa.select(warehouse.ops_failure.c.task_id, warehouse.ops_failure.c.error)).all()
        status = conn.execute(sa.select(warehouse.raw_submission.c.status)
                              .where(warehouse.raw_submission.c.agency == "health")).scalar()
    assert status == "FAILED" and any("health/referrals.xlsx" in task and "NUL" in error
                                      for task, error in failures)

    monkeypatch.setattr(pipeline, "load_submission", real_load)  # the cause fixed
    code, stdout, stderr = assure_run(landing, out, url)
    assert code == 0, stderr
    assert snapshot(url, DERIVED) == reference, "the re-run equals an uninterrupted run"
    name = f"partnership_dataset_{PERIOD}.csv"
    assert (out / "published" / name).read_bytes() == (reference_out / "published" / name).read_bytes()


def test_a_nul_byte_in_a_csv_is_removed_and_queried_on_both_warehouses(tmp_path, warehouse_url):
    rows = ppn_rows()
    rows[2][1] = "N50\x0002"  # a person id with a NUL inside
    rows[5][4] = "Missing\x00"
    path = write_csv(tmp_path / "landing" / "police" / "ppn_nul.csv", [PPN_HEADER, *rows])
    assert path.read_bytes().count(b"\x00") == 2
    code, stdout, stderr = assure_run(tmp_path / "landing", tmp_path / "out", warehouse_url)
    assert code == 0, stderr
    with warehouse.engine(warehouse_url).connect() as conn:
        loaded = dict(conn.execute(sa.text("SELECT ppn_id, police_person_id FROM stg_police_ppn")).all())
        issue = warehouse.dq_issue
        queried = conn.execute(sa.select(issue.c.row, issue.c.column).where(issue.c.rule_id == "PPN-094Q")).all()
    warehouse.dispose_all()
    assert len(loaded) == 12 and loaded["PPN-C003"] == "N5002", "the NUL removed, the rest of the value kept"
    assert sorted(queried) == [(4, "Person ID"), (7, "PPN Type")], "one QUERY on each row a NUL touched"
