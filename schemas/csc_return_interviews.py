"""`csc_return_interviews`: return home interviews offered and completed after a child went missing."""

from schemas.common import altered_text, in_reporting_window, long_cells, long_id, untrusted_cells
from schemas.contract import DATE, ID, TEXT, Column, TableContract
from schemas.rules import not_before, required, valid_date

RETURN_ID = "csc_return_interviews"

RETURN_INTERVIEWS = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="csc",
    title="Return home interviews",
    stg_table="stg_csc_return_interview",
    record_id="child_id",
    columns=(
        Column("child_id", ID, True, ("Child Unique ID", "Child ID", "LA Child ID")),
        Column("missing_start_date", DATE, True, ("Missing Start Date", "Date Went Missing", "Missing From")),
        Column("police_report_ref", TEXT, False, ("Police Report Ref", "Police Reference", "Missing Report ID")),
        Column("rhi_offered_date", DATE, False, ("RHI Offered Date", "Return Interview Offered", "Date RHI Offered")),
        Column("rhi_completed_date", DATE, False, ("RHI Completed Date", "Return Interview Completed",
                                                   "Date RHI Completed")),
    ),
    rules=(
        required("RHI-001", "child_id", "Child ID"),
        required("RHI-002", "missing_start_date", "Missing start date"),
        valid_date("RHI-003", "missing_start_date", "Missing start date"),
        valid_date("RHI-004Q", "rhi_offered_date", "RHI offered date"),
        valid_date("RHI-005Q", "rhi_completed_date", "RHI completed date"),
        not_before("RHI-006Q", "rhi_offered_date", "missing_start_date",
                   "The return interview was offered before the child went missing. The row was loaded with the RHI "
                   "offered date left blank; check both dates."),
        not_before("RHI-007Q", "rhi_completed_date", "rhi_offered_date",
                   "The return interview was completed before it was offered. The row was loaded with the RHI "
                   "completed date left blank; check both dates."),
        untrusted_cells("RHI-090Q"),
        altered_text("RHI-094Q"),
        long_cells("RHI-092Q", "police_report_ref"),
        long_id("RHI-093", "child_id", "Child ID"),
        in_reporting_window("RHI-091Q", "missing_start_date", "Missing start date"),
    ),
)

TABLES = (RETURN_INTERVIEWS,)
