"""`csc_annex_a`: the Ofsted Annex A workbook (children's social care). Lists 3 and 7 are read.

Headers are the Ofsted template's, matched by alias in any order. Lists the pipeline does not use are
ignored with a note.
"""

from schemas import codes
from schemas.contract import CODE, DATE, ID, INT, TEXT, YESNO, Column, TableContract
from schemas.rules import ERROR, QUERY, Rule, add_years, known_code, not_before, required, valid_date

RETURN_ID = "csc_annex_a"


def _child_columns() -> tuple[Column, ...]:
    return (
        Column("child_id", ID, True, ("Child Unique ID", "Child ID", "Unique ID", "ChildUniqueID")),
        Column("gender", CODE, False, ("Gender", "Sex"), codes.SEX),
        Column("ethnicity", TEXT, False, ("Ethnicity",)),
        Column("date_of_birth", DATE, False, ("Date of Birth", "DOB", "D.O.B", "Birth Date")),
        Column("age", INT, False, ("Age", "Age of Child (Years)", "Age at referral")),
    )


def _dob_not_after(rule_id: str, event: str, label: str) -> Rule:
    return Rule(rule_id, ERROR, f"Date of Birth is after the {label}. Check both dates.", ("date_of_birth", event),
                lambda df: df["date_of_birth"].isna() | df[event].isna() | (df["date_of_birth"] <= df[event]))


REFERRALS = TableContract(
    return_id=RETURN_ID,
    table_id="list3_referrals",
    agency="csc",
    title="List 3: Referrals",
    stg_table="stg_csc_referral",
    record_id="child_id",
    person_bearing=False,
    columns=(
        *_child_columns(),
        Column("referral_date", DATE, True, ("Date of Referral", "Referral Date")),
        Column("referral_source", CODE, True, ("Referral Source", "Source of Referral"), codes.CIN_SOURCE),
        Column("referral_nfa", YESNO, False, ("Referral NFA?", "Referral NFA", "NFA"), codes.YES_NO),
        Column("referrals_last_12m", INT, False, ("Number of Referrals in Last 12 Months",)),
        Column("allocated_team", TEXT, False, ("Allocated Team",)),
        Column("allocated_worker", TEXT, False, ("Allocated Worker",)),
    ),
    rules=(
        required("REF-001", "child_id", "Child Unique ID"),
        required("REF-002", "referral_date", "Date of Referral"),
        valid_date("REF-003", "referral_date", "Date of Referral"),
        required("REF-004", "referral_source", "Referral Source"),
        known_code("REF-005", "referral_source", "Referral Source", list(codes.CIN_SOURCE)),
        valid_date("REF-006", "date_of_birth", "Date of Birth"),
        _dob_not_after("REF-007", "referral_date", "Date of Referral"),
        known_code("REF-008", "gender", "Gender", list(codes.SEX)),
        known_code("REF-009", "referral_nfa", "Referral NFA?", ["Yes", "No"]),
    ),
)

CATEGORY_CODES = list(codes.ABUSE_CATEGORY)

CP_PLANS = TableContract(
    return_id=RETURN_ID,
    table_id="list7_child_protection",
    agency="csc",
    title="List 7: Child protection",
    stg_table="stg_csc_cp_plan",
    record_id="child_id",
    columns=(
        *_child_columns(),
        Column("cpp_start_date", DATE, True,
               ("Child Protection Plan Start Date", "CP Plan Start Date", "Plan Start Date")),
        Column("initial_category", CODE, True, ("Initial Category of Abuse", "Initial Category"), codes.ABUSE_CATEGORY),
        Column("latest_category", CODE, False, ("Latest Category of Abuse", "Latest Category"), codes.ABUSE_CATEGORY),
        Column("cpp_end_date", DATE, False, ("Child Protection Plan End Date", "CP Plan End Date", "Plan End Date")),
        Column("previous_cpp_count", INT, False, ("Number of Previous Child Protection Plans", "Previous CP Plans")),
    ),
    rules=(
        required("CPP-001", "child_id", "Child Unique ID"),
        required("CPP-002", "cpp_start_date", "Child Protection Plan Start Date"),
        valid_date("CPP-003", "cpp_start_date", "Child Protection Plan Start Date"),
        required("CPP-004", "initial_category", "Initial Category of Abuse"),
        known_code("CPP-005", "initial_category", "Initial Category of Abuse", CATEGORY_CODES),
        known_code("CPP-006", "latest_category", "Latest Category of Abuse", CATEGORY_CODES),
        valid_date("CPP-007", "cpp_end_date", "Child Protection Plan End Date"),
        not_before("CPP-008", "cpp_end_date", "cpp_start_date",
                   "Child Protection Plan End Date is before the Plan Start Date. Check both dates."),
        valid_date("CPP-009", "date_of_birth", "Date of Birth"),
        _dob_not_after("CPP-010", "cpp_start_date", "Child Protection Plan Start Date"),
        known_code("CPP-011", "gender", "Gender", list(codes.SEX)),
        Rule("CPP-012", ERROR,
             "The same child has two plans starting on the same date. Remove the duplicate row.",
             ("child_id", "cpp_start_date"),
             lambda df: df["child_id"].isna() | ~df.duplicated(["child_id", "cpp_start_date"], keep=False)),
        Rule("CPP-013Q", QUERY,
             "The child was 18 or over when the plan started. Check the Date of Birth and the plan start date.",
             ("date_of_birth", "cpp_start_date"),
             lambda df: df["date_of_birth"].isna() | df["cpp_start_date"].isna()
             | (df["cpp_start_date"] < add_years(df["date_of_birth"], 18))),
    ),
)

TABLES = (REFERRALS, CP_PLANS)

# Annex A lists we recognise but do not use yet: ignored with a note in the feedback.
IGNORED_LIST_HINTS = ("list 1", "list 2", "list 4", "list 5", "list 6", "list 8", "list 9", "list 10", "list 11")

