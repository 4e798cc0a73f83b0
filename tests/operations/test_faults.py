"""Faults: the warehouse unreachable when loading starts and mid-load, the process killed mid-load, two identical
submissions at once, the output disk full while writing feedback. Each must end in a clear message, a warehouse
exactly as before the failed step (or as after an uninterrupted run), and a re-run that completes the work.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.bad_inputs import HSR_HEADER, LADO_HEADER, PERIOD, hsr_rows, lado_rows, ppn_book, ppn_rows, write_xlsx
from tests.faults import PAUSED_RUN, BreakableProxy
from transforms import cli, warehouse
from transforms.ingest.register import register
from transforms.ingest.submission import validate_submission
from transforms.load.staging import load_submission
from transforms.pipeline import ingest_file, run

PROJECT = Path(__file__).resolve().parents[2]
STATE_TABLES = ("raw_submission", "dq_issue", "stg_police_ppn", "stg_health_referral", "stg_lado_allegation")
VOLATILE = {"received_at", "archive_path", "run_id", "finished_at"}  # differ between any two runs by design


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setenv("ASSURE_WAREHOUSE_RETRY_SECONDS", "0.05")


def snapshot(url: str, tables=STATE_TABLES) -> dict[str, list[tuple]]:
    """Every row of `tables` (volatile columns left out), sorted: two equal snapshots are the same warehouse."""
    out = {}
    with warehouse.engine(url).connect() as conn:
        for name in tables:
            table = warehouse.METADATA.tables[name]
            columns = [c for c in table.columns if c.name not in VOLATILE]
            out[name] = sorted(map(tuple, conn.execute(sa.select(*columns)).all()), key=repr)
    return out


def prepared(tmp_path: Path, url: str, name: str, prefix: str) -> dict:
    """A PPN file registered and validated (ready to load), as the DAG's load task receives it."""
    path = ppn_book(tmp_path / "landing" / "police" / name, ppn_rows(prefix=prefix))
    submission = register(str(path), "police", PERIOD, str(tmp_path / "out"), url)
    return validate_submission(submission, str(tmp_path / "out"))


# ---- the warehouse goes away -------------------------------------------------------------------------------

def test_warehouse_unreachable_when_loading_starts_and_mid_load(tmp_path, postgres_url, monkeypatch):
    proxy = BreakableProxy()
    via_proxy = proxy.url(postgres_url)
    try:
        first = prepared(tmp_path, postgres_url, "a.xlsx", "PPN-A")
        load_submission(first, postgres_url)
        second = prepared(tmp_path, postgres_url, "b.xlsx", "PPN-B")
        before = snapshot(postgres_url)
        assert len(before["stg_police_ppn"]) == 12

        # unreachable when loading starts: every connection refused, through every retry
        monkeypatch.setenv("ASSURE_WAREHOUSE_RETRIES", "3")
        proxy.refusing = -1
        with pytest.raises(warehouse.WarehouseUnavailable, match="failed 3 times"):
            load_submission(second, via_proxy)
        assert proxy.refused >= 3 and snapshot(postgres_url) == before

        # mid-load, no retry left: the connection dies after the old rows were deleted and before the new are in
        proxy.refusing = 0
        monkeypatch.setenv("ASSURE_WAREHOUSE_RETRIES", "1")
        proxy.cut_on = b"COPY stg_police_ppn"  # rows go in by COPY on PostgreSQL
        with pytest.raises(warehouse.WarehouseUnavailable):
            load_submission(second, via_proxy)
        assert proxy.cuts == 1 and snapshot(postgres_url) == before, "the rolled-back delete left the rows as before"

        # mid-load again, at the very last statement, with retries: the retry loads it once, completely
        monkeypatch.setenv("ASSURE_WAREHOUSE_RETRIES", "3")
        proxy.cut_on = b"UPDATE raw_submission"
        load_submission(second, via_proxy)
        assert proxy.cuts == 2
        after = snapshot(postgres_url)
        assert sorted(r[6] for r in after["stg_police_ppn"]) == [f"PPN-B{i:03d}" for i in range(1, 13)]
        load_submission(second, postgres_url)  # the same load once more, directly: nothing changes
        assert snapshot(postgres_url) == after

        # the connection comes back after a blip: the first attempt is refused, the retry loads it
        proxy.drop_all()
        proxy.refusing = 1
        load_submission(first, via_proxy)
        assert proxy.refused >= 4
    finally:
        warehouse.dispose_all()
        proxy.close()


