"""The layout habits of each table's source system: value styles, timed dates, extra columns, row orders.

One entry per table in `schemas.TABLES`; `tables.render_table` applies them. Extra columns are ones the
contract does not know (the reader keeps them aside), so their headers must never match a contract alias.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import schemas
from schemas import csc_annex_a as annex
from schemas.contract import TableContract, normalise_header

ANNEX_SEX = {"annex": 0.35, "label": 0.30, "code": 0.25, "number": 0.10}
ANNEX_YESNO = {"label": 0.40, "code": 0.35, "annex": 0.25}
ANNEX_CODE = {"annex": 0.45, "label": 0.30, "code": 0.25}
PLAIN_CODE = {"code": 0.5, "label": 0.5}
MOSTLY_CODE = {"code": 0.7, "label": 0.3}
MOSTLY_LABEL = {"code": 0.3, "label": 0.7}
SEX_CODE = {"code": 0.6, "label": 0.4}


@dataclass(frozen=True)
class TableStyle:
    """The layout habits of one table's source system."""

    contract: TableContract
    annex: bool = False
    code_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    time_columns: tuple[str, ...] = ()  # date columns a system exports with a time of day
    extras: tuple[tuple[str, tuple[str, ...]], ...] = ()  # columns the contract does not know, with sample values
    sort_options: tuple[tuple[str, ...], ...] = ()
    upper_surnames: bool = False  # police systems often key surnames in capitals
    numeric_text: tuple[str, ...] = ()  # digit-only text columns some systems export as numbers
    spaced_lists: tuple[str, ...] = ()  # comma-separated code lists some systems write with ", "


def _annex(contract: TableContract, codes_: dict[str, dict[str, float]], event: str,
           extras: tuple[tuple[str, tuple[str, ...]], ...]) -> TableStyle:
    return TableStyle(contract, annex=True, code_weights={"gender": ANNEX_SEX, **codes_}, extras=extras,
                      sort_options=((event, "child_id"), ("child_id", event)))


LOCALITY = ("Locality", ("North", "East", "West", ""))

