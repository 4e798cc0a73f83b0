"""Check digits of NHS numbers and UPNs for a whole column at once (numpy), not one value at a time.

A region's person index holds hundreds of thousands of distinct NHS numbers and UPNs; checking each in Python
was a quarter of the reconciliation stage. The rules are those of `values.nhs_number_is_valid` and
`values.upn_is_valid`, which stay the reference (the tests compare the two on every kind of value).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_NHS_WEIGHTS = np.arange(10, 1, -1)
_UPN_WEIGHTS = np.arange(2, 14)
# A-Z as a UPN check character: its place in UPN_LETTERS, or -1 for the letters a UPN never uses (I, O, S)
_LETTER_VALUE = np.array([UPN_LETTERS.find(chr(c)) for c in range(ord("A"), ord("Z") + 1)])


def _chars(texts: pd.Series, width: int) -> np.ndarray:
    """Fixed-width ASCII texts as an (n, width) array of byte values."""
    joined = "".join(texts.tolist()).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, width).astype(np.int64)


def nhs_numbers_valid(texts: pd.Series) -> pd.Series:
    """True where the text is 10 digits whose modulus-11 check digit is right."""
    texts = texts.astype("str")
    shaped = texts.str.fullmatch(r"[0-9]{10}").fillna(False).astype(bool)
    result = pd.Series(False, index=texts.index)
    if shaped.any():
        digits = _chars(texts[shaped], 10) - ord("0")
        check = 11 - (digits[:, :9] @ _NHS_WEIGHTS) % 11
        check = np.where(check == 11, 0, check)
        result[shaped] = (check != 10) & (check == digits[:, 9])
    return result


def upns_valid(texts: pd.Series) -> pd.Series:
    """True where the text is a 13-character UPN whose check letter is right."""
    texts = texts.astype("str")
    shaped = texts.str.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]").fillna(False).astype(bool)
    result = pd.Series(False, index=texts.index)
    if shaped.any():
        chars = _chars(texts[shaped], 13)
        last = chars[:, 12]
        last_value = np.where(last <= ord("9"), last - ord("0"), _LETTER_VALUE[np.clip(last - ord("A"), 0, 25)])
        numbers = np.column_stack([chars[:, 1:12] - ord("0"), last_value])
        total = numbers @ _UPN_WEIGHTS
        letters = np.frombuffer(UPN_LETTERS.encode("ascii"), dtype=np.uint8)[total % 23]
        result[shaped] = (last_value >= 0) & (letters == chars[:, 0])
    return result