def test_assure_run_with_the_warehouse_down_fails_clearly(tmp_path, monkeypatch):
    ppn_book(tmp_path / "landing" / "police" / "a.xlsx", ppn_rows())
    monkeypatch.setenv("ASSURE_WAREHOUSE_RETRIES", "2")
    closed_port = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=3"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["run", "--landing", str(tmp_path / "landing"), "--period", PERIOD, "--out",
                         str(tmp_path / "out"), "--warehouse", closed_port])
    assert code == 1
    message = stderr.getvalue()
    assert "registering police/a.xlsx failed" in message and "the warehouse failed 2 times" in message
    assert "Traceback" not in message + stdout.getvalue()


# ---- the process is killed mid-load -------------------------------------------------------------------------

def small_landing(folder: Path) -> Path:
    """Three agencies' files, arriving one minute apart."""
    files = [ppn_book(folder / "police" / "ppn.xlsx", ppn_rows()),
             write_xlsx(folder / "health" / "referrals.xlsx", {"Referrals": [HSR_HEADER, *hsr_rows()]}),
             write_xlsx(folder / "lado" / "lado.xlsx", {"LADO": [LADO_HEADER, *lado_rows()]})]
    base = time.time() - 3600
    for number, path in enumerate(files):
        os.utime(path, (base + 60 * number, base + 60 * number))
    return folder


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_mid_load_then_rerun_gives_the_warehouse_of_an_uninterrupted_run(tmp_path, request, backend,
                                                                                   processes, monkeypatch):
    """One process: killed inside the second file's load. Two (the agencies' files ingested side by side): killed
    inside the first load any worker makes, the workers dying with the run. Either way nothing is half-written and
    running again gives the warehouse and the CSV of a run never interrupted."""
    monkeypatch.setenv("ASSURE_INGEST_PROCESSES", str(processes))
    url_of = (lambda name: f"sqlite:///{tmp_path / name / 'warehouse.sqlite'}") if backend == "sqlite" else None
    if backend == "postgresql":
        base = request.getfixturevalue("postgres_url")
        other = base.replace("search_path%3D", "search_path%3Dx")  # a second, empty schema for the reference
        schema = base.split("search_path%3D")[1]
        with sa.create_engine(base).begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA x{schema}"))
        urls = {"reference": other, "interrupted": base}
    else:
        urls = {name: url_of(name) for name in ("reference", "interrupted")}
    landing = small_landing(tmp_path / "landing")
    quiet = {"progress": lambda line: None}
    try:
        run(str(landing), PERIOD, str(tmp_path / "reference"), urls["reference"], **quiet)
        reference = snapshot(urls["reference"], STATE_TABLES + ("core_person_link", "fct_indicator_value"))

        marker = tmp_path / "in_transaction"
        process = subprocess.Popen(
            [sys.executable, "-c", PAUSED_RUN, str(marker), "2" if processes == 1 else "1", "run", "--landing",
             str(landing), "--period", PERIOD,
             "--out", str(tmp_path / "interrupted"), "--warehouse", urls["interrupted"]],
            cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the load never started"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)  # mid-load: the second file's rows are written, not committed
        process.wait(timeout=30)
        process.stderr.close()

        killed = snapshot(urls["interrupted"])
        if processes == 1:
            assert {(r[2], r[-1]) for r in killed["raw_submission"]} == {("police", 1), ("health", 0)}
            assert len(killed["stg_police_ppn"]) == 12 and killed["stg_health_referral"] == [], "nothing half-written"
        else:  # which files were loaded depends on the workers' pace; that each is whole or absent does not
            time.sleep(0.5)  # the workers' SIGKILL, sent as the run died, has landed
            loaded = {r[2]: r[-1] for r in killed["raw_submission"]}
            assert loaded.get("police", 0) + loaded.get("health", 0) + loaded.get("lado", 0) < 3
            expected_rows = {"police": ("stg_police_ppn", 12), "health": ("stg_health_referral", None),
                             "lado": ("stg_lado_allegation", None)}
            for agency, (table, rows) in expected_rows.items():
                if loaded.get(agency) == 1:
                    assert killed[table] and (rows is None or len(killed[table]) == rows)
                else:
                    assert killed[table] == [], f"{agency}: nothing half-written"
            assert snapshot(urls["interrupted"]) == killed, "no worker outlived the run"
        assert marker.read_text() not in {r[0] for r in killed["dq_issue"]}

        run(str(landing), PERIOD, str(tmp_path / "interrupted"), urls["interrupted"], **quiet)
        assert snapshot(urls["interrupted"], STATE_TABLES + ("core_person_link", "fct_indicator_value")) == reference
        name = f"partnership_dataset_{PERIOD}.csv"
        assert (tmp_path / "interrupted" / "published" / name).read_bytes() == \
            (tmp_path / "reference" / "published" / name).read_bytes()
    finally:
        warehouse.dispose_all()
        if backend == "postgresql":
            with sa.create_engine(base).begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA x{schema} CASCADE"))


# ---- two at once ----------------------------------------------------------------------------------------------

def ingest_together(paths: list[Path], tmp_path: Path, url: str) -> list[dict]:
    """Ingest the files in parallel threads released together; results (or exceptions) in order."""
    gate = threading.Barrier(len(paths))
    results: list[object] = [None] * len(paths)

    def work(number: int, path: Path) -> None:
        gate.wait()
        try:
            results[number] = ingest_file(str(path), "police", PERIOD, str(tmp_path / "out"), url)
        except Exception as exc:  # reported by the assertion below
            results[number] = exc

    threads = [threading.Thread(target=work, args=(n, p)) for n, p in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, dict) for r in results), results
    return results


