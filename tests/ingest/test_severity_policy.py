"""The severity policy of DESIGN section 4, stated per return, through the reader, the mapper and validation.

ERROR (row rejected) only when the record cannot be counted: its record id blank or duplicated, the list's own event
date blank, unreadable or impossible, or the end of the record's own interval before its start. Everything else is a
QUERY: the row is loaded and counted, and the bad cell is blanked (its raw value kept in the issue). Unborn children
are normal work: a date of birth up to 10 months after the event raises nothing; Annex A `Age` -1 or `Unborn` says
the same; a maternity referral needs no date of birth.

The tables below are written from DESIGN sections 3 and 6 (what each return is counted by), not read from the rules.
"""

from __future__ import annotations

import pandas as pd
import pytest

import schemas
from schemas.contract import DATE, DATETIME, NHS, UPN, TableContract
from synthetic.generate.identifiers import upn_check_letter
from tests.conftest import write_xlsx
from tests.ingest.test_rules import valid_row  # every rule's valid row, dated EVENT
from transforms.ingest.mapping import recognise
from transforms.ingest.read import read_workbook
from transforms.ingest.validate import validate_table

PERIOD_END = "2026-09-30"
EVENT = "01/06/2026"  # every event date of the valid rows: inside the 24-month window before PERIOD_END

# table -> (the record's id, the event date(s) its indicators count it by, the end of the record's own interval).
# The record id is the contract's, except training attendance, one row per course *and* agency (TRN-008).
COUNTED_BY: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "list1_contacts": (("child_id",), ("contact_date",), ()),
    "list3_referrals": (("child_id",), ("referral_date",), ()),
    "list4_assessments": (("child_id",), ("assessment_start_date",), ("assessment_authorised_date",)),
    "list5_section47": (("child_id",), ("s47_start_date",), ()),
    "list6_children_in_need": (("child_id",), ("cin_start_date",), ("cin_closure_date",)),
    "list7_child_protection": (("child_id",), ("cpp_start_date",), ("cpp_end_date",)),
    "list8_looked_after": (("child_id",), ("lac_start_date",), ("lac_end_date",)),
    "csc_child_identity": (("child_id",), (), ()),
    "csc_return_interviews": (("child_id",), ("missing_start_date",), ()),
    "police_nominals": (("police_person_id",), (), ()),
    "police_ppn": (("ppn_id",), ("incident_date", "submitted_date"), ()),
    "police_missing": (("report_id",), ("missing_from",), ("returned_at",)),
    "health_safeguarding": (("referral_id",), ("referral_date",), ()),
    "health_cdop": (("case_id",), ("date_of_death",), ()),
    "edu_suspensions": (("upn",), ("start_date",), ()),
    "edu_cme": (("cme_id",), ("identified_date",), ("resolved_date",)),
    "lado_allegations": (("case_id",), ("contact_date",), ()),
    "vulnerability_tracker": (("individual_id",), ("identified_date",), ("closed_date",)),
    "training_attendance": (("course_id", "attendee_agency"), ("course_date",), ()),
}

TABLE_IDS = [t.table_id for t in schemas.TABLES]


def header_of(contract: TableContract, name: str) -> str:
    column = contract.column(name)
    return column.aliases[0] if column.aliases else column.name


def distinct(contract: TableContract, rows: list[dict]) -> list[dict]:
    """The rows with a record id of their own where they carry the valid row's (no row duplicates another)."""
    default = valid_row(contract)
    out = []
    for n, row in enumerate(rows):
        row = dict(row)
        for name in COUNTED_BY[contract.table_id][0]:
            if row[name] == default[name]:
                body = f"3343419151{n:02d}"
                row[name] = upn_check_letter(body) + body if contract.column(name).kind == UPN else f"{row[name]}-{n}"
        out.append(row)
    return out


def validate(tmp_path, contract: TableContract, rows: list[dict]):
    """Write the rows (given record ids of their own) to a workbook under the contract's first headers, read, map
    and validate it."""
    rows = distinct(contract, rows)
    names = [c.name for c in contract.columns]
    sheet = f"List {contract.annex_list}" if contract.annex_list else "Sheet1"
    path = write_xlsx(tmp_path / f"{contract.table_id}.xlsx",
                      {sheet: [[header_of(contract, n) for n in names], *[[r.get(n) for n in names] for r in rows]]})
    found = recognise(read_workbook(path), contract.agency, contract.return_id)
    assert found.file_problem is None, found.file_problem
    (table,) = [t for t in found.tables if t.contract.table_id == contract.table_id]
    checked = validate_table(table, PERIOD_END)
    assert checked.rows_read == len(rows)
    return checked


