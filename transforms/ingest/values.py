"""Turn submitted cell values into canonical values: dates, codes, yes/no, NHS numbers, postcodes.

Each function maps a pandas Series of raw cell values (mixed Python objects) to a Series of canonical
strings, NA where the value cannot be understood. A column is encoded once (`Cells`): text cells go into one
Arrow array and are stripped, checked and tidied with Arrow's vectorised string kernels; the conversions that
need Python (dates, codes, check digits) run once per distinct value, so a column of a million rows with a few
thousand distinct dates costs a few thousand parses, and a column of a million distinct names costs no Python
call per cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype

from transforms.ingest import checkdigits
from transforms.ingest.codes import resolver

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
_TEXT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y", "%d %b %Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y",
                      "%d %B %Y", "%d-%B-%Y", "%Y-%b-%d", "%Y-%B-%d", "%Y/%m/%d", "%d-%b-%y", "%d %b %y")
# A time after a date (`10:30`, `10:30:15.5`, `10:30 AM`, `T10:30:00Z`, `+01:00`): dropped where the field is a date.
# The date and time are the ones written: a time zone never moves them to another day or hour.
_ZONE = r"(?:z|utc|gmt|bst|[+-]\d{2}:?\d{2})"
_TIME = re.compile(r"^(?P<date>.*?)(?:[ T]+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?"
                   r"\s*(?:(?P<half>[ap])\.?m\.?)?(?:\s*" + _ZONE + r")?|\s+" + _ZONE + r")$", re.I)
_PLAIN_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")  # an Excel serial typed as text, with or without a time fraction

# Every character Python's str.strip() and re's `\s` treat as whitespace (a test checks the list). Spelt out
# because Arrow's regex engine (RE2) reads `\s` as ASCII whitespace only, and without `\x0b`.
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
               "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_WHITESPACE_RUN = f"[{_WHITESPACE}]+"
_LONGEST_ERROR = max(len(error) for error in EXCEL_ERRORS)
_TEXT = pa.large_string()
_NUMBERS = {"integer", "floating", "mixed-integer-float", "boolean", "complex"}


def _tidy_text(text: str) -> tuple[str | None, bool]:
    """One text cell stripped (None when blank or an Excel error value), and whether it was an error value."""
    text = text.strip()
    error = text.upper() in EXCEL_ERRORS
    return (None if error or text == "" else text), error


def _text_cells(cells: np.ndarray) -> tuple[pa.Array, np.ndarray | None]:
    """The `str` cells as an Arrow array aligned with the rows (null elsewhere), and the rows holding a value that
    is neither text nor missing (None: there are none)."""
    if infer_dtype(cells, skipna=True) == "string":  # the usual column: text and blanks, checked in one pass
        try:
            return pa.array(cells, type=_TEXT, from_pandas=True), None
        except (UnicodeError, pa.ArrowException):
            pass
    is_text = np.fromiter(map(isinstance, cells, repeat(str)), dtype=bool, count=len(cells))
    try:
        texts = pa.array(cells, type=_TEXT, mask=~is_text)
    except UnicodeError:  # a lone surrogate, which UTF-8 cannot hold: such text goes the per-value way
        texts = pa.nulls(len(cells), _TEXT)
        is_text[:] = False
    return texts, ~is_text & ~pd.isna(cells)


def _strip(texts: pa.Array) -> pa.Array:
    return pc.utf8_trim(texts, characters=_WHITESPACE)


def _blank_or_error(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Per stripped text: (empty, an Excel error value such as `#N/A` in any case)."""
    lengths = pc.utf8_length(texts)
    blank = pc.fill_null(pc.equal(lengths, 0), False).to_numpy(zero_copy_only=False)
    error = np.zeros(len(texts), dtype=bool)
    # str.upper() never shortens text and upper-cases only '#' to '#': only short text starting '#' can match
    maybe = pc.fill_null(pc.and_(pc.starts_with(texts, "#"), pc.less_equal(lengths, _LONGEST_ERROR)), False)
    at = np.flatnonzero(maybe.to_numpy(zero_copy_only=False))
    if len(at):
        error[at] = [text.upper() in EXCEL_ERRORS for text in texts.take(pa.array(at)).to_pylist()]
    return blank, error


