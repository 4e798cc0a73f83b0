"""Every indicator of the partnership dataset against numbers worked out by hand, on SQLite and PostgreSQL.

Each scenario is a handful of rows put straight into the warehouse (stg_, core_person_link, raw_submission),
chosen to sit on the edges of a definition: the first and last day of a window, a plan ending on the period end,
an 18th birthday, a weekend or bank holiday, duplicates. The working is in the comments beside the assertions.

The period is 2024-09 throughout (Q2 2024/25), so every window differs:
    E = 2024-09-30    R = 2023-10-01 .. 2024-09-30    Q = 2024-07-01 .. 2024-09-30    FYTD = 2024-04-01 .. E
    latest start 18 months before E = 2023-03-31    E minus 3 days = 2024-09-27
    born on or before 2006-09-30 = adult at E
    returns due 2024-10-21 (15 working days after E)
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib

import pytest
import sqlalchemy as sa

import schemas
from tests.conftest import TEST_POPULATION
from transforms import warehouse
from transforms.dataset.history import history_views
from transforms.dataset.indicators import (
    NO_DATA,
    SQL_DIR,
    UNIT_SCALE,
    WORKING_SQL_DIR,
    areas,
    catalogue,
    comparator_details,
    compute_indicators,
    parameters,
    working_tables,
)
from transforms.dataset.periods import (
    add_working_days,
    bank_holidays,
    calendar_rows,
    due_date,
    is_working_day,
    previous_period,
    reporting_period,
    windows,
)
from transforms.operations.monitor import expected_returns

PERIOD = "2024-09"
POPULATION = TEST_POPULATION  # every mid-year (tests/conftest.py fixed_child_population)

DESIGN_IDS = (
    [f"CSC-0{i}" for i in range(1, 7)] + ["CSC-06D", "CSC-07"] + [f"NEG-0{i}" for i in range(1, 6)]
    + ["EXP-01", "EXP-02"]
    + [f"FD-0{i}" for i in range(1, 5)] + [f"POL-0{i}" for i in range(1, 5)] + [f"HLT-0{i}" for i in range(1, 4)]
    + ["EDU-01", "EDU-02"] + [f"LADO-0{i}" for i in range(1, 4)] + ["TRN-01"] + [f"MA-0{i}" for i in range(1, 6)]
    + ["DQ-01", "DQ-02"])


# --- building a warehouse by hand -----------------------------------------------------------------------------

def stg(table_id: str, columns: str, *values: tuple, period: str = PERIOD) -> tuple[str, list[dict]]:
    """Rows of one stg table, with the bookkeeping columns every stg row carries."""
    contract = schemas.table(table_id)
    names = columns.split()
    rows = [{"submission_id": f"sub-{table_id}-{period}", "agency": contract.agency, "period": period,
             "source_sheet": "Sheet1", "source_row": n + 2, "queried": 0, **dict(zip(names, v, strict=True))}
            for n, v in enumerate(values)]
    return contract.stg_table, rows


def links(source: str, *pairs: tuple[str, str]) -> tuple[str, list[dict]]:
    """core_person_link rows: (record_id, person_key) of one person-bearing table."""
    agency = schemas.table(source).agency
    return "core_person_link", [{"source": source, "record_id": r, "agency": agency, "person_key": p,
                                 "match_probability": 1.0, "rule": "TEST"} for r, p in pairs]


def submission(submission_id: str, agency: str, return_id: str | None, period: str, received_at: str,
               read: int = 0, rejected: int = 0, queried: int = 0) -> tuple[str, list[dict]]:
    """One raw_submission (file registry) row."""
    return "raw_submission", [{
        "submission_id": submission_id, "sha256": submission_id.ljust(64, "0"), "agency": agency,
        "file_name": f"{submission_id}.xlsx", "archive_path": "archive", "received_at": received_at,
        "period": period, "return_id": return_id, "status": "QUARANTINED" if return_id is None else "ACCEPTED",
        "rows_read": read, "rows_accepted": read - rejected, "rows_rejected": rejected, "rows_queried": queried,
        "loaded": 1}]


def run_scenario(url: str, *tables: tuple[str, list[dict]]) -> dict[tuple[str, str], dict]:
    """Empty the warehouse (keeping dim_), load the rows, compute the previous quarter then the period, as a
    warehouse is filled quarter after quarter; (indicator, breakdown) -> the period's row."""
    eng = warehouse.engine(url)
    with eng.begin() as conn:
        for table in reversed(warehouse.METADATA.sorted_tables):
            if not table.name.startswith("dim_"):
                conn.execute(table.delete())
        for name, rows in tables:
            conn.execute(warehouse.METADATA.tables[name].insert(), rows)
    compute_indicators(previous_period(PERIOD), url, "run-test-before")
    compute_indicators(PERIOD, url, "run-test")
    with eng.connect() as conn:
        fct, lin = warehouse.fct_indicator_value, warehouse.fct_indicator_lineage
        rows = conn.execute(sa.select(fct).where(fct.c.period == PERIOD)).mappings().all()
        lineage = conn.execute(sa.select(lin).where(lin.c.period == PERIOD)).mappings().all()
    out = {(r["indicator_id"], r["breakdown"]): dict(r) for r in rows}
    out[("lineage", "")] = {(r["indicator_id"], r["submission_id"]) for r in lineage}
    return out


# --- the scenarios --------------------------------------------------------------------------------------------

def referrals():
    return [stg("list3_referrals", "child_id referral_date referral_nfa",
                ("A", "2023-09-30", "Y"),   # the day before R: not counted, but A's previous referral
                ("A", "2024-09-30", "N"),   # E; exactly 12 months after A's previous: a re-referral
                ("B", "2023-10-01", "N"),   # first day of R; no previous
                ("B", "2024-10-01", "N"),   # after E: not counted
                ("C", "2022-12-01", "N"),   # outside R
                ("C", "2024-02-29", "Y"),   # a year earlier is "2023-02-29"; 2022-12-01 is before it: not a re-referral
                ("D", "2023-03-01", "N"),   # outside R
                ("D", "2024-02-29", None),  # 2023-03-01 >= "2023-02-29": a re-referral; NFA not recorded
                ("E", "2024-05-10", "N"),   # the same child twice on one day: one referral event, no previous
                ("E", "2024-05-10", "N"),
                ("E", "2024-06-01", "N"))]  # previous 2024-05-10: a re-referral


