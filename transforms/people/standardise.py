"""Standardise person records before matching: names, dates of birth, sex, postcodes, addresses, NHS numbers, UPNs.

Input: one row per record with `source`, `record_id` and whichever person columns the return has (`first_name`,
`last_name`, `date_of_birth`, `sex`, `postcode`, `nhs_number`, `upn`, `address_line`, `pnc_id`, `agency`, and in a
file given to `assure link`, `other_id`: another personal identifier its sources share, such as a national insurance
or social security number). Raw
values are accepted (the `values` module reads them), so a file given to `assure link` and the staging tables of the
warehouse go through the same code. Output: the columns in `COLUMNS`, one row per (source, record_id).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas import codes
from transforms.ingest import values
from transforms.people.names import canonical_forms

KEY = ["source", "record_id"]
# What the matcher sees of a record. `agency_ref` is the agency's own person id for records that carry one (the
# police PNC id; a pupil's UPN within education): two records of one agency with the same ref are one person.
COLUMNS = ["source", "record_id", "agency", "first_name", "first_canon", "last_name", "dob", "birth_year", "sex",
           "postcode", "postcode_sector", "postcode_district", "address", "nhs_number", "upn", "agency_ref", "other_id"]
RAW_COLUMNS = ("first_name", "last_name", "date_of_birth", "sex", "postcode", "nhs_number", "upn", "address_line",
               "pnc_id", "agency", "other_id")
EARLIEST_BIRTH = "1901-01-01"  # 1 January 1900 and anything before it is a placeholder, not a birth
DUMMY_NHS_NUMBERS = [digit * 10 for digit in "0123456789"]  # 0000000000 ... 9999999999: a placeholder, not a number


def _plain_letters(value: object) -> str | None:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().upper()
    text = re.sub(r"[^A-Z]", "", text)
    return text or None


def standard_name(names: pd.Series) -> pd.Series:
    """Upper-case ASCII letters only (`O'Neil-Smith ` -> `ONEILSMITH`, `Zoë` -> `ZOE`); NA when nothing is left."""
    return values.per_distinct(names, _plain_letters)


def first_name_canon(first: pd.Series) -> pd.Series:
    """The formal name a standardised first name stands for (TOMMY -> THOMAS); the name itself otherwise."""
    return first.map(canonical_forms()).fillna(first).astype("str")


def standard_dob(dates: pd.Series, iso: pd.Series | None = None) -> pd.Series:
    """ISO dates of birth, NA when unreadable or a placeholder (1 January 1900 or earlier).

    A 1 January birthday is also how systems record "year known, day not" (children arriving from abroad are often
    given one), so those keep their year in `birth_year` but count as an unknown date. `iso`: the dates already
    read with `values.to_date`, when the caller has them.
    """
    iso = values.to_date(dates) if iso is None else iso
    return iso.where(iso.isna() | ((iso >= EARLIEST_BIRTH) & ~iso.str.endswith("-01-01")))


def standard_nhs_number(numbers: pd.Series) -> pd.Series:
    """Valid NHS numbers (modulus 11); NA otherwise, and for dummy numbers of one repeated digit (0000000000)."""
    valid = values.to_nhs_number(numbers)
    return valid.where(~valid.isin(DUMMY_NHS_NUMBERS))


def _identifier_as_written(value: object) -> str | None:
    text = re.sub(r"[^A-Z0-9]", "", str(value).upper())
    # shorter than four characters, or one character repeated (000000), is a placeholder, not a person's number
    return text if len(text) >= 4 and len(set(text)) > 1 else None


def standard_other_id(identifiers: pd.Series) -> pd.Series:
    """Another personal identifier (a national insurance or social security number) as upper-case letters and digits
    (`ab 12 34 56 c` -> `AB123456C`). It has no check digit this project knows, so it is compared as written: NA for
    placeholders (fewer than four characters, one character repeated)."""
    return values.per_distinct(identifiers, _identifier_as_written)


def _postcode_as_written(value: object) -> str | None:
    text = re.sub(r"[^A-Z0-9]", "", str(value).upper())
    return text if 3 <= len(text) <= 10 and any(c.isdigit() for c in text) else None


def other_postcode(postcodes: pd.Series) -> pd.Series:
    """A postcode that is not a UK one (an address abroad, a shape mistyped), compacted as written (`2615`,
    `75 008` -> `75008`): two records holding the same one still share a place, though it has no sector or district.
    Values without a digit or of a length no postal code has are NA."""
    return values.per_distinct(postcodes, _postcode_as_written)


def standard_address(lines: pd.Series) -> pd.Series:
    """Upper case, letters and digits separated by single spaces (`12,  Oak Rd.` -> `12 OAK RD`)."""
    return values.per_distinct(lines, lambda v: re.sub(r"[^A-Z0-9]+", " ", str(v).upper()).strip() or None)


def _first_row_of_each_key(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows in (source, record_id) order, each key once (its first row), none without a record id; and for
    every input row, the position of its key's row in that result (-1 without a record id).

    Sorting the raw rows before reading them, not the results after, moves fewer columns; equal keys sit side by
    side once sorted, so their first row is found without hashing a million keys.
    """
    source, record = (pa.array(frame[c].astype("str"), type=pa.large_string(), from_pandas=True) for c in KEY)
    rows = np.flatnonzero(record.is_valid().to_numpy(zero_copy_only=False))
    keys = pa.table({"source": source.take(rows), "record_id": record.take(rows)})
    # a stable sort: of the rows with one key, the first stays first
    position = pc.sort_indices(keys, sort_keys=[(c, "ascending") for c in KEY]).to_numpy()
    source, record = (keys[c].take(position).to_numpy() for c in KEY)
    repeated = np.zeros(len(position), dtype=bool)
    repeated[1:] = (source[1:] == source[:-1]) & (record[1:] == record[:-1])
    row_of_input = np.full(len(frame), -1, dtype=np.int64)
    row_of_input[rows[position]] = np.cumsum(~repeated) - 1
    return frame.take(rows[position][~repeated]).reset_index(drop=True), row_of_input


