"""Find each table in a workbook and map it to canonical columns and codes.

The header is found, not assumed to be row 1: the first rows of each sheet are scored against every
table contract, and the return is recognised from headers, not from the file name. Sheets are assigned to lists
by content, one to one, by the best overall score (sheet names are evidence, not the decider; a hidden sheet never
takes a list a visible sheet holds); coded values go through the agency's value map, then the code lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import schemas
from schemas.common import overlong_column
from schemas.contract import (
    CODE,
    DATE,
    DATETIME,
    INT,
    NHS,
    POSTCODE,
    UPN,
    YESNO,
    Column,
    TableContract,
    normalise_header,
)
from schemas.csc_annex_a import UNUSED_LISTS
from schemas.file_rules import (
    DUPLICATE_COLUMN,
    EMPTY,
    MISSING_COLUMN,
    MONTH_FIRST_DATES,
    NO_ROWS,
    NO_TABLE,
    WRONG_FOLDER,
    FileRule,
)
from schemas.reserved import ALTERED, OVERLONG, RAW, SOURCE_ROW, UNTRUSTED
from transforms.ingest import value_map, values
from transforms.ingest.read import Sheet
from transforms.ingest.sheets import (
    UNUSED_IDS,
    assign_sheets,
    has_cells,
    sheet_entry,
    unassigned_entry,
)


@dataclass
class MappedTable:
    """One recognised table: canonical columns, `<column>__raw` as submitted, and the Excel row of each record."""

    contract: TableContract
    sheet: str
    header_row: int
    headers: dict[str, str]
    frame: pd.DataFrame
    extra_headers: list[str] = field(default_factory=list)


@dataclass
class Recognition:
    """What a workbook holds: its tables, sheets ignored (with why) and, if unusable, the FILE problem."""

    tables: list[MappedTable]
    notes: list[str]
    file_problem: str | None = None
    file_rule: str | None = None  # the FILE rule id of `file_problem`
    # one entry per sheet, in sheet order: {"sheet", "list" (title or None), "table_id", "status", "hidden",
    # "header_row"}; status is read, partial (a required column missing), ignored (a list not used, or no table),
    # duplicate (another sheet holds its list), hidden (a visible sheet holds its list) or empty
    assignment: list[dict] = field(default_factory=list)


def _refuse(notes: list[str], rule: FileRule, detail: str = "") -> Recognition:
    return Recognition([], notes, f"{rule.message} {detail}".strip(), rule.rule_id)


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _duplicated_columns(header: list[object], contract: TableContract, positions: dict[str, int]) -> list[str]:
    """Columns of the contract named by more than one header cell: which one to load would be a guess."""
    keys = [normalise_header(cell) if cell not in (None, "") else "" for cell in header]
    taken = set(positions.values())
    found = []
    for column in contract.columns:
        hits = [i for i, key in enumerate(keys) if key and key in column.header_keys
                and (i not in taken or positions.get(column.name) == i)]
        if len(hits) > 1:
            found.append(" and ".join(f"'{str(header[i]).strip()}' (column {column_letter(i)})" for i in hits))
    return found


_SLASH_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")
# a text starting with three ASCII digits never matches _SLASH_DATE (one or two digits, then a separator): an ISO
# date or time, which is nearly every date a workbook holds, is ruled out by Arrow without a Python call
_NEVER_SLASH_DATE = "^[0-9]{3}"


def month_first_evidence(texts: pd.Series) -> tuple[int, int]:
    """(day-first only, month-first only): text dates readable only one way round (13-31 in one of the parts)."""
    if not isinstance(texts.dtype, pd.StringDtype):
        texts = texts.dropna().astype("str")
    held = pa.array(texts, from_pandas=True)
    maybe = pc.invert(pc.fill_null(pc.match_substring_regex(held, _NEVER_SLASH_DATE), True))
    # each distinct text once, counted as often as it occurs (a column of dates repeats a few hundred days)
    counted = pc.value_counts(held.filter(maybe))
    day_first = month_first = 0
    for text, times in zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True):
        found = _SLASH_DATE.match(text)
        if found is None:
            continue
        first, second = int(found[1]), int(found[2])
        day_first += times if 13 <= first <= 31 and second <= 12 else 0
        month_first += times if 13 <= second <= 31 and first <= 12 else 0
    return day_first, month_first


def _month_first_columns(table: MappedTable) -> list[str]:
    """Headers of date columns whose text dates are month first (US style) and never day first."""
    day_first, month_first, headers = 0, 0, []
    for column in table.contract.columns:
        if column.kind in (DATE, DATETIME) and column.name in table.headers:
            d, m = month_first_evidence(table.frame[column.name + RAW])
            day_first += d
            month_first += m
            if m:
                headers.append(table.headers[column.name])
    # two dates that only read month first and none that only reads day first: the whole file is US style
    return headers if month_first >= 2 and day_first == 0 else []


_CONVERTERS = {DATE: values.date_of, DATETIME: values.datetime_of, UPN: values.upn_text, NHS: values.nhs_number_text,
               POSTCODE: values.postcode_of, INT: values.int_of}
# check digits are verified for the whole column after the per-value tidying, not one value at a time
_COLUMN_CHECKS = {UPN: values.valid_upns, NHS: values.valid_nhs_numbers}


def _converter(column: Column, mapped: dict[str, str] | None = None) -> Callable[[object], str | None] | None:
    """The per-value conversion of a column's kind; None for text (ids, names, free text). `mapped`: the analyst's
    mappings of the column's values (value key -> code), applied before the code list."""
    if column.kind in (CODE, YESNO):
        return value_map.with_map(values.code_converter(column.codes, (column.name, *column.aliases)), mapped)
    return _CONVERTERS.get(column.kind)


