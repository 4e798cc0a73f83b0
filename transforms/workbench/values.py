"""The value map page: values no code list reads, by agency and column, with counts, example rows and a suggested
code; the codes each column accepts; and the mappings made so far (who, when)."""

from __future__ import annotations

import difflib

from transforms.ingest import value_map

CUTOFF = 0.6  # how alike a value and a code's label must be to be suggested
MIN_FUZZY = 4  # characters a value and a label need before a near match counts


def codes_of(agency: str, column: str) -> dict[str, tuple[str, ...]]:
    """code -> its labels and synonyms, for an agency's coded column (the first list, where several share a name)."""
    columns = value_map.coded_columns(agency, column)
    return dict(columns[0].codes) if columns else {}


def suggest(agency: str, column: str, raw_value: str, mapped: dict[str, str] | None = None) -> str | None:
    """The code a value most likely means: another agency's mapping of the same value, else a code or label it equals
    (case and punctuation aside), else the label reading most like it (difflib ratio at least CUTOFF, both at least
    MIN_FUZZY characters), else None."""
    key = value_map.value_key(raw_value)
    if mapped and key in mapped:
        return mapped[key]
    candidates: dict[str, str] = {}
    for code, labels in codes_of(agency, column).items():
        for text in (code, *labels):
            candidates.setdefault(value_map.value_key(text), code)
    if key in candidates:
        return candidates[key]
    # short codes ("9", "N1") only ever match exactly: one character apart they mean something else ("99")
    worded = [text for text in candidates if len(text) >= MIN_FUZZY]
    best = difflib.get_close_matches(key, worded, n=1, cutoff=CUTOFF) if len(key) >= MIN_FUZZY else []
    return candidates[best[0]] if best else None


def page(url: str, agency: str | None = None, period: str | None = None) -> dict:
    """The unmapped values (with suggestion and the column's codes) and the mapping history."""
    waiting = value_map.unmapped(url, agency, period)
    history = value_map.mappings(url)
    elsewhere: dict[str, dict[str, str]] = {}  # column -> value key -> code, from any agency's mappings
    for row in history.to_dict("records"):
        elsewhere.setdefault(row["column"], {})[value_map.value_key(row["raw_value"])] = row["code"]
    rows = []
    for row in waiting.to_dict("records"):
        rows.append({**row, "suggested": suggest(row["agency"], row["column"], row["raw_value"],
                                                 elsewhere.get(row["column"])),
                     "codes": codes_of(row["agency"], row["column"])})
    return {"unmapped": rows, "mappings": history.to_dict("records")}


__all__ = ["codes_of", "page", "suggest"]