def loaded(checked, excel_row: int) -> pd.Series:
    """The accepted row read from Excel row `excel_row` (the header is row 1)."""
    hit = checked.accepted[checked.accepted["source_row"] == excel_row]
    assert len(hit) == 1, f"row {excel_row} was not loaded: {checked.issues.to_dict('records')}"
    return hit.iloc[0]


def issues_of(checked, excel_row: int) -> list[tuple[str, str]]:
    rows = checked.issues[checked.issues["row"] == excel_row]
    return sorted(zip(rows["rule_id"], rows["severity"], strict=True))


# --- (1) which rules may reject a row ---------------------------------------------------------------------------

def test_every_table_is_in_the_policy_table():
    assert set(TABLE_IDS) == set(COUNTED_BY)


@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_errors_only_on_the_record_id_the_event_date_and_the_own_interval(table_id):
    contract = schemas.table(table_id)
    key, events, ends = COUNTED_BY[table_id]
    assert {contract.record_id} <= set(key)
    for rule in contract.rules:
        if rule.severity != "ERROR":
            assert rule.severity == "QUERY" and rule.rule_id.endswith("Q"), rule.rule_id
            continue
        columns = set(rule.columns)
        assert columns <= {*key, *events, *ends}, (rule.rule_id, rule.columns)
        if columns & set(ends):  # an end date only ever rejects its row for being before the start
            assert columns & set(events) and not columns & set(key), (rule.rule_id, rule.columns)
        assert not rule.blanks


@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_a_blank_id_or_a_blank_or_unreadable_event_date_rejects_the_row(tmp_path, table_id):
    contract = schemas.table(table_id)
    key, events, _ = COUNTED_BY[table_id]
    good = valid_row(contract)
    rows = [good, {**good, contract.record_id: None}]
    rows += [{**good, event: value} for event in events for value in (None, "31/02/2026", "not known")]
    checked = validate(tmp_path, contract, rows)
    assert checked.rejected_rows == list(range(3, 3 + len(rows) - 1)), checked.issues.to_dict("records")
    assert issues_of(checked, 2) == []
    assert set(checked.issues["severity"]) == {"ERROR"}


@pytest.mark.parametrize(("table_id", "later", "earlier"), [
    ("list4_assessments", "assessment_authorised_date", "assessment_start_date"),
    ("list6_children_in_need", "cin_closure_date", "cin_start_date"),
    ("list7_child_protection", "cpp_end_date", "cpp_start_date"),
    ("list8_looked_after", "lac_end_date", "lac_start_date"),
    ("police_missing", "returned_at", "missing_from"),
    ("edu_cme", "resolved_date", "identified_date"),
    ("vulnerability_tracker", "closed_date", "identified_date"),
])
def test_the_end_of_the_records_own_interval_before_its_start_rejects_the_row(tmp_path, table_id, later, earlier):
    contract = schemas.table(table_id)
    good = valid_row(contract)
    bad = {**good, later: "01/05/2026" + (" 09:00" if contract.column(later).kind == DATETIME else "")}
    if table_id == "vulnerability_tracker":
        bad["status"] = "CLOSED"
    checked = validate(tmp_path, contract, [good, bad])
    assert checked.rejected_rows == [3]
    assert [s for _, s in issues_of(checked, 3)] == ["ERROR"]


# --- (2) any other bad value: loaded, queried, the cell blank ---------------------------------------------------

