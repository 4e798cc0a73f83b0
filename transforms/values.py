"""Turn submitted cell values into canonical values: dates, codes, yes/no, NHS numbers, postcodes.

Each function maps a pandas Series of raw cell values (mixed Python objects) to a Series of canonical
strings, NA where the value cannot be understood. Work is done once per distinct value, so a column of a
million rows with a few thousand distinct dates costs a few thousand parses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pandas as pd

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
_TEXT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y", "%d %b %Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y",
                      "%d %B %Y", "%d-%B-%Y")


def blank_to_na(values: pd.Series) -> pd.Series:
    """Empty strings, whitespace and Excel error values become NA; other values are kept as submitted."""
    def clean(value: object) -> object:
        if value is None:
            return pd.NA
        if isinstance(value, str):
            text = value.strip()
            return pd.NA if text == "" or text.upper() in EXCEL_ERRORS else text
        if isinstance(value, float) and value != value:
            return pd.NA
        return value

    return values.map(clean).astype("object")


def _per_distinct(values: pd.Series, convert: Callable[[object], str | None]) -> pd.Series:
    present = values.dropna()
    lookup = {v: convert(v) for v in pd.unique(present)}
    out = pd.Series(pd.NA, index=values.index, dtype="str")
    if len(present):
        out.loc[present.index] = present.map(lookup)
    return out.astype("str")


def _date(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if 1 <= value < 2958466:  # Excel serial numbers up to 9999-12-31
            return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        return None
    text = str(value).strip()
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)  # times are dropped where the field is a date
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _date(float(text))
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def to_date(values: pd.Series) -> pd.Series:
    """ISO `YYYY-MM-DD` strings from date cells, Excel serials and day-first text; NA if unreadable."""
    return _per_distinct(values, _date)


def code_key(text: object) -> str:
    """A code or label as compared: lower case, single spaces, Annex A `q) ` letter prefix removed."""
    key = re.sub(r"\s+", " ", str(text).strip().lower())
    if isinstance(text, float) and float(text).is_integer():
        key = str(int(text))
    return re.sub(r"^[a-z]{1,2}\)\s*", "", key)


def code_lookup(codes: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every accepted spelling (code, label, synonym, `code: label`) -> canonical code."""
    lookup: dict[str, str] = {}
    for code, labels in codes.items():
        for spelling in (code, *labels):
            lookup[code_key(spelling)] = code
            lookup[code_key(spelling).replace("_", " ")] = code
        for label in labels:
            lookup[code_key(f"{code}: {label}")] = code
    return lookup


def to_code(values: pd.Series, codes: dict[str, tuple[str, ...]]) -> pd.Series:
    """Canonical codes; NA where the value is not in the list."""
    lookup = code_lookup(codes)

    def convert(value: object) -> str | None:
        key = code_key(value)
        if key in lookup:
            return lookup[key]
        head = key.split(":", 1)[0].strip()  # `6: Police` style with an unlisted label
        return lookup.get(head) if ":" in key else None

    return _per_distinct(values, convert)


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus-11 check of a 10-digit NHS number."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def to_nhs_number(values: pd.Series) -> pd.Series:
    """10-digit NHS numbers passing the check digit; NA otherwise."""
    def convert(value: object) -> str | None:
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        digits = re.sub(r"[\s-]", "", text)
        return digits if nhs_number_is_valid(digits) else None

    return _per_distinct(values, convert)


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def to_postcode(values: pd.Series) -> pd.Series:
    """UK postcodes in upper case with one space; NA if not a UK postcode shape."""
    def convert(value: object) -> str | None:
        match = _POSTCODE.match(re.sub(r"\s", "", str(value).upper()))
        return f"{match.group(1)} {match.group(2)}" if match else None

    return _per_distinct(values, convert)


def to_int(values: pd.Series) -> pd.Series:
    """Whole numbers as text (portable); NA if not a whole number."""
    def convert(value: object) -> str | None:
        try:
            number = float(str(value).strip())
        except ValueError:
            return None
        return str(int(number)) if number.is_integer() else None

    return _per_distinct(values, convert)


def to_text(values: pd.Series) -> pd.Series:
    """Text with surrounding spaces removed; whole-number floats written without `.0` (ids typed as numbers)."""
    def convert(value: object) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()[:10]
        return re.sub(r"\s+", " ", str(value)).strip()

    return _per_distinct(values, convert)


def _datetime(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat(timespec="minutes")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).replace(
                second=0, microsecond=0).isoformat(timespec="minutes")
        return None
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M",
                "%d/%m/%Y %H:%M:%S", "%d-%b-%Y %H:%M"):
        try:
            return dt.datetime.strptime(text, fmt).isoformat(timespec="minutes")
        except ValueError:
            continue
    day = _date(text)
    return f"{day}T00:00" if day else None


def to_datetime(values: pd.Series) -> pd.Series:
    """ISO `YYYY-MM-DDTHH:MM` strings (midnight when only a date was given); NA if unreadable."""
    return _per_distinct(values, _datetime)


UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_is_valid(upn: str) -> bool:
    """DfE check letter of a 13-character UPN (permanent UPNs: 12 digits after the letter)."""
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn):
        return False
    last = upn[12]
    values_ = [int(c) for c in upn[1:12]] + [int(last) if last.isdigit() else UPN_LETTERS.find(last)]
    if values_[-1] < 0:
        return False
    total = sum(v * w for v, w in zip(values_, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23] == upn[0]


def to_upn(values: pd.Series) -> pd.Series:
    """Upper-case UPNs passing the DfE check letter; NA otherwise."""
    def convert(value: object) -> str | None:
        upn = re.sub(r"\s", "", str(value)).upper()
        return upn if upn_is_valid(upn) else None

    return _per_distinct(values, convert)
