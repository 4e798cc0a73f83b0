"""`lado_allegations`: allegations against adults who work with children (case level, no names)."""

from schemas.common import altered_text, in_reporting_window, long_cells, long_id, untrusted_cells
from schemas.contract import CODE, DATE, ID, Column, TableContract
from schemas.rules import known_code, not_before, required, unique_id, valid_date

RETURN_ID = "lado_allegations"


def _codes(*values: str, **labels: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Codes labelled by their own words, plus the labels the partnership's annual report uses."""
    return {v: (v.replace("_", " ").title(), *labels.get(v, ())) for v in values}


CONTACT_TYPES = _codes("CONSULTATION", "REFERRAL")
# The annual report's table of referring agencies ("Senior school/college", "Primary/infant school", ...).
REFERRER_TYPES = _codes("SECONDARY_SCHOOL", "PRIMARY_SCHOOL", "SPECIAL_SCHOOL", "EARLY_YEARS", "OTHER_LA", "POLICE",
                        "FOSTERING_AGENCY", "OFSTED", "LOCAL_AUTHORITY", "INDIVIDUAL", "PROBATION", "CHILDRENS_HOME",
                        "HEALTH", "FAITH_SETTING", "OTHER",
                        SECONDARY_SCHOOL=("Senior school/college", "Secondary school/college"),
                        PRIMARY_SCHOOL=("Primary/infant school",), EARLY_YEARS=("Early years/nursery",),
                        OTHER_LA=("Other local authority",), FOSTERING_AGENCY=("Fostering agencies",),
                        CHILDRENS_HOME=("Children's home",), FAITH_SETTING=("Faith setting", "Faith school"))
SUBJECT_SECTORS = _codes("EDUCATION", "EARLY_YEARS", "FAITH", "HEALTH", "POLICE", "SOCIAL_CARE", "FOSTER_CARE",
                         "RESIDENTIAL_CARE", "SPORT", "TRANSPORT", "VOLUNTARY", "OTHER")
# Outcome definitions of Keeping children safe in education; the annual report's "No abuse to investigate" and
# "Not yet concluded".
OUTCOMES = _codes("SUBSTANTIATED", "UNSUBSTANTIATED", "MALICIOUS", "FALSE", "UNFOUNDED", "NO_ABUSE", "NOT_CONCLUDED",
                  NO_ABUSE=("No abuse to investigate",), NOT_CONCLUDED=("Not yet concluded",))

ALLEGATIONS = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="lado",
    title="LADO allegations",
    stg_table="stg_lado_allegation",
    record_id="case_id",
    columns=(
        Column("case_id", ID, True, ("Case ID", "Case Reference", "LADO Ref")),
        Column("contact_date", DATE, True, ("Contact Date", "Date of Contact")),
        Column("contact_type", CODE, True, ("Contact Type",), CONTACT_TYPES),
        Column("referrer_type", CODE, True, ("Referrer Type", "Referring Agency", "Source"), REFERRER_TYPES),
        Column("subject_sector", CODE, True, ("Subject Sector", "Sector", "Employment Sector"), SUBJECT_SECTORS),
        Column("pot_meeting_date", DATE, False, ("POT Meeting Date", "Initial Position of Trust Meeting",
                                                 "Position of Trust Meeting Date")),
        Column("outcome", CODE, False, ("Outcome",), OUTCOMES),
        Column("outcome_date", DATE, False, ("Outcome Date", "Date of Outcome")),
    ),
    rules=(
        required("LADO-001", "case_id", "Case ID"),
        unique_id("LADO-002", "case_id", "Case ID"),
        required("LADO-003", "contact_date", "Contact date"),
        valid_date("LADO-004", "contact_date", "Contact date"),
        required("LADO-005Q", "contact_type", "Contact type"),
        known_code("LADO-006Q", "contact_type", "Contact type"),
        required("LADO-007Q", "referrer_type", "Referrer type"),
        known_code("LADO-008Q", "referrer_type", "Referrer type"),
        required("LADO-009Q", "subject_sector", "Subject sector"),
        known_code("LADO-010Q", "subject_sector", "Subject sector"),
        valid_date("LADO-011Q", "pot_meeting_date", "Position of trust meeting date"),
        known_code("LADO-012Q", "outcome", "Outcome"),
        valid_date("LADO-013Q", "outcome_date", "Outcome date"),
        not_before("LADO-014Q", "pot_meeting_date", "contact_date",
                   "The position of trust meeting is dated before the first contact. The row was loaded with the "
                   "meeting date left blank; check both dates."),
        not_before("LADO-015Q", "outcome_date", "contact_date",
                   "The outcome is dated before the first contact. The row was loaded with the outcome date left "
                   "blank; check both dates."),
        untrusted_cells("LADO-090Q"),
        altered_text("LADO-094Q"),
        long_cells("LADO-092Q", "referrer_type"),
        long_id("LADO-093", "case_id", "Case ID"),
        in_reporting_window("LADO-091Q", "contact_date", "Contact date"),
    ),
)

TABLES = (ALLEGATIONS,)
