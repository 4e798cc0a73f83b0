"""`edu_cme`: children missing education."""

from schemas.common import altered_text, dob_not_after, long_cells, long_id, untrusted_cells, valid_identifier
from schemas.contract import DATE, ID, TEXT, Column, TableContract
from schemas.people import person_columns
from schemas.rules import known_code, not_before, required, unique_id, valid_date

RETURN_ID = "edu_cme"

CHILDREN_MISSING_EDUCATION = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="education",
    title="Children missing education",
    stg_table="stg_edu_cme",
    record_id="cme_id",
    person_bearing=True,
    columns=(
        Column("cme_id", ID, True, ("CME ID", "CME Reference", "Case ID")),
        *[c for c in person_columns(first_required=True, dob_required=True)
          if c.name != "nhs_number"],
        Column("identified_date", DATE, True, ("Identified Date", "Date Identified", "Date Reported")),
        Column("resolved_date", DATE, False, ("Resolved Date", "Date Resolved", "Date Closed")),
        Column("reason", TEXT, True, ("Reason", "Reason Missing Education", "CME Reason")),
    ),
    rules=(
        required("CME-001", "cme_id", "CME ID"),
        unique_id("CME-002", "cme_id", "CME ID"),
        required("CME-003Q", "first_name", "First name"),
        required("CME-004Q", "last_name", "Last name"),
        required("CME-005Q", "date_of_birth", "Date of birth"),
        valid_date("CME-006Q", "date_of_birth", "Date of birth"),
        required("CME-007", "identified_date", "Identified date"),
        valid_date("CME-008", "identified_date", "Identified date"),
        valid_date("CME-009Q", "resolved_date", "Resolved date"),
        not_before("CME-010", "resolved_date", "identified_date",
                   "The case is resolved before it was identified. Check both dates."),
        required("CME-011Q", "reason", "Reason"),
        known_code("CME-012Q", "sex", "Sex"),
        dob_not_after("CME-013Q", "identified_date", "identified date"),
        valid_identifier("CME-014Q", "upn", "UPN", "DfE check-letter"),
        untrusted_cells("CME-090Q"),
        altered_text("CME-094Q"),
        long_cells("CME-092Q", "first_name"),
        long_id("CME-093", "cme_id", "CME ID"),
    ),
)

TABLES = (CHILDREN_MISSING_EDUCATION,)
