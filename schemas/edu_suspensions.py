"""`edu_suspensions`: suspensions, permanent exclusions and lunchtime exclusions (school census categories)."""

from schemas import codes
from schemas.common import (
    altered_text,
          child_at_event,
          dob_not_after,
          in_reporting_window,
          long_cells,
          long_id,
          untrusted_cells,
          valid_identifier,
)
from schemas.contract import CODE, DATE, INT, TEXT, UPN, Column, TableContract
from schemas.people import person_columns
from schemas.reserved import DUPLICATE, RAW
from schemas.rules import ERROR, QUERY, Rule, known_code, raw, required, valid_date

RETURN_ID = "edu_suspensions"

PHASES = {"PRIMARY": ("Primary",), "SECONDARY": ("Secondary",), "SPECIAL": ("Special",),
          "PRU": ("Pupil referral unit", "Alternative provision", "AP"), "INDEPENDENT": ("Independent",),
          "POST16": ("Post 16", "Post-16", "Sixth form")}
CATEGORIES = {"PERM": ("Permanent exclusion", "Permanent"), "SUSP": ("Suspension", "FIXD", "Fixed period",
                                                                     "Fixed term"),
              "LNCH": ("Lunchtime", "Lunchtime exclusion")}

SUSPENSIONS = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="education",
    title="Suspensions and exclusions",
    stg_table="stg_edu_suspension",
    record_id="upn",
    person_bearing=True,
    columns=(
        Column("upn", UPN, True, ("UPN", "Unique Pupil Number", "Pupil UPN")),
        *[c for c in person_columns(first_required=False, dob_required=True)
          if c.name in ("first_name", "last_name", "date_of_birth", "sex")],
        Column("school_urn", TEXT, True, ("School URN", "URN", "Establishment URN"), example="104567"),
        Column("school_phase", CODE, True, ("School Phase", "Phase"), PHASES),
        Column("category", CODE, True, ("Category", "Exclusion Category", "Exclusion Type"), CATEGORIES),
        Column("start_date", DATE, True, ("Start Date", "Exclusion Start Date", "Suspension Start Date")),
        Column("sessions", INT, False, ("Sessions", "Number of Sessions", "Sessions Missed")),
        Column("reason", CODE, False, ("Reason", "Exclusion Reason", "Reason Code"), codes.EXCLUSION_REASON),
    ),
    rules=(
        required("SUS-001", "upn", "UPN"),
        valid_identifier("SUS-002Q", "upn", "UPN", "DfE check-letter"),
        required("SUS-003Q", "date_of_birth", "Date of birth"),
        valid_date("SUS-004Q", "date_of_birth", "Date of birth"),
        required("SUS-005Q", "school_urn", "School URN"),
        Rule("SUS-006Q", QUERY, "School URN should be a 6-digit number, so the row was loaded with it left blank. "
             "Check it on Get Information about Schools.",
             ("school_urn",), lambda df: df["school_urn"].isna() | df["school_urn"].str.fullmatch(r"\d{6}"),
             fails_with={"school_urn": "12345"}, blanks=("school_urn",)),
        required("SUS-007Q", "school_phase", "School phase"),
        known_code("SUS-008Q", "school_phase", "School phase"),
        required("SUS-009Q", "category", "Category"),
        known_code("SUS-010Q", "category", "Category"),
        required("SUS-011", "start_date", "Start date"),
        valid_date("SUS-012", "start_date", "Start date"),
        known_code("SUS-013Q", "sex", "Sex"),
        known_code("SUS-018Q", "reason", "Reason"),
        Rule("SUS-014Q", QUERY, "Sessions must be a whole number of sessions (half days), 0 or more. The row was "
             "loaded with Sessions left blank.",
             ("sessions",), lambda df: raw(df, "sessions").isna()
             | (df["sessions"].notna() & ~df["sessions"].str.startswith("-").fillna(False)),
             fails_with={"sessions": "-1"}, blanks=("sessions",)),
        dob_not_after("SUS-015Q", "start_date", "start date"),
        Rule("SUS-016", ERROR, "The same pupil has two rows for the same category and start date. "
             "Remove the duplicate row.", ("upn", "start_date"),
             lambda df: raw(df, "upn").isna() | df["start_date"].isna()
             | ~df.duplicated(["upn" + RAW, "category", "start_date"], keep=False),
             fails_with={DUPLICATE: True}),
        child_at_event("SUS-017Q", "start_date", "start date"),
        untrusted_cells("SUS-090Q"),
        altered_text("SUS-094Q"),
        long_cells("SUS-092Q", "first_name"),
        long_id("SUS-093", "upn", "UPN"),
        in_reporting_window("SUS-091Q", "start_date", "Start date"),
    ),
)

TABLES = (SUSPENSIONS,)
