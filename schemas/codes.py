"""Code lists shared by several returns: canonical code -> labels and synonyms that also map to it."""

SEX = {
    "M": ("Male", "a) Male", "1", "Boy"),
    "F": ("Female", "b) Female", "2", "Girl"),
    "U": ("Unknown", "c) Unknown", "Not known", "Indeterminate", "c) Unknown/Indeterminate", "0", "9", "X"),
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

ABUSE_CATEGORY = {
    "NEG": ("Neglect",),
    "PHY": ("Physical abuse", "Physical"),
    "EMO": ("Emotional abuse", "Emotional"),
    "SAB": ("Sexual abuse", "Sexual"),
    "MUL": ("Multiple", "Mixed", "Multiple/not recommended"),
}

YES_NO = {
    "Y": ("Yes", "True", "1", "a) Yes"),
    "N": ("No", "False", "0", "b) No"),
}