# table -> (a column that is neither the record id nor an event date, a value it cannot hold)
BAD_CELL = {
    "list1_contacts": ("contact_source", "ZZ-not-a-source"),
    "list3_referrals": ("date_of_birth", "31/02/2015"),
    "list4_assessments": ("child_seen", "Perhaps"),
    "list5_section47": ("icpc_date", "not known"),
    "list6_children_in_need": ("primary_need", "ZZ-not-a-need"),
    "list7_child_protection": ("initial_category", "ZZ-not-a-category"),
    "list8_looked_after": ("legal_status", "ZZ-not-a-status"),
    "csc_child_identity": ("date_of_birth", "32/01/2015"),
    "csc_return_interviews": ("rhi_offered_date", "TBC"),
    "police_nominals": ("sex", "ZZ-not-a-sex"),
    "police_ppn": ("risk_level", "Amber"),
    "police_missing": ("risk_grading", "Amber"),
    "health_safeguarding": ("concern", "ZZ-not-a-concern"),
    "health_cdop": ("category", "11"),
    "edu_suspensions": ("sessions", "-1"),  # a number the mapper reads: blanking is validation's doing
    "edu_cme": ("date_of_birth", "not known"),
    "lado_allegations": ("referrer_type", "ZZ-not-a-referrer"),
    "vulnerability_tracker": ("exploitation_type", "ZZ-not-a-type"),
    "training_attendance": ("attendees", "-2"),
}


def test_every_table_has_a_bad_cell_case():
    assert set(BAD_CELL) == set(TABLE_IDS)


@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_a_bad_value_in_any_other_column_is_loaded_queried_and_blank(tmp_path, table_id):
    contract = schemas.table(table_id)
    column, value = BAD_CELL[table_id]
    good = valid_row(contract)
    checked = validate(tmp_path, contract, [good, {**good, column: value}])
    assert checked.rejected_rows == []
    issues = checked.issues[checked.issues["row"] == 3]
    assert issues["severity"].tolist() == ["QUERY"], issues.to_dict("records")
    assert issues[["column", "value"]].values.tolist() == [[header_of(contract, column), value]]
    assert "loaded" in issues["message"].iloc[0]
    row = loaded(checked, 3)
    assert row["queried"] == 1 and pd.isna(row[column])
    assert loaded(checked, 2)["queried"] == 0 and not pd.isna(loaded(checked, 2)[column])


def required_besides_id_and_event(table_id: str) -> list[str]:
    """The required columns of a table that are neither its record id nor an event date it is counted by."""
    key, events, _ = COUNTED_BY[table_id]
    return [c.name for c in schemas.table(table_id).columns if c.required and c.name not in {*key, *events}]


@pytest.mark.parametrize("table_id", [t for t in TABLE_IDS if required_besides_id_and_event(t)])
def test_a_required_column_left_blank_is_a_query_unless_it_is_the_id_or_the_event(tmp_path, table_id):
    contract = schemas.table(table_id)
    others = required_besides_id_and_event(table_id)
    good = valid_row(contract)
    checked = validate(tmp_path, contract, [good, *[{**good, name: None} for name in others]])
    assert checked.rejected_rows == []
    for excel_row, name in enumerate(others, start=3):
        assert [s for _, s in issues_of(checked, excel_row)] == ["QUERY"], name
        assert pd.isna(loaded(checked, excel_row)[name])


# (table, the later date of the pair, a value before the earlier one, the earlier one, the cell loaded blank)
ORDER_QUERIES = [
    ("list1_contacts", "decision_date", "01/05/2026", "contact_date", "decision_date"),
    ("list5_section47", "icpc_date", "01/05/2026", "s47_start_date", "icpc_date"),
    ("csc_return_interviews", "rhi_offered_date", "01/05/2026", "missing_start_date", "rhi_offered_date"),
    ("lado_allegations", "pot_meeting_date", "01/05/2026", "contact_date", "pot_meeting_date"),
    ("lado_allegations", "outcome_date", "01/05/2026", "contact_date", "outcome_date"),
    ("health_cdop", "review_date", "01/05/2026", "date_of_death", "review_date"),
    # the date of death is the event the case is counted by: the date of birth is the cell blanked
    ("health_cdop", "date_of_death", "01/12/2014", "date_of_birth", "date_of_birth"),
]


@pytest.mark.parametrize(("table_id", "later", "value", "earlier", "blanked"), ORDER_QUERIES,
                         ids=[f"{t}-{c}" for t, c, *_ in ORDER_QUERIES])
def test_dates_out_of_order_are_a_query_and_the_dependent_date_is_loaded_blank(tmp_path, table_id, later, value,
                                                                                 earlier, blanked):
    contract = schemas.table(table_id)
    good = valid_row(contract)
    bad = {**good, later: value}
    checked = validate(tmp_path, contract, [good, bad])
    assert checked.rejected_rows == []
    assert [s for _, s in issues_of(checked, 3)] == ["QUERY"]
    row = loaded(checked, 3)
    assert pd.isna(row[blanked])
    kept = ({later, earlier} - {blanked}).pop()
    assert not pd.isna(row[kept])


