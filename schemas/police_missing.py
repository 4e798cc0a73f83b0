"""`police_missing`: missing-person reports about children."""

from schemas.common import altered_text, in_reporting_window, long_cells, long_id, untrusted_cells
from schemas.contract import CODE, DATETIME, ID, Column, TableContract
from schemas.rules import known_code, not_before, required, unique_id, valid_date

RETURN_ID = "police_missing"

RISK_GRADINGS = {"NO_APPARENT": ("No apparent risk", "No apparent", "Absent"), "LOW": ("Low",),
                 "MEDIUM": ("Medium",), "HIGH": ("High",)}

MISSING = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="police",
    title="Missing children reports",
    stg_table="stg_police_missing",
    record_id="report_id",
    columns=(
        Column("report_id", ID, True, ("Report ID", "Missing Report ID", "Report Ref", "Occurrence Ref")),
        Column("police_person_id", ID, True, ("Person ID", "Nominal ID", "Police Person ID")),
        Column("missing_from", DATETIME, True, ("Missing From", "Date Missing", "Reported Missing")),
        Column("returned_at", DATETIME, False, ("Returned At", "Date Returned", "Found Date", "Returned")),
        Column("risk_grading", CODE, False, ("Risk Grading", "Risk", "Risk Level"), RISK_GRADINGS),
    ),
    rules=(
        required("MIS-001", "report_id", "Report ID"),
        unique_id("MIS-002", "report_id", "Report ID"),
        required("MIS-003Q", "police_person_id", "Person ID"),
        required("MIS-004", "missing_from", "Missing from"),
        valid_date("MIS-005", "missing_from", "Missing from"),
        valid_date("MIS-006Q", "returned_at", "Returned at"),
        not_before("MIS-007", "returned_at", "missing_from",
                   "The child is recorded as returning before going missing. Check both dates and times."),
        known_code("MIS-008Q", "risk_grading", "Risk grading"),
        untrusted_cells("MIS-090Q"),
        altered_text("MIS-094Q"),
        long_cells("MIS-092Q", "police_person_id"),
        long_id("MIS-093", "report_id", "Report ID"),
        in_reporting_window("MIS-091Q", "missing_from", "Missing from"),
    ),
)

TABLES = (MISSING,)