def plans():
    return [
        stg("list7_child_protection", "child_id cpp_start_date cpp_end_date initial_category latest_category",
            ("K1", "2023-03-30", None, "NEG", "NEG"),          # open; started exactly E minus 18 months
            ("K2", "2023-03-31", None, "PHY", "NEG"),          # open; 12+ months; neglect as latest category
            ("K3", "2024-09-30", None, "EMO", None),           # starts on E: open, in R and FYTD
            ("K4", "2024-01-10", "2024-09-30", "SAB", "SAB"),  # ended on E: not open; started in R
            ("K5", "2021-06-01", "2022-08-15", "NEG", "NEG"),  # earlier neglect plan ...
            ("K5", "2024-08-15", None, "NEG", "NEG"),          # ... ended exactly 2 years before this start
            ("K6", "2022-01-01", "2022-08-14", "EMO", "EMO"),  # earlier plan ended 2 years and a day before ...
            ("K6", "2024-08-15", None, "EMO", "EMO"),          # ... this start: not a repeat
            ("K7", "2023-11-01", "2024-04-30", "PHY", "PHY"),  # earlier (physical) plan, itself started in R
            ("K7", "2024-05-01", None, "NEG", "NEG"),          # repeat plan (CSC-06), not a repeat neglect plan
            ("K8", "2023-12-01", None, "MUL", None),           # open, started in R, not FYTD
            ("K9", "2022-01-01", None, "EMO", "EMO"),          # open 18+ months, not neglect
            ("K11", "2024-02-02", "2024-02-02", "PHY", "PHY"),  # a one-day plan in R: not an earlier plan of itself
            ("K10", "2024-10-01", None, "NEG", "NEG")),        # starts after E: nowhere
        stg("list4_assessments", "child_id assessment_start_date assessment_authorised_date assessment_factors "
            "further_action",
            ("A1", "2024-03-20", "2024-04-01", "16A, 3B", "Y"),  # first day of FYTD, neglect, further action
            ("A2", "2024-09-01", "2024-09-30", "3B,16a", "N"),   # E; neglect (lower case), no further action
            ("A3", "2024-03-01", "2024-03-31", "16A", "Y"),      # authorised before FYTD
            ("A4", "2024-05-01", "2024-06-01", "116A", "Y"),     # not the neglect code
            ("A5", "2024-06-01", "2024-07-01", None, "Y"),       # no factors
            ("A6", "2024-07-01", "2024-08-01", "16A", None),     # neglect, further action not recorded
            ("A7", "2024-05-01", None, "16A", "Y")),             # not authorised yet
        stg("list8_looked_after", "child_id lac_start_date lac_end_date",
            ("L1", "2020-01-01", None),          # looked after
            ("L1", "2021-01-01", None),          # a second open episode of L1: still one child
            ("L2", "2024-09-30", None),          # started on E
            ("L3", "2023-01-01", "2024-09-30"),  # ceased on E: not looked after at E
            ("L4", "2024-10-01", None),          # starts after E
            ("L5", "2022-05-05", "2024-10-15"))]  # ceased after E


def front_door():
    # Q3 2024 has one bank holiday: Monday 26 August.
    return [stg("list1_contacts", "child_id contact_date contact_source contact_outcome decision_date",
                ("C1", "2024-07-01", "10", "NFA", "2024-07-02"),                 # Mon -> Tue: in time; unknown
                ("C2", "2024-08-23", "1A", "REFERRAL", "2024-08-27"),            # Fri -> Tue after bank holiday
                ("C3", "2024-08-24", "2A", "ADVICE_INFORMATION", "2024-08-28"),  # Sat -> Wed: 2 working days
                ("C4", "2024-09-30", "3E", "EARLY_HELP", None),                  # E, not decided
                ("C5", "2024-07-05", "6", None, "2024-07-05"),                   # same day; outcome blank
                ("C6", "2024-06-30", "10", "NFA", "2024-07-01"),                 # before Q
                ("C7", "2024-07-10", "5D", "NFA", "2024-07-12"),                 # Wed -> Fri: 2 working days
                ("C8", "2024-09-13", "9", "REFERRAL", "2024-09-16"),             # Fri -> Mon
                ("C9", "2024-07-15", "10", "ADVICE_INFORMATION", "2024-07-14"),  # decided before the contact
                ("C10", "2024-08-01", "4", "EARLY_HELP", "2024-08-02"),
                ("C11", "2024-08-02", "7", "NFA", "2024-08-05"),                 # Fri -> Mon
                ("C12", "2024-08-05", "8", "REFERRAL", "2024-08-06"),
                ("C13", "2024-08-06", "3A", "ADVICE_INFORMATION", "2024-08-06"))]


def tracker():
    return [stg("vulnerability_tracker", "individual_id date_of_birth identified_date status closed_date",
                ("T1", "2006-10-01", "2024-07-01", "NEW", None),            # 17 at E; identified on Q's first day
                ("T2", "2006-09-30", "2024-01-01", "INTERVENTION", None),   # 18 on E: adult
                ("T3", "1990-01-01", "2024-09-30", "NEW", None),            # adult identified on E
                ("T4", "2010-01-01", "2023-01-01", "CLOSED", "2024-09-30"),  # closed on E: not open
                ("T5", "2010-01-01", "2023-05-01", "CLOSED", "2024-10-05"),  # closed after E: open at E
                ("T6", "2009-01-01", "2023-06-01", "CLOSED", None),         # closed, no date: not open
                ("T7", "2008-01-01", "2024-10-01", "NEW", None),            # identified after E
                ("T8", "2012-02-02", "2024-06-30", "INTERVENTION", None))]  # identified before Q


def police():
    return [
        stg("police_ppn", "ppn_id police_person_id incident_date submitted_date ppn_type dara_completed",
            ("N1", "PN1", "2024-06-30", "2024-07-01", "DOMESTIC_ABUSE", "Y"),
            ("N2", "PN1", "2024-09-29", "2024-09-30", "DOMESTIC_ABUSE", "N"),
            ("N3", "PN3", "2024-07-30", "2024-08-01", "DOMESTIC_ABUSE", None),
            ("N4", "PN4", "2024-06-29", "2024-06-30", "DOMESTIC_ABUSE", "Y"),  # last quarter: 1 of 1 with DARA
            ("N5", "PN4", "2024-08-09", "2024-08-10", "MISSING", None),
            ("N6", "PN7", "2024-08-10", "2024-08-11", "CHILD_CONCERN", None),
            ("N7", "PN7", "2024-09-30", "2024-10-01", "OTHER", None)),        # after E
        stg("police_nominals", "police_person_id first_name last_name date_of_birth",
            ("PN1", "Amy", "Bell", "2010-01-01"), ("PN2", "Amy", "Bel", "2010-01-01"),  # one child, two records
            ("PN3", "Ben", "Cox", "2006-08-01"),  # 18 on 2024-08-01
            ("PN4", "Cal", "Dee", None),
            ("PN5", "Dan", "Eve", "1980-01-01"), ("PN6", "Dan", "Eve", "1980-01-01"),  # one adult, two records
            ("PN7", "Eli", "Fox", "2012-05-05")),  # not reconciled yet
        links("police_nominals", ("PN1", "X"), ("PN2", "X"), ("PN3", "Y"), ("PN4", "Z"), ("PN5", "W"), ("PN6", "W")),
        stg("police_missing", "report_id police_person_id missing_from returned_at",
            ("M1", "PN1", "2024-07-01T00:00", "2024-07-01T06:00"),  # first minute of Q
            ("M2", "PN2", "2024-09-30T23:59", None),                # last minute of Q; the same child as M1
            ("M3", "PN3", "2024-08-01T10:00", "2024-08-01T12:00"),  # on the 18th birthday: an adult
            ("M4", "PN3", "2024-07-31T22:00", "2024-08-01T01:00"),  # the day before: a child
            ("M5", "PN4", "2024-08-15T12:00", "2024-08-15T18:00"),  # date of birth unknown: counted
            ("M6", "PN8", "2024-09-01T08:00", "2024-09-01T09:00"),  # no nominal record: counted by its id
            ("M7", "PN1", "2024-06-30T23:00", "2024-07-01T02:00"))]  # last quarter


def health():
    return [
        stg("health_safeguarding", "referral_id provider_type referral_date nhs_number",
            ("H1", "ED", "2024-07-01", "9434765919"),
            ("H2", "ED", "2024-09-30", None),  # no valid NHS number (an invalid one is stored blank)
            ("H3", "GP", "2024-08-01", "9434765870"),
            ("H4", "MATERNITY", "2024-06-30", "9434765919"),  # before Q
            ("H5", "CAMHS", "2024-10-01", None)),            # after E
        stg("health_cdop", "case_id review_date learning_identified modifiable_factors",
            ("D1", "2024-04-01", "Y", "Y"),   # first day of FYTD
            ("D2", "2024-09-30", "N", "U"),   # E; modifiable factors unknown
            ("D3", "2024-05-05", "Y", "N"),
            ("D4", "2024-03-31", "Y", "Y"),   # before FYTD
            ("D5", None, None, None),         # not reviewed yet
            ("D6", "2024-06-01", None, None))]


