"""`csc_annex_a`: the Ofsted Annex A workbook (children's social care): Lists 1, 3, 4, 5, 6, 7 and 8 are read.

Headers are the Ofsted template's, matched by alias in any order. Sheets holding the lists the dataset does not
use (2, 9, 10, 11; described at the end of this module) are recognised as themselves and ignored with a note.
Contact outcome, decision date and assessment factors are partnership extensions.
"""

import re

import pandas as pd

from schemas import codes
from schemas.common import (
    altered_text,
    child_at_event,
    dob_not_after,
    in_reporting_window,
    long_cells,
    long_id,
    untrusted_cells,
)
from schemas.contract import CODE, DATE, ID, INT, TEXT, YESNO, Column, TableContract
from schemas.reserved import DUPLICATE, IN_IDENTITY
from schemas.rules import ERROR, QUERY, Rule, known_code, not_before, required, valid_date

RETURN_ID = "csc_annex_a"
LISTS_READ = (1, 3, 4, 5, 6, 7, 8)


def _child_columns() -> tuple[Column, ...]:
    return (
        Column("child_id", ID, True, ("Child Unique ID", "Child ID", "Unique ID", "ChildUniqueID", "Child Identifier")),
        Column("gender", CODE, False, ("Gender", "Sex"), codes.SEX),
        Column("ethnicity", TEXT, False, ("Ethnicity",)),
        Column("date_of_birth", DATE, False, ("Date of Birth", "DOB", "D.O.B", "Birth Date")),
        # Age is not checked (no rule reads it; the date of birth is what counts): -1 or `Unborn` for an unborn
        # child raise nothing (DESIGN s4). The mapper reads a whole number, so `Unborn` loads as a blank age.
        Column("age", INT, False, ("Age", "Age of Child (Years)", "Age at referral", "Age at Referral",
                                   "Age at contact", "Age at start")),
    )


def _child_rules(prefix: str, event: str, event_label: str) -> tuple[Rule, ...]:
    """Rules every list shares: child id, the list's event date, date of birth, gender, untrusted and long cells.

    ERRORs only where the row cannot be counted (child id, the list's event date); the rest are queries.
    """
    return (
        required(f"{prefix}-001", "child_id", "Child Unique ID"),
        required(f"{prefix}-002", event, event_label),
        valid_date(f"{prefix}-003", event, event_label),
        valid_date(f"{prefix}-004Q", "date_of_birth", "Date of Birth"),
        dob_not_after(f"{prefix}-005Q", event, event_label),
        known_code(f"{prefix}-006Q", "gender", "Gender"),
        untrusted_cells(f"{prefix}-090Q"),
        altered_text(f"{prefix}-094Q"),
        long_cells(f"{prefix}-092Q", "ethnicity"),
        long_id(f"{prefix}-093", "child_id", "Child Unique ID"),
    )


def _factors_known(df: pd.DataFrame) -> pd.Series:
    """True where every comma-separated assessment factor is a CIN census factor code (or the cell is blank)."""
    def known(value: object) -> bool:
        if pd.isna(value):
            return True
        listed = re.sub(r"\s", "", str(value)).upper().split(",")
        return all(code in codes.ASSESSMENT_FACTORS for code in listed if code)

    return pd.Series([known(v) for v in df["assessment_factors"]], index=df.index, dtype=bool)


def _annex_list(number: int, table_id: str, title: str, stg_table: str, columns: tuple[Column, ...],
                rules: tuple[Rule, ...]) -> TableContract:
    return TableContract(return_id=RETURN_ID, table_id=table_id, agency="csc", title=f"List {number}: {title}",
                         stg_table=stg_table, record_id="child_id", columns=(*_child_columns(), *columns),
                         rules=rules, annex_list=number)


CONTACTS = _annex_list(
    1, "list1_contacts", "Contacts", "stg_csc_contact",
    (
        Column("contact_date", DATE, True, ("Date of Contact", "Contact Date")),
        Column("contact_source", CODE, True, ("Contact Source", "Source of Contact"), codes.CIN_SOURCE),
        Column("contact_outcome", CODE, False, ("Contact Outcome", "Outcome of Contact", "Contact Decision"),
               codes.CONTACT_OUTCOME),
        Column("decision_date", DATE, False, ("Decision Date", "Date of Decision", "Contact Decision Date")),
    ),
    (
        *_child_rules("CON", "contact_date", "Date of Contact"),
        in_reporting_window("CON-091Q", "contact_date", "Date of Contact"),
        required("CON-010Q", "contact_source", "Contact Source"),
        known_code("CON-011Q", "contact_source", "Contact Source"),
        known_code("CON-012Q", "contact_outcome", "Contact Outcome"),
        valid_date("CON-013Q", "decision_date", "Decision Date"),
        not_before("CON-014Q", "decision_date", "contact_date",
                   "The Decision Date is before the Date of Contact. The row was loaded with the Decision Date left "
                   "blank; check both dates."),
    ),
)

