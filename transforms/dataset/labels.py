"""Breakdown labels as published: only catalogued ones (DESIGN.md section 9: free text from a return never reaches a
public output).

A breakdown an indicator's SQL returns is published as it is only when it is catalogued: a word written in that
indicator's SQL (the code lists it counts by), an agency or a return of the contracts in `schemas/`, a composite of
those joined by `/` (DQ-01's `police/police_ppn/on_time`), or a module of the partnership's training programme
(`reference/training_modules.csv`), to which a module named in a return is matched by its code or its title. Anything
else is counted under "Other": a module name carrying a person's name, an NHS number or a formula is never shown.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import pandas as pd

import schemas
from transforms import settings

OTHER = "Other"
_LITERAL = re.compile(r"'([^']*)'")
_COMMENT = re.compile(r"--[^\n]*")  # an apostrophe in a comment ("a child's plan") must not pair with a quote


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


@functools.cache
def _modules(path: Path) -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    """(module code -> label, title words -> label) of the training catalogue at `path`."""
    by_code, by_title = {}, {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code, title = row["code"].strip(), row["title"].strip()
            label = f"Module {code} - {title}" if code else title
            if code:
                by_code["".join(_words(code))] = label
            by_title[tuple(_words(title))] = label
            by_title[tuple(_words(label))] = label
    return by_code, by_title


def training_module(text: str) -> str | None:
    """The catalogued label of a training module named in a return, or None: by its code when it starts
    "Module <code>" (`Module 6(b) ...`, `module 6b`), else by its whole title (case, spacing and punctuation aside)."""
    by_code, by_title = _modules(settings.training_modules_csv())
    words = _words(text)
    if len(words) >= 2 and words[0] == "module":
        two = words[1] + words[2] if len(words) >= 3 and len(words[2]) == 1 else None  # `6 b`, `6(b)`
        for code in (two, words[1]):  # the longer code wins: `6 b` is module 6B, not module 6
            if code in by_code:
                return by_code[code]
    return by_title.get(tuple(words))


@functools.cache
def _contract_words() -> frozenset[str]:
    return frozenset({t.agency for t in schemas.TABLES} | {t.return_id for t in schemas.TABLES})


def catalogued(label: str, sql: str) -> str:
    """`label` as it may be published for an indicator whose SQL is `sql`: itself when catalogued, the training
    module's catalogued label, else OTHER."""
    if label == "":
        return label
    # `name || '/on_time'` writes `on_time` as the last part of a composite label
    literals = {word.strip("/") for word in _LITERAL.findall(_COMMENT.sub("", sql))}
    if label in literals or all(part in literals or part in _contract_words() for part in label.split("/")):
        return label
    return training_module(label) or OTHER


def publishable(results: dict[str, tuple], sql: str) -> dict[str, tuple]:
    """The breakdowns of one indicator's results (breakdown -> (numerator, denominator, unit)) under catalogued
    labels; breakdowns that share a label are added up (numerators summed; denominators summed unless they are one
    shared total, as for shares of all contacts)."""
    merged: dict[str, list] = {}
    for breakdown, (numerator, denominator, unit) in results.items():
        label = catalogued(breakdown, sql)
        if label not in merged:
            merged[label] = [numerator, denominator, unit, [denominator]]
            continue
        held = merged[label]
        held[0] = None if numerator is None and held[0] is None else (held[0] or 0) + (numerator or 0)
        held[3].append(denominator)
    for held in merged.values():
        denominators = held[3]
        if len(set(denominators)) > 1 and None not in denominators:
            held[1] = sum(denominators)
    return {label: (numerator, denominator, unit) for label, (numerator, denominator, unit, _) in merged.items()}


AGENCY_NAMES = {"csc": "Children's social care", "police": "Police", "health": "Health", "education": "Education",
                "lado": "LADO", "partnership": "Partnership"}
# the words a composite breakdown's last part is written with (DQ-01's measures of a return)
MEASURE_NAMES = {"on_time": "on time", "pct_queried": "% rows queried", "pct_rejected": "% rows rejected",
                 "rows_read": "rows read", "types_with_none": "Referrer types with no contacts",
                 "per_10000": "Per 10,000 children"}


def display_value(value: object, unit: str) -> str:
    """A value as the ARG reads it: percentages to one decimal place, rates to one, counts whole ('no data' for
    none). The dashboard, the pack and the commentary all write numbers this way."""
    if value is None or pd.isna(value):
        return "no data"
    if unit == "percent":
        return f"{float(value):.1f}%"
    if unit == "rate_per_10000":
        return f"{float(value):.1f}"
    return f"{float(value):,.0f}"


def humanise(text: str) -> str:
    """Words from an identifier: `types_with_none` -> `Types with none`, `LA_SERVICES` -> `LA services`,
    `NOT_RECORDED` -> `Not recorded` (a capitalised word of two letters, or without a vowel, is kept as an acronym)."""
    words = [w for w in re.split(r"[_\s]+", str(text).strip()) if w]
    shown = [w if w.isupper() and (len(w) <= 2 or not re.search(r"[AEIOU]", w)) else w.lower() for w in words]
    sentence = " ".join(shown)
    return sentence[:1].upper() + sentence[1:]


@functools.cache
def _code_labels(sources: tuple[str, ...]) -> dict[str, str]:
    """code -> its first label, from the code lists of the indicator's source tables first, then of every table."""
    found: dict[str, str] = {}
    contracts = sorted(schemas.TABLES, key=lambda t: t.table_id not in sources)  # the indicator's own lists first
    for contract in contracts:
        for column in contract.columns:
            for code, labels in column.codes.items():
                if labels:
                    found.setdefault(str(code), labels[0])
    return found


def _return_title(return_id: str) -> str | None:
    titles = sorted({t.title for t in schemas.TABLES if t.return_id == return_id})
    if not titles:
        return None
    return titles[0] if len(titles) == 1 else "Annex A"


def breakdown_label(breakdown: str, sources: tuple[str, ...] = ()) -> str:
    """The words a breakdown is published under, never a raw code: '' -> 'All'; a code of a code list -> its label
    (the indicator's own lists first); an agency or a return -> its name; a composite `a/b/c` -> its parts' words
    joined by ' · '; a catalogued training module as it is; anything else made into words (`humanise`)."""
    if breakdown == "":
        return "All"
    if "/" in breakdown:
        return " · ".join(_part(part, sources) for part in breakdown.split("/"))
    return _part(breakdown, sources)


def _part(part: str, sources: tuple[str, ...]) -> str:
    if part in AGENCY_NAMES:
        return AGENCY_NAMES[part]
    if part in MEASURE_NAMES:
        return MEASURE_NAMES[part]
    title = _return_title(part)
    if title:
        return title
    label = _code_labels(tuple(sources)).get(part)
    if label:
        return label
    if part.startswith("Module ") or part == OTHER:
        return part
    return humanise(part)
