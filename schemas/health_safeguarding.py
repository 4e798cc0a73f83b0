"""`health_safeguarding`: safeguarding referrals made by health providers."""

from schemas import codes
from schemas.common import (
                  child_at_event,
                  dob_not_after,
                  in_reporting_window,
                  long_cells,
                  untrusted_cells,
                  valid_identifier,
)
from schemas.contract import CODE, DATE, ID, YESNO, Column, TableContract
from schemas.people import person_columns
from schemas.rules import known_code, required, unique_id, valid_date

RETURN_ID = "health_safeguarding"

PROVIDER_TYPES = {"ED": ("Emergency department", "A&E", "Accident and emergency"), "MATERNITY": ("Maternity",),
                  "HEALTH_VISITING": ("Health visiting", "Health visitor"), "SCHOOL_NURSING": ("School nursing",
                                                                                            "School nurse"),
                  "CAMHS": ("Child and adolescent mental health services",), "GP": ("General practice",),
                  "COMMUNITY": ("Community health", "Community"), "OTHER": ("Other",)}
CONCERNS = {"NEGLECT": ("Neglect",), "PHYSICAL": ("Physical abuse", "Physical"), "EMOTIONAL": ("Emotional abuse",
                                                                                               "Emotional"),
            "SEXUAL": ("Sexual abuse", "Sexual"), "DOMESTIC_ABUSE": ("Domestic abuse",),
            "EXPLOITATION": ("Exploitation",), "SELF_HARM": ("Self harm", "Self-harm"),
            "MENTAL_HEALTH": ("Mental health",), "OTHER": ("Other",)}

REFERRALS = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="health",
    title="Health safeguarding referrals",
    stg_table="stg_health_referral",
    record_id="referral_id",
    person_bearing=True,
    columns=(
        Column("referral_id", ID, True, ("Referral ID", "Referral Ref", "Safeguarding Referral ID")),
        *[c for c in person_columns(first_required=True, dob_required=True)
          if c.name != "upn"],
        Column("provider_type", CODE, True, ("Provider Type", "Provider", "Service"), PROVIDER_TYPES),
        Column("referral_date", DATE, True, ("Referral Date", "Date of Referral")),
        Column("concern", CODE, True, ("Concern", "Primary Concern", "Category of Concern"), CONCERNS),
        Column("referred_to_mash", YESNO, False, ("Referred to MASH", "MASH Referral", "Sent to MASH"), codes.YES_NO),
    ),
    rules=(
        required("HSR-001", "referral_id", "Referral ID"),
        unique_id("HSR-002", "referral_id", "Referral ID"),
        required("HSR-003", "first_name", "First name"),
        required("HSR-004", "last_name", "Last name"),
        required("HSR-005", "date_of_birth", "Date of birth"),
        valid_date("HSR-006", "date_of_birth", "Date of birth"),
        required("HSR-007", "provider_type", "Provider type"),
        known_code("HSR-008", "provider_type", "Provider type"),
        required("HSR-009", "referral_date", "Referral date"),
        valid_date("HSR-010", "referral_date", "Referral date"),
        required("HSR-011", "concern", "Concern"),
        known_code("HSR-012", "concern", "Concern"),
        known_code("HSR-013", "sex", "Sex"),
        known_code("HSR-014", "referred_to_mash", "Referred to MASH"),
        dob_not_after("HSR-015", "referral_date", "referral date"),
        valid_identifier("HSR-016Q", "nhs_number", "NHS number", "check-digit"),
        child_at_event("HSR-017Q", "referral_date", "referral date"),
        untrusted_cells("HSR-090Q"),
        long_cells("HSR-092", "referral_id"),
        in_reporting_window("HSR-091Q", "referral_date", "Referral date"),
    ),
)

TABLES = (REFERRALS,)