REFERRALS = _annex_list(
    3, "list3_referrals", "Referrals", "stg_csc_referral",
    (
        Column("referral_date", DATE, True, ("Date of Referral", "Referral Date")),
        Column("referral_source", CODE, True, ("Referral Source", "Source of Referral"), codes.CIN_SOURCE),
        Column("referral_nfa", YESNO, False, ("Referral NFA?", "Referral NFA", "NFA"), codes.YES_NO),
        Column("referrals_last_12m", INT, False, ("Number of Referrals in Last 12 Months",)),
        Column("allocated_team", TEXT, False, ("Allocated Team",)),
        Column("allocated_worker", TEXT, False, ("Allocated Worker",)),
    ),
    (
        required("REF-001", "child_id", "Child Unique ID"),
        required("REF-002", "referral_date", "Date of Referral"),
        valid_date("REF-003", "referral_date", "Date of Referral"),
        required("REF-004Q", "referral_source", "Referral Source"),
        known_code("REF-005Q", "referral_source", "Referral Source"),
        valid_date("REF-006Q", "date_of_birth", "Date of Birth"),
        dob_not_after("REF-007Q", "referral_date", "Date of Referral"),
        known_code("REF-008Q", "gender", "Gender"),
        known_code("REF-009Q", "referral_nfa", "Referral NFA?"),
        untrusted_cells("REF-090Q"),
        altered_text("REF-094Q"),
        long_cells("REF-092Q", "ethnicity"),
        long_id("REF-093", "child_id", "Child Unique ID"),
        in_reporting_window("REF-091Q", "referral_date", "Date of Referral"),
    ),
)

ASSESSMENTS = _annex_list(
    4, "list4_assessments", "Assessments", "stg_csc_assessment",
    (
        Column("assessment_start_date", DATE, True, ("Continuous Assessment Start Date", "Assessment Start Date")),
        Column("child_seen", YESNO, False, ("Child Seen During Continuous Assessment", "Child Seen"), codes.YES_NO),
        Column("assessment_authorised_date", DATE, False, ("Continuous Assessment Date of Authorisation",
                                                           "Assessment Authorisation Date", "Date of Authorisation")),
        Column("further_action", YESNO, False, (
            "Was the child assessed as requiring LA children's social care support?",
            "Assessed as requiring LA children's social care support", "Further Action"), codes.YES_NO),
        Column("assessment_factors", TEXT, False, ("Assessment Factors", "Factors Identified", "Factors"),
               example="16A, 3B"),
    ),
    (
        *_child_rules("ASM", "assessment_start_date", "Continuous Assessment Start Date"),
        in_reporting_window("ASM-091Q", "assessment_start_date", "Continuous Assessment Start Date"),
        known_code("ASM-010Q", "child_seen", "Child Seen During Continuous Assessment"),
        valid_date("ASM-011Q", "assessment_authorised_date", "Continuous Assessment Date of Authorisation"),
        not_before("ASM-012", "assessment_authorised_date", "assessment_start_date",
                   "The assessment was authorised before it started. Check both dates."),
        known_code("ASM-013Q", "further_action", "Was the child assessed as requiring support?"),
        # not blanked: the cell is a list, and its valid codes still count (NEG-01 reads the neglect factor)
        Rule("ASM-014Q", QUERY, "Assessment Factors holds a code that is not a CIN census factor code (e.g. 16A). "
             "The row was loaded with the factors as sent; separate codes with commas.", ("assessment_factors",),
             _factors_known,
             fails_with={"assessment_factors": "16A, 99Z"}),
    ),
)