def _converters(contract: TableContract, mapped: value_map.ValueMap | None = None
                ) -> dict[str, Callable[[object], str | None] | None]:
    """Each column's per-value conversion (None: text), with the agency's value map."""
    return {column.name: _converter(column, (mapped or {}).get(column.name)) for column in contract.columns}


def _encode(submitted: pd.Series, convert: Callable[[object], str | None] | None) -> values.Cells:
    """A column's cells encoded once, ready for `convert` (None: text)."""
    # text is only tidied, and nearly every id or name differs: de-duplicating it first would cost more than it saves
    return values.Cells(submitted, distinct=convert is not None)


def _map_cells(cells: dict[str, values.Cells], index: pd.Index, contract: TableContract,
               converters: dict[str, Callable[[object], str | None] | None]) -> pd.DataFrame:
    """Canonical and `<column>__raw` columns of the contract from its columns' encoded cells (absent: NA)."""
    columns = {}
    for column in contract.columns:
        encoded = cells.get(column.name)
        if encoded is None:  # a column the table does not have
            columns[column.name] = columns[column.name + RAW] = pd.Series(pd.NA, index=index, dtype="str")
            continue
        text = encoded.convert()
        convert = converters[column.name]
        mapped = text if convert is None else encoded.convert(convert)
        columns[column.name] = _COLUMN_CHECKS[column.kind](mapped) if column.kind in _COLUMN_CHECKS else mapped
        columns[column.name + RAW] = text
    return pd.DataFrame(columns, index=index)


def map_values(raw: pd.DataFrame, contract: TableContract) -> pd.DataFrame:
    """Canonical columns from raw cell values, keeping each raw value beside it as `<column>__raw`."""
    converters = _converters(contract)
    cells = {column.name: _encode(raw[column.name], converters[column.name])
             for column in contract.columns if column.name in raw}
    return _map_cells(cells, raw.index, contract, converters)


