"""Short forms of first names that agencies key for the same child ("Tom" for Thomas, "Lizzie" for Elizabeth).

Each formal name maps to the short forms commonly written for it. A short form shared by two formal names (Sam:
Samuel and Samantha) is read as the first formal name listed, so Sam and Samantha meet only through the fuzzy name
levels, never as a nickname: a wrong nickname match between a boy and a girl twin would be worse than a miss. Short
forms that are common names in their own right (Daisy, Ella, Poppy, Liam, Leo) are left out for the same reason:
twins called Daisy and Maisie must not meet as "Margaret".
"""

from __future__ import annotations

NICKNAMES: dict[str, tuple[str, ...]] = {
    # boys
    "ALEXANDER": ("ALEX", "SANDY", "XANDER", "LEX"),
    "ALFRED": ("ALF", "ALFIE", "FRED"),
    "ANDREW": ("ANDY", "DREW"),
    "ANTHONY": ("TONY", "ANT"),
    "ARCHIBALD": ("ARCHIE", "ARCH"),
    "BENJAMIN": ("BEN", "BENJI", "BENNY"),
    "CALLUM": ("CAL",),
    "CHARLES": ("CHARLIE", "CHAS", "CHUCK"),
    "CHRISTOPHER": ("CHRIS", "KIT"),
    "DANIEL": ("DAN", "DANNY"),
    "DAVID": ("DAVE", "DAVEY", "DAVY"),
    "DOMINIC": ("DOM",),
    "EDWARD": ("ED", "EDDIE", "NED", "TED"),
    "FRANCIS": ("FRANK", "FRANKIE"),
    "FREDERICK": ("FRED", "FREDDIE", "FREDDY"),
    "GABRIEL": ("GABE",),
    "HENRY": ("HARRY", "HAL", "HANK"),
    "JACOB": ("JAKE", "JAKEY"),
    "JAMES": ("JIM", "JAMIE", "JIMMY"),
    "JONATHAN": ("JON", "JONNY", "JONNIE"),
    "JOSEPH": ("JOE", "JOEY"),
    "JOSHUA": ("JOSH",),
    "KENNETH": ("KEN", "KENNY"),
    "LEONARD": ("LEN", "LENNY"),
    "LOUIS": ("LOUIE",),
    "MATTHEW": ("MATT", "MATTY"),
    "MICHAEL": ("MIKE", "MIKEY", "MICK", "MICKY"),
    "MOHAMMED": ("MOHAMMAD", "MUHAMMAD", "MOHAMED", "MO"),
    "NATHAN": ("NATE",),
    "NATHANIEL": ("NAT", "NATE"),
    "NICHOLAS": ("NICK", "NICKY", "NICO"),
    "OLIVER": ("OLLIE", "OLLY"),
    "PATRICK": ("PAT", "PADDY"),
    "PETER": ("PETE",),
    "RICHARD": ("RICH", "RICKY", "RICK", "DICK"),
    "ROBERT": ("ROB", "BOB", "BOBBY", "ROBBIE"),
    "RONALD": ("RON", "RONNIE"),
    "SAMUEL": ("SAM", "SAMMY"),
    "SEBASTIAN": ("SEB",),
    "STANLEY": ("STAN",),
    "STEPHEN": ("STEVE", "STEVIE", "STEVEN"),
    "THEODORE": ("THEO", "TEDDY", "TED"),
    "THOMAS": ("TOM", "TOMMY"),
    "TIMOTHY": ("TIM", "TIMMY"),
    "TOBIAS": ("TOBY",),
    "WILLIAM": ("WILL", "BILLY", "BILL", "WILLIE"),
    "ZACHARY": ("ZACH", "ZAC", "ZACK"),
    # girls
    "ABIGAIL": ("ABBIE", "ABBY", "ABI"),
    "ALEXANDRA": ("LEXI", "ALEXA", "SASHA"),
    "AMELIA": ("MILLIE", "AMY", "MILLY"),
    "ARABELLA": ("BELLA",),
    "BEATRICE": ("BEA", "BEATTIE"),
    "BETHANY": ("BETH",),
    "CAROLINE": ("CARRIE", "CARO"),
    "CATHERINE": ("CATH", "CATHY", "CAT"),
    "CHARLOTTE": ("LOTTIE", "LOTTY"),
    "CHRISTINE": ("CHRISSIE", "TINA"),
    "DANIELLE": ("DANI",),
    "DEBORAH": ("DEBBIE", "DEB"),
    "ELEANOR": ("ELLIE", "NELL", "NELLIE", "NORA"),
    "ELIZABETH": ("LIZ", "BETH", "LIZZIE", "LIZZY", "BETSY", "BETTY"),
    "EVELYN": ("EVIE", "EVE"),
    "FLORENCE": ("FLO", "FLORRIE", "FLOSSIE"),
    "FRANCESCA": ("FRAN", "FRANKIE", "CESCA"),
    "GABRIELLA": ("GABBY", "GABI"),
    "GEORGIA": ("GEORGIE",),
    "HANNAH": ("HAN",),
    "HARRIET": ("HATTIE", "HETTIE"),
    "ISABELLA": ("BELLA", "IZZY", "ISSY"),
    "ISABELLE": ("IZZY", "ISSY"),
    "JACQUELINE": ("JACKIE",),
    "JENNIFER": ("JENNY", "JEN", "JENNI"),
    "JESSICA": ("JESS", "JESSIE"),
    "JOANNE": ("JO", "JOANNA"),
    "KATHERINE": ("KATE", "KATIE", "KATHY", "KAT", "KATY", "KITTY"),
    "MARGARET": ("MAGGIE", "PEGGY", "MEG"),
    "MATILDA": ("TILLY", "TILDA", "TILLIE"),
    "MEGAN": ("MEG",),
    "MICHELLE": ("SHELL", "SHELLEY"),
    "NATALIE": ("NAT", "TALLY"),
    "NICOLA": ("NICKY", "NIKKI"),
    "OLIVIA": ("LIV", "LIVVY", "LIVIA"),
    "PENELOPE": ("PENNY",),
    "REBECCA": ("BECKY", "BECCA", "BECKIE"),
    "SAMANTHA": ("SAMMIE", "SAMMI"),
    "SOPHIA": ("SOPHIE", "SOFIA"),
    "STEPHANIE": ("STEPH", "STEFFI"),
    "SUSAN": ("SUE", "SUSIE", "SUZY"),
    "VICTORIA": ("VICKY", "TORI", "VICKI", "TORY"),
    "BEVERLEY": ("BEV",),
}


def canonical_forms() -> dict[str, str]:
    """Upper-case short form -> the formal name it stands for (the first formal name listed, when shared)."""
    out: dict[str, str] = {}
    for formal, shorts in NICKNAMES.items():
        for short in shorts:
            out.setdefault(short, formal)
    for formal in NICKNAMES:
        out[formal] = formal  # a formal name stands for itself even where it is also someone's short form
    return out