SECTION_47 = _annex_list(
    5, "list5_section47", "Section 47 enquiries", "stg_csc_section47",
    (
        Column("s47_start_date", DATE, True, ("Strategy discussion initiating Section 47 Enquiry Start Date",
                                              "Section 47 Enquiry Start Date", "S47 Start Date")),
        Column("icpc_unnecessary", YESNO, False, ("Was an Initial Child Protection Conference deemed unnecessary?",
                                                  "ICPC deemed unnecessary"), codes.YES_NO),
        Column("icpc_date", DATE, False, ("Date of Initial Child Protection Conference", "ICPC Date")),
        Column("icpc_led_to_plan", YESNO, False, (
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            "ICPC resulted in a CP Plan"), codes.YES_NO),
    ),
    (
        *_child_rules("ENQ", "s47_start_date", "Section 47 Enquiry Start Date"),
        in_reporting_window("ENQ-091Q", "s47_start_date", "Section 47 Enquiry Start Date"),
        known_code("ENQ-010Q", "icpc_unnecessary", "Was an ICPC deemed unnecessary?"),
        valid_date("ENQ-011Q", "icpc_date", "Date of Initial Child Protection Conference"),
        not_before("ENQ-012Q", "icpc_date", "s47_start_date",
                   "The Initial Child Protection Conference is dated before the Section 47 enquiry started. The row "
                   "was loaded with the conference date left blank; check both dates."),
        known_code("ENQ-013Q", "icpc_led_to_plan", "Did the ICPC result in a plan?"),
    ),
)

CHILDREN_IN_NEED = _annex_list(
    6, "list6_children_in_need", "Children in need", "stg_csc_cin",
    (
        Column("cin_start_date", DATE, True, ("CIN Start Date", "Child in Need Start Date")),
        Column("primary_need", CODE, False, ("Primary Need Code", "Primary Need", "Category of Need"),
               codes.PRIMARY_NEED),
        Column("cin_closure_date", DATE, False,
               ("CIN Closure Date", "Child in Need Closure Date", "Case Closure Date")),
        Column("case_status", TEXT, False, ("Case Status",)),
    ),
    (
        *_child_rules("CIN", "cin_start_date", "CIN Start Date"),  # no window rule: a case may be open for years
        known_code("CIN-010Q", "primary_need", "Primary Need Code"),
        valid_date("CIN-011Q", "cin_closure_date", "CIN Closure Date"),
        not_before("CIN-012", "cin_closure_date", "cin_start_date",
                   "The CIN Closure Date is before the CIN Start Date. Check both dates."),
    ),
)

CP_PLANS = _annex_list(
    7, "list7_child_protection", "Child protection", "stg_csc_cp_plan",
    (
        Column("cpp_start_date", DATE, True,
               ("Child Protection Plan Start Date", "CP Plan Start Date", "Plan Start Date")),
        Column("initial_category", CODE, True, ("Initial Category of Abuse", "Initial Category"), codes.ABUSE_CATEGORY),
        Column("latest_category", CODE, False, ("Latest Category of Abuse", "Latest Category"), codes.ABUSE_CATEGORY),
        Column("cpp_end_date", DATE, False, ("Child Protection Plan End Date", "CP Plan End Date", "Plan End Date")),
        Column("previous_cpp_count", INT, False, ("Number of Previous Child Protection Plans", "Previous CP Plans")),
    ),
    (  # no window rule: a plan open at the period end may have started more than 2 years before
        required("CPP-001", "child_id", "Child Unique ID"),
        required("CPP-002", "cpp_start_date", "Child Protection Plan Start Date"),
        valid_date("CPP-003", "cpp_start_date", "Child Protection Plan Start Date"),
        required("CPP-004Q", "initial_category", "Initial Category of Abuse"),
        known_code("CPP-005Q", "initial_category", "Initial Category of Abuse"),
        known_code("CPP-006Q", "latest_category", "Latest Category of Abuse"),
        valid_date("CPP-007Q", "cpp_end_date", "Child Protection Plan End Date"),
        not_before("CPP-008", "cpp_end_date", "cpp_start_date",
                   "Child Protection Plan End Date is before the Plan Start Date. Check both dates."),
        valid_date("CPP-009Q", "date_of_birth", "Date of Birth"),
        dob_not_after("CPP-010Q", "cpp_start_date", "Child Protection Plan Start Date"),
        known_code("CPP-011Q", "gender", "Gender"),
        Rule("CPP-012", ERROR, "The same child has two plans starting on the same date. Remove the duplicate row.",
             ("child_id", "cpp_start_date"),
             lambda df: df["child_id"].isna() | ~df.duplicated(["child_id", "cpp_start_date"], keep=False),
             fails_with={DUPLICATE: True}),
        child_at_event("CPP-013Q", "cpp_start_date", "Child Protection Plan Start Date"),
        untrusted_cells("CPP-090Q"),
        altered_text("CPP-094Q"),
        long_cells("CPP-092Q", "ethnicity"),
        long_id("CPP-093", "child_id", "Child Unique ID"),
    ),
)

