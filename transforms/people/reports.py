"""What the index shows about the agencies' own data: duplicate person records, and identifiers that disagree.

- Within-agency duplicates: two person records of one agency that the index places on one person (the inspectors'
  "multiple records held against the same person"), police nominals first. Only returns whose record id is the
  agency's id for a person count (as in DQ-02); a health referral or a missing-education case is an event, and a
  child with two of them is not a duplicate.
- Cross-agency conflicts: records of different agencies carrying one valid NHS number (or UPN) with different
  dates of birth. The identifier is not written out: `conflict_id` is a keyed hash of it, stable across runs.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

EVENT_SOURCES = ("health_safeguarding", "edu_cme")
FIRST = "police"
DUPLICATE_COLUMNS = ["agency", "source", "record_id", "person_key", "records_of_person", "report_order"]
CONFLICT_COLUMNS = ["conflict", "conflict_id", "agency", "source", "record_id", "person_key", "dates_of_birth"]


def within_agency_duplicates(records: pd.DataFrame) -> pd.DataFrame:
    """Person records sharing their person with another record of the same agency, police first.

    `records` has source, record_id, agency, person_key. `records_of_person` counts that agency's records of the
    person; `report_order` numbers the rows in reading order (police, then the other agencies alphabetically).
    """
    people = records[~records["source"].isin(EVENT_SOURCES)]
    counts = people.groupby(["agency", "person_key"])["record_id"].transform("size")
    out = people.assign(records_of_person=counts)[counts > 1]
    out = out.assign(first=(out["agency"] != FIRST).astype(int))
    out = out.sort_values(["first", "agency", "person_key", "source", "record_id"], kind="stable")
    out["report_order"] = range(1, len(out) + 1)
    return out[DUPLICATE_COLUMNS].reset_index(drop=True)


def duplicate_rates(records: pd.DataFrame) -> pd.DataFrame:
    """Per agency (police first): person records, records duplicating another of the agency, and the rate in %."""
    people = records[~records["source"].isin(EVENT_SOURCES)]
    dup = within_agency_duplicates(records).groupby("agency").size()
    out = people.groupby("agency").size().rename("records").to_frame()
    out["duplicates"] = dup.reindex(out.index).fillna(0).astype(int)
    out["rate"] = 100.0 * out["duplicates"] / out["records"]
    out = out.reset_index()
    order = (out["agency"] != FIRST).astype(int)
    return out.assign(order=order).sort_values(["order", "agency"]).drop(columns="order").reset_index(drop=True)


def cross_agency_conflicts(records: pd.DataFrame, secret: bytes) -> pd.DataFrame:
    """Records of two or more agencies sharing a valid NHS number or UPN but not a date of birth.

    One row per record involved; `dates_of_birth` is how many different dates the identifier's records carry.
    """
    found = []
    for column, conflict in (("nhs_number", "NHS_NUMBER_DOB"), ("upn", "UPN_DOB")):
        held = records.dropna(subset=[column, "dob"])
        by = held.groupby(column)
        spread = held.assign(agencies=by["agency"].transform("nunique"), dates_of_birth=by["dob"].transform("nunique"))
        clash = spread[(spread["agencies"] > 1) & (spread["dates_of_birth"] > 1)]
        if clash.empty:
            continue
        ids = {v: hmac.new(secret, f"{column}|{v}".encode(), hashlib.sha256).hexdigest()[:16]
               for v in clash[column].unique()}
        found.append(clash.assign(conflict=conflict, conflict_id=clash[column].map(ids)))
    if not found:
        return pd.DataFrame(columns=CONFLICT_COLUMNS)
    out = pd.concat(found, ignore_index=True)
    return out.sort_values(["conflict", "conflict_id", "source", "record_id"])[CONFLICT_COLUMNS].reset_index(drop=True)