def _filled_rows(rows: list[list[object]]) -> np.ndarray:
    """Positions of the rows with a cell that is neither None nor ''."""
    # None and "" are falsy, so a row with a truthy cell is filled; only rows of falsy cells (0, False) need a look
    filled = np.fromiter(map(any, rows), dtype=bool, count=len(rows))
    for i in np.flatnonzero(~filled):
        row = rows[i]
        filled[i] = row.count(None) + row.count("") < len(row)
    return np.flatnonzero(filled)


def _marked_cells(cells: set[tuple[int, int]], header_index: int, body_rows: int, kept: np.ndarray,
                  positions: dict[str, int]) -> dict[str, np.ndarray]:
    """Canonical column -> True on the kept rows holding one of `cells` ((row, column) of the sheet).

    `cells` is usually empty, and small when not: each cell is looked up rather than the rows scanned."""
    marked: dict[str, np.ndarray] = {}
    if not cells:
        return marked
    kept_at = np.full(body_rows, -1)
    kept_at[kept] = np.arange(len(kept))
    names = {pos: name for name, pos in positions.items()}
    for row, col in cells:
        offset = row - header_index - 1
        if col in names and 0 <= offset < body_rows and kept_at[offset] >= 0:
            marked.setdefault(names[col], np.zeros(len(kept), dtype=bool))[kept_at[offset]] = True
    return marked


def _first_marked(marked: dict[str, np.ndarray], index: pd.RangeIndex) -> pd.Series:
    """Per row, the first column `marked` names on it (NA if none)."""
    first = np.full(len(index), None, dtype=object)
    for name, hit in marked.items():
        first[hit & (first == None)] = name  # noqa: E711 (element-wise comparison)
    return pd.Series(first, index=index, dtype="str")


def _table_from_sheet(sheet: Sheet, header_index: int, contract: TableContract,
                      positions: dict[str, int], mapped: value_map.ValueMap | None = None) -> MappedTable:
    header = sheet.rows[header_index]
    body = sheet.rows[header_index + 1:]
    width = max(map(len, body), default=0)
    kept = _filled_rows(body)
    rows = body if len(kept) == len(body) else [body[i] for i in kept]
    needed = max(positions.values()) + 1
    short = np.flatnonzero(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)) < needed)
    if len(short):  # pad short rows (CSV lines) so every column can be read by position
        rows = list(rows)
        for i in short:
            rows[i] = [*rows[i], *[None] * (needed - len(rows[i]))]
    index = pd.RangeIndex(len(rows))
    formulas = _marked_cells(sheet.untrusted, header_index, len(body), kept, positions)
    converters = _converters(contract, mapped)
    cells = {}
    untrusted = np.full(len(rows), None, dtype=object)
    queried = np.zeros(len(rows), dtype=bool)
    for name, pos in positions.items():  # formulas and error values (also typed as text) are blank, and queried
        submitted = np.fromiter(map(itemgetter(pos), rows), dtype=object, count=len(rows))
        cells[name] = _encode(pd.Series(submitted, index=index, dtype="object"), converters[name])
        hit = cells[name].errors | formulas.get(name, False)
        if hit.any():
            cells[name].blank(hit)
            untrusted[hit & ~queried] = name
            queried |= hit
    frame = _map_cells(cells, index, contract, converters)
    frame[UNTRUSTED] = pd.Series(untrusted, index=index, dtype="str")
    frame[OVERLONG] = overlong_column(frame)
    frame[ALTERED] = _first_marked(_marked_cells(sheet.altered, header_index, len(body), kept, positions), index)
    frame[SOURCE_ROW] = pd.Series(header_index + 2 + kept, index=index, dtype="int64")
    used = set(positions.values())
    extras = [str(header[i]).strip() for i in range(min(len(header), width or len(header)))
              if i not in used and header[i] not in (None, "")]
    headers = {name: str(header[pos]).strip() for name, pos in positions.items()}
    return MappedTable(contract, sheet.name, header_index + 1, headers, frame, extras)


def _refused(notes: list[str], assignment: list[dict], rule: FileRule, detail: str = "") -> Recognition:
    refused = _refuse(notes, rule, detail)
    refused.assignment = assignment
    return refused


