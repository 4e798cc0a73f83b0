"""Synthetic identifiers with real check digits: NHS numbers, UPNs, postcodes, agency record ids.

NHS numbers are drawn from the 999 range the NHS reserves for test patients, so none can belong to a
real person; UPNs use local authority code 334 with a DfE check letter.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

NHS_WEIGHTS = np.arange(10, 1, -1)  # weights 10..2 on the first nine digits
UPN_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))  # DfE check letters for remainders 0..22
POSTCODE_DISTRICTS = ("B90", "B91", "B92", "B93", "B94", "B36", "B37")
DISTRICT_WEIGHTS = (0.17, 0.17, 0.17, 0.08, 0.06, 0.15, 0.20)
# Inward-code letters never include C, I, K, M, O or V.
INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
LA_CODE = "334"


def nhs_check_digit(first_nine: np.ndarray) -> np.ndarray:
    """Modulus-11 check digit for rows of nine digits; 10 means no valid number exists with that stem."""
    remainder = (first_nine * NHS_WEIGHTS).sum(axis=1) % 11
    check = 11 - remainder
    return np.where(check == 11, 0, check)


def nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct valid NHS numbers (10-digit strings) in the 999 test range, in random order."""
    ok, check = _test_range()
    if n > ok.size:
        raise ValueError("more NHS numbers requested than the test range holds")
    pick = rng.choice(ok, size=n, replace=False)  # without replacement: distinct numbers
    numbers = 9_990_000_000 + pick * 10 + check[pick]
    return numbers.astype(str).astype(object)


@lru_cache(maxsize=1)
def _test_range() -> tuple[np.ndarray, np.ndarray]:
    """The six-digit stems after 999 that have a check digit, and every stem's check digit."""
    stems = np.arange(10**6)
    digits = (stems[:, None] // 10 ** np.arange(5, -1, -1)) % 10
    check = nhs_check_digit(np.concatenate([np.full((stems.size, 3), 9), digits], axis=1))
    return np.flatnonzero(check != 10), check


def break_nhs_check_digit(rng: np.random.Generator, numbers: list[str]) -> list[str]:
    """The same numbers with the last digit replaced so the modulus-11 check fails."""
    out = []
    for number in numbers:
        stem = np.array([int(c) for c in number[:9]])[None, :]
        valid = int(nhs_check_digit(stem)[0])
        wrong = [d for d in range(10) if d != valid]
        out.append(number[:9] + str(wrong[int(rng.integers(len(wrong)))]))
    return out


def nhs_valid(number: str) -> bool:
    """True for a 10-digit string whose modulus-11 check digit is right."""
    if len(number) != 10 or not number.isdigit():
        return False
    check = int(nhs_check_digit(np.array([[int(c) for c in number[:9]]]))[0])
    return check != 10 and check == int(number[9])


def upns(rng: np.random.Generator, n: int, entry_years: np.ndarray) -> np.ndarray:
    """`n` distinct UPNs: check letter + LA 334 + school (4 digits) + year allocated (2 digits) + serial (3)."""
    # the nine digits after the LA code, unique across the batch
    tail = (rng.integers(2000, 5000, n) * 10**5 + (np.asarray(entry_years) % 100) * 1000
            + rng.integers(0, 1000, n)).astype(np.int64)
    while n:
        # sort-based clash detection (numpy's hash-based unique is slow on a million int64s)
        order = np.argsort(tail, kind="stable")
        ordered = tail[order]
        clash = order[np.flatnonzero(ordered[1:] == ordered[:-1]) + 1]
        if clash.size == 0:
            break
        tail[clash] = (tail[clash] // 1000) * 1000 + rng.integers(0, 1000, clash.size)
    digits = np.concatenate([np.tile(np.array([3, 3, 4]), (n, 1)),
                             (tail[:, None] // 10 ** np.arange(8, -1, -1)) % 10], axis=1)
    letters = UPN_LETTERS[(digits * np.arange(2, 14)).sum(axis=1) % 23]
    bodies = np.char.add(LA_CODE, np.char.zfill(tail.astype(str), 9))
    return np.char.add(letters, bodies).astype(object)


def upn_check_letter(body: str) -> str:
    """DfE check letter for the 12 characters after it: sum of character values x weights 2..13, mod 23."""
    total = sum(int(ch) * weight for ch, weight in zip(body, range(2, 14), strict=True))
    return str(UPN_LETTERS[total % 23])


def postcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` UK-format postcodes in the borough's districts, e.g. `B91 3QT` (canonical: upper case, one space)."""
    district = rng.choice(np.array(POSTCODE_DISTRICTS), size=n, p=np.array(DISTRICT_WEIGHTS))
    sector = rng.integers(1, 10, size=n).astype(str)
    letters = rng.choice(INWARD_LETTERS, size=(n, 2))
    return np.array([f"{d} {s}{a}{b}" for d, s, (a, b) in zip(district, sector, letters, strict=True)], dtype=object)


def unique_numbers(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """`n` distinct integers in [low, high), in random order (record ids that do not leak a sequence)."""
    if high - low < n:
        raise ValueError("id range too small")
    picked = np.unique(rng.integers(low, high, size=int(n * 1.3) + 8))
    while picked.size < n:
        picked = np.unique(np.concatenate([picked, rng.integers(low, high, size=n)]))
    picked = rng.permutation(picked)[:n]
    return picked


def yearly_ids(days: np.ndarray, template: str) -> list[str]:
    """Record ids numbered from 1 within each calendar year, in row order: `template` uses {y}, {yy} and {n}."""
    from synthetic.generate.calendar import year_of

    year = year_of(days)
    order = np.argsort(year, kind="stable")
    seq = np.empty(len(year), dtype=np.int64)
    sorted_year = year[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_year)) + 1] if len(year) else np.array([], dtype=np.int64)
    counts = np.diff(np.r_[starts, len(year)])
    seq[order] = np.arange(len(year)) - np.repeat(starts, counts) + 1
    return [template.format(y=y, yy=y % 100, n=s) for y, s in zip(year.tolist(), seq.tolist(), strict=True)]
