"""The changed indicator definitions (DESIGN.md section 6) against numbers worked out by hand, on SQLite and
PostgreSQL: history across quarters, DfE-aligned definitions, direction of travel, RAG and the trend.

Each scenario puts rows straight into the warehouse for one or several periods (each period's rows with their own
submission id `sub-<table>-<period>` and a matching raw_submission row), computes the periods oldest first, as a
warehouse is filled quarter after quarter, and reads `fct_indicator_value` (and `fct_indicator_trend`).

Periods are financial quarters named by their last month (2025-06 = Apr-Jun 2025). E = period end;
R = E - 12 months < d <= E; FYTD = 1 April .. E; Q = the quarter.

The history rule: for each stg table and agency, let p_1 < ... < p_k be the periods <= P holding rows.
W(p) = p's end moved back 24 calendar months; a return covers dates > W(p). Each row has a history date h (the
event date of an event table; the end date of a case table, blank while open). A date d is owned by the latest p_i
with d > W(p_i); dates <= W(p_1) by p_1; blank h by p_k. P's view of a table = the rows whose h is owned by their
own period. An indicator needing records back to E minus its look-back (CSC-02: 24 months; CSC-06, NEG-04: 36;
MA-01: 24) is flagged history_incomplete = 1 when E - look-back < W(p_1) (p_1 the earliest loaded period, no gap).

    W(2025-03) = 2023-03-31    W(2025-06) = 2023-06-30
    R(2025-06) = 2024-06-30 < d <= 2025-06-30      R(2025-03) = 2024-03-31 < d <= 2025-03-31
    R(2024-09) = 2023-09-30 < d <= 2024-09-30      Q(2024-09) = 2024-07-01 .. 2024-09-30
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import schemas
from tests.dataset.test_indicators import POPULATION, check, links, stg, submission
from transforms import warehouse
from transforms.dataset.indicators import compute_indicators
from transforms.dataset.periods import period_end

STG_CONTRACTS = {t.stg_table: t for t in schemas.TABLES}
PLAN = "child_id cpp_start_date cpp_end_date initial_category"


pytestmark = pytest.mark.usefixtures("fixed_child_population")


# --- a warehouse filled quarter after quarter -----------------------------------------------------------------

def received(period: str, days: int = 10) -> str:
    """A received_at stamp `days` after the period end."""
    return f"{(period_end(period) + dt.timedelta(days=days)).isoformat()}T10:00:00.000000+00:00"


def registered(*tables: tuple[str, list[dict]]) -> list[tuple[str, list[dict]]]:
    """The tables plus one raw_submission row for every stg submission among them (agency, return, period), so the
    file registry matches the rows, as loading leaves it."""
    found: dict[str, list] = {}
    for name, rows in tables:
        contract = STG_CONTRACTS.get(name)
        for row in rows if contract else ():
            entry = found.setdefault(row["submission_id"], [contract, row["period"], 0])
            entry[2] += 1
    return [*tables, *(submission(sid, contract.agency, contract.return_id, period, received(period), read=n)
                       for sid, (contract, period, n) in found.items())]


def reset(url: str) -> None:
    """Empty the warehouse, keeping the dim_ tables (as run_scenario does)."""
    with warehouse.engine(url).begin() as conn:
        for table in reversed(warehouse.METADATA.sorted_tables):
            if not table.name.startswith("dim_"):
                conn.execute(table.delete())


def load(url: str, *tables: tuple[str, list[dict]]) -> None:
    with warehouse.engine(url).begin() as conn:
        for name, rows in tables:
            if rows:
                conn.execute(warehouse.METADATA.tables[name].insert(), rows)


def compute(url: str, *periods: str, run: str = "run") -> dict[str, dict[tuple[str, str], dict]]:
    """Compute the periods in the order given; period -> (indicator, breakdown) -> its fct_indicator_value row."""
    for period in periods:
        compute_indicators(period, url, f"{run}-{period}")
    fct = warehouse.fct_indicator_value
    with warehouse.engine(url).connect() as conn:
        rows = conn.execute(sa.select(fct).where(fct.c.period.in_(periods))).mappings().all()
    out: dict[str, dict[tuple[str, str], dict]] = {period: {} for period in periods}
    for r in rows:
        out[r["period"]][(r["indicator_id"], r["breakdown"])] = dict(r)
    return out


def run_periods(url: str, periods: list[str], *tables: tuple[str, list[dict]]) -> dict[str, dict]:
    """Empty the warehouse, load the rows with their registry, compute the periods oldest first."""
    reset(url)
    load(url, *registered(*tables))
    return compute(url, *sorted(periods))


def trend(url: str, data_period: str, indicator_id: str, breakdown: str = "") -> dict[str, dict]:
    """quarter -> the fct_indicator_trend row shown with `data_period`."""
    table = warehouse.fct_indicator_trend
    with warehouse.engine(url).connect() as conn:
        rows = conn.execute(sa.select(table).where(
            table.c.data_period == data_period, table.c.indicator_id == indicator_id,
            table.c.breakdown == breakdown)).mappings().all()
    return {r["quarter"]: dict(r) for r in rows}


def cumulative(table_id: str, columns: str, rows: list[tuple], periods: list[str], dated: int):
    """Each period's return of a table holding every row whose date (column `dated`) is on or before its end: all
    the rows here are within 24 months of every end, so each return is whole for its window."""
    return [stg(table_id, columns, *[r for r in rows if r[dated] <= period_end(p).isoformat()], period=p)
            for p in periods]


# --- 1. CSC-06: earlier plans from earlier quarters' returns ---------------------------------------------------

def test_csc06_reads_earlier_plans_from_earlier_returns(warehouse_url):
    v = run_periods(
        warehouse_url, ["2025-03", "2025-06"],
        stg("list7_child_protection", PLAN,
            ("K", "2021-09-01", "2023-05-10", "NEG"),  # ended after W(2025-03), on or before W(2025-06): 2025-03's
            ("J", "2021-06-01", "2023-04-19", "EMO"),  # the same: 2025-03's
            ("G", "2023-01-01", "2024-01-15", "PHY"),  # ended after W(2025-06): owned by 2025-06, absent there
            period="2025-03"),
        stg("list7_child_protection", PLAN,
            ("K", "2025-04-20", None, "NEG"),
            ("J", "2025-04-20", None, "EMO"),
            ("G", "2025-05-01", None, "PHY"),
            period="2025-06"))["2025-06"]
    # Starts in R(2025-06): K, J (2025-04-20), G (2025-05-01) = 3.
    # K: earlier plan (2025-03's return only) ended 2023-05-10 >= 2023-04-20 (2 years before the start): a repeat.
    # J: earlier plan ended 2023-04-19, 2 years and a day before 2025-04-20: not a repeat.
    # G: its 2024-01-15 end is inside 2025-06's window, and 2025-06's return no longer holds the plan: withdrawn,
    #    no earlier plan (read naively it would have been a repeat: 2024-01-15 >= 2023-05-01).
    check(v, "CSC-06", "", 1, 3)
    # CSC-06 looks back 36 months: E - 36m = 2022-06-30 < W(p_1) = W(2025-03) = 2023-03-31: history incomplete.
    assert v[("CSC-06", "")]["history_incomplete"] == 1


def test_a_single_quarter_is_whole_for_csc02_not_for_csc06(warehouse_url):
    v = run_periods(
        warehouse_url, ["2025-06"],
        stg("list3_referrals", "child_id referral_date referral_nfa", ("A", "2025-01-10", "N"), period="2025-06"),
        stg("list7_child_protection", PLAN, ("K", "2025-01-10", None, "NEG"), period="2025-06"))["2025-06"]
    # One quarter: p_1 = 2025-06, W(p_1) = 2023-06-30.
    # CSC-02 looks back 24 months: E - 24m = 2023-06-30, not before W(p_1): whole.
    assert v[("CSC-02", "")]["history_incomplete"] == 0
    # CSC-06 looks back 36 months: E - 36m = 2022-06-30 < 2023-06-30: incomplete.
    assert v[("CSC-06", "")]["history_incomplete"] == 1


# --- 2. CSC-02: previous referrals across quarters -------------------------------------------------------------

def test_csc02_previous_referrals_across_quarters(warehouse_url):
    columns = "child_id referral_date referral_nfa"
    v = run_periods(
        warehouse_url, ["2025-03", "2025-06"],
        stg("list3_referrals", columns,
            ("A", "2023-06-30", "N"),  # = W(2025-06): older than 2025-06's window, owned by 2025-03
            ("B", "2023-07-01", "N"),  # inside both windows: 2025-06's copy is read
            ("C", "2023-08-01", "N"),  # inside 2025-06's window, absent from 2025-06's return: withdrawn
            period="2025-03"),
        stg("list3_referrals", columns,
            ("B", "2023-07-01", "N"),
            ("A", "2024-07-01", "N"),  # R's first day
            ("B", "2024-07-01", "N"),
            ("C", "2024-07-15", "N"),
            period="2025-06"))["2025-06"]
    # Referral events in R(2025-06): A, B (2024-07-01), C (2024-07-15) = 3.
    # A: its previous referral is 2023-06-30 (read from 2025-03's return), before 2023-07-01 (a year before): not
    #    a re-referral. (12 months before R's first day is W(2025-06) + 1 day: a referral older than the window
    #    is A's previous referral but can never be within 12 months of one in R.)
    # B: previous 2023-07-01, exactly 12 months before: a re-referral.
    # C: 2023-08-01 was withdrawn by 2025-06's return: no previous referral (read naively, a re-referral).
    check(v, "CSC-02", "", 1, 3)
    # CSC-02 needs 24 months: E - 24m = 2023-06-30, not before W(2025-03) = 2023-03-31: whole.
    assert v[("CSC-02", "")]["history_incomplete"] == 0


# --- 3. CSC-06D: second or subsequent plan ever (Annex A's previous plans count and history) ---------------------

def test_csc06d_uses_the_previous_plans_count_and_history(warehouse_url):
    columns = PLAN + " previous_cpp_count"
    v = run_periods(
        warehouse_url, ["2025-03", "2025-06"],
        stg("list7_child_protection", columns,
            ("P1", "2024-09-01", None, "NEG", "1"),          # open at 2025-03 (2025-06's copy is read)
            ("P2", "2022-06-01", "2023-05-01", "EMO", None),  # ended on or before W(2025-06): 2025-03's
            ("P3", "2022-01-01", "2023-06-30", "PHY", None),  # ended on W(2025-06) itself: 2025-03's
            ("P4", "2024-12-01", None, "NEG", "0"),          # open at 2025-03
            period="2025-03"),
        stg("list7_child_protection", columns,
            ("P1", "2024-09-01", None, "NEG", "1"),   # previous plans count 1, no earlier plan held: counts
            ("P2", "2025-05-01", None, "EMO", "0"),   # count 0, but an earlier plan (2022-06-01) held: counts
            ("P3", "2025-04-10", None, "PHY", None),  # count blank, an earlier plan (2022-01-01) held: counts
            ("P4", "2024-12-01", None, "NEG", "0"),   # first plan
            ("P5", "2025-06-01", None, "SAB", None),  # first plan, count blank
            period="2025-06"))["2025-06"]
    # Starts in R(2025-06): P1 2024-09-01, P4 2024-12-01, P3 2025-04-10, P2 2025-05-01, P5 2025-06-01 = 5 (P1's
    # and P4's open plans are in both returns: read once, from 2025-06's). Second or subsequent: P1, P2, P3 = 3.
    row = check(v, "CSC-06D", "", 3, 5)
    assert row["value"] == pytest.approx(3 * 100 / 5)  # 60.0
    assert row["history_incomplete"] == 0  # the previous plans count covers what the warehouse does not hold


# --- 4. CSC-05: 18 months in calendar months -----------------------------------------------------------------

@pytest.mark.parametrize(("period", "counted", "not_counted"), [
    ("2025-06", "2023-12-31", "2024-01-01"),  # 31 Dec 2023 + 18 months = 30 Jun 2025 = E; 1 Jan -> 1 Jul 2025
    ("2025-09", "2024-03-31", "2024-04-01"),  # 31 Mar 2024 + 18 months = 30 Sep 2025 (no 31st) = E; 1 Apr -> 1 Oct
    ("2025-12", "2024-06-30", "2024-07-01"),  # 30 Jun 2024 + 18 months = 30 Dec 2025 <= E; 1 Jul -> 1 Jan 2026
])
def test_csc05_eighteen_calendar_months(warehouse_url, period, counted, not_counted):
    v = run_periods(warehouse_url, [period],
                    stg("list7_child_protection", PLAN, ("S1", counted, None, "NEG"), ("S2", not_counted, None, "EMO"),
                        period=period))[period]
    # Both plans open at E; only the one whose start + 18 months is on or before E has been open 18 months.
    check(v, "CSC-05", "", 1, 2)


# --- 5. CSC-07: short breaks (V3, V4) are not looked after ---------------------------------------------------

def test_csc07_excludes_short_breaks(warehouse_url):
    period = "2025-06"
    v = run_periods(
        warehouse_url, [period],
        stg("list8_looked_after", "child_id lac_start_date lac_end_date legal_status",
            ("SB", "2024-01-01", None, "V3"),   # short breaks only: not counted
            ("MX", "2024-02-01", None, "V4"),   # short breaks ...
            ("MX", "2024-03-01", None, "C2"),   # ... and a care order open at E: counted once
            ("BL", "2023-05-05", None, None),   # legal status blank: counted
            period=period))[period]
    # Looked after at E: MX, BL = 2.
    headline = check(v, "CSC-07", "", 2, None)
    rate = check(v, "CSC-07", "per_10000", 2, POPULATION, "rate_per_10000")
    assert rate["numerator"] == headline["numerator"]


# --- 6. POL-04 and DQ-02: (records - distinct people) / records of the period's own return -------------------

def test_pol04_and_dq02_count_extra_records_of_the_periods_own_return(warehouse_url):
    nominal = "police_person_id first_name last_name"
    v = run_periods(
        warehouse_url, ["2025-03", "2025-06"],
        stg("police_nominals", nominal, *[(n, "F", "L") for n in ("PN1", "PN2", "PN3", "PN4", "PN5")],
            period="2025-03"),
        stg("police_nominals", nominal, *[(n, "F", "L") for n in ("PN1", "PN2", "PN3", "PN4")], period="2025-06"),
        links("police_nominals", ("PN1", "P1"), ("PN2", "P1"), ("PN3", "P2"), ("PN5", "P2")),  # PN4 not linked
        stg("csc_child_identity", "child_id first_name last_name",
            *[(c, "F", "L") for c in ("C1", "C2", "C3", "C4")], period="2025-06"),
        links("csc_child_identity", ("C1", "PK1"), ("C2", "PK1"), ("C3", "PK1")))  # C4 not linked
    # 2025-03's own return: PN1..PN5 = 5 records; people P1 (PN1, PN2), P2 (PN3, PN5), PN4 = 3: 5 - 3 = 2.
    check(v["2025-03"], "POL-04", "", 2, 5)
    june = v["2025-06"]
    # 2025-06's own return: PN1..PN4 = 4 records (PN5 was 2025-03's only); people P1 (PN1, PN2), P2, PN4 = 3.
    row = check(june, "POL-04", "", 1, 4)
    assert row["value"] == pytest.approx(25.0)
    # DQ-02 per agency. police: 1 of 4 as above. csc: C1, C2, C3 are one person (three records: 2 extra), C4
    # its own: 4 records, 2 people = 2 of 4. All agencies: (1 + 2) of (4 + 4).
    check(june, "DQ-02", "police", 1, 4)
    check(june, "DQ-02", "csc", 2, 4)
    check(june, "DQ-02", "", 3, 8)


def test_pol04_a_person_with_three_records_adds_two(warehouse_url):
    period = "2025-06"
    v = run_periods(
        warehouse_url, [period],
        stg("police_nominals", "police_person_id first_name last_name",
            *[(n, "F", "L") for n in ("PA1", "PA2", "PA3", "PB")], period=period),
        links("police_nominals", ("PA1", "P9"), ("PA2", "P9"), ("PA3", "P9"), ("PB", "P8")))[period]
    # 4 records, 2 people (P9 three times, P8): 4 - 2 = 2 extra records.
    check(v, "POL-04", "", 2, 4)


# --- 7. CSC-02: referrals of a child on one day are one referral event ---------------------------------------

def test_csc02_same_day_referrals_are_one_event(warehouse_url):
    period = "2024-09"
    v = run_periods(
        warehouse_url, [period],
        stg("list3_referrals", "child_id referral_date referral_nfa",
            ("E", "2024-05-10", "N"), ("E", "2024-05-10", "N"),  # one event: no previous referral
            ("E", "2024-06-01", "N"),                            # previous 2024-05-10: a re-referral
            period=period))[period]
    # Events in R(2024-09): E 2024-05-10, E 2024-06-01 = 2; re-referrals: 2024-06-01 = 1 (the same-day pair is not
    # each other's previous referral).
    check(v, "CSC-02", "", 1, 2)


# --- 8. A blank yes/no answer is not known: out of both sides ------------------------------------------------

def test_blank_yes_no_answers_are_left_out(warehouse_url):
    period = "2024-09"
    v = run_periods(
        warehouse_url, [period],
        stg("list3_referrals", "child_id referral_date referral_nfa",
            ("R1", "2024-01-10", "N"), ("R2", "2024-03-10", "Y"), ("R3", "2024-05-10", None), period=period),
        stg("list4_assessments", "child_id assessment_start_date assessment_authorised_date assessment_factors "
            "further_action",
            ("A1", "2024-04-10", "2024-05-01", "16A", "Y"),
            ("A2", "2024-05-10", "2024-06-01", "16A", "N"),
            ("A3", "2024-06-10", "2024-07-01", "16A", None), period=period))[period]
    # CSC-03: referrals in R with NFA recorded: R1 (N), R2 (Y) = 2 (R3 blank: not known); not NFA: R1 = 1.
    check(v, "CSC-03", "", 1, 2)
    # NEG-01: authorised in FYTD with neglect, further action recorded: A1, A2 = 2 (A3 blank); Y: A1 = 1.
    check(v, "NEG-01", "", 1, 2)


# --- 9. EDU-01: children are reconciled people -----------------------------------------------------------------

def test_edu01_children_are_distinct_people(warehouse_url):
    period = "2024-09"
    v = run_periods(
        warehouse_url, [period],
        stg("edu_suspensions", "upn category start_date",
            ("U1", "SUSP", "2024-07-01"), ("U2", "SUSP", "2024-08-01"), ("U3", "PERM", "2024-09-01"), period=period),
        links("edu_suspensions", ("U1", "PX"), ("U2", "PX")))[period]  # U3 not linked
    check(v, "EDU-01", "", 3, None)  # three events in Q
    # Children: PX (U1 and U2, two UPNs of one person), U3 (itself) = 2.
    check(v, "EDU-01", "children", 2, None)


# --- 10. Direction of travel: year-to-date counts against the same quarter last year ---------------------------

QUARTERS = ["2024-06", "2024-09", "2024-12", "2025-03", "2025-06"]


def test_year_to_date_counts_compare_with_the_same_quarter_last_year(warehouse_url):
    contacts = [  # case, contact date, referrer, initial position-of-trust meeting
        ("L1", "2024-04-02", "POLICE", "2024-04-05"), ("L2", "2024-04-15", "POLICE", "2024-04-20"),
        ("L3", "2024-05-01", "POLICE", "2024-05-03"), ("L4", "2024-05-20", "POLICE", "2024-05-22"),
        ("L5", "2024-06-10", "POLICE", "2024-06-12"),      # 2024-06 FYTD: 5 contacts, 5 meetings
        ("L6", "2024-07-10", "POLICE", "2024-07-15"), ("L7", "2024-08-20", "POLICE", None),
        ("L8", "2024-11-05", "POLICE", None), ("L9", "2025-02-02", "POLICE", None),
        ("M1", "2025-04-03", "POLICE", "2025-04-08"), ("M2", "2025-05-05", "POLICE", None),
        ("M3", "2025-06-30", "POLICE", None)]              # 2025-06 FYTD: 3 contacts, 1 meeting
    suspensions = [("U1", "SUSP", "2024-05-01"), ("U2", "SUSP", "2024-08-01"), ("U3", "SUSP", "2024-11-01"),
                   ("U4", "SUSP", "2025-01-10"), ("U5", "SUSP", "2025-02-10"), ("U6", "SUSP", "2025-05-01")]
    v = run_periods(
        warehouse_url, QUARTERS,
        *cumulative("lado_allegations", "case_id contact_date referrer_type pot_meeting_date", contacts, QUARTERS, 1),
        *cumulative("edu_suspensions", "upn category start_date", suspensions, QUARTERS, 2))
    # LADO contacts in FYTD: 2024-06: L1..L5 = 5 (all with a meeting: 100%); 2025-06: M1..M3 = 3 (1 meeting: 33%).
    check(v["2024-06"], "LADO-02", "", 5, None)
    check(v["2025-06"], "LADO-02", "", 3, None)
    check(v["2024-06"], "LADO-01", "", 5, 5)
    check(v["2025-06"], "LADO-01", "", 1, 3)
    # 2025-06 compared with 2024-06 (the same quarter last year): 5 -> 3 contacts, 100% -> 33%: down.
    assert v["2025-06"][("LADO-02", "")]["direction"] == "down"
    assert v["2025-06"][("LADO-01", "")]["direction"] == "down"
    # 2024-09 (FYTD 7 contacts) has no 2023-09 value: no direction, not "up" against 2024-06's smaller year to date.
    check(v["2024-09"], "LADO-02", "", 7, None)
    assert v["2024-09"][("LADO-02", "")]["direction"] == ""
    assert v["2024-09"][("LADO-01", "")]["direction"] == ""
    # A quarterly figure still compares with the previous quarter. EDU-01 events in Q: 2024-06: U1 = 1;
    # 2025-03: U4, U5 = 2; 2025-06: U6 = 1: down against 2025-03 (against 2024-06 it would be level).
    check(v["2025-03"], "EDU-01", "", 2, None)
    check(v["2025-06"], "EDU-01", "", 1, None)
    assert v["2025-06"][("EDU-01", "")]["direction"] == "down"


# --- 11. RAG only where the polarity says which way is better -------------------------------------------------

def test_rag_only_where_polarity_says_which_way_is_better(warehouse_url):
    period = "2024-09"
    v = run_periods(
        warehouse_url, [period],
        stg("list7_child_protection", PLAN,
            ("K1", "2024-01-01", None, "NEG"), ("K2", "2024-02-01", None, "NEG"), ("K3", "2024-03-01", None, "PHY"),
            period=period),
        stg("list3_referrals", "child_id referral_date referral_nfa",
            ("A", "2023-11-01", "N"), ("A", "2024-03-01", "N"), ("B", "2024-05-05", "N"), period=period))[period]
    # CSC-04: plans open at E: 3; NEG 2 (66.7% against the 47 of reference/comparators.csv), PHY 1 (33.3 against
    # 8): a mix of categories has no better side, so no rating.
    for category, count, comparator in (("NEG", 2, 47), ("PHY", 1, 8)):
        row = check(v, "CSC-04", category, count, 3)
        assert row["comparator"] == comparator and row["rag"] == "", category
    # CSC-02 (lower is better): events A 2023-11-01, A 2024-03-01, B = 3; re-referral A 2024-03-01 = 1: 33.3%
    # against England's 22.4 (2024): (33.3 - 22.4) / 22.4 = 49% worse, more than 10%: RED.
    row = check(v, "CSC-02", "", 1, 3)
    assert row["comparator"] == 22.4 and row["rag"] == "RED"
    # CSC-01 (neutral): 3 referrals per 10,000 with a comparator (560.5), not rated.
    row = check(v, "CSC-01", "", 3, POPULATION, "rate_per_10000")
    assert row["comparator"] == 560.5 and row["rag"] == ""


# --- 12. The trend shows each quarter as published, and marks revisions ---------------------------------------

def test_trend_shows_each_quarter_as_published_and_marks_revisions(warehouse_url):
    columns = "child_id referral_date referral_nfa"
    first = run_periods(
        warehouse_url, ["2025-03", "2025-06"],
        stg("list3_referrals", columns, ("A", "2024-05-01", "N"), ("B", "2024-10-01", "Y"), period="2025-03"),
        stg("list3_referrals", columns, ("A", "2024-05-01", "N"), ("B", "2024-10-01", "Y"),
            ("C", "2025-05-01", "N"), ("D", "2025-06-15", "N"), period="2025-06"))
    # CSC-03 at 2025-03: R(2025-03) holds A (N) and B (Y): 1 of 2 = 50%.
    check(first["2025-03"], "CSC-03", "", 1, 2)
    points = trend(warehouse_url, "2025-06", "CSC-03")
    assert points["2025-03"]["value"] == pytest.approx(50.0)  # as 2025-03 published it
    assert points["2025-03"]["published_value"] == pytest.approx(50.0)
    assert points["2025-03"]["revised"] == 0
    # 2024-06, 2024-09, 2024-12 were never computed: no point, never recomputed from a later quarter's rows.
    assert not {"2024-06", "2024-09", "2024-12"} & set(points)

    # 2025-03 resubmitted: its rows replaced by a later file (B corrected to N, E added).
    table = warehouse.STG_TABLES["list3_referrals"]
    with warehouse.engine(warehouse_url).begin() as conn:
        conn.execute(table.delete().where(table.c.period == "2025-03"))
    _, rows = stg("list3_referrals", columns, ("A", "2024-05-01", "N"), ("B", "2024-10-01", "N"),
                  ("E", "2025-01-15", "N"), period="2025-03")
    resent = "sub-list3_referrals-2025-03-resent"
    for row in rows:
        row["submission_id"] = resent
    load(warehouse_url, (table.name, rows),
         submission(resent, "csc", "csc_annex_a", "2025-03", received("2025-03", days=40), read=len(rows)))
    again = compute(warehouse_url, "2025-03", "2025-06", run="rerun")
    # CSC-03 at 2025-03 now: A, B, E all N: 3 of 3 = 100%.
    check(again["2025-03"], "CSC-03", "", 3, 3)
    points = trend(warehouse_url, "2025-06", "CSC-03")
    assert points["2025-03"]["value"] == pytest.approx(100.0)  # the quarter as it stands now ...
    assert points["2025-03"]["revised"] == 1                    # ... marked revised ...
    assert points["2025-03"]["published_value"] == pytest.approx(50.0)  # ... with what was first published
    assert not {"2024-06", "2024-09", "2024-12"} & set(points)