def education():
    return [
        stg("edu_suspensions", "upn category start_date",
            ("U1", "SUSP", "2024-07-01"), ("U1", "SUSP", "2024-07-15"),  # one pupil twice
            ("U2", "PERM", "2024-09-30"),
            ("U3", "LNCH", "2024-08-01"),                                # lunchtime only
            ("U4", "SUSP", "2024-06-30"), ("U3", "SUSP", "2024-10-01")),  # outside Q
        stg("edu_cme", "cme_id identified_date resolved_date",
            ("CM1", "2024-01-01", None), ("CM2", "2024-05-01", None),  # one child, two open cases
            ("CM3", "2024-03-01", "2024-09-30"),                       # resolved on E
            ("CM4", "2024-09-30", None),                               # identified on E, not reconciled
            ("CM5", "2024-10-01", None),                               # after E
            ("CM6", "2023-02-01", "2024-10-02")),                      # resolved after E
        links("edu_cme", ("CM1", "Q1"), ("CM2", "Q1"), ("CM3", "Q3"), ("CM5", "Q5"), ("CM6", "Q2"))]


LONG_MODULE = "Virtual learning - Parents as partners in tackling child exploitation (CE)"


def lado_and_training():
    return [
        stg("lado_allegations", "case_id contact_date referrer_type pot_meeting_date outcome outcome_date",
            ("L1", "2024-04-01", "SECONDARY_SCHOOL", "2024-04-10", "SUBSTANTIATED", "2024-06-01"),
            ("L2", "2024-09-30", "POLICE", None, None, None),
            ("L3", "2024-05-01", "POLICE", "2024-10-02", None, None),           # meeting after E
            ("L4", "2024-03-15", "HEALTH", "2024-04-02", "UNFOUNDED", "2024-10-05"),  # contact before FYTD;
            ("L5", "2024-06-01", "EARLY_YEARS", "2024-06-05", None, None),      # outcome dated after E
            ("L6", "2024-07-01", "OTHER", "2024-07-02", "NOT_CONCLUDED", None),
            ("L7", "2024-08-01", "SECONDARY_SCHOOL", "2024-08-03", "MALICIOUS", None),
            ("L8", "2024-10-01", "FAITH_SETTING", None, None, None)),           # after E
        stg("training_attendance", "course_id module course_date attendee_agency attendees",
            ("TR1", "Module 6 - Neglect", "2024-04-01", "Health", "12"),
            ("TR2", "Module 6 - Neglect", "2024-09-30", "Police", "11"),
            ("TR3", "Module 5A - Exploitation", "2024-06-01", "Schools", "30"),
            ("TR4", "Module 6 - Neglect", "2024-03-31", "Health", "99"),  # before FYTD
            ("TR5", LONG_MODULE, "2024-07-07", "Schools", "15"))]


def multi_agency():
    """MA-01, MA-02, MA-03, MA-05. No referrals, health or suspensions: MA-04 has no data."""
    return [
        stg("csc_child_identity", "child_id first_name last_name",
            *[(c, "F", "L") for c in ("CA", "CB", "CC", "CD", "CF", "CG", "CH", "CI")]),
        links("csc_child_identity", ("CA", "PA"), ("CB", "PB"), ("CC", "PC"), ("CD", "PD"), ("CF", "PF"),
              ("CG", "PG"), ("CH", "PH"), ("CI", "PI")),
        stg("list7_child_protection", "child_id cpp_start_date cpp_end_date initial_category",
            ("CA", "2024-05-01", "2024-09-01", "NEG"), ("CA", "2024-09-15", None, "NEG"),  # one child, two plans
            ("CB", "2024-06-01", None, "EMO"),
            ("CC", "2024-07-01", None, "PHY"),
            ("CD", "2024-08-01", "2024-09-30", "EMO"),  # ended on E
            ("CE", "2024-09-01", None, "NEG"),          # not in the identity return: cannot be matched
            ("CF", "2023-09-30", None, "NEG")),         # started before R
        stg("police_nominals", "police_person_id first_name last_name date_of_birth",
            ("NA", "A", "A", "2012-01-01"), ("NB", "B", "B", "2012-01-01"), ("NC1", "C", "C", "2012-01-01"),
            ("NC2", "C", "C", "2012-01-01"), ("ND", "D", "D", "2012-01-01"), ("NF", "F", "F", "2012-01-01"),
            ("NK", "K", "K", "2006-08-20")),  # 18 on 2024-08-20
        links("police_nominals", ("NA", "PA"), ("NB", "PB"), ("NC1", "PC"), ("NC2", "PC"), ("ND", "PD"),
              ("NF", "PF"), ("NK", "PK")),
        stg("police_ppn", "ppn_id police_person_id incident_date submitted_date ppn_type",
            ("P1", "NA", "2023-04-30", "2023-05-01", "DOMESTIC_ABUSE"),  # exactly 12 months before CA's start
            ("P2", "NB", "2023-05-30", "2023-05-31", "DOMESTIC_ABUSE"),  # 12 months and a day before CB's
            ("P3", "NB", "2024-04-30", "2024-05-01", "CHILD_CONCERN"),   # not domestic abuse
            ("P4", "NC2", "2024-06-30", "2024-07-01", "DOMESTIC_ABUSE"),  # CC's start day, via a duplicate
            ("P5", "ND", "2024-08-01", "2024-08-02", "DOMESTIC_ABUSE"),  # the day after CD's start
            ("P6", "NF", "2023-09-01", "2023-09-01", "DOMESTIC_ABUSE")),  # CF: plan not in R
        stg("police_missing", "report_id police_person_id missing_from returned_at",
            ("MS1", "NA", "2024-07-01T10:00", "2024-07-02T09:00"),   # offer 3 days after the return: in time
            ("MS2", "NB", "2024-07-10T10:00", "2024-07-10T20:00"),   # offer 4 days after: late
            ("MS3", "NB", "2024-08-01T10:00", "2024-08-01T11:00"),   # offer the next day: in time
            ("MS4", "NC1", "2024-09-26T10:00", "2024-09-27T10:00"),  # returned E minus 3 days; no offer
            ("MS5", "NC2", "2024-09-28T10:00", "2024-09-28T12:00"),  # 72 hours run past E: not judged
            ("MS6", "NX", "2024-08-10T10:00", None),                 # not returned: not judged
            ("MS7", "NY", "2024-08-11T01:00", "2024-08-11T05:00"),   # offer dated before the return
            ("MS8", "NK", "2024-08-20T10:00", "2024-08-20T12:00"),   # 18th birthday: an adult
            ("MS9", "NA", "2024-06-30T10:00", "2024-06-30T12:00"),   # last quarter
            ("MS10", "ND", "2024-09-01T10:00", "2024-09-03T10:00")),  # offered the day of the return
        stg("csc_return_interviews", "child_id missing_start_date police_report_ref rhi_offered_date",
            ("CA", "2024-07-01", "MS1", "2024-07-05"),
            ("CB", "2024-07-10", None, "2024-07-14"),  # matched by child and date
            ("CB", "2024-08-01", None, "2024-08-02"),
            ("CY", "2024-08-11", "MS7", "2024-08-10"),
            ("CD", "2024-09-01", "MS10", "2024-09-03")),
        stg("vulnerability_tracker", "individual_id date_of_birth identified_date status closed_date",
            ("VT1", "2012-01-01", "2024-01-01", "INTERVENTION", None),  # PA: on a plan
            ("VT7", "2012-01-01", "2024-02-01", "NEW", None),           # PA again: one child
            ("VT2", "2010-01-01", "2024-01-01", "NEW", None),           # PG: child in need
            ("VT3", "2011-01-01", "2024-01-01", "NEW", None),           # PH: looked after
            ("VT4", "2009-01-01", "2024-01-01", "NEW", None),           # PI: child in need case closed on E
            ("VT5", "2010-01-01", "2024-01-01", "NEW", None),           # not reconciled
            ("VT6", "2000-01-01", "2024-01-01", "NEW", None)),          # an adult
        links("vulnerability_tracker", ("VT1", "PA"), ("VT7", "PA"), ("VT2", "PG"), ("VT3", "PH"), ("VT4", "PI"),
              ("VT6", "PJ")),
        stg("list6_children_in_need", "child_id cin_start_date cin_closure_date",
            ("CG", "2024-01-01", None), ("CI", "2023-01-01", "2024-09-30")),
        stg("list8_looked_after", "child_id lac_start_date lac_end_date", ("CH", "2023-01-01", None)),
        stg("edu_cme", "cme_id identified_date resolved_date",
            ("ME1", "2024-09-01", None),            # PA: on a plan and missing education
            ("ME2", "2024-09-01", None),            # PD: plan ended on E
            ("ME3", "2024-01-01", "2024-09-30"),    # PB: resolved on E
            ("ME4", "2024-10-01", None)),           # PF: identified after E
        links("edu_cme", ("ME1", "PA"), ("ME2", "PD"), ("ME3", "PB"), ("ME4", "PF")),
    ]


