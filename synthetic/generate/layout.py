"""Messy but readable layouts: headers picked from the contracts' aliases, values in the styles agencies use.

Every choice is drawn from the generator passed in, so a seed fixes the layout. Headers always normalise to
exactly one column of their contract, and every value style is one the contract's code list (or the
design's reading rules) says maps back to the canonical value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from schemas import codes
from schemas.contract import TableContract, normalise_header
from synthetic.generate.calendar import EXCEL_EPOCH_OFFSET, NA_DAY

MONTHS = np.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
DATE_PROFILES = (  # share of cells per date style: real date cell, DD/MM/YYYY text, YYYY-MM-DD text, DD-Mon-YYYY
    (0.92, 0.05, 0.02, 0.01),
    (0.76, 0.14, 0.06, 0.04),
    (0.97, 0.02, 0.01, 0.00),
)
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

# Ofsted's Annex A template letters its drop-downs; the referral source list predates 5D (early help),
# which sits at the end, so `6` is `q) 6: Police`.
ANNEX_SOURCE_ORDER = [c for c in codes.CIN_SOURCE if c != "5D"] + ["5D"]


@dataclass
class Cells:
    """One column ready to write: header text, one value per row (str, float or None) and a number format."""

    header: str
    values: list
    number_format: str | None = None


def choose_header(rng: np.random.Generator, contract: TableContract, name: str, annex: bool) -> str:
    """A header for column `name`: its canonical name or an alias, in a varied case and spacing."""
    column = contract.column(name)
    others = {k for c in contract.columns if c.name != name for k in c.header_keys}
    candidates = [h for h in (*column.aliases, column.name) if normalise_header(h) not in others]
    if annex and column.aliases:
        # Annex A workbooks mostly keep the Ofsted template's wording (the first alias)
        weights = np.array([0.7] + [0.25 / max(1, len(candidates) - 2)] * (len(candidates) - 2) + [0.05])
        weights = weights[: len(candidates)]
    else:
        weights = np.ones(len(candidates))
    header = candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))]
    header = _restyle(rng, header)
    assert normalise_header(header) in column.header_keys
    return header


def _restyle(rng: np.random.Generator, header: str) -> str:
    """Same header, different case/spacing/punctuation (all ignored by the reader)."""
    u = rng.random()
    if u < 0.55:
        out = header
    elif u < 0.65:
        out = header.upper()
    elif u < 0.75:
        out = header.lower()
    elif u < 0.85:
        out = re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")
    else:
        out = header.title() if not re.search(r"[a-z]\.[a-z]", header.lower()) else header
    if len(out) > 24 and " " in out.strip() and rng.random() < 0.3:
        # a wrapped header cell: a line break at the middle space
        spaces = [m.start() for m in re.finditer(" ", out.strip())]
        cut = spaces[len(spaces) // 2]
        out = out[:cut] + "\n" + out[cut + 1:]
    return out


def code_styles(code_list: dict[str, tuple[str, ...]], annex_order: list[str] | None = None) -> dict[str, dict]:
    """Ways to write each code: the code, its first label, Annex A `x) label` (or `x) code: label`), a number."""
    styles: dict[str, dict] = {"code": {c: c for c in code_list}, "label": {}}
    annex: dict[str, str] = {}
    numeric: dict[str, str] = {}
    for code, synonyms in code_list.items():
        plain = [s for s in synonyms if not re.match(r"^[a-z]\) ", s) and not s.isdigit()]
        styles["label"][code] = plain[0] if plain else code
        lettered = [s for s in synonyms if re.match(r"^[a-z]\) ", s)]
        if lettered:
            annex[code] = lettered[0]
        elif annex_order is not None:
            letter = "abcdefghijklmnopqrstuvwxyz"[annex_order.index(code)]
            annex[code] = f"{letter}) {code}: {styles['label'][code]}" if code_list is codes.CIN_SOURCE \
                else f"{letter}) {styles['label'][code]}"
        digits = [s for s in synonyms if s.isdigit()]
        if digits:
            numeric[code] = digits[0]
    if len(annex) == len(code_list):
        styles["annex"] = annex
    if len(numeric) == len(code_list):
        styles["number"] = numeric
    return styles


def render_codes(rng: np.random.Generator, values: np.ndarray, styles: dict[str, dict],
                 weights: dict[str, float], mixed: bool) -> list:
    """Canonical codes -> cell text in a file-level style (and, in `mixed` files, some cells in another)."""
    names = [s for s in weights if s in styles]
    w = np.array([weights[s] for s in names])
    main = names[int(rng.choice(len(names), p=w / w.sum()))]
    out = pd.Series(values, dtype=object).map(styles[main]).to_numpy(dtype=object)
    if mixed and len(names) > 1:
        other = rng.random(len(values)) < 0.15
        alt = rng.choice(np.array(names, dtype=object), size=len(values))
        for i in np.flatnonzero(other):
            out[i] = styles[alt[i]].get(values[i], out[i])
    low = rng.random(len(values)) < 0.03  # codes and labels are matched whatever their case
    for i in np.flatnonzero(low):
        if isinstance(out[i], str) and not out[i][:1].isdigit():
            out[i] = out[i].lower()
    blank = np.array([v == "" for v in values], dtype=bool)
    out[blank] = None
    return list(out)


def render_dates(rng: np.random.Generator, days: np.ndarray, profile: tuple[float, ...],
                 with_time: bool = False) -> list:
    """Day numbers -> Excel serials (date cells) or text in the allowed day-first styles; None where blank."""
    days = np.asarray(days, dtype=np.int64)
    n = len(days)
    if n == 0:
        return []
    missing = days == NA_DAY
    safe = np.where(missing, 0, days)
    style = rng.choice(4, size=n, p=np.array(profile) / sum(profile))
    serial = (safe + EXCEL_EPOCH_OFFSET).astype(float)
    if with_time:
        # office hours, to the minute; the reader drops times on date fields
        serial = serial + np.round(rng.uniform(7 / 24, 22 / 24, n) * 1440) / 1440
    when = safe.astype("datetime64[D]")
    month_start = when.astype("datetime64[M]")
    y = (when.astype("datetime64[Y]").astype(np.int64) + 1970).astype(str)
    m_num = month_start.astype(np.int64) % 12 + 1
    m = np.char.zfill(m_num.astype(str), 2)
    d = np.char.zfill(((when - month_start.astype("datetime64[D]")).astype(np.int64) + 1).astype(str), 2)
    iso = np.char.add(np.char.add(np.char.add(np.char.add(y, "-"), m), "-"), d)
    dmy = np.char.add(np.char.add(np.char.add(np.char.add(d, "/"), m), "/"), y)
    dmon = np.char.add(np.char.add(np.char.add(np.char.add(d, "-"), MONTHS[m_num - 1]), "-"), y)
    out = serial.astype(object)
    out[style == 1] = dmy[style == 1].astype(object)
    out[style == 2] = iso[style == 2].astype(object)
    out[style == 3] = dmon[style == 3].astype(object)
    out[missing] = None
    return list(out)


def render_ints(values) -> list:
    """Nullable integers -> numbers (None where blank)."""
    return [None if pd.isna(v) else float(v) for v in values]


def render_text(values: np.ndarray) -> list:
    """Text as is, blank cells left empty."""
    return [v if isinstance(v, str) and v != "" else None for v in values]


def render_postcodes(rng: np.random.Generator, values: np.ndarray) -> list:
    """Canonical `B91 3QT` mostly; some without the space or in lower case (normalised by the reader)."""
    out = []
    u = rng.random(len(values))
    for v, x in zip(values, u, strict=True):
        if not v:
            out.append(None)
        elif x < 0.10:
            out.append(v.replace(" ", ""))
        elif x < 0.18:
            out.append(v.lower())
        else:
            out.append(v)
    return out


def render_nhs(rng: np.random.Generator, values: np.ndarray) -> list:
    """10 digits as text, sometimes spaced 3-3-4 or hyphenated (the reader removes spaces and hyphens)."""
    out = []
    u = rng.random(len(values))
    for v, x in zip(values, u, strict=True):
        if not v:
            out.append(None)
        elif x < 0.3:
            out.append(f"{v[:3]} {v[3:6]} {v[6:]}")
        elif x < 0.4:
            out.append(f"{v[:3]}-{v[3:6]}-{v[6:]}")
        else:
            out.append(v)
    return out


def render_datetimes(rng: np.random.Generator, minutes: np.ndarray, profile: tuple[float, ...]) -> list:
    """Minutes since 1970 -> date-time cells or `DD/MM/YYYY HH:MM` (or ISO / `DD-Mon-YYYY HH:MM`) text; None if blank.

    A date-time always keeps its time: a bare date would read as midnight.
    """
    minutes = np.asarray(minutes, dtype=np.int64)
    n = len(minutes)
    if n == 0:
        return []
    missing = minutes == NA_DAY
    safe = np.where(missing, 0, minutes)
    day, minute = safe // 1440, safe % 1440
    dates = render_dates(rng, day, profile)
    hh = np.char.zfill((minute // 60).astype(str), 2)
    mm = np.char.zfill((minute % 60).astype(str), 2)
    clock = np.char.add(np.char.add(hh, ":"), mm)
    # whole minutes as a fraction of a day: the nearest double reads back as the same minute
    serial = (day + EXCEL_EPOCH_OFFSET + minute / 1440).astype(float)
    out = []
    for i, value in enumerate(dates):
        if missing[i]:
            out.append(None)
        elif isinstance(value, str):
            out.append(f"{value} {clock[i]}")
        else:
            out.append(float(serial[i]))
    return out


def render_number_text(values: np.ndarray, as_numbers: bool) -> list:
    """Digit-only text (school URNs) as numbers when the exporting system typed the column as numeric."""
    if not as_numbers:
        return render_text(values)
    return [float(v) if isinstance(v, str) and v.isdigit() else (v if v else None) for v in values]
