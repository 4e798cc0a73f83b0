"""`police_ppn`: public protection notices sent to the front door about a child."""

from schemas import codes
from schemas.common import altered_text, in_reporting_window, long_cells, long_id, untrusted_cells
from schemas.contract import CODE, DATE, ID, YESNO, Column, TableContract
from schemas.rules import QUERY, Rule, known_code, not_before, required, unique_id, valid_date

RETURN_ID = "police_ppn"

PPN_TYPES = {"DOMESTIC_ABUSE": ("Domestic abuse", "Domestic", "DA"), "CHILD_CONCERN": ("Child concern",),
             "MISSING": ("Missing",), "EXPLOITATION": ("Exploitation",), "ONLINE_HARM": ("Online harm",),
             "OTHER": ("Other",)}
RISK_LEVELS = {"STANDARD": ("Standard",), "MEDIUM": ("Medium",), "HIGH": ("High",)}

PPN = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="police",
    title="Public protection notices",
    stg_table="stg_police_ppn",
    record_id="ppn_id",
    columns=(
        Column("ppn_id", ID, True, ("PPN ID", "PPN Reference", "PPN Ref")),
        Column("police_person_id", ID, True, ("Person ID", "Child Person ID", "Nominal ID")),
        Column("incident_date", DATE, True, ("Incident Date", "Date of Incident")),
        Column("submitted_date", DATE, True, ("Submitted Date", "Date Submitted", "Date Sent")),
        Column("ppn_type", CODE, True, ("PPN Type", "Type"), PPN_TYPES),
        Column("dara_completed", YESNO, False, ("DARA Completed", "DARA", "DARA Done"), codes.YES_NO),
        Column("risk_level", CODE, False, ("Risk Level", "Risk"), RISK_LEVELS),
    ),
    rules=(
        required("PPN-001", "ppn_id", "PPN ID"),
        unique_id("PPN-002", "ppn_id", "PPN ID"),
        required("PPN-003Q", "police_person_id", "Person ID"),
        required("PPN-004", "incident_date", "Incident date"),
        valid_date("PPN-005", "incident_date", "Incident date"),
        required("PPN-006", "submitted_date", "Submitted date"),
        valid_date("PPN-007", "submitted_date", "Submitted date"),
        required("PPN-008Q", "ppn_type", "PPN type"),
        known_code("PPN-009Q", "ppn_type", "PPN type"),
        known_code("PPN-010Q", "dara_completed", "DARA completed"),
        known_code("PPN-011Q", "risk_level", "Risk level"),
        # both dates are the PPN's own event dates (POL counts by submission, MA-01 by incident): a submission
        # before the incident is an impossible event date, so the row cannot be counted
        not_before("PPN-012", "submitted_date", "incident_date",
                   "The PPN was submitted before the incident happened. Check both dates and resubmit the row."),
        Rule("PPN-014Q", QUERY,
             "Domestic abuse PPN without a completed DARA. Confirm whether a DARA was done and record it.",
             ("dara_completed", "ppn_type"),
             lambda df: (df["ppn_type"] != "DOMESTIC_ABUSE").fillna(True)
             | (df["dara_completed"] == "Y").fillna(False),
             fails_with={"dara_completed": "N"}),
        untrusted_cells("PPN-090Q"),
        altered_text("PPN-094Q"),
        long_cells("PPN-092Q", "police_person_id"),
        long_id("PPN-093", "ppn_id", "PPN ID"),
        in_reporting_window("PPN-091Q", "submitted_date", "Submitted date"),
    ),
)

TABLES = (PPN,)