def known_to_agencies():
    """MA-04 alone: who is known to which agency in R (2023-10-01 .. 2024-09-30)."""
    return [
        stg("csc_child_identity", "child_id first_name last_name date_of_birth",
            ("S1", "F", "L", "2010-01-01"), ("S2", "F", "L", "2012-01-01"), ("S3", "F", "L", "2011-01-01"),
            ("S4", "F", "L", "2005-10-01"), ("S5", "F", "L", "2004-01-01"), ("S6", "F", "L", None)),
        links("csc_child_identity", ("S1", "P1"), ("S2", "P2"), ("S3", "P3"), ("S4", "P4"), ("S5", "P5"),
              ("S6", "P6")),
        stg("list3_referrals", "child_id referral_date",
            ("S1", "2024-01-01"),   # P1: csc
            ("S3", "2023-09-30"),   # P3: the day before R
            ("S6", "2024-04-04"),   # P6: csc
            ("CU", "2024-02-02")),  # not in the identity return: nobody
        stg("list6_children_in_need", "child_id cin_start_date cin_closure_date",
            ("S2", "2022-01-01", "2023-10-01")),  # P2: closed on R's first day, so open in R
        stg("list7_child_protection", "child_id cpp_start_date cpp_end_date initial_category",
            ("S5", "2023-01-01", None, "NEG")),  # P5
        stg("list8_looked_after", "child_id lac_start_date lac_end_date", ("S4", "2023-01-01", None)),  # P4
        stg("police_nominals", "police_person_id first_name last_name date_of_birth",
            ("N1", "F", "L", "2010-01-01"), ("N3", "F", "L", "2011-01-01"), ("N4", "F", "L", "2005-10-01"),
            ("N6", "F", "L", None), ("N7a", "F", "L", "2013-01-01"), ("N7b", "F", "L", "2013-01-01"),
            ("N2", "F", "L", "2012-01-01")),
        links("police_nominals", ("N1", "P1"), ("N2", "P2"), ("N3", "P3"), ("N4", "P4"), ("N6", "P6"),
              ("N7a", "P7"), ("N7b", "P7")),
        stg("police_ppn", "ppn_id police_person_id submitted_date ppn_type",
            ("PP1", "N1", "2024-02-01", "OTHER"), ("PP3", "N3", "2024-01-01", "OTHER"),
            ("PP4", "N4", "2024-01-01", "OTHER"), ("PP7", "N7a", "2024-03-03", "OTHER")),
        stg("police_missing", "report_id police_person_id missing_from",
            ("MR2", "N2", "2024-05-01T10:00"), ("MR6", "N6", "2024-04-05T10:00"), ("MR7", "N7b", "2024-03-04T10:00")),
        stg("health_safeguarding", "referral_id date_of_birth referral_date",
            ("HR1", "2010-01-01", "2024-03-01"), ("HR3", "2011-01-01", "2024-01-02"),
            ("HR4", "2005-10-01", "2024-02-02"), ("HR7", "2013-01-01", "2024-05-05")),
        links("health_safeguarding", ("HR1", "P1"), ("HR3", "P3"), ("HR4", "P4"), ("HR7", "P7")),
        stg("edu_suspensions", "upn date_of_birth category start_date", ("UP2", "2012-01-01", "SUSP", "2024-06-01")),
        links("edu_suspensions", ("UP2", "P2")),
        stg("edu_cme", "cme_id date_of_birth identified_date resolved_date",
            ("CE3", "2011-01-01", "2023-01-01", "2023-09-30"),  # P3: resolved the day before R
            ("CE5", "2005-10-02", "2024-01-01", None)),          # P5: the youngest reading of P5's birth date
        links("edu_cme", ("CE3", "P3"), ("CE5", "P5")),
        stg("vulnerability_tracker", "individual_id date_of_birth identified_date status closed_date",
            ("V2", "2012-01-01", "2024-01-01", "NEW", None),
            ("V3", "2011-01-01", "2024-01-01", "CLOSED", None),  # closed, no closing date: never open
            ("V5", "2005-10-02", "2023-06-01", "CLOSED", "2024-01-01"),
            ("V6", None, None, "NEW", None)),  # no date identified: not known in R
        links("vulnerability_tracker", ("V2", "P2"), ("V3", "P3"), ("V5", "P5"), ("V6", "P6")),
    ]


def registry():
    return [
        submission("s-ppn-1", "police", "police_ppn", PERIOD, "2024-10-21T23:59:59.999999+00:00", 10, 1, 2),
        submission("s-ppn-2", "police", "police_ppn", PERIOD, "2024-10-25T09:00:00.000000+00:00", 12, 0, 3),
        submission("s-annex", "csc", "csc_annex_a", PERIOD, "2024-10-22T00:00:00.000000+00:00", 100, 5, 10),
        submission("s-health-q1", "health", "health_safeguarding", "2024-06", "2024-07-19T10:00:00.000000+00:00",
                   40, 0, 0),
        submission("s-bad", "education", None, PERIOD, "2024-10-01T10:00:00.000000+00:00"),
        submission("s-lado-q3", "lado", "lado_allegations", "2024-12", "2025-01-10T10:00:00.000000+00:00", 5),
        stg("csc_child_identity", "child_id first_name last_name", *[(c, "F", "L") for c in ("C1", "C2", "C3", "C4")]),
        links("csc_child_identity", ("C1", "PK1"), ("C2", "PK1"), ("C3", "PK2")),
        stg("police_nominals", "police_person_id first_name last_name", *[(n, "F", "L") for n in ("N1", "N2", "N3")]),
        links("police_nominals", ("N1", "PK1"), ("N2", "PK3"), ("N3", "PK3")),
        stg("edu_suspensions", "upn category start_date",
            ("U1", "SUSP", "2024-07-01"), ("U1", "SUSP", "2024-08-01"), ("U2", "SUSP", "2024-07-02"),
            (None, "SUSP", "2024-07-03")),
        links("edu_suspensions", ("U1", "PK1"), ("U2", "PK4")),
        stg("vulnerability_tracker", "individual_id date_of_birth identified_date status",
            ("V1", "2010-01-01", "2024-01-01", "NEW")),
        links("vulnerability_tracker", ("V1", "PK5")),
    ]


def police_only():
    return [stg("police_ppn", "ppn_id police_person_id incident_date submitted_date ppn_type dara_completed",
                ("N1", "P1", "2024-07-01", "2024-07-02", "DOMESTIC_ABUSE", "Y"))]


SCENARIOS = {"referrals": referrals, "plans": plans, "front_door": front_door, "tracker": tracker,
             "police": police, "health": health, "education": education, "lado_and_training": lado_and_training,
             "multi_agency": multi_agency, "known_to_agencies": known_to_agencies, "registry": registry,
             "police_only": police_only}

