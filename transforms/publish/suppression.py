"""Publication profiles. `internal` (the ARG) shows exact counts; `public` (the annual report, open data)
shows counts from 1 to 5 as `c`, and any rate or percentage built on a suppressed count as `c` too.

Zero is shown: it discloses nobody. A denominator from 1 to 5 is suppressed with its value, because a
percentage of a tiny group identifies its members as surely as the count does.
"""

from __future__ import annotations

import pandas as pd

SUPPRESSED = "c"
PROFILES = ("internal", "public")


def small(value: object) -> bool:
    """True for a count from 1 to 5 (the numbers the public profile never shows)."""
    if value is None or pd.isna(value):
        return False
    return 1 <= float(value) <= 5


def apply_profile(frame: pd.DataFrame, profile: str, exempt: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    """The dataset as the profile shows it, suppressed where needed.

    `exempt` names indicators whose counts are not about people (returns received, spreadsheet rows).
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown publication profile {profile!r}; use one of {PROFILES}")
    out = frame.copy()
    for column in ("numerator", "denominator", "value"):
        out[column] = out[column].astype("object")
    if profile == "internal":
        return out
    about_people = ~out["indicator_id"].isin(list(exempt))
    hide_numerator = out["numerator"].map(small) & about_people
    hide_denominator = out["denominator"].map(small) & about_people
    hide_value = hide_numerator | hide_denominator | ((out["unit"] == "count") & out["value"].map(small)
                                                     & about_people)
    out.loc[hide_numerator, "numerator"] = SUPPRESSED
    out.loc[hide_denominator, "denominator"] = SUPPRESSED
    out.loc[hide_value, "value"] = SUPPRESSED
    if "published_value" in out.columns:  # a trend: what a revised quarter showed when published
        # the published counts behind a percentage are not at hand here, so a revised percentage's published
        # value is withheld in public; a published count from 1 to 5 is, as any count is
        published = out["published_value"].astype("object")
        hide_published = about_people & (hide_value | ((out["unit"] == "count") & published.map(small))
                                         | ((out["unit"] != "count") & (out["revised"] == 1)))
        out["published_value"] = published.where(~hide_published, SUPPRESSED)
    return out