# Bytes that may start whitespace other than a single space: ASCII whitespace, and the UTF-8 lead bytes of
# U+0085 and U+00A0 (C2), U+1680 (E1), U+2000-U+205F (E2) and U+3000 (E3); over-inclusive, which only costs time.
_ODD_SPACE_BYTES = np.zeros(256, dtype=bool)
_ODD_SPACE_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 0xC2, 0xE1, 0xE2, 0xE3]] = True


def _may_need_collapsing(texts: pa.Array) -> np.ndarray:
    """Per text, whether it may hold a whitespace run or whitespace other than ' ' (read off the UTF-8 bytes)."""
    need = np.zeros(len(texts), dtype=bool)
    _, offsets_buffer, data_buffer = texts.buffers()
    if data_buffer is None or not len(texts):
        return need
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[texts.offset:texts.offset + len(texts) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0]:offsets[-1]]
    odd = _ODD_SPACE_BYTES[data]
    odd[:-1] |= (data[:-1] == 32) & (data[1:] == 32)
    need[np.searchsorted(offsets, np.flatnonzero(odd) + offsets[0], side="right") - 1] = True
    return need


def _collapse(texts: pa.Array) -> pa.Array:
    """`re.sub(r"\\s+", " ", text).strip()` of each text."""
    # the regex is by far the slowest step, and most text has single spaces only: run it where it can matter
    need = _may_need_collapsing(texts)
    collapsed = _strip(texts)
    if need.any():
        at = pa.array(np.flatnonzero(need))
        fixed = _strip(pc.replace_substring_regex(texts.take(at), _WHITESPACE_RUN, " "))
        collapsed = pc.replace_with_mask(collapsed, pa.array(need), fixed)
    return collapsed


def blank_to_na(values: pd.Series) -> pd.Series:
    """Empty strings, whitespace and Excel error values become NA; text is stripped; other values are kept as
    submitted (every missing marker becomes NA; numbers equal as numbers, 1 and 1.0, are read as one value)."""
    out = Cells(values).objects()
    # the dtype inference of Series.map, which this function used to call: all-number columns come back as one
    # number type, all-text columns with NaN for NA, and date-times as Timestamps
    if infer_dtype(out, skipna=False) in _NUMBERS:
        return pd.Series(out, index=values.index, name=values.name, dtype="object").infer_objects().astype("object")
    return pd.Series(out, index=values.index, name=values.name).astype("object")


