"""Person records read and standardised ahead (`assure run` prepares them as each file is loaded, while the other
files are still being ingested) are the records reconciliation would read itself; a table whose rows changed since
it was prepared is read again."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from synthetic.generate import generate
from transforms import warehouse
from transforms.people.reconcile import PERSON_TABLES, Prepared, current_records, prepare
from transforms.pipeline import run

PERIOD = "2026-09"


def test_records_prepared_ahead_are_those_read_at_reconciliation(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    generate(landing, PERIOD, scale=0.03, seed=5)
    monkeypatch.setenv("ASSURE_INGEST_PROCESSES", "1")  # nothing prepared during this run: every file loaded first
    url = f"sqlite:///{tmp_path / 'out' / 'warehouse.sqlite'}"
    run(str(landing), PERIOD, str(tmp_path / "out"), url, progress=lambda line: None)
    eng = warehouse.engine(url)
    with eng.connect() as conn:
        read_now = current_records(conn, PERIOD)
        assert read_now["source"].nunique() >= 4 and len(read_now) > 500

        prepared = Prepared()
        prepare(conn, PERIOD, prepared, "police_nominals")  # one return's tables, as its file is loaded
        assert set(prepared) == {c.table_id for c in PERSON_TABLES if c.return_id == "police_nominals"}
        prepare(conn, PERIOD, prepared)
        pd.testing.assert_frame_equal(current_records(conn, PERIOD, prepared), read_now)
        assert not prepared, "handed over, not kept beside the records being matched"

        prepared = Prepared()
        prepare(conn, PERIOD, prepared)
    # a later file of the agency replaces the table's rows after they were prepared
    nominals = warehouse.STG_TABLES["police_nominals"]
    with eng.begin() as conn:
        kept = conn.execute(sa.select(nominals.c.police_person_id).where(nominals.c.period == PERIOD)
                            .order_by(nominals.c.source_row).limit(50)).scalars().all()
        conn.execute(nominals.delete().where(nominals.c.period == PERIOD, nominals.c.police_person_id.not_in(kept)))
        conn.execute(nominals.update().where(nominals.c.period == PERIOD).values(submission_id="a-later-file"))
    with eng.connect() as conn:
        changed = current_records(conn, PERIOD)
        pd.testing.assert_frame_equal(current_records(conn, PERIOD, prepared), changed)
    assert (changed["source"] == "police_nominals").sum() <= 50 < (read_now["source"] == "police_nominals").sum()


def test_a_run_whose_preparing_fails_reads_the_records_itself(tmp_path, monkeypatch):
    """Preparing ahead is best effort: when the warehouse refuses it (busy, failing), reconciliation reads the
    records itself and finds the same people as a run that prepared them."""
    from transforms import pipeline

    landing = tmp_path / "landing"
    generate(landing, PERIOD, scale=0.03, seed=5)
    monkeypatch.setenv("ASSURE_INGEST_PROCESSES", "2")
    people, calls = {}, []

    def refused(*arguments):
        calls.append(arguments)
        raise sa.exc.OperationalError("SELECT", {}, Exception("database is locked"))

    for name in ("prepared", "refused"):
        if name == "refused":
            monkeypatch.setattr(pipeline, "prepare", refused)
        url = f"sqlite:///{tmp_path / name / 'warehouse.sqlite'}"
        summary = run(str(landing), PERIOD, str(tmp_path / name), url, progress=lambda line: None)
        assert not summary.failed
        with warehouse.engine(url).connect() as conn:
            people[name] = sorted(map(tuple, conn.execute(sa.select(
                warehouse.core_person_link.c.source, warehouse.core_person_link.c.record_id,
                warehouse.core_person_link.c.person_key)).all()))
        warehouse.dispose_all()
    assert calls, "the run tried to prepare as files were loaded"
    assert people["refused"] == people["prepared"] and len(people["prepared"]) > 500
