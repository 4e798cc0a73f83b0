"""Deterministic rules, applied before the probabilistic model: identifiers that settle who a record is.

- NHS_NUMBER: the same valid NHS number, agreeing on date of birth or a name (first name, nickname included, or
  surname). An NHS number alone is not enough: a baby's record sometimes carries the mother's.
- UPN: the same valid UPN, agreeing on date of birth or a name.
- OTHER_ID: the same other personal identifier (`other_id`, a national insurance or social security number in a file
  given to `assure link`), agreeing on date of birth or a name: the NHS number's rule for an identifier without a
  check digit. A keying slip in it is not caught as an invalid number, so it never vetoes a merge.
- AGENCY_ID: the same person id within one agency (a police PNC id; a UPN within education), whatever else differs.
Different valid NHS numbers veto any merge, however strong the other evidence (`cluster.py` enforces it).
"""

from __future__ import annotations

import pandas as pd

RULES = ("AGENCY_ID", "NHS_NUMBER", "UPN", "OTHER_ID")
# An identifier written on more records than this is a placeholder someone keys for "unknown", not a person.
MAX_SHARED = 50


def _same_value_pairs(records: pd.DataFrame, probe: pd.Series, keys: list[str]) -> pd.DataFrame:
    """(uid_l, uid_r) of records sharing every key, at least one of them a probe record."""
    present = records[keys].notna().all(axis=1).to_numpy()
    usable = records.loc[present, keys].copy()
    usable["uid"] = records.index[present]
    usable["probe"] = probe.to_numpy()[present]
    sizes = usable.groupby(keys)["uid"].transform("size")
    usable = usable[(sizes > 1) & (sizes <= MAX_SHARED)]
    touched = usable.groupby(keys)["probe"].transform("any")
    usable = usable[touched]
    pairs = usable.merge(usable, on=keys, suffixes=("_l", "_r"))
    pairs = pairs[(pairs["uid_l"] < pairs["uid_r"]) & (pairs["probe_l"] | pairs["probe_r"])]
    return pairs[["uid_l", "uid_r"]].reset_index(drop=True)


def _agree(records: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """True where a pair agrees on date of birth, first name (nickname included) or surname."""
    left = records.loc[pairs["uid_l"]].reset_index(drop=True)
    right = records.loc[pairs["uid_r"]].reset_index(drop=True)
    same = pd.Series(False, index=pairs.index)
    for column in ("dob", "first_canon", "last_name"):
        same |= (left[column] == right[column]).fillna(False).astype(bool)
    return same


def pairs(records: pd.DataFrame, probe: pd.Series) -> pd.DataFrame:
    """Deterministic links (uid_l, uid_r, rule) touching at least one probe record.

    `records` are standardised records indexed by uid (row position); `probe` marks the new or changed ones.
    A pair meeting several rules is listed once, under the first rule in `RULES`.
    """
    found = []
    agency = _same_value_pairs(records, probe, ["agency", "agency_ref"])
    found.append(agency.assign(rule="AGENCY_ID"))
    for column, rule in (("nhs_number", "NHS_NUMBER"), ("upn", "UPN"), ("other_id", "OTHER_ID")):
        candidates = _same_value_pairs(records, probe, [column])
        found.append(candidates[_agree(records, candidates).to_numpy()].assign(rule=rule))
    out = pd.concat(found, ignore_index=True)
    return out.drop_duplicates(["uid_l", "uid_r"], keep="first").reset_index(drop=True)
