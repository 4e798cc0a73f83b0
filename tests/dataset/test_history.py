"""Each return as seen at a period (transforms/dataset/history.py): which rows of which quarter's return the `hst_`
views hold, how far the history reaches, and that the views are the connection's own.

Referrals of one agency in three quarterly returns; each return covers the 24 months to its end:
    2026-03 covers after 2024-03-31,  2026-06 after 2024-06-30,  2026-09 after 2024-09-30.
"""

from __future__ import annotations

import sqlalchemy as sa

from tests.dataset.test_indicators import stg
from transforms import warehouse
from transforms.dataset.history import (
    covered_from,
    history_incomplete,
    history_views,
    loaded_returns,
    slices,
    view_name,
    window_start,
)


def load(url: str, *tables) -> sa.Engine:
    eng = warehouse.engine(url)
    with eng.begin() as conn:
        for name, rows in tables:
            conn.execute(warehouse.METADATA.tables[name].insert(), rows)
    return eng


def referrals():
    columns = "child_id referral_date referral_nfa"
    return [
        stg("list3_referrals", columns,
            ("OLD", "2024-02-01", "N"),      # before every window: from the earliest return
            ("EDGE", "2024-03-31", "N"),     # the earliest window's start day itself: still the earliest return's
            ("MID", "2024-08-01", "N"),      # covered by 2026-03 and 2026-06: read from 2026-06 below
            ("GONE", "2025-01-01", "N"),     # withdrawn by 2026-06: inside its window, absent from it
            period="2026-03"),
        stg("list3_referrals", columns,
            ("MID", "2024-08-01", "Y"),      # corrected: 2026-06 is the latest return covering 2024-08-01
            ("LATE", "2025-02-01", "N"),     # inside 2026-09's window but absent from it: withdrawn at 2026-09
            period="2026-06"),
        stg("list3_referrals", columns,
            ("NEW", "2026-08-01", "N"),
            ("STALE", "2024-05-01", "N"),    # older than its own window: 2026-03 covers that day, not this return
            period="2026-09"),
    ]


def seen(eng: sa.Engine, period: str) -> list[tuple]:
    with eng.connect() as conn, history_views(conn, period):
        view = view_name("list3_referrals")
        return sorted(conn.execute(sa.text(f"SELECT child_id, referral_nfa, period FROM {view}")).all())


def test_each_day_is_read_from_the_latest_return_covering_it(sqlite_url):
    eng = load(sqlite_url, *referrals())
    assert seen(eng, "2026-09") == [("EDGE", "N", "2026-03"), ("MID", "Y", "2026-06"), ("NEW", "N", "2026-09"),
                                    ("OLD", "N", "2026-03")]
    # at 2026-06 the September return does not exist yet; LATE is still there, GONE already withdrawn
    assert seen(eng, "2026-06") == [("EDGE", "N", "2026-03"), ("LATE", "N", "2026-06"), ("MID", "Y", "2026-06"),
                                    ("OLD", "N", "2026-03")]
    assert [(s.period, s.after, s.upto, s.open_rows) for s in slices(loaded_returns(eng.connect(), "2026-09"),
                                                                                 "list3_referrals")] \
        == [("2026-03", None, "2024-06-30", False), ("2026-06", "2024-06-30", "2024-09-30", False),
            ("2026-09", "2024-09-30", None, True)]


def test_a_single_return_is_read_whole(sqlite_url):
    eng = load(sqlite_url, referrals()[0])
    assert [c for c, _, _ in seen(eng, "2026-03")] == ["EDGE", "GONE", "MID", "OLD"]


def test_open_cases_come_from_the_latest_return_only(sqlite_url):
    plans = "child_id cpp_start_date cpp_end_date"
    eng = load(sqlite_url,
               stg("list7_child_protection", plans, ("A", "2022-01-01", None), ("B", "2022-01-01", "2023-01-01"),
                   period="2025-03"),
               stg("list7_child_protection", plans, ("A", "2022-01-01", "2025-05-01"), period="2025-06"))
    with eng.connect() as conn, history_views(conn, "2025-06"):
        rows = conn.execute(sa.text("SELECT child_id, cpp_end_date, period FROM hst_csc_cp_plan ORDER BY 1")).all()
    # A's open copy of March is replaced by June's ended one; B ended before June's window: March's
    assert [tuple(r) for r in rows] == [("A", "2025-05-01", "2025-06"), ("B", "2023-01-01", "2025-03")]


def test_history_reaches_back_through_unbroken_quarters(sqlite_url):
    eng = load(sqlite_url, *referrals())
    with eng.connect() as conn:
        assert window_start("2026-09") == "2024-09-30"
        loaded = loaded_returns(conn, "2026-09")
        assert covered_from(loaded, "list3_referrals", "2026-09") == "2024-03-31"  # the 2026-03 return's window
        later = loaded_returns(conn, "2026-12")
        assert covered_from(later, "list3_referrals", "2026-12") is None  # no return for the period
        # CSC-02 at 2026-09 needs 24 months (after 2024-09-30): whole; CSC-06 needs 36 (after 2023-09-30): not
        assert history_incomplete(loaded, ("list3_referrals",), "2026-09", 24) == ""
        note = history_incomplete(loaded, ("list3_referrals",), "2026-09", 36)
        assert note.startswith("history incomplete: needs records from 1 October 2023") and "1 April 2024" in note


def test_a_gap_longer_than_a_window_breaks_the_history(sqlite_url):
    columns = "child_id referral_date"
    eng = load(sqlite_url, stg("list3_referrals", columns, ("A", "2021-06-01"), period="2022-03"),
               stg("list3_referrals", columns, ("B", "2025-06-01"), period="2025-06"))
    with eng.connect() as conn:
        # 2022-03's return ends 2022-03-31, before 2025-06's window starts (2023-06-30): history from 2023-06-30
        assert covered_from(loaded_returns(conn, "2025-06"), "list3_referrals", "2025-06") == "2023-06-30"


def test_views_are_the_connections_own_and_literals_are_quoted(sqlite_url):
    eng = load(sqlite_url, stg("list3_referrals", "child_id referral_date", ("A", "2026-08-01"), period="2026-09"))
    with eng.begin() as conn:  # an agency folder named with a quote must not break (or inject into) the view
        conn.execute(warehouse.STG_TABLES["list3_referrals"].update().values(agency="o'hare"))
    with eng.connect() as conn, eng.connect() as other:
        with history_views(conn, "2026-09"):
            assert conn.execute(sa.text("SELECT agency FROM hst_csc_referral")).scalars().all() == ["o'hare"]
            names = other.exec_driver_sql("SELECT name FROM sqlite_temp_master WHERE type = 'view'").all()
            assert names == []
        assert conn.exec_driver_sql("SELECT name FROM sqlite_temp_master WHERE type = 'view'").all() == []


def test_the_same_views_on_postgresql(postgres_url):
    eng = warehouse.engine(postgres_url)
    with eng.begin() as conn:
        for table in reversed(warehouse.METADATA.sorted_tables):
            if not table.name.startswith("dim_"):
                conn.execute(table.delete())
    eng = load(postgres_url, *referrals())
    assert seen(eng, "2026-09") == [("EDGE", "N", "2026-03"), ("MID", "Y", "2026-06"), ("NEW", "N", "2026-09"),
                                    ("OLD", "N", "2026-03")]
