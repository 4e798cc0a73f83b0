"""`lado_allegations`: allegations against adults who work with children (case level, no names)."""

from schemas.common import in_reporting_window, long_cells, untrusted_cells
from schemas.contract import CODE, DATE, ID, Column, TableContract
from schemas.rules import known_code, not_before, required, unique_id, valid_date

RETURN_ID = "lado_allegations"


def _codes(*values: str) -> dict[str, tuple[str, ...]]:
    return {v: (v.replace("_", " ").title(),) for v in values}


CONTACT_TYPES = _codes("CONSULTATION", "REFERRAL")
REFERRER_TYPES = _codes("SECONDARY_SCHOOL", "PRIMARY_SCHOOL", "SPECIAL_SCHOOL", "EARLY_YEARS", "OTHER_LA", "POLICE",
                        "FOSTERING_AGENCY", "OFSTED", "LOCAL_AUTHORITY", "INDIVIDUAL", "PROBATION", "CHILDRENS_HOME",
                        "HEALTH", "FAITH_SETTING", "OTHER")
SUBJECT_SECTORS = _codes("EDUCATION", "EARLY_YEARS", "FAITH", "HEALTH", "POLICE", "SOCIAL_CARE", "FOSTER_CARE",
                         "RESIDENTIAL_CARE", "SPORT", "TRANSPORT", "VOLUNTARY", "OTHER")
OUTCOMES = _codes("SUBSTANTIATED", "UNSUBSTANTIATED", "MALICIOUS", "FALSE", "UNFOUNDED", "NO_ABUSE", "NOT_CONCLUDED")

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
        required("LADO-005", "contact_type", "Contact type"),
        known_code("LADO-006", "contact_type", "Contact type"),
        required("LADO-007", "referrer_type", "Referrer type"),
        known_code("LADO-008", "referrer_type", "Referrer type"),
        required("LADO-009", "subject_sector", "Subject sector"),
        known_code("LADO-010", "subject_sector", "Subject sector"),
        valid_date("LADO-011", "pot_meeting_date", "Position of trust meeting date"),
        known_code("LADO-012", "outcome", "Outcome"),
        valid_date("LADO-013", "outcome_date", "Outcome date"),
        not_before("LADO-014", "pot_meeting_date", "contact_date",
                   "The position of trust meeting is dated before the first contact. Check both dates."),
        not_before("LADO-015", "outcome_date", "contact_date",
                   "The outcome is dated before the first contact. Check both dates."),
        untrusted_cells("LADO-090Q"),
        long_cells("LADO-092", "case_id"),
        in_reporting_window("LADO-091Q", "contact_date", "Contact date"),
    ),
)

TABLES = (ALLEGATIONS,)
