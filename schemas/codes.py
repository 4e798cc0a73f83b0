"""Code lists shared by several returns: canonical code -> labels and synonyms that also map to it.

The official label comes first. Codes written in any export style (`CODE - label`, `label (CODE)`, list letters,
system prefixes, ...) are resolved from these lists by one mechanism (transforms/ingest/codes.py): list the
labels and their genuine variants here, never the styles.
"""


class CodeList(dict):
    """A code list whose values may name several codes at once, meaning `several` (abuse categories: MUL)."""

    def __init__(self, codes: dict[str, tuple[str, ...]], several: str):
        super().__init__(codes)
        self.several = several


SEX = {
    "M": ("Male", "a) Male", "1", "Boy"),
    "F": ("Female", "b) Female", "2", "Girl"),
    "U": ("Unknown", "c) Unknown", "Not known", "Indeterminate", "c) Unknown/Indeterminate", "0", "9", "X",
          "Not stated/recorded", "Not stated", "Not recorded", "Neither"),
}

# CIN census referral / contact sources. The Ofsted Annex A template prefixes them `a)`, `b)`, ...
CIN_SOURCE = {
    "1A": ("Individual - Family member/relative/carer",),
    "1B": ("Individual - Acquaintance (including neighbours and child minders)", "Individual - Acquaintance"),
    "1C": ("Individual - Self",),
    "1D": ("Individual - Other (including strangers)", "Individual - Other"),
    "2A": ("Schools",),
    "2B": ("Education services",),
    "3A": ("Health services - GP", "GP"),
    "3B": ("Health services - Health Visitor", "Health Visitor"),
    "3C": ("Health services - School Nurse", "School Nurse"),
    "3D": ("Health services - Other primary health services",),
    "3E": ("Health services - A&E (emergency department)", "A&E"),
    "3F": ("Health services - Other (e.g. hospice)", "Health services - Other"),
    "4": ("Housing",),
    "5A": ("LA services - Social care (e.g. adult social care)", "LA services - Social care"),
    "5B": ("LA services - Other internal (e.g. youth offending service)", "LA services - Other internal"),
    "5C": ("LA services - External (e.g. from another local authority's adult social care)", "LA services - External"),
    "5D": ("Early help",),
    "6": ("Police",),
    "7": ("Other legal agency (including courts, probation, immigration, CAFCASS, prison)", "Other legal agency"),
    "8": ("Other",),
    "9": ("Anonymous",),
    "10": ("Unknown",),
}

# CIN source group used for breakdowns (FD-01).
CIN_SOURCE_GROUP = {
    "1": "INDIVIDUAL", "2": "EDUCATION", "3": "HEALTH", "4": "HOUSING", "5": "LA_SERVICES",
    "6": "POLICE", "7": "OTHER_LEGAL", "8": "OTHER", "9": "ANONYMOUS", "10": "UNKNOWN",
}

# A category naming two or more categories (`Neglect, Physical and Emotional`) is MUL.
ABUSE_CATEGORY = CodeList({
    "NEG": ("Neglect", "Likelihood of neglect"),  # DESIGN.md section 3
    "PHY": ("Physical abuse", "Physical"),
    "EMO": ("Emotional abuse", "Emotional"),
    "SAB": ("Sexual abuse", "Sexual"),
    "MUL": ("Multiple", "Mixed", "Multiple/not recommended"),
}, several="MUL")

YES_NO = {
    "Y": ("Yes", "True", "1", "a) Yes"),
    "N": ("No", "False", "0", "b) No"),
}

CONTACT_OUTCOME = {
    "REFERRAL": ("Referral", "Referred to children's social care", "Progress to referral"),
    "ADVICE_INFORMATION": ("Advice and information", "Advice & information", "Advice", "Information and advice"),
    "EARLY_HELP": ("Early help", "Step down to early help", "Early Help Assessment"),
    "NFA": ("No further action", "No further action required", "None"),
}

# CIN census primary need codes.
PRIMARY_NEED = {
    "N0": ("Not stated",), "N1": ("Abuse or neglect",), "N2": ("Child's disability or illness", "Child's disability"),
    "N3": ("Parental illness or disability", "Parental disability or illness"), "N4": ("Family in acute stress",),
    "N5": ("Family dysfunction",), "N6": ("Socially unacceptable behaviour",), "N7": ("Low income",),
    "N8": ("Absent parenting",), "N9": ("Cases other than children in need",),
}

# CIN census factors identified at the end of assessment (codes only are written in Annex A extensions).
ASSESSMENT_FACTORS = (
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C",
    "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18A", "18B",
    "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A",
)
NEGLECT_FACTOR = "16A"

# SSDA903 legal status codes.
LEGAL_STATUS = {
    "C1": ("Interim care order",), "C2": ("Full care order",), "D1": ("Freeing order granted",),
    "E1": ("Placement order granted",), "J1": ("Remanded to local authority accommodation or to youth detention",),
    "J2": ("Placed in local authority accommodation under PACE",),
    "J3": ("Sentenced to Youth Rehabilitation Order",), "L1": ("Under police protection",),
    "L2": ("Emergency protection order",), "L3": ("Under child assessment order",),
    "V2": ("Single period of accommodation under section 20",),
    "V3": ("Accommodated under an agreed series of short-term breaks, when individual episodes of care are recorded",),
    "V4": ("Accommodated under an agreed series of short-term breaks, when agreements are recorded (NOT individual "
           "episodes of care)",),
}

YES_NO_UNKNOWN = {**YES_NO, "U": ("Unknown", "Not known", "U/K", "c) Unknown")}

# School census reasons for a suspension or permanent exclusion (DfE, from 2020/21; the codes they replaced kept as
# synonyms: PD persistent disruptive behaviour).
EXCLUSION_REASON = {
    "PP": ("Physical assault against a pupil",), "PA": ("Physical assault against an adult",),
    "VP": ("Verbal abuse/threatening behaviour against a pupil",),
    "VA": ("Verbal abuse/threatening behaviour against an adult",),
    "OW": ("Use or threat of use of an offensive weapon or prohibited item",), "BU": ("Bullying",),
    "RA": ("Racist abuse",), "LG": ("Abuse against sexual orientation and gender identity",),
    "DS": ("Abuse relating to disability",), "SM": ("Sexual misconduct",), "DA": ("Drug and alcohol related",),
    "DM": ("Damage",), "TH": ("Theft",), "MT": ("Inappropriate use of social media or online technology",),
    "PH": ("Wilful and repeated transgression of protective measures in place to protect public health",),
    "DB": ("Persistent or general disruptive behaviour", "Persistent disruptive behaviour", "PD"), "OT": ("Other",),
}
