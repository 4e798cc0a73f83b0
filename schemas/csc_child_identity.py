"""`csc_child_identity`: who each Annex A Child Unique ID is, for reconciliation with other agencies."""

from schemas.common import altered_text, long_cells, long_id, untrusted_cells, valid_identifier
from schemas.contract import ID, Column, TableContract
from schemas.people import nhs_number_valid, person_columns
from schemas.rules import QUERY, Rule, known_code, required, unique_id, valid_date

RETURN_ID = "csc_child_identity"

CHILD_IDENTITY = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="csc",
    title="Child identity",
    stg_table="stg_csc_child_identity",
    record_id="child_id",
    person_bearing=True,
    columns=(
        Column("child_id", ID, True, ("Child Unique ID", "Child ID", "LA Child ID")),
        *person_columns(first_required=True),
    ),
    rules=(
        required("CID-001", "child_id", "Child ID"),
        unique_id("CID-002", "child_id", "Child ID"),
        required("CID-003Q", "first_name", "First name"),
        required("CID-004Q", "last_name", "Last name"),
        valid_date("CID-005Q", "date_of_birth", "Date of birth"),
        known_code("CID-006Q", "sex", "Sex"),
        Rule("CID-007Q", QUERY, "NHS number fails the check-digit test, so it will not be used for matching. "
             "Check it against the child's record.", ("nhs_number",), nhs_number_valid,
             fails_with={"nhs_number": "943 476 5918"}),
        valid_identifier("CID-008Q", "upn", "UPN", "DfE check-letter"),
        untrusted_cells("CID-090Q"),
        altered_text("CID-094Q"),
        long_cells("CID-092Q", "first_name"),
        long_id("CID-093", "child_id", "Child ID"),
    ),
)

TABLES = (CHILD_IDENTITY,)