def test_a_ppn_submitted_before_its_incident_has_an_impossible_event_date_and_is_rejected(tmp_path):
    """Both dates are the PPN's own events (POL counts by submission, MA-01 by incident): one before the other is an
    impossible event date, so the record cannot be counted."""
    contract = schemas.table("police_ppn")
    good = valid_row(contract)
    checked = validate(tmp_path, contract, [good, {**good, "submitted_date": "01/05/2026"}])
    assert checked.rejected_rows == [3]
    assert [s for _, s in issues_of(checked, 3)] == ["ERROR"]


def test_completed_before_offered_blanks_the_completed_date(tmp_path):
    contract = schemas.table("csc_return_interviews")
    good = {**valid_row(contract), "rhi_offered_date": "03/06/2026", "rhi_completed_date": "04/06/2026"}
    checked = validate(tmp_path, contract, [good, {**good, "rhi_completed_date": "02/06/2026"}])
    assert checked.rejected_rows == [] and [s for _, s in issues_of(checked, 3)] == ["QUERY"]
    row = loaded(checked, 3)
    assert pd.isna(row["rhi_completed_date"]) and row["rhi_offered_date"] == "2026-06-03"


def test_plausibility_queries_keep_their_values(tmp_path):
    """A query about a value that may well be right blanks nothing: a domestic abuse PPN without a DARA, an event
    outside the reporting window, a person 18 or over at a plan start."""
    ppn = schemas.table("police_ppn")
    good = valid_row(ppn)
    checked = validate(tmp_path, ppn, [{**good, "ppn_type": "DOMESTIC_ABUSE", "dara_completed": "N"},
                                       {**good, "incident_date": "01/01/2020", "submitted_date": "02/01/2020"}])
    assert checked.rejected_rows == [] and checked.accepted["queried"].tolist() == [1, 1]
    assert checked.accepted["dara_completed"].tolist()[0] == "N"
    assert checked.accepted["submitted_date"].tolist()[1] == "2020-01-02"
    plans = schemas.table("list7_child_protection")
    checked = validate(tmp_path, plans, [{**valid_row(plans), "date_of_birth": "01/01/2000"}])
    assert [s for _, s in issues_of(checked, 2)] == ["QUERY"]
    assert loaded(checked, 2)["date_of_birth"] == "2000-01-01"


@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_an_overlong_cell_is_loaded_blank_but_an_overlong_record_id_rejects_the_row(tmp_path, table_id):
    contract = schemas.table(table_id)
    key, events, ends = COUNTED_BY[table_id]
    text = [c.name for c in contract.columns if c.kind not in (DATE, DATETIME, UPN, NHS) and c.name not in key]
    good = valid_row(contract)
    long = "x" * 2001
    checked = validate(tmp_path, contract, [good, {**good, text[0]: long, text[-1]: long},
                                            {**good, contract.record_id: long}])
    assert checked.rejected_rows == [4]
    row = loaded(checked, 3)
    assert row["queried"] == 1 and pd.isna(row[text[0]]) and pd.isna(row[text[-1]])
    assert set(checked.issues.loc[checked.issues["row"] == 3, "severity"]) == {"QUERY"}


# --- (3) unborn children ----------------------------------------------------------------------------------------

# every table with a date of birth and an event (police nominals: the date the record was made)
UNBORN_EVENTS = {
    "list1_contacts": "contact_date", "list3_referrals": "referral_date",
    "list4_assessments": "assessment_start_date", "list5_section47": "s47_start_date",
    "list6_children_in_need": "cin_start_date", "list7_child_protection": "cpp_start_date",
    "list8_looked_after": "lac_start_date", "health_safeguarding": "referral_date",
    "edu_suspensions": "start_date", "edu_cme": "identified_date", "vulnerability_tracker": "identified_date",
    "police_nominals": "created_date",
}


def test_every_table_with_a_date_of_birth_and_an_event_is_covered():
    with_dob = {t.table_id for t in schemas.TABLES if "date_of_birth" in {c.name for c in t.columns}}
    # the identity return has no event; a child death review is of a child born alive (death before birth: below)
    assert with_dob - set(UNBORN_EVENTS) == {"csc_child_identity", "health_cdop"}