LOOKED_AFTER = _annex_list(
    8, "list8_looked_after", "Children looked after", "stg_csc_looked_after",
    (
        Column("lac_start_date", DATE, True, ("Date Started to be Looked After", "Date Started Looked After",
                                              "Date Became Looked After", "Start Date")),
        Column("legal_status", CODE, False, ("Child's Legal Status", "Legal Status"), codes.LEGAL_STATUS),
        Column("lac_end_date", DATE, False, ("Date Ceased to be Looked After", "Date Ceased Looked After")),
        Column("missing_episodes_12m", INT, False, (
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
            "Number of Episodes the Child has been Missing in the last 12 months", "Missing Episodes")),
        Column("rhi_offered", YESNO, False, (
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            "Was the child offered a Return Interview after their last missing episode",
            "Return Interview Offered"), codes.YES_NO),
    ),
    (
        *_child_rules("LAC", "lac_start_date", "Date Started to be Looked After"),  # no window: long episodes
        known_code("LAC-010Q", "legal_status", "Child's Legal Status"),
        valid_date("LAC-011Q", "lac_end_date", "Date Ceased to be Looked After"),
        not_before("LAC-012", "lac_end_date", "lac_start_date",
                   "The child ceased to be looked after before the start date. Check both dates."),
        known_code("LAC-013Q", "rhi_offered", "Was the child offered a Return Interview?"),
    ),
)

TABLES = (CONTACTS, REFERRALS, ASSESSMENTS, SECTION_47, CHILDREN_IN_NEED, CP_PLANS, LOOKED_AFTER)

# Cross-return rule, run after every return of the period is loaded (transforms/load/crosscheck.py): the check sees
# IN_IDENTITY, True where the child id is in the period's csc_child_identity return.
NOT_IN_IDENTITY = Rule(
    "ANX-001Q", QUERY,
    "This Child Unique ID is not in the child identity return for the quarter, so the child cannot be matched "
    "with other agencies' records. Add the child to the identity return.",
    ("child_id",), lambda df: df[IN_IDENTITY].astype(bool))
CROSS_RULES = (NOT_IN_IDENTITY,)

# --- Lists the partnership dataset does not use (sheet recognition only) -------------------------------------------
# Lists 2, 9, 10 and 11 are described by their headers so that a sheet holding one is recognised as itself and
# ignored with a note (transforms/ingest/mapping.py), never read as a used list: List 2's "Assessment start date"
# is also a List 4 header, so an early help sheet scored only against the used lists looks like assessments.
# They are TableContracts with no rules and no staging table, kept out of TABLES (so out of the warehouse, the
# templates and the rule catalogue): the header scorer takes a contract, and only the title, the list number and
# the columns' aliases are used. Headers as in the Ofsted Annex A template (the column lists of the Annex A cleaner
# and merger configuration of the children's services data programme, CSCDP/AnnexA_CiNCensus_Cleaner
# config/annex_a_merge.yml), with the variants local authorities write; the child columns are the used lists'.


def _unused_list(number: int, table_id: str, title: str, columns: tuple[Column, ...]) -> TableContract:
    return TableContract(return_id=RETURN_ID, table_id=table_id, agency="csc", title=f"List {number}: {title}",
                         stg_table="", record_id=columns[0].name, columns=columns, rules=(), annex_list=number)


EARLY_HELP = _unused_list(2, "list2_early_help", "Early help", (
    *_child_columns(),
    Column("early_help_start_date", DATE, False, (
        "Assessment start date", "Early Help Assessment Start Date", "Early help start date",
        "Date early help started", "EHA start date", "Early help episode start date")),
    Column("early_help_end_date", DATE, False, (
        "Assessment completion date", "Early Help Assessment Completion Date", "Early Help Assessment End Date",
        "Early help end date", "Date early help ended", "EHA end date", "Early help episode end date")),
    Column("early_help_organisation", TEXT, False, (
        "Organisation completing assessment", "Organisation completing early help assessment",
        "Lead Practitioner Agency", "Lead agency", "Agency")),
    Column("early_help_type", TEXT, False, ("Type of early help", "Early help type")),
    Column("early_help_assessments", INT, False, (
        "Number of early help assessments", "Number of early help assessments in the last 12 months")),
))

