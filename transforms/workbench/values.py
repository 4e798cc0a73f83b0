"""The value map page: values no code list reads, by agency and column, with counts, example rows and a suggested
code; the codes each column accepts; and the mappings made so far (who, when)."""

from __future__ import annotations

import difflib

from transforms.ingest import value_map
from transforms.ingest.codes import words

CUTOFF = 0.6  # how alike a value and a code's label must be to be suggested


def codes_of(agency: str, column: str) -> dict[str, tuple[str, ...]]:
    """code -> its labels and synonyms, for an agency's coded column (the first list, where several share a name)."""
    columns = value_map.coded_columns(agency, column)
    return dict(columns[0].codes) if columns else {}


def suggest(agency: str, column: str, raw_value: str, mapped: dict[str, str] | None = None) -> str | None:
    """The code a value most likely means: another agency's mapping of the same value, else the code whose code or
    label reads most like it (difflib ratio over their words, at least CUTOFF), else None."""
    key = value_map.value_key(raw_value)
    if mapped and key in mapped:
        return mapped[key]
    candidates: dict[str, str] = {}
    for code, labels in codes_of(agency, column).items():
        for text in (code, *labels):
            candidates.setdefault(" ".join(words(text)), code)
    best = difflib.get_close_matches(key, list(candidates), n=1, cutoff=CUTOFF)
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