def test_two_identical_submissions_at_once_are_loaded_once(tmp_path, warehouse_url):
    url = warehouse_url
    first = ppn_book(tmp_path / "landing" / "police" / "ppn.xlsx", ppn_rows())
    copy = first.with_name("ppn (copy).xlsx")
    copy.write_bytes(first.read_bytes())
    try:
        for attempt in range(3):  # a race is a race: give it a few chances to interleave
            with warehouse.engine(url).begin() as conn:  # each attempt starts from an empty warehouse
                for name in STATE_TABLES:
                    conn.execute(warehouse.METADATA.tables[name].delete())
            results = ingest_together([first, copy], tmp_path / str(attempt), url)
            assert results[0]["submission_id"] == results[1]["submission_id"]
            state = snapshot(url)
            assert len(state["raw_submission"]) == 1
            assert sorted(r[6] for r in state["stg_police_ppn"]) == [f"PPN-C{i:03d}" for i in range(1, 13)]
            archive = list((tmp_path / str(attempt) / "out" / "archive").iterdir())
            assert len(archive) <= 1 and all(p.read_bytes() == first.read_bytes() for p in archive)
    finally:
        warehouse.dispose_all()


def test_two_submissions_of_one_agency_at_once_never_mix_or_double(tmp_path, postgres_url):
    older = ppn_book(tmp_path / "landing" / "police" / "a.xlsx", ppn_rows(prefix="PPN-A"))
    newer = ppn_book(tmp_path / "landing" / "police" / "b.xlsx", ppn_rows(prefix="PPN-B"))
    try:
        results = ingest_together([older, newer], tmp_path, postgres_url)
        state = snapshot(postgres_url)
        with warehouse.engine(postgres_url).connect() as conn:
            registry = conn.execute(sa.select(warehouse.raw_submission.c.submission_id)
                                    .order_by(warehouse.raw_submission.c.received_at)).scalars().all()
        latest = registry[-1]
        kept = {r[0] for r in state["stg_police_ppn"]}
        assert kept == {latest} and len(state["stg_police_ppn"]) == 12, "only the later arrival's rows, once"
        assert {r["submission_id"] for r in results} == set(registry)
    finally:
        warehouse.dispose_all()


# ---- the disk fills up ------------------------------------------------------------------------------------

def test_disk_full_while_writing_feedback_fails_clearly_and_a_rerun_completes(tmp_path, monkeypatch):
    import transforms.feedback.report as feedback

    monkeypatch.setenv("ASSURE_INGEST_PROCESSES", "1")  # one file after another: the files after health never start

    landing = small_landing(tmp_path / "landing")
    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'out' / 'warehouse.sqlite'}"
    real = feedback._write_xlsx

    def full_disk(path, result, *args):
        if result.agency == "health":
            Path(path).write_bytes(b"PK\x03\x04 half a workbook")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, result, *args)

    monkeypatch.setattr(feedback, "_write_xlsx", full_disk)
    stdout, stderr = io.StringIO(), io.StringIO()
    arguments = ["run", "--landing", str(landing), "--period", PERIOD, "--out", str(out), "--warehouse", url]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(arguments)
    assert code == 1
    message = stderr.getvalue()
    assert "writing the feedback for health/referrals.xlsx failed: the disk is full" in message
    assert "not marked as loaded" in message and "Traceback" not in message + stdout.getvalue()
    state = snapshot(url)
    loaded = {r[2]: r[-1] for r in state["raw_submission"]}
    assert loaded == {"police": 1, "health": 0}, "the health submission is not marked done"
    assert state["stg_health_referral"] == [] and len(state["stg_police_ppn"]) == 12
    assert not list((out / "outbox" / "health").iterdir()), "no half-written report in the agency's outbox"

    monkeypatch.setattr(feedback, "_write_xlsx", real)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(arguments) == 0
    state = snapshot(url)
    assert {r[2]: r[-1] for r in state["raw_submission"]} == {"police": 1, "health": 1, "lado": 1}
    assert len(state["stg_health_referral"]) == len(hsr_rows())
    assert len(list((out / "outbox" / "health").glob("*.feedback.*"))) == 2