def standardise(raw: pd.DataFrame) -> pd.DataFrame:
    """The records in matching form (`COLUMNS`, plus `person_id` when given), one row per (source, record_id).

    Records without a record id are dropped; a record named by several rows (a pupil with several suspensions) is
    kept once, with its first row's details. Rows come out in (source, record_id) order.
    """
    return standardise_rows(raw)[0]


def standardise_rows(raw: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """`standardise(raw)`, and for each row of `raw` the position of its record in the result (-1 for a row
    without a record id): what joins a result per record back onto the input rows without matching keys as text."""
    frame = raw.copy()
    for column in RAW_COLUMNS:
        if column not in frame:
            frame[column] = pd.NA
    frame["record_id"] = frame["record_id"].astype("str").str.strip().replace("", pd.NA)
    frame, row_of_input = _first_row_of_each_key(frame)
    out = pd.DataFrame({"source": frame["source"].astype("str"), "record_id": frame["record_id"]})
    out["agency"] = frame["agency"].astype("str").fillna(out["source"])
    out["first_name"] = standard_name(frame["first_name"])
    out["first_canon"] = first_name_canon(out["first_name"])
    out["last_name"] = standard_name(frame["last_name"])
    iso = values.to_date(frame["date_of_birth"])
    out["dob"] = standard_dob(frame["date_of_birth"], iso)
    year = pc.utf8_slice_codeunits(pa.array(iso.where(iso >= EARLIEST_BIRTH), type=pa.string(), from_pandas=True), 0, 4)
    out["birth_year"] = pd.array(pc.cast(year, pa.int64()), dtype="Int64")  # one Arrow pass, not a parse per value
    sex = values.to_code(frame["sex"], codes.SEX)
    out["sex"] = sex.where(sex.isin(["M", "F"]))  # U says nothing about the person
    postcode = values.to_postcode(frame["postcode"])
    out["postcode_sector"] = postcode.str.slice(0, -2)
    # (partition of no rows is a frame without columns: an incremental run may have no record to standardise)
    out["postcode_district"] = postcode.str.partition(" ")[0] if len(postcode) else postcode
    # only a value that is not a UK postcode is read again, as written
    out["postcode"] = postcode.fillna(other_postcode(frame["postcode"].where(postcode.isna())))
    out["address"] = standard_address(frame["address_line"])
    out["nhs_number"] = standard_nhs_number(frame["nhs_number"])
    out["upn"] = values.to_upn(frame["upn"])
    out["other_id"] = standard_other_id(frame["other_id"])
    pnc = frame["pnc_id"].astype("str").str.upper().str.replace(r"[^A-Z0-9/]", "", regex=True).replace("", pd.NA)
    out["agency_ref"] = pnc.where(out["agency"] == "police", out["upn"].where(out["agency"] == "education"))
    if "person_id" in frame:
        out["person_id"] = frame["person_id"].astype("str")
    return out, row_of_input