@pytest.mark.parametrize("table_id", sorted(UNBORN_EVENTS))
def test_a_date_of_birth_up_to_10_months_after_the_event_is_an_unborn_child(tmp_path, table_id):
    contract = schemas.table(table_id)
    good = {**valid_row(contract), UNBORN_EVENTS[table_id]: EVENT}  # 1 June 2026
    rows = [{**good, "date_of_birth": dob} for dob in ("01/09/2026", "01/04/2027", "02/04/2027", "01/05/2027")]
    checked = validate(tmp_path, contract, rows)
    assert checked.rejected_rows == []
    for excel_row in (2, 3):  # 3 months after, and exactly 10 months after: an unborn child, no issue at all
        assert issues_of(checked, excel_row) == [], checked.issues.to_dict("records")
        assert loaded(checked, excel_row)["queried"] == 0
    assert loaded(checked, 2)["date_of_birth"] == "2026-09-01"
    for excel_row in (4, 5):  # a day more than 10 months, and 11 months: queried, date of birth loaded blank
        issues = checked.issues[checked.issues["row"] == excel_row]
        assert issues["severity"].tolist() == ["QUERY"]
        assert issues["column"].tolist() == [header_of(contract, "date_of_birth")]
        assert "more than 10 months after" in issues["message"].iloc[0]
        row = loaded(checked, excel_row)
        assert row["queried"] == 1 and pd.isna(row["date_of_birth"])


def test_a_death_before_the_birth_is_queried_and_the_date_of_birth_blanked(tmp_path):
    contract = schemas.table("health_cdop")
    good = valid_row(contract)
    checked = validate(tmp_path, contract, [{**good, "date_of_birth": "01/09/2026"}])
    assert [s for _, s in issues_of(checked, 2)] == ["QUERY"]
    row = loaded(checked, 2)
    assert pd.isna(row["date_of_birth"]) and row["date_of_death"] == "2026-06-01"


@pytest.mark.parametrize("age", ["-1", "Unborn", "unborn", "UNBORN"])
@pytest.mark.parametrize("table_id", [t.table_id for t in schemas.TABLES if t.annex_list])
def test_annex_a_age_minus_one_or_unborn_is_accepted_without_an_issue(tmp_path, table_id, age):
    contract = schemas.table(table_id)
    good = valid_row(contract)
    checked = validate(tmp_path, contract, [{**good, "age": age, "date_of_birth": None},
                                            {**good, "age": age, "date_of_birth": "01/09/2026"}])
    assert checked.rejected_rows == [] and checked.issues.empty, checked.issues.to_dict("records")
    assert checked.accepted["queried"].tolist() == [0, 0]


def test_a_maternity_referral_needs_no_date_of_birth(tmp_path):
    contract = schemas.table("health_safeguarding")
    good = valid_row(contract)
    checked = validate(tmp_path, contract, [{**good, "provider_type": "Maternity", "date_of_birth": None},
                                            {**good, "provider_type": "Maternity", "date_of_birth": "01/12/2026"},
                                            {**good, "provider_type": "GP", "date_of_birth": None}])
    assert checked.rejected_rows == []
    assert issues_of(checked, 2) == [] and issues_of(checked, 3) == []
    assert [s for _, s in issues_of(checked, 4)] == ["QUERY"]  # any other provider: the blank is queried
    assert checked.accepted["queried"].tolist() == [0, 0, 1]
    assert checked.accepted["provider_type"].tolist() == ["MATERNITY", "MATERNITY", "GP"]


def test_ten_months_are_calendar_months():
    from schemas.rules import add_months
    dates = pd.Series(["2026-06-01", "2026-05-31", "2025-04-30", "2026-06-01T10:30", None, "9999-06-01"], dtype="str")
    assert add_months(dates, 10).tolist()[:4] == ["2027-04-01", "2027-03-31", "2026-02-28", "2027-04-01"]
    assert pd.isna(add_months(dates, 10).iloc[4]) and add_months(dates, 10).iloc[5] == "9999-12-31"
    assert add_months(pd.Series(["2023-04-30"], dtype="str"), 10).tolist() == ["2024-02-29"]  # a leap year
