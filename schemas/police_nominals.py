"""`police_nominals`: person records from the force system. Duplicate people are measured, never rejected."""

from schemas.common import altered_text, dob_not_after, long_cells, long_id, untrusted_cells
from schemas.contract import DATE, ID, TEXT, Column, TableContract
from schemas.people import person_columns
from schemas.rules import known_code, required, unique_id, valid_date

RETURN_ID = "police_nominals"

NOMINALS = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="police",
    title="Police nominals",
    stg_table="stg_police_nominal",
    record_id="police_person_id",
    person_bearing=True,
    columns=(
        Column("police_person_id", ID, True, ("Person ID", "Nominal ID", "Police Person ID", "Nominal Ref")),
        *[c for c in person_columns(first_required=True) if c.name not in ("nhs_number", "upn")],
        Column("address_line", TEXT, False, ("Address", "Address Line", "Address Line 1")),
        Column("pnc_id", TEXT, False, ("PNC ID", "PNC Number", "PNC")),
        Column("created_date", DATE, False, ("Created Date", "Record Created", "Date Created")),
    ),
    rules=(
        required("NOM-001", "police_person_id", "Person ID"),
        unique_id("NOM-002", "police_person_id", "Person ID"),
        required("NOM-003Q", "first_name", "First name"),
        required("NOM-004Q", "last_name", "Last name"),
        valid_date("NOM-005Q", "date_of_birth", "Date of birth"),
        known_code("NOM-006Q", "sex", "Sex"),
        valid_date("NOM-007Q", "created_date", "Created date"),
        # a record made before the birth is an unborn child's up to 10 months ahead; the return has no event date
        dob_not_after("NOM-008Q", "created_date", "date the record was created"),
        untrusted_cells("NOM-090Q"),
        altered_text("NOM-094Q"),
        long_cells("NOM-092Q", "address_line"),
        long_id("NOM-093", "police_person_id", "Person ID"),
    ),
)

TABLES = (NOMINALS,)