# Which scenario checks each indicator by hand (every catalogue entry must be here: see the test below).
HAND_CHECKED = {
    "CSC-01": "referrals", "CSC-02": "referrals", "CSC-03": "referrals", "CSC-04": "plans", "CSC-05": "plans",
    "CSC-06": "plans", "CSC-06D": "plans", "CSC-07": "plans", "NEG-01": "plans", "NEG-02": "plans", "NEG-03": "plans",
    "NEG-04": "plans", "NEG-05": "plans", "EXP-01": "tracker", "EXP-02": "tracker", "FD-01": "front_door",
    "FD-02": "front_door", "FD-03": "front_door", "FD-04": "front_door", "POL-01": "police", "POL-02": "police",
    "POL-03": "police", "POL-04": "police", "HLT-01": "health", "HLT-02": "health", "HLT-03": "health",
    "EDU-01": "education", "EDU-02": "education", "LADO-01": "lado_and_training", "LADO-02": "lado_and_training",
    "LADO-03": "lado_and_training", "TRN-01": "lado_and_training", "MA-01": "multi_agency", "MA-02": "multi_agency",
    "MA-03": "multi_agency", "MA-04": "known_to_agencies", "MA-05": "multi_agency", "DQ-01": "registry",
    "DQ-02": "registry"}


pytestmark = pytest.mark.usefixtures("fixed_child_population")


@pytest.fixture(scope="module")
def computed(tmp_path_factory, fixed_child_population):
    """Every scenario computed once on a SQLite warehouse."""
    url = f"sqlite:///{tmp_path_factory.mktemp('indicators') / 'warehouse.sqlite'}"
    try:
        yield {name: run_scenario(url, *build()) for name, build in SCENARIOS.items()}
    finally:
        warehouse.dispose_all()


def check(values: dict, indicator_id: str, breakdown: str, numerator, denominator, unit: str | None = None):
    """Assert one value row's numerator and denominator, and that its value follows from them."""
    row = values[(indicator_id, breakdown)]
    assert (row["numerator"], row["denominator"]) == (numerator, denominator), (indicator_id, breakdown)
    unit = unit or next(i.unit for i in catalogue() if i.id == indicator_id)
    assert row["unit"] == unit
    scale = UNIT_SCALE[unit]
    expected = numerator if scale is None else numerator * scale / denominator if denominator else None
    if expected is None:
        assert row["value"] is None, (indicator_id, breakdown)
    else:
        assert row["value"] == pytest.approx(expected), (indicator_id, breakdown)
    return row


def breakdowns(values: dict, indicator_id: str) -> set[str]:
    return {b for (i, b) in values if i == indicator_id}


# --- the catalogue --------------------------------------------------------------------------------------------

def test_catalogue_has_every_indicator_of_the_design_once_with_its_sql():
    entries = catalogue()
    assert [i.id for i in entries] == DESIGN_IDS
    assert {p.stem for p in SQL_DIR.glob("*.sql")} == set(DESIGN_IDS)
    stg_ids = {t.table_id for t in schemas.TABLES}
    known_areas = areas()
    for i in entries:
        assert i.title and len(i.definition) > 40 and i.breakdowns, i.id
        assert i.unit in UNIT_SCALE and i.polarity in {"higher_is_better", "lower_is_better", "neutral"}, i.id
        assert i.area in known_areas and i.needs in {"all", "any"}, i.id
        # rated only where the polarity says which way is better, and in that direction
        assert i.rag == {"higher_is_better": "above", "lower_is_better": "below"}.get(i.polarity, "none") \
            or i.rag == "none", i.id
        assert set(i.sources) <= stg_ids | {"raw_submission"} and i.sources, i.id
        assert i.window in {"E", "Q", "R", "FYTD"} and i.definition_source in {"DfE", "Ofsted", "local"}, i.id
        assert len(i.reference) > 10 and i.history_months in {0, 24, 36}, i.id
    raw = tomllib.loads((SQL_DIR / "catalogue.toml").read_text())
    assert all(set(e) <= {"id", "title", "definition", "area", "unit", "polarity", "rag", "sources", "needs",
                          "breakdowns", "disclosive", "window", "history_months", "definition_source", "reference"}
               for e in raw["indicator"])
    assert {i.id for i in entries if i.definition_source == "DfE"} >= {"CSC-01", "CSC-02", "CSC-06D", "CSC-07"}
    assert all(set(a) == {"id", "title"} and a["title"] for a in raw["area"])
    assert len(known_areas) == len(raw["area"]), "each area once"


def test_every_indicator_is_checked_by_hand():
    assert set(HAND_CHECKED) == set(DESIGN_IDS)


def assert_portable(sql: str, known: set[str], name: str) -> None:
    """Binds only `known` parameters and uses no function or syntax of one database only."""
    code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    assert set(re.findall(r"(?<![:\w]):(\w+)", code)) <= known, name
    lowered = code.lower()
    for dialect_only in ("julianday", "strftime", "interval", "date_trunc", "::", "now()", "date(", "ilike",
                         "datetime(", "extract("):
        assert dialect_only not in lowered, (name, dialect_only)


def test_sql_is_portable_and_binds_only_known_windows():
    known = set(parameters(PERIOD, 2024))
    for i in catalogue():
        assert_portable(i.sql, known, i.id)
        assert i.sql.lstrip().startswith(f"-- {i.id}:"), i.id
    working = sorted(WORKING_SQL_DIR.glob("*.sql"))
    assert [path.stem for path in working] == ["person_birth", "person_involvement"]
    for path in working:
        assert_portable(path.read_text(), {"data_period"}, path.name)


def temporary_tables(conn: sa.Connection) -> list[str]:
    return [name for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_temp_master WHERE type = 'table'")]


def test_working_tables_are_the_connections_own_and_gone_after_use(sqlite_url):
    """Filled in one connection, invisible to another, dropped after use and after a failure alike."""
    run_scenario(sqlite_url, *known_to_agencies())
    eng = warehouse.engine(sqlite_url)
    with eng.connect() as conn, eng.connect() as other, history_views(conn, PERIOD):
        with working_tables(conn, PERIOD):
            rows = conn.execute(sa.select(warehouse.wrk_person_birth.c.person_key)).scalars().all()
            assert sorted(rows) == ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]
            assert temporary_tables(other) == []
        assert temporary_tables(conn) == []
        with pytest.raises(sa.exc.OperationalError), working_tables(conn, PERIOD):
            assert len(temporary_tables(conn)) == 2
            conn.exec_driver_sql("SELECT * FROM no_such_table")  # a query failing half way through
        assert temporary_tables(conn) == []
        with working_tables(conn, PERIOD):  # and the same connection can fill them again
            assert conn.execute(sa.select(sa.func.count()).select_from(warehouse.wrk_person_involvement)).scalar()


def test_comparators_name_their_area_year_and_source():
    details = comparator_details(2024)
    assert details[("CSC-01", "")].value == 560.5 and details[("CSC-01", "")].area == "England"
    assert details[("CSC-02", "")].year == 2024  # the latest year not after the period's
    assert comparator_details(2023)[("CSC-02", "")].value == 21
    assert details[("CSC-05", "")].area == "West Midlands" and "annual report" in details[("CSC-05", "")].source
    assert all(c.source for c in details.values())
    assert ("CSC-01", "") not in comparator_details(2021)


# --- children's social care -----------------------------------------------------------------------------------

def test_csc_referrals(computed):
    v = computed["referrals"]
    # In R: A 2024-09-30, B 2023-10-01, C 2024-02-29, D 2024-02-29, E 2024-05-10 (twice), E 2024-06-01 = 7.
    row = check(v, "CSC-01", "", 7, POPULATION)
    assert row["comparator"] == 560.5 and row["rag"] == ""  # neutral: more referrals is neither better nor worse
    # Referral events (a child's referrals on one day are one): A, B, C, D, E 2024-05-10, E 2024-06-01 = 6.
    # Re-referrals: A (exactly 12 months), D (2023-03-01 within a year of 2024-02-29), E 2024-06-01 = 3 of 6.
    # Not: B (none before), C (2022-12-01 too early), E's same-day pair (no earlier day).
    row = check(v, "CSC-02", "", 3, 6)
    assert row["comparator"] == 22.4 and row["rag"] == "RED"  # 2024 England figure, lower is better
    # NFA recorded on 6 of the 7 (D blank); N on A, B and the three E referrals = 5.
    check(v, "CSC-03", "", 5, 6)


