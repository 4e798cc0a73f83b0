"""`health_safeguarding`: safeguarding referrals made by health providers."""

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
from schemas.contract import CODE, DATE, ID, YESNO, Column, TableContract
from schemas.people import person_columns
from schemas.rules import QUERY, Rule, known_code, required, submitted, unique_id, valid_date

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
        required("HSR-003Q", "first_name", "First name"),
        required("HSR-004Q", "last_name", "Last name"),
        # a maternity referral is about an unborn child: it needs no date of birth (DESIGN s4)
        Rule("HSR-005Q", QUERY, "Date of birth is required (except on a maternity referral) but the cell is blank. "
             "The row was loaded without it; fill it in when you next send the return.", ("date_of_birth",),
             lambda df: submitted(df, "date_of_birth") | (df["provider_type"] == "MATERNITY").fillna(False),
             fails_with={"date_of_birth": None}),
        valid_date("HSR-006Q", "date_of_birth", "Date of birth"),
        required("HSR-007Q", "provider_type", "Provider type"),
        known_code("HSR-008Q", "provider_type", "Provider type"),
        required("HSR-009", "referral_date", "Referral date"),
        valid_date("HSR-010", "referral_date", "Referral date"),
        required("HSR-011Q", "concern", "Concern"),
        known_code("HSR-012Q", "concern", "Concern"),
        known_code("HSR-013Q", "sex", "Sex"),
        known_code("HSR-014Q", "referred_to_mash", "Referred to MASH"),
        dob_not_after("HSR-015Q", "referral_date", "referral date"),
        valid_identifier("HSR-016Q", "nhs_number", "NHS number", "check-digit"),
        child_at_event("HSR-017Q", "referral_date", "referral date"),
        untrusted_cells("HSR-090Q"),
        altered_text("HSR-094Q"),
        long_cells("HSR-092Q", "first_name"),
        long_id("HSR-093", "referral_id", "Referral ID"),
        in_reporting_window("HSR-091Q", "referral_date", "Referral date"),
    ),
)

TABLES = (REFERRALS,)
