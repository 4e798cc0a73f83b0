"""How a person's details drift between systems: keying slips, nicknames, day/month swaps, an old address.

Used for police duplicate records and for the person records health, education and the tracker keep. A
variant is decided once per record in the world, so the same record reads the same in every period's file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.generate import identifiers, names
from synthetic.generate.calendar import NA_DAY, add_years_days, day_number, to_date


def typo(rng: np.random.Generator, name: str) -> str:
    """One keying slip: two letters swapped, one dropped, one doubled or a vowel changed (never empty)."""
    if len(name) < 4:
        return name + name[-1]
    i = int(rng.integers(1, len(name) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        out = name[:i] + name[i + 1] + name[i] + name[i + 2:]
    elif kind == 1:
        out = name[:i] + name[i + 1:]
    elif kind == 2:
        out = name[:i] + name[i] + name[i:]
    else:
        vowels = "aeiou"
        out = name[:i] + vowels[(vowels.find(name[i]) + 1) % 5 if name[i] in vowels else int(rng.integers(5))] \
            + name[i + 1:]
    return out if out != name else name + name[-1]


def nickname(rng: np.random.Generator, name: str) -> str:
    """A short form of a formal first name, or the name itself when it has none."""
    options = names.NICKNAMES.get(name)
    return options[int(rng.integers(len(options)))] if options else name


def swappable(day: int) -> bool:
    """True when swapping day and month gives a different real date."""
    if day == NA_DAY:
        return False
    d = to_date(day)
    return d.day <= 12 and d.day != d.month


def swap_day_month(day: int) -> int:
    """The date read month-first (3 April <-> 4 March)."""
    d = to_date(day)
    return day_number(d.replace(month=d.day, day=d.month))


# share of records with each kind of variant, per system
RATES = {
    "health": {"typo": 0.03, "nickname": 0.03, "swap": 0.006, "moved": 0.05},
    "school": {"typo": 0.01, "nickname": 0.04, "swap": 0.003, "moved": 0.0},
    "cme": {"typo": 0.06, "nickname": 0.02, "swap": 0.01, "moved": 0.10},
    "tracker": {"typo": 0.04, "nickname": 0.08, "swap": 0.01, "moved": 0.08},
}


def vary(rng: np.random.Generator, frame: pd.DataFrame, system: str, first_event: np.ndarray,
         last_event: np.ndarray) -> pd.DataFrame:
    """`frame` (first_name, last_name, dob, postcode) with the system's variants applied to some rows.

    A swapped date of birth is kept only if it stays on or before `first_event` and the person stays under 18
    on `last_event` when they were before, so a variant never turns a clean row into a rule failure.
    """
    out = frame.copy()
    rates = RATES[system]
    n = len(out)
    u = rng.random((n, 4))
    first = out["first_name"].to_numpy().copy()
    last = out["last_name"].to_numpy().copy()
    for i in np.flatnonzero(u[:, 0] < rates["typo"]):
        if rng.random() < 0.6:
            first[i] = typo(rng, first[i])
        else:
            last[i] = typo(rng, last[i])
    for i in np.flatnonzero(u[:, 1] < rates["nickname"]):
        first[i] = nickname(rng, first[i])
    dob = out["dob"].to_numpy().copy()
    for i in np.flatnonzero(u[:, 2] < rates["swap"]):
        if swappable(dob[i]):
            new = swap_day_month(dob[i])
            was_child = last_event[i] < add_years_days(np.array([dob[i]]), 18)[0]
            is_child = last_event[i] < add_years_days(np.array([new]), 18)[0]
            if new <= first_event[i] and (is_child or not was_child):
                dob[i] = new
    moved = u[:, 3] < rates["moved"]
    postcode = out["postcode"].to_numpy().copy()
    postcode[moved] = identifiers.postcodes(rng, int(moved.sum()))
    out["first_name"], out["last_name"], out["dob"], out["postcode"] = first, last, dob, postcode
    return out