def test_csc_child_protection(computed):
    v = computed["plans"]
    # Open at E: K1, K2, K3, K5, K6, K7, K8, K9 (K4 ended on E, K10 starts after E) = 8 children.
    check(v, "CSC-04", "", 8, None, "count")
    check(v, "CSC-04", "NEG", 3, 8)  # K1, K5, K7
    check(v, "CSC-04", "PHY", 1, 8)  # K2 (latest category is neglect, initial is physical)
    check(v, "CSC-04", "EMO", 3, 8)  # K3, K6, K9
    check(v, "CSC-04", "SAB", 0, 8)  # K4's plan ended on E
    check(v, "CSC-04", "MUL", 1, 8)  # K8
    # 37.5 against 47, but a mix of categories has no better side: not rated
    assert v[("CSC-04", "NEG")]["comparator"] == 47 and v[("CSC-04", "NEG")]["rag"] == ""
    # Of the 8 open, 18 months or more at E (a start on or before 2023-03-31: 31 March + 18 months = 30 September):
    # K1, K2 (exactly 18 months), K9 = 3.
    row = check(v, "CSC-05", "", 3, 8)
    assert row["comparator"] == 11 and row["rag"] == "RED"  # West Midlands figure, lower is better
    # Starting in R: K3, K4, K5 (2024), K6 (2024), K7 (2023-11-01), K7 (2024-05-01), K8, K11 = 8.
    # Repeats: K5 (earlier plan ended exactly 2 years before), K7 2024 (earlier ended the day before) = 2.
    # K6's earlier plan ended 2 years and a day before; K11's one-day plan is its only plan.
    check(v, "CSC-06", "", 2, 8)
    # Second or subsequent plan at any time: K5, K6 (earlier plans ended too long ago for CSC-06, but earlier plans
    # all the same), K7 2024 = 3 of the 8 starts (no previous plans count is recorded here).
    check(v, "CSC-06D", "", 3, 8)
    # Looked after at E: L1 (two open episodes, one child), L2 (started on E), L5 (ceased after E) = 3.
    check(v, "CSC-07", "", 3, None)
    row = check(v, "CSC-07", "per_10000", 3, POPULATION, "rate_per_10000")
    assert row["comparator"] == 71  # latest England figure not after 2024 (2023)


def test_neglect(computed):
    v = computed["plans"]
    # Authorised in FYTD with factor 16A and further action recorded: A1 (2024-04-01), A2 (E, '16a') = 2;
    # further action Y: A1 = 1. Not: A6 (further action not recorded: not known), A3 (before FYTD), A4 ('116A'),
    # A5 (no factors), A7 (not authorised).
    check(v, "NEG-01", "", 1, 2)
    # Of the 8 open plans, neglect initial or latest: K1, K2 (latest), K5, K7 = 4.
    check(v, "NEG-02", "", 4, 8)
    # Open 12 months or more (started on or before 2023-09-30): K1, K2, K9 = 3; neglect: K1, K2 = 2.
    check(v, "NEG-03", "", 2, 3)
    # Neglect plans starting in FYTD: K5 (2024-08-15), K7 (2024-05-01) = 2. K5's earlier neglect plan ended
    # exactly 24 months before: a repeat. K7's earlier plan was physical abuse: not one.
    check(v, "NEG-04", "", 1, 2)
    # Plans starting in FYTD: K3, K5, K6, K7 = 4; neglect: K5, K7 = 2.
    check(v, "NEG-05", "", 2, 4)


# --- exploitation ---------------------------------------------------------------------------------------------

def test_exploitation(computed):
    v = computed["tracker"]
    # Open at E: T1, T2, T3, T5 (closed after E), T8 = 5. Not: T4 (closed on E), T6 (CLOSED, no date), T7.
    check(v, "EXP-01", "", 5, None)
    check(v, "EXP-01", "child", 3, 5)  # T1 (17 at E), T5, T8
    check(v, "EXP-01", "adult", 2, 5)  # T2 (18 on E), T3
    check(v, "EXP-02", "", 2, 5)  # identified in Q: T1 (Q's first day), T3 (E)
    check(v, "EXP-02", "intervention", 2, 5)  # T2, T8


# --- the front door -------------------------------------------------------------------------------------------

def test_front_door(computed):
    v = computed["front_door"]
    # 12 contacts in Q (C6 is before it).
    check(v, "FD-01", "", 12, None)
    expected = {"INDIVIDUAL": 1, "EDUCATION": 1, "HEALTH": 2, "HOUSING": 1, "LA_SERVICES": 1, "POLICE": 1,
                "OTHER_LEGAL": 1, "OTHER": 1, "ANONYMOUS": 1, "UNKNOWN": 2}  # '10' is UNKNOWN, not an individual
    for group, count in expected.items():
        check(v, "FD-01", group, count, 12)
    assert breakdowns(v, "FD-01") == {"", *expected}
    check(v, "FD-02", "", 2, 12)  # C1, C9
    for outcome, count in {"REFERRAL": 3, "ADVICE_INFORMATION": 3, "EARLY_HELP": 2, "NFA": 3,
                           "NOT_RECORDED": 1}.items():
        check(v, "FD-03", outcome, count, 12)
    check(v, "FD-03", "", 12, None)
    # In time: C1, C2 (Friday -> Tuesday over the bank holiday), C5, C8, C10, C11, C12, C13 = 8.
    # Late: C3 (Saturday -> Wednesday), C4 (no decision), C7 (two working days), C9 (decided before contact).
    check(v, "FD-04", "", 8, 12)


# --- police ---------------------------------------------------------------------------------------------------

def test_police(computed):
    v = computed["police"]
    # Submitted in Q: N1 (Q's first day), N2 (E), N3, N5, N6 = 5.
    check(v, "POL-01", "", 5, None)
    for ppn_type, count in {"DOMESTIC_ABUSE": 3, "CHILD_CONCERN": 1, "MISSING": 1, "EXPLOITATION": 0,
                            "ONLINE_HARM": 0, "OTHER": 0}.items():
        check(v, "POL-01", ppn_type, count, 5)
    # DARA recorded on N1 (Y) and N2 (N); N3's is blank, not known = 1 of 2
    row = check(v, "POL-02", "", 1, 2)
    # Last quarter had no police return (N4 sits in this quarter's): it was no data, and is not recomputed from
    # this return, so there is nothing to compare with.
    assert row["direction"] == ""
    # Episodes in Q: M1, M2, M4, M5, M6 = 5 (M3 on the 18th birthday, M7 last quarter).
    # Children: X (M1 and M2 through two nominal records), Y, Z, PN8 (no nominal) = 4.
    check(v, "POL-03", "episodes", 5, None)
    check(v, "POL-03", "", 4, None)
    # Nominal records PN1..PN7 = 7, people: X (PN1, PN2), W (PN5, PN6), PN3, PN4, PN7 = 5; extra records 7 - 5 = 2.
    row = check(v, "POL-04", "", 2, 7)
    assert row["direction"] == ""  # no nominal return last quarter
    # DQ-02 needs any one of its person returns: with the police nominals alone it measures the police.
    check(v, "DQ-02", "police", 2, 7)
    assert breakdowns(v, "DQ-02") == {"", "police"}


# --- health ---------------------------------------------------------------------------------------------------