def recognise(sheets: list[Sheet], agency: str | None, return_id: str | None = None,
              mapped: value_map.ValueMap | None = None) -> Recognition:
    """Find the tables of the workbook; refuse it (FILE) if none is recognisable or the folder is wrong.

    `agency` is the landing folder the file came from (None: accept any agency); `return_id` limits the search
    to that return's tables; `mapped` is the agency's value map (column -> value key -> code).
    """
    candidates = tuple(t for t in schemas.TABLES if return_id in (None, t.return_id))
    if not candidates:
        return _refuse([], NO_TABLE, f"Unknown return '{return_id}'.")
    tables: list[MappedTable] = []
    notes: list[str] = []
    partial: list[str] = []
    duplicated: list[str] = []
    assignment: list[dict] = []
    if not any(map(has_cells, sheets)):
        return _refused(notes, [sheet_entry(sheet, "empty") for sheet in sheets], EMPTY)
    # every sheet against every list of the return, unused Annex A lists included; one list per sheet and one sheet
    # per list, by the best overall assignment (DESIGN section 4)
    lists = candidates + tuple(u for u in UNUSED_LISTS if return_id in (None, u.return_id))
    chosen, matches = assign_sheets(sheets, lists)
    holders = {match.contract.table_id: sheets[i] for i, match in enumerate(chosen) if match is not None}
    for sheet, match, found in zip(sheets, chosen, matches, strict=True):
        if match is None:
            assignment.append(unassigned_entry(sheet, found, holders, notes))
            continue
        contract, index, positions = match.contract, match.header_index, match.positions
        if contract.table_id in UNUSED_IDS:
            assignment.append(sheet_entry(sheet, "ignored", match))
            notes.append(f"Sheet '{sheet.name}' was ignored: it holds {contract.title}, and Annex A list "
                         f"{contract.annex_list} is not used by the partnership dataset.")
            continue
        if match.missing:
            assignment.append(sheet_entry(sheet, "partial", match))
            partial.append(f"Sheet '{sheet.name}' looks like {contract.title} but has no column for "
                           + ", ".join(match.missing) + f" (header row {index + 1}).")
            continue
        assignment.append(sheet_entry(sheet, "read", match))
        if sheet.hidden:
            notes.append(f"Sheet '{sheet.name}' is hidden; it was read because no visible sheet holds "
                         f"{contract.title}.")
        duplicated += [f"Sheet '{sheet.name}': {both}." for both in
                       _duplicated_columns(sheet.rows[index], contract, positions)]
        tables.append(_table_from_sheet(sheet, index, contract, positions, mapped))
    if not tables:
        if partial:
            return _refused(notes, assignment, MISSING_COLUMN, " ".join(partial))
        return _refused(notes, assignment, NO_TABLE)
    wrong = sorted({t.contract.agency for t in tables} - {agency}) if agency else []
    if wrong:
        return _refused(notes, assignment, WRONG_FOLDER,
                        f"This file holds {tables[0].contract.title}, which comes from '{wrong[0]}', but it was "
                        f"dropped in the '{agency}' folder.")
    if duplicated:
        return _refused(notes, assignment, DUPLICATE_COLUMN, " ".join(duplicated))
    month_first = [f"Sheet '{t.sheet}': " + ", ".join(f"'{h}'" for h in headers) + "."
                   for t in tables if (headers := _month_first_columns(t))]
    if month_first:
        return _refused(notes, assignment, MONTH_FIRST_DATES, " ".join(month_first))
    notes.extend(partial)
    for table in tables:
        if table.extra_headers:
            notes.append(f"Sheet '{table.sheet}': columns not used and kept aside: " + ", ".join(table.extra_headers))
        if table.frame.empty:
            notes.append(f"Sheet '{table.sheet}' has a header but no data rows.")
    if all(t.frame.empty for t in tables):
        return _refused(notes, assignment, NO_ROWS)
    return Recognition(tables, notes, assignment=assignment)