def _keep_bools_apart(cells: np.ndarray, codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes with `True`/`False` apart from equal numbers, which pandas' hashing takes for one value (1 == True)."""
    suspect = np.flatnonzero((uniques == 0) | (uniques == 1))
    if not len(suspect):
        return codes, uniques
    rows = np.flatnonzero(np.isin(codes, suspect))
    kinds = pd.factorize(np.fromiter(map(type, cells[rows]), dtype=object, count=len(rows)))[0]
    pairs = pd.factorize(codes[rows] * (kinds.max() + 1) + kinds)[0]
    first = np.unique(pairs, return_index=True)[1]
    codes = codes.copy()
    codes[rows] = len(uniques) + pairs
    return codes, np.concatenate([uniques, cells[rows[first]]])


@dataclass(frozen=True)
class TextKernel:
    """What a per-value converter does to texts of one plain shape, done on a whole Arrow array at once: `kernel`
    must give exactly the converter's result for every text that fully matches `pattern` (an RE2 pattern, kept to
    ASCII so that its classes mean what Python's do)."""

    pattern: str
    kernel: Callable[[pa.Array], pa.Array]


class Cells:
    """A column of cell values encoded once: per row a code (-1: NA) into the column's distinct values.

    Text (`str`) values are held in one Arrow array and tidied with vectorised string kernels; other values
    (numbers, dates, bools) stay Python objects. With `clean`, the values are those `blank_to_na` gives (text
    stripped; blanks and Excel error text NA, marked in `errors`). With `distinct=False` text is not
    de-duplicated (cheaper when nearly every value differs and the text is only tidied, never parsed).
    """

    def __init__(self, values: pd.Series, *, clean: bool = True, distinct: bool = True):
        n = len(values)
        self.index = values.index
        self.errors = np.zeros(n, dtype=bool)  # per row: Excel error text (cleaned columns only)
        cells = values.to_numpy(dtype=object)
        texts, other_rows = _text_cells(cells)
        if clean:
            texts = _strip(texts)
        if distinct:
            encoded = texts.dictionary_encode()
            codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
            texts = encoded.dictionary
        else:
            codes = np.arange(n, dtype=np.int64)
            if texts.null_count:
                codes[texts.is_null().to_numpy(zero_copy_only=False)] = -1
        if clean:
            blank, error = _blank_or_error(texts)
            gone = blank | error
            if gone.any():
                texts = pc.if_else(pa.array(gone), pa.scalar(None, _TEXT), texts)
                self.errors = (codes >= 0) & error[codes]
                codes[(codes >= 0) & gone[codes]] = -1
        self.codes = codes
        self._texts = texts
        # without de-duplication and other values, the texts are the rows (null where NA): no lookup by code needed
        self._aligned = not distinct
        self._others = np.empty(0, dtype=object)
        if other_rows is None or not other_rows.any():
            return
        self._aligned = False
        rows = np.flatnonzero(other_rows)
        other_cells = cells[rows]
        other_codes, others = pd.factorize(other_cells)
        other_codes, others = _keep_bools_apart(other_cells, other_codes, others)
        if clean:
            other_codes, others = self._clean_others(rows, other_codes, others)
        self.codes[rows] = np.where(other_codes < 0, -1, len(texts) + other_codes)
        self._others = others

    def _clean_others(self, rows: np.ndarray, codes: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`blank_to_na` of the distinct other values: only `str` ones (those Arrow could not hold) change."""
        at = np.flatnonzero(np.fromiter(map(isinstance, others, repeat(str)), dtype=bool, count=len(others)))
        if not len(at):
            return codes, others
        others = others.copy()
        gone = np.zeros(len(others), dtype=bool)
        error = np.zeros(len(others), dtype=bool)
        for i in at:
            others[i], error[i] = _tidy_text(others[i])
            gone[i] = others[i] is None
        self.errors[rows] |= error[codes]
        return np.where(gone[codes], -1, codes), others

    def objects(self) -> np.ndarray:
        """Each row's value as a Python object (text as `str`, other values as submitted), pd.NA where NA."""
        distinct = np.empty(len(self._texts) + len(self._others), dtype=object)
        distinct[:len(self._texts)] = self._texts.to_pylist()
        distinct[len(self._texts):] = self._others
        out = np.full(len(self.codes), pd.NA, dtype=object)
        present = self.codes >= 0
        out[present] = distinct[self.codes[present]]
        return out

    def blank(self, rows: np.ndarray) -> None:
        """Make the cells of `rows` (a boolean mask) NA, as if they had been left blank."""
        if not rows.any():
            return
        self.codes[rows] = -1
        if self._aligned:
            self._texts = pc.if_else(pa.array(rows), pa.scalar(None, _TEXT), self._texts)

    def _convert_texts(self, convert: Callable[[object], str | None], at_once: TextKernel | None) -> pa.Array:
        """`convert` of each distinct text; those `at_once` covers, by its kernel in one pass."""
        if at_once is None:
            return pa.array([None if value is None else convert(value) for value in self._texts.to_pylist()],
                            type=_TEXT)
        covered = pc.fill_null(pc.match_substring_regex(self._texts, at_once.pattern), False)
        results = pc.if_else(covered, at_once.kernel(self._texts), pa.scalar(None, _TEXT)).cast(_TEXT)
        rest = np.flatnonzero(~covered.to_numpy(zero_copy_only=False) & self._texts.is_valid().to_numpy(
            zero_copy_only=False))
        if not len(rest):
            return results
        done = results.to_numpy(zero_copy_only=False).astype(object)
        for i, value in zip(rest, self._texts.take(pa.array(rest)).to_pylist(), strict=True):
            done[i] = convert(value)
        return pa.array(done, type=_TEXT, from_pandas=True)

    def convert(self, convert: Callable[[object], str | None] | None = None,
                at_once: TextKernel | None = None) -> pd.Series:
        """`convert` of each value (None: `to_text`) as a `str` Series, called once per distinct value; texts that
        fully match `at_once`'s pattern are converted by its kernel instead, all in one pass."""
        if convert is None:
            texts = _collapse(self._texts)
            others = [None if value is None else text_of(value) for value in self._others]
        else:
            texts = self._convert_texts(convert, at_once)
            others = [None if value is None else convert(value) for value in self._others]
        if self._aligned:
            taken = texts
        else:
            results = pa.concat_arrays([texts, pa.array(others, type=_TEXT)])
            taken = results.take(pa.array(self.codes, mask=self.codes < 0))
        return pd.Series(pd.array(taken, dtype="str"), index=self.index)


def per_distinct(values: pd.Series, convert: Callable[[object], str | None],
                 at_once: TextKernel | None = None) -> pd.Series:
    """`convert` of each value as a `str` Series (NA stays NA), called once per distinct value (or, for texts
    matching `at_once`'s pattern, by its kernel in one pass)."""
    return Cells(values, clean=False).convert(convert, at_once)


def date_of(value: object) -> str | None:
    """`to_date` of one value."""
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
    plain = _PLAIN_DATE.fullmatch(text)
    if plain:  # the usual cell, read without trying every style (`2024-04-03`, `03/04/2024`)
        parts = ("y", "m", "d") if plain["y"] else ("y2", "m2", "d2")
        year, month, day = (int(plain[part]) for part in parts)
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    if _SERIAL.fullmatch(text):
        return date_of(float(text))
    timed = _TIME.match(text)
    text = timed.group("date").strip() if timed else text
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def to_date(values: pd.Series) -> pd.Series:
    """ISO `YYYY-MM-DD` strings from date cells, Excel serials and day-first text; NA if unreadable."""
    return per_distinct(values, date_of)


def code_converter(codes: dict[str, tuple[str, ...]], headers: tuple[str, ...] = ()) -> Callable[[object], str | None]:
    """`to_code` of one value, for the code list `codes` (every export style: `transforms/ingest/codes.py`);
    `headers`: the column's name and aliases."""
    return resolver(codes, headers)


def to_code(values: pd.Series, codes: dict[str, tuple[str, ...]]) -> pd.Series:
    """Canonical codes; NA where the value is not in the list."""
    return per_distinct(values, code_converter(codes))


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus-11 check of a 10-digit NHS number (ASCII digits: `checkdigits` checks whole columns the same way)."""
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def nhs_number_text(value: object) -> str:
    """An NHS number as written, spaces and hyphens removed; not yet checked."""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return re.sub(r"[\s-]", "", text)


def valid_nhs_numbers(texts: pd.Series) -> pd.Series:
    """`nhs_number_text` results with those failing the check digit made NA (the whole column at once)."""
    return texts.where(checkdigits.nhs_numbers_valid(texts))


# digits, spaces and hyphens only: `nhs_number_text` just drops the spaces and hyphens
_NHS_PLAIN = TextKernel(r"^[0-9 -]*$", lambda texts: pc.replace_substring_regex(texts, "[ -]", ""))


def to_nhs_number(values: pd.Series) -> pd.Series:
    """10-digit NHS numbers passing the check digit; NA otherwise."""
    return valid_nhs_numbers(per_distinct(values, nhs_number_text, _NHS_PLAIN))


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def postcode_of(value: object) -> str | None:
    """`to_postcode` of one value."""
    match = _POSTCODE.match(re.sub(r"\s", "", str(value).upper()))
    return f"{match.group(1)} {match.group(2)}" if match else None


def _postcodes_at_once(texts: pa.Array) -> pa.Array:
    compact = pc.ascii_upper(pc.replace_substring(texts, " ", ""))
    spaced = pc.binary_join_element_wise(pc.utf8_slice_codeunits(compact, 0, -3),
                                         pc.utf8_slice_codeunits(compact, -3), pa.scalar(" ", compact.type))
    return pc.if_else(pc.match_substring_regex(compact, _POSTCODE.pattern), spaced, pa.scalar(None, spaced.type))


# ASCII letters, digits and spaces only: `postcode_of` drops the spaces, upper-cases and checks the shape
_POSTCODE_PLAIN = TextKernel(r"^[A-Za-z0-9 ]*$", _postcodes_at_once)


def to_postcode(values: pd.Series) -> pd.Series:
    """UK postcodes in upper case with one space; NA if not a UK postcode shape."""
    return per_distinct(values, postcode_of, _POSTCODE_PLAIN)


def int_of(value: object) -> str | None:
    """`to_int` of one value."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return str(int(number)) if number.is_integer() else None


def to_int(values: pd.Series) -> pd.Series:
    """Whole numbers as text (portable); NA if not a whole number."""
    return per_distinct(values, int_of)


def text_of(value: object) -> str:
    """`to_text` of one value."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return re.sub(r"\s+", " ", str(value)).strip()


def to_text(values: pd.Series) -> pd.Series:
    """Text with surrounding spaces removed; whole-number floats written without `.0` (ids typed as numbers)."""
    # nearly every value of an id or name column is distinct: tidying each row beats de-duplicating first
    return Cells(values, clean=False, distinct=False).convert()


def datetime_of(value: object) -> str | None:
    """`to_datetime` of one value."""
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
    if _SERIAL.fullmatch(text):
        return datetime_of(float(text))
    timed = _TIME.match(text)
    day = date_of(timed.group("date") if timed else text)
    if day is None:
        return None
    if not timed or timed.group("hour") is None:
        return f"{day}T00:00"
    hour, minute = int(timed.group("hour")), int(timed.group("minute"))
    half = (timed.group("half") or "").lower()
    if half and not 1 <= hour <= 12:
        return None
    hour = hour % 12 + (12 if half == "p" else 0) if half else hour
    return f"{day}T{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def to_datetime(values: pd.Series) -> pd.Series:
    """ISO `YYYY-MM-DDTHH:MM` strings (midnight when only a date was given); NA if unreadable."""
    return per_distinct(values, datetime_of)


UPN_LETTERS = checkdigits.UPN_LETTERS


def upn_is_valid(upn: str) -> bool:
    """DfE check letter of a 13-character UPN (permanent UPNs: 12 digits after the letter)."""
    if not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", upn):
        return False
    last = upn[12]
    values_ = [int(c) for c in upn[1:12]] + [int(last) if last.isdigit() else UPN_LETTERS.find(last)]
    if values_[-1] < 0:
        return False
    total = sum(v * w for v, w in zip(values_, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23] == upn[0]


def upn_text(value: object) -> str:
    """A UPN as written, in upper case without spaces; not yet checked."""
    return re.sub(r"\s", "", str(value)).upper()


def valid_upns(texts: pd.Series) -> pd.Series:
    """`upn_text` results with those failing the check letter made NA (the whole column at once)."""
    return texts.where(checkdigits.upns_valid(texts))


# ASCII letters, digits and spaces only: `upn_text` just drops the spaces and upper-cases
_UPN_PLAIN = TextKernel(r"^[A-Za-z0-9 ]*$", lambda texts: pc.ascii_upper(pc.replace_substring(texts, " ", "")))


def to_upn(values: pd.Series) -> pd.Series:
    """Upper-case UPNs passing the DfE check letter; NA otherwise."""
    return valid_upns(per_distinct(values, upn_text, _UPN_PLAIN))