def test_health(computed):
    v = computed["health"]
    check(v, "HLT-01", "", 3, None)  # H1, H2, H3
    check(v, "HLT-01", "ED", 2, 3)
    check(v, "HLT-01", "GP", 1, 3)
    check(v, "HLT-01", "MATERNITY", 0, 3)  # H4 is before Q
    assert len(breakdowns(v, "HLT-01")) == 9
    check(v, "HLT-02", "", 2, 3)  # H1, H3
    # Reviews in FYTD: D1 (first day), D2 (E), D3, D6 = 4.
    check(v, "HLT-03", "", 4, None, "count")
    check(v, "HLT-03", "learning_identified", 2, 3, "percent")  # D1, D3 of D1, D2, D3 (D6 blank: not known)
    check(v, "HLT-03", "modifiable_factors", 1, 2, "percent")   # D1 of D1, D3 (D2 'U' and D6 blank: not known)


# --- education ------------------------------------------------------------------------------------------------

def test_education(computed):
    v = computed["education"]
    check(v, "EDU-01", "", 3, None)  # U1 twice, U2 on E
    check(v, "EDU-01", "SUSP", 2, None)
    check(v, "EDU-01", "PERM", 1, None)
    check(v, "EDU-01", "LNCH", 1, None)   # U3, outside the headline
    check(v, "EDU-01", "children", 2, None)  # U1, U2
    # Open at E: CM1 and CM2 (one child Q1), CM4 (not linked), CM6 (Q2) = 3 children.
    check(v, "EDU-02", "", 3, None)


# --- LADO and training ----------------------------------------------------------------------------------------

def test_lado_and_training(computed):
    v = computed["lado_and_training"]
    # Contacts in FYTD: L1, L2, L3, L5, L6, L7 = 6; a meeting by E: L1, L5, L6, L7 = 4 (L3's is after E).
    check(v, "LADO-01", "", 4, 6)
    check(v, "LADO-02", "", 6, None)
    for referrer, count in {"SECONDARY_SCHOOL": 2, "POLICE": 2, "EARLY_YEARS": 1, "OTHER": 1, "FAITH_SETTING": 0,
                            "HEALTH": 0}.items():
        check(v, "LADO-02", referrer, count, 6)
    check(v, "LADO-02", "types_with_none", 11, 15)  # 15 referrer types, 4 with a contact
    assert len(breakdowns(v, "LADO-02")) == 17
    # Meetings in FYTD: L1, L4 (contact before FYTD), L5, L6, L7 = 5.
    check(v, "LADO-03", "", 5, None)
    check(v, "LADO-03", "SUBSTANTIATED", 1, 5)
    check(v, "LADO-03", "MALICIOUS", 1, 5)   # L7: no outcome date, concluded
    check(v, "LADO-03", "NOT_CONCLUDED", 3, 5)  # L4 (outcome after E), L5 (none), L6
    check(v, "LADO-03", "UNFOUNDED", 0, 5)
    # Attendees in FYTD: 12 + 11 + 30 + 15 = 68 (TR4 is before FYTD).
    check(v, "TRN-01", "", 68, None)
    # modules are published under the training programme's catalogued labels (reference/training_modules.csv),
    # matched by code; a title no catalogue entry has is counted under Other (DESIGN.md section 9)
    check(v, "TRN-01", "Module 6 - Neglect: Impact on child development", 23, None)
    check(v, "TRN-01", "Module 5A - All Age Exploitation Awareness", 30, None)
    check(v, "TRN-01", "Other", 15, None)


# --- the multi-agency picture ---------------------------------------------------------------------------------

def test_multi_agency(computed):
    v = computed["multi_agency"]
    # Starting a plan in R: PA (two plans), PB, PC, PD, and CE (not reconciled) = 5 children (CF started earlier).
    # With a domestic abuse PPN in the 12 months up to the start: PA (exactly 12 months), PC (on the start day,
    # through a duplicate nominal) = 2. PB's is 12 months and a day before; PD's the day after.
    check(v, "MA-01", "", 2, 5)
    # Judged episodes (returned by 2024-09-27): MS1 PA, MS2 and MS3 PB, MS4 PC, MS7 NY, MS10 PD = 5 children.
    # Not offered in time: PB (MS2, 4 days), PC (MS4, none), NY (MS7, offer before the return) = 3.
    check(v, "MA-02", "", 3, 5)
    # Children open on the tracker: PA (two records), PG, PH, PI, VT5 (not reconciled) = 5; VT6 is an adult.
    # Open to CSC at E: PA (plan), PG (child in need), PH (looked after) = 3; PI's case closed on E.
    check(v, "MA-03", "", 3, 5)
    # On a plan at E: PA, PB, PC, CE, PF = 5 (PD's ended on E); missing education at E: PA = 1.
    check(v, "MA-05", "", 1, 5)
    # No referrals, health referrals or suspensions in this scenario: MA-04 needs them all.
    assert v[("MA-04", "")]["rag"] == NO_DATA and v[("MA-04", "")]["value"] is None


def test_children_known_to_three_or_more_agencies(computed):
    v = computed["known_to_agencies"]
    # P1: csc (referral), police (PPN), health = 3.             counted
    # P2: csc (CIN closed on R's first day), police (missing), education (suspension), tracker = 4.   counted
    # P3: police, health = 2 (referral the day before R, CME resolved the day before R, tracker entry closed
    #     without a closing date).
    # P4: 18 on R's first day: never a child in R.              not a child
    # P5: csc (plan), education (CME), tracker (closed in R) = 3; birth dates 2004-01-01 and 2005-10-02: the
    #     youngest reading makes P5 a child on R's first day.    counted
    # P6: no birth date; csc, police = 2 (the tracker entry has no date identified).
    # P7: police twice (two nominal records), health = 2.
    check(v, "MA-04", "", 3, 6)


# --- data quality ---------------------------------------------------------------------------------------------

def test_data_quality(computed):
    v = computed["registry"]
    # Expected returns: the 13 of the submission calendar (every return, expected since 2022-03); the ones sent
    # here (police_ppn, csc_annex_a, health_safeguarding) are among them, the quarantined file has no return.
    # On time (by 2024-10-21): police (first file 23:59 on the due date) = 1.
    row = check(v, "DQ-01", "", 1, 13)
    assert row["direction"] == "level"  # for 2024-06 also 1 of the 13 (health) was on time
    check(v, "DQ-01", "police/police_ppn/on_time", 1, 1)
    check(v, "DQ-01", "police/police_ppn/rows_read", 12, None, "count")  # the latest file
    check(v, "DQ-01", "police/police_ppn/pct_rejected", 0, 12)
    check(v, "DQ-01", "police/police_ppn/pct_queried", 3, 12)
    check(v, "DQ-01", "csc/csc_annex_a/on_time", 0, 1)  # received the day after
    check(v, "DQ-01", "csc/csc_annex_a/pct_rejected", 5, 100)
    check(v, "DQ-01", "csc/csc_annex_a/pct_queried", 10, 100)
    check(v, "DQ-01", "health/health_safeguarding/on_time", 0, 1)  # nothing for 2024-09
    never_sent = {f"{r['agency']}/{r['return_id']}/on_time" for r in expected_returns("2024-09")}
    assert breakdowns(v, "DQ-01") == never_sent | {"", "police/police_ppn/rows_read",
                                                   "police/police_ppn/pct_rejected", "police/police_ppn/pct_queried",
                                                   "csc/csc_annex_a/rows_read", "csc/csc_annex_a/pct_rejected",
                                                   "csc/csc_annex_a/pct_queried"}
    check(v, "DQ-01", "lado/lado_allegations/on_time", 0, 1)  # expected by the calendar, never sent
    # Extra records = records - people. csc: C1, C2 share PK1 (C4 not linked, its own person) = 4 - 3 = 1.
    # police: N2, N3 share PK3 = 3 - 2 = 1 (N1 is PK1 as csc's C1: another agency, not a duplicate).
    # education: U1 (two suspensions, one record), U2 = 0 of 2 (the row without a UPN is not a person record).
    # partnership: 0 of 1.
    check(v, "DQ-02", "csc", 1, 4)
    check(v, "DQ-02", "police", 1, 3)
    check(v, "DQ-02", "education", 0, 2)
    check(v, "DQ-02", "partnership", 0, 1)
    check(v, "DQ-02", "", 2, 10)
    check(v, "POL-04", "", 1, 3)  # the same police measure
    lineage = v[("lineage", "")]
    assert {s for i, s in lineage if i == "DQ-01"} == {"s-ppn-1", "s-ppn-2", "s-annex", "s-bad"}