STYLES: dict[str, TableStyle] = {
    "list1_contacts": _annex(annex.CONTACTS, {"contact_source": ANNEX_CODE, "contact_outcome": MOSTLY_LABEL},
                             "contact_date", (LOCALITY, ("Contact Taken By", ("MASH 1", "MASH 2", "EDT")))),
    "list3_referrals": _annex(annex.REFERRALS, {"referral_source": ANNEX_CODE, "referral_nfa": ANNEX_YESNO},
                              "referral_date", (LOCALITY, ("Team Manager", ("TM01", "TM02", "TM07", "TM11")))),
    "list4_assessments": TableStyle(
        annex.ASSESSMENTS, annex=True, spaced_lists=("assessment_factors",),
        code_weights={"gender": ANNEX_SEX, "child_seen": ANNEX_YESNO, "further_action": ANNEX_YESNO},
        extras=(LOCALITY, ("Assessment Type", ("Single", "Single", "Single", "Pre-birth"))),
        sort_options=(("assessment_start_date", "child_id"), ("child_id", "assessment_start_date"))),
    "list5_section47": _annex(annex.SECTION_47, {"icpc_unnecessary": ANNEX_YESNO, "icpc_led_to_plan": ANNEX_YESNO},
                              "s47_start_date", (LOCALITY, ("Strategy Chair", ("TM01", "TM04", "TM09")))),
    "list6_children_in_need": _annex(annex.CHILDREN_IN_NEED, {"primary_need": MOSTLY_CODE}, "cin_start_date",
                                     (LOCALITY, ("Allocated Team", ("Locality 1", "Locality 2", "CWD")))),
    "list7_child_protection": _annex(annex.CP_PLANS, {"initial_category": ANNEX_CODE, "latest_category": ANNEX_CODE},
                                     "cpp_start_date", (("Locality", ("North", "East", "West")),
                                                        ("Chair", ("IRO 1", "IRO 2", "IRO 3", "IRO 4")))),
    "list8_looked_after": _annex(annex.LOOKED_AFTER, {"legal_status": MOSTLY_CODE, "rhi_offered": ANNEX_YESNO},
                                 "lac_start_date", (("Placement Type", ("U1", "U4", "U6", "R1", "K2", "P1")),
                                                    ("Placement Location", ("In borough", "Out of borough")))),
    "csc_child_identity": TableStyle(
        schemas.table("csc_child_identity"), code_weights={"sex": PLAIN_CODE}, extras=(LOCALITY,),
        sort_options=(("child_id",), ("last_name", "first_name", "child_id"))),
    "csc_return_interviews": TableStyle(
        schemas.table("csc_return_interviews"),
        extras=(("Interview By", ("Barnardo's", "Missing Team", "Social Worker")),
                ("Declined", ("", "", "", "Declined"))),
        sort_options=(("missing_start_date", "child_id"), ("child_id", "missing_start_date"))),
    "police_nominals": TableStyle(
        schemas.table("police_nominals"), code_weights={"sex": SEX_CODE}, time_columns=("created_date",),
        extras=(("Warning Markers", ("", "", "", "VI", "WE", "DR")), ("Force", ("WMP",))),
        sort_options=(("police_person_id",), ("created_date", "police_person_id")), upper_surnames=True),
    "police_ppn": TableStyle(
        schemas.table("police_ppn"),
        code_weights={"ppn_type": PLAIN_CODE, "dara_completed": SEX_CODE, "risk_level": {"code": 0.4, "label": 0.6}},
        time_columns=("submitted_date",),
        extras=(("Station", ("Solihull", "Chelmsley Wood", "Shirley")), ("Officer", ("PC 4411", "PC 2087", "DC 915"))),
        sort_options=(("submitted_date", "ppn_id"), ("ppn_id",))),
    "police_missing": TableStyle(
        schemas.table("police_missing"), code_weights={"risk_grading": MOSTLY_LABEL},
        extras=(("Found By", ("Police", "Returned self", "Carer", "")), ("Location Found", ("Solihull", "Birmingham",
                                                                                         "Coventry", ""))),
        sort_options=(("missing_from", "report_id"), ("report_id",))),
    "health_safeguarding": TableStyle(
        schemas.table("health_safeguarding"),
        code_weights={"sex": SEX_CODE, "provider_type": MOSTLY_LABEL, "concern": PLAIN_CODE,
                      "referred_to_mash": SEX_CODE},
        time_columns=("referral_date",),
        extras=(("Trust", ("UHB", "BSMHFT", "BCHC", "GP Practice")), ("Safeguarding Lead", ("NS01", "NS04", "MW2"))),
        sort_options=(("referral_date", "referral_id"), ("referral_id",))),
    "health_cdop": TableStyle(
        schemas.table("health_cdop"),
        code_weights={"category": MOSTLY_CODE, "modifiable_factors": SEX_CODE, "learning_identified": SEX_CODE,
                      "joint_agency_response": SEX_CODE},
        extras=(("Panel", ("Neonatal", "General", "SUDIC")),),
        sort_options=(("case_id",), ("date_of_death", "case_id"))),
    "edu_suspensions": TableStyle(
        schemas.table("edu_suspensions"),
        code_weights={"sex": SEX_CODE, "school_phase": MOSTLY_LABEL, "category": MOSTLY_CODE},
        numeric_text=("school_urn",),
        extras=(("NC Year", ("7", "8", "9", "10", "11")), ("SEN Provision", ("N", "K", "E", ""))),
        sort_options=(("start_date", "upn"), ("school_urn", "start_date", "upn"), ("upn", "start_date"))),
    "edu_cme": TableStyle(
        schemas.table("edu_cme"), code_weights={"sex": SEX_CODE},
        extras=(("Officer", ("EWO 1", "EWO 2", "CME Officer")),),
        sort_options=(("identified_date", "cme_id"), ("cme_id",))),
    "lado_allegations": TableStyle(
        schemas.table("lado_allegations"),
        code_weights={"contact_type": PLAIN_CODE, "referrer_type": PLAIN_CODE, "subject_sector": PLAIN_CODE,
                      "outcome": PLAIN_CODE},
        extras=(("Allocated LADO", ("LADO 1", "LADO 2")),),
        sort_options=(("case_id",), ("contact_date", "case_id"))),
    "vulnerability_tracker": TableStyle(
        schemas.table("vulnerability_tracker"),
        code_weights={"sex": SEX_CODE, "exploitation_type": MOSTLY_LABEL, "status": MOSTLY_LABEL},
        extras=(("Lead Agency", ("Police", "Children's Services", "Adult Social Care", "Health")),
                ("MACE Reviewed", ("Yes", "No", ""))),
        sort_options=(("individual_id",), ("identified_date", "individual_id"), ("last_name", "individual_id"))),
    "training_attendance": TableStyle(
        schemas.table("training_attendance"),
        extras=(("Trainer", ("LSCP", "WMP", "ICB", "Barnardo's")), ("Venue", ("Council House", "Online", "Elmdon"))),
        sort_options=(("course_date", "course_id"), ("course_id",))),
}

assert set(STYLES) == {t.table_id for t in schemas.TABLES}, "every contract needs a style"
for _style in STYLES.values():
    assert STYLES[_style.contract.table_id] is _style
    _keys = {k for c in _style.contract.columns for k in c.header_keys}
    assert all(normalise_header(h) not in _keys for h, _ in _style.extras), "an extra column would be mapped"