CARE_LEAVERS = _unused_list(9, "list9_care_leavers", "Care leavers", (
    *_child_columns(),
    Column("eligibility_category", TEXT, False, ("Eligibility Category", "Care leaver eligibility category")),
    Column("la_in_touch", TEXT, False, ("LA In Touch", "In touch", "Local authority in touch")),
    Column("accommodation_type", TEXT, False, ("Type of Accommodation", "Accommodation type")),
    Column("accommodation_suitable", TEXT, False, ("Suitability of Accommodation", "Accommodation suitability")),
    Column("activity_status", TEXT, False, ("Activity Status", "Main activity")),
))

ADOPTION = _unused_list(10, "list10_adoption", "Adoption", (
    *_child_columns(),
    Column("family_id", TEXT, False, ("Family identifier", "Family ID")),
    Column("entered_care_date", DATE, False, ("Date the Child Entered Care", "Date Entered Care")),
    Column("adm_decision_date", DATE, False, (
        "Date of Decision that Child Should be Placed for Adoption", "Date of decision that child should be placed",
        "ADM decision date", "Should be placed for adoption decision date")),
    Column("placement_order_date", DATE, False, ("Date of Placement Order", "Placement Order Date")),
    Column("matched_date", DATE, False, ("Date of Matching Child and Prospective Adopters", "Date matched")),
    Column("placed_date", DATE, False, ("Date Placed for Adoption", "Date placed with adopters")),
    Column("adoption_order_date", DATE, False, ("Date of Adoption Order", "Adoption Order Date")),
    Column("no_longer_placed_date", DATE, False, (
        "Date of Decision that Child Should No Longer be Placed for Adoption",)),
    Column("no_longer_placed_reason", TEXT, False, ("Reason Why Child No Longer Placed for Adoption",)),
    Column("ffa_placed_date", DATE, False, (
        "Date the child was placed for fostering in FFA or concurrent planning placement",)),
))

ADOPTERS = _unused_list(11, "list11_adopters", "Adopters", (
    Column("adopter_id", ID, True, ("Individual adopter identifier", "Adopter ID", "Adopter Unique ID")),
    Column("family_id", TEXT, False, ("Family identifier", "Family ID")),
    Column("gender", TEXT, False, ("Gender", "Sex")),  # the adopter's; shared with the child lists, so no evidence
    Column("ethnicity", TEXT, False, ("Ethnicity",)),
    Column("fostering_for_adoption", TEXT, False, ("Is the (prospective) adopter fostering for adoption?",)),
    Column("enquiry_date", DATE, False, ("Date enquiry received",)),
    Column("stage1_start_date", DATE, False, ("Date Stage 1 started",)),
    Column("stage1_end_date", DATE, False, ("Date Stage 1 ended",)),
    Column("stage2_start_date", DATE, False, ("Date Stage 2 started",)),
    Column("stage2_end_date", DATE, False, ("Date Stage 2 ended",)),
    Column("application_date", DATE, False, ("Date application submitted",)),
    Column("approved_date", DATE, False, ("Date application approved",)),
    Column("matched_date", DATE, False, ("Date adopter matched with child(ren)",)),
    Column("placed_date", DATE, False, ("Date child/children placed with adopter(s)",)),
    Column("children_placed", INT, False, ("No. of children placed", "Number of children placed")),
    Column("adoption_order_date", DATE, False, ("Date of Adoption Order",)),
    Column("left_process_date", DATE, False, ("Date of leaving adoption process",)),
    Column("left_process_reason", TEXT, False, ("Reason for leaving adoption process",)),
))

UNUSED_LISTS = (EARLY_HELP, CARE_LEAVERS, ADOPTION, ADOPTERS)

# Words in a sheet's name that name a list (besides "List N"): evidence for that list, never the decider.
SHEET_NAME_WORDS: dict[int, tuple[str, ...]] = {
    1: ("contacts", "contact"),
    2: ("early help", "eh", "eha"),
    3: ("referrals", "referral"),
    4: ("assessments", "assessment"),
    5: ("section 47", "s47", "s 47", "strategy"),
    6: ("cin", "children in need", "child in need"),
    7: ("child protection", "cp", "cpp", "cp plans", "protection plans"),
    8: ("looked after", "cla", "lac", "children in care", "child in care"),
    9: ("care leavers", "care leaver", "leaving care"),
    10: ("adoption", "adoptions"),
    11: ("adopters", "adopter"),
}