# --- no data, lineage and invariants --------------------------------------------------------------------------

def test_an_indicator_without_its_returns_is_no_data_never_zero(computed):
    v = computed["police_only"]
    computed_ids = {"POL-01", "POL-02", "DQ-01"}  # police_ppn alone, and the registry that is always there
    for indicator in catalogue():
        rows = [r for (i, _), r in v.items() if i == indicator.id]
        if indicator.id in computed_ids:
            assert all(r["rag"] != NO_DATA for r in rows), indicator.id
        else:
            assert len(rows) == 1 and rows[0]["breakdown"] == "", indicator.id
            assert rows[0]["rag"] == NO_DATA and rows[0]["numerator"] is None and rows[0]["value"] is None
    check(v, "DQ-01", "", 0, 13)  # nothing in the registry: all 13 returns the calendar expects are late
    assert {i for i, _ in v[("lineage", "")]} == {"POL-01", "POL-02"}


def test_every_computed_indicator_has_a_headline_and_sane_values(computed):
    for name, values in computed.items():
        ids = {i for (i, _) in values if i != "lineage"}
        assert all((i, "") in values for i in ids), name
        for (indicator_id, breakdown), row in values.items():
            if indicator_id == "lineage" or row["numerator"] is None:
                continue
            assert row["numerator"] >= 0, (name, indicator_id, breakdown)
            if row["unit"] == "percent" and row["denominator"] is not None:
                assert row["numerator"] <= row["denominator"], (name, indicator_id, breakdown)


def test_lineage_names_the_submissions_used(computed):
    lineage = computed["multi_agency"][("lineage", "")]
    assert {s for i, s in lineage if i == "MA-01"} == {
        f"sub-{t}-{PERIOD}" for t in ("list7_child_protection", "csc_child_identity", "police_ppn", "police_nominals")}
    assert not any(i == "MA-04" for i, _ in lineage)  # no data, no lineage


def test_the_same_values_on_postgresql(computed, postgres_url):
    for name, build in SCENARIOS.items():
        pg = run_scenario(postgres_url, *build())
        lite = computed[name]
        assert pg.keys() == lite.keys(), name
        for key, row in lite.items():
            if key[0] == "lineage":
                assert pg[key] == row
                continue
            other = pg[key]
            for column in ("numerator", "denominator", "unit", "comparator", "rag", "direction"):
                assert other[column] == row[column], (name, key, column)
            assert (other["value"] is None) == (row["value"] is None), (name, key)
            if row["value"] is not None:
                assert other["value"] == pytest.approx(row["value"], rel=1e-12), (name, key)


# --- periods: windows, working days, due dates ----------------------------------------------------------------

def test_windows_of_a_period():
    assert windows(PERIOD) == {
        "period": "2024-09", "period_end": "2024-09-30", "r_start": "2023-09-30", "q_start": "2024-07-01",
        "fytd_start": "2024-04-01", "e_minus_18m": "2023-03-31",
        "e_minus_3d": "2024-09-27", "adult_born_by": "2006-09-30", "r_adult_born_by": "2005-10-01",
        "due_date": "2024-10-21"}
    q4 = windows("2024-03")
    assert (q4["fytd_start"], q4["q_start"], q4["e_minus_18m"]) == ("2023-04-01", "2024-01-01", "2022-09-30")
    assert windows("2024-06")["e_minus_18m"] == "2022-12-31"  # 31 December + 18 months = 30 June


def test_working_days_skip_weekends_and_english_bank_holidays():
    assert is_working_day(dt.date(2024, 8, 23)) and not is_working_day(dt.date(2024, 8, 24))  # Fri, Sat
    assert not is_working_day(dt.date(2024, 8, 26))  # summer bank holiday
    assert not is_working_day(dt.date(2022, 9, 19))  # the State Funeral, a one-off
    assert add_working_days(dt.date(2024, 8, 23), 1) == dt.date(2024, 8, 27)  # over the weekend and holiday
    assert add_working_days(dt.date(2024, 8, 24), 0) == dt.date(2024, 8, 24)
    assert add_working_days(dt.date(2027, 12, 24), 1) == dt.date(2027, 12, 29)  # both substitute days
    with pytest.raises(ValueError):
        add_working_days(dt.date(2024, 1, 1), -1)


@pytest.mark.parametrize(("period", "due"), [
    ("2024-09", "2024-10-21"),  # E a Monday; no holiday in October
    ("2024-03", "2024-04-22"),  # E a Sunday; Easter Monday 1 April is not a working day
    ("2022-03", "2022-04-25"),  # Good Friday 15 and Easter Monday 18 April fall inside the 15 days
    ("2023-12", "2024-01-22"),  # New Year's Day
    ("2022-06", "2022-07-21"),  # E a Thursday
])
def test_returns_are_due_15_working_days_after_the_quarter(period, due):
    assert due_date(period).isoformat() == due


def test_the_period_being_collected_is_the_last_quarter_that_ended():
    assert reporting_period(dt.date(2024, 10, 5)) == "2024-09"
    assert reporting_period(dt.date(2024, 9, 30)) == "2024-06"  # the quarter has not ended yet
    assert reporting_period(dt.date(2024, 1, 1)) == "2023-12"


def test_bank_holidays_and_calendar():
    holidays = bank_holidays()
    for year in range(2019, 2029):
        days = [d for d in holidays if d.year == year]
        assert len(days) >= 8 and all(d.weekday() < 5 for d in days), year
    rows = calendar_rows(dt.date(2024, 8, 23), dt.date(2024, 8, 27))
    assert [(r["calendar_date"], r["working_day_number"], r["is_working_day"]) for r in rows] == [
        ("2024-08-23", 1, 1), ("2024-08-24", 1, 0), ("2024-08-25", 1, 0), ("2024-08-26", 1, 0), ("2024-08-27", 2, 1)]
    assert rows[-1]["day_number"] - rows[0]["day_number"] == 4


def test_a_one_day_plan_is_an_earlier_plan_of_a_later_plan(sqlite_url):
    """CSC-06: a plan starting and ending on one day counts as the earlier plan of the child's next plan."""
    plans = [("D1", "2025-01-10", "2025-01-10"), ("D1", "2026-01-05", None),  # repeat within 2 years
             ("D2", "2026-02-01", None)]                                      # first plan
    with warehouse.engine(sqlite_url).begin() as conn:
        conn.execute(warehouse.STG_TABLES["list7_child_protection"].insert(), [
            {"submission_id": "s", "agency": "csc", "period": "2026-09", "source_sheet": "List 7", "source_row": n,
             "queried": 0, "child_id": child, "cpp_start_date": start, "cpp_end_date": end,
             "initial_category": "NEG"} for n, (child, start, end) in enumerate(plans, start=2)])
    compute_indicators("2026-09", sqlite_url, "run")
    with warehouse.engine(sqlite_url).connect() as conn:
        fct = warehouse.fct_indicator_value
        row = conn.execute(sa.select(fct.c.numerator, fct.c.denominator).where(
            fct.c.indicator_id == "CSC-06", fct.c.period == "2026-09", fct.c.breakdown == "")).one()
    assert tuple(row) == (1, 2)  # D1's second plan follows its one-day plan; D2 has no earlier plan
