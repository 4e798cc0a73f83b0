"""Read a landed spreadsheet or CSV: every sheet as rows of cell values, keeping the Excel row number of each.

The file is screened first (`transforms/ingest/screen.py`: size, kind, encryption, macros, zip bombs, rows). Workbooks
(xlsx, xls, ods) go through python-calamine, which reads cached cell values and never evaluates formulas or runs
macros; cells holding a formula or an error value are found by parsing the sheet XML (any attribute order, with or
without `r`, any namespace prefix) and never trusted. A CSV becomes one sheet of text cells: UTF-8 (with or without a
BOM) or UTF-16 with a BOM, else Windows-1252; a BOM the body contradicts is refused; the delimiter (comma, semicolon,
tab or pipe) is sniffed from the first lines. Text that had to be altered to be read (a NUL character removed, bytes
not valid in the encoding shown as U+FFFD) is kept, and its cells marked for a QUERY.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from schemas.file_rules import ENCRYPTED, TOO_MANY_ROWS, UNREADABLE, FileProblem
from transforms.ingest.screen import CSV, limits, screen

DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 50


class UnreadableFile(Exception):
    """The file cannot be read: a FILE problem (`rule_id`, `FILE-001` unless screening said more)."""

    def __init__(self, message: str, rule_id: str = UNREADABLE.rule_id):
        super().__init__(message)
        self.rule_id = rule_id


@dataclass
class Sheet:
    """A sheet's cells: `rows[i]` is the row Excel shows as `i + 1`."""

    name: str
    rows: list[list[object]]
    # (row index, column index) of cells holding a formula or an Excel error: their values are not trusted
    untrusted: set[tuple[int, int]] = field(default_factory=set)
    # hidden (or very hidden) in the workbook: read only when no visible sheet holds the same list (mapping.py)
    hidden: bool = False
    # (row index, column index) of cells whose text was altered to be read (NUL removed, undecodable bytes)
    altered: set[tuple[int, int]] = field(default_factory=set)


NUL, REPLACEMENT = "\x00", "\ufffd"
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")


def scrub(sheet: Sheet) -> Sheet:
    """Remove NUL characters from the sheet's text cells (no warehouse can hold them: PostgreSQL refuses them) and
    mark the cells holding NUL or U+FFFD (bytes that could not be decoded) as altered."""
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and (NUL in value or REPLACEMENT in value):
                row[c] = value.replace(NUL, "")
                sheet.altered.add((r, c))
    return sheet


def _local(name: str) -> str:
    """An XML element or attribute name without its namespace ({uri}local or prefix:local)."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _attribute(element: ET.Element, local: str) -> str | None:
    """The value of the attribute whose local name is `local`, in any namespace (None if absent)."""
    for key, value in element.attrib.items():
        if _local(key) == local:
            return value
    return None


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str, bool]]:
    """(sheet name, zip member, hidden) for each sheet the workbook lists, from its XML (names unescaped by the
    parser, relationships matched by id whatever the attribute order or prefix)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return []
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for element in ET.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter():
            if _local(element.tag) == "Relationship" and _attribute(element, "Id"):
                targets[_attribute(element, "Id")] = _attribute(element, "Target") or ""
    parts = []
    for element in ET.fromstring(archive.read("xl/workbook.xml")).iter():
        if _local(element.tag) != "sheet":
            continue
        target = targets.get(_attribute(element, "id") or "", "")
        member = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target))
        hidden = (_attribute(element, "state") or "visible") != "visible"
        parts.append((_attribute(element, "name") or "", member, hidden))
    return parts


def _flagged_cells(handle) -> set[tuple[int, int]]:
    """(row, column) of the cells of one sheet's XML holding a formula (`f`) or an error value (`t="e"`).

    A cell without `r` is the one after the previous cell of its row; a row without `r` the one after the previous
    row (ECMA-376 18.3.1.4 and 18.3.1.73)."""
    flagged, row, column = set(), -1, -1
    cell_at, cell_flagged = None, False
    for event, element in ET.iterparse(handle, events=("start", "end")):
        name = _local(element.tag)
        if event == "start":
            if name == "row":
                given = _attribute(element, "r")
                row = int(given) - 1 if given and given.isdigit() else row + 1
                column = -1
            elif name == "c":
                match = _CELL_REFERENCE.fullmatch(_attribute(element, "r") or "")
                if match:
                    row, column = int(match.group(2)) - 1, _column_index(match.group(1))
                else:
                    column += 1
                cell_at, cell_flagged = (row, column), _attribute(element, "t") == "e"
            elif name == "f" and cell_at is not None:
                cell_flagged = True
            continue
        if name == "c":
            if cell_flagged:
                flagged.add(cell_at)
            cell_at = None
        elif name == "row":
            element.clear()  # a sheet can be large: keep only the current row in memory
    return flagged


def untrusted_cells(path: Path, parts: frozenset[str] | None = None) -> tuple[dict[str, set[tuple[int, int]]],
                                                                          set[str]]:
    """Per sheet name, the cells of an xlsx that hold a formula or an error value, and the names of the sheets the
    workbook hides; both read from the XML.

    `parts`: the only sheet parts that may hold formulas or errors (the screen saw the others hold none); None: look
    at all. Raises UnreadableFile when a sheet that may hold formulas cannot be parsed as XML.
    """
    found: dict[str, set[tuple[int, int]]] = {}
    hidden: set[str] = set()
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            for name, member, is_hidden in _sheet_parts(archive):
                if is_hidden:
                    hidden.add(name)
                if member not in members or (parts is not None and member not in parts):
                    continue
                with archive.open(member) as handle:
                    found[name] = _flagged_cells(handle)
    except ET.ParseError as exc:
        raise UnreadableFile(f"{UNREADABLE.message} A part of the workbook is not well-formed XML ({exc}).") from exc
    except (zipfile.BadZipFile, KeyError, OSError):
        return found, hidden
    return found, hidden


def _looks_utf16(body: bytes) -> bool:
    """True when the bytes look like UTF-16 text: NULs in about every other byte (ASCII characters' high halves)."""
    head = body[:4096]
    halves = len(head) // 2
    return halves > 0 and max(head[0::2].count(0), head[1::2].count(0)) >= halves * 0.3


def _utf8_or_cp1252(data: bytes) -> tuple[str, str]:
    """UTF-8 if the bytes hold valid multi-byte sequences at least as often as undecodable bytes (a UTF-8 file with
    a stray byte stays UTF-8: the stray byte becomes U+FFFD), else Windows-1252 (Excel's "CSV" on a UK PC)."""
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    undecodable = text.count(REPLACEMENT) - data.count(REPLACEMENT.encode())
    multibyte = sum(1 for ch in text if ch > "\x7f") - text.count(REPLACEMENT)
    if multibyte >= undecodable > 0:
        return text, "UTF-8, with bytes that are not valid UTF-8"
    # the 5 bytes Windows-1252 leaves undefined become U+FFFD
    return data.decode("cp1252", errors="replace"), "Windows-1252"


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV's bytes: a BOM says the encoding (refused when the body contradicts it); else
    UTF-8 or Windows-1252 (`_utf8_or_cp1252`)."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8):]
        if _looks_utf16(body):
            raise UnreadableFile(f"{UNREADABLE.message} It starts with a UTF-8 byte order mark but its text is "
                                 "UTF-16: save it again as CSV UTF-8.")
        return body.decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        body = data[2:]
        if body and b"\0" not in body[:4096]:
            raise UnreadableFile(f"{UNREADABLE.message} It starts with a UTF-16 byte order mark but its text is not "
                                 "UTF-16: save it again as CSV UTF-8.")
        return data.decode("utf-16", errors="replace"), "UTF-16"
    return _utf8_or_cp1252(data)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number (more than one) of columns most often."""
    lines = [line for line in text.splitlines()[:SNIFF_LINES] if line.strip()]
    best, best_rank = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        rank = (count / len(widths), width) if width > 1 else (0.0, 0)
        if rank > best_rank:
            best, best_rank = delimiter, rank
    return best


def read_csv(path: Path, sheet_name: str) -> tuple[Sheet, str]:
    """A CSV file as one sheet of text cells (row i is line i + 1), and a note saying how it was read."""
    text, encoding = decode_text(path.read_bytes())
    delimiter = sniff_delimiter(text)
    try:
        rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:  # e.g. a cell over the csv module's field limit, or a NUL character
        raise UnreadableFile(f"{UNREADABLE.message} The CSV could not be parsed ({exc}).") from exc
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[delimiter]
    sheet = Sheet(sheet_name, rows)
    if NUL in text or REPLACEMENT in text:
        scrub(sheet)
    return sheet, f"Read as a CSV file ({encoding}, {shown}-separated)."


def _hidden_sheets(workbook: python_calamine.CalamineWorkbook) -> set[str]:
    """Names of the sheets the workbook hides (hidden or very hidden); none if the reader cannot tell."""
    visible = getattr(python_calamine, "SheetVisibleEnum", None)
    metadata = getattr(workbook, "sheets_metadata", None) or []
    if visible is None:
        return set()
    return {sheet.name for sheet in metadata if sheet.visible != visible.Visible}


def _read_calamine(path: Path, formula_parts: frozenset[str] | None = None, altered: bool = False) -> list[Sheet]:
    flagged, hidden_in_xml = untrusted_cells(path, formula_parts)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        hidden = _hidden_sheets(workbook) | hidden_in_xml
        sheets = [Sheet(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False),
                        hidden=name in hidden) for name in workbook.sheet_names]
    except Exception as exc:  # calamine raises several types for corrupt, encrypted or non-spreadsheet files
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise UnreadableFile(ENCRYPTED.message, ENCRYPTED.rule_id) from exc
        raise UnreadableFile(f"{UNREADABLE.message} ({type(exc).__name__})") from exc
    for sheet in sheets:
        sheet.untrusted = flagged.get(sheet.name, set())
        if altered:  # the screen saw a NUL escape or a U+FFFD in the workbook's parts
            scrub(sheet)
    return sheets


def read_file(path: Path, name: str | None = None) -> tuple[list[Sheet], list[str]]:
    """Screen then read the file at `path` (sent as `name`): its sheets and notes for the sender.

    Raises UnreadableFile (with the FILE rule id) when the file is refused or cannot be read.
    """
    try:
        screened = screen(path, name)
    except FileProblem as problem:
        raise UnreadableFile(problem.text, problem.rule.rule_id) from problem
    notes = list(screened.notes)
    if screened.kind == CSV:
        sheet, note = read_csv(path, Path(name or path.name).stem or "CSV")
        sheets = [sheet]
        notes.append(note)
    else:
        sheets = _read_calamine(path, screened.formula_parts, screened.altered_text)
    limit = limits().max_rows
    for sheet in sheets:  # the exact count, once parsed (the screen counts xlsx rows and CSV lines)
        if len(sheet.rows) > limit:
            raise UnreadableFile(f"{TOO_MANY_ROWS.message} Sheet '{sheet.name}' has {len(sheet.rows):,} rows; "
                                 f"the limit is {limit:,}.", TOO_MANY_ROWS.rule_id)
    return sheets, notes


def read_workbook(path: Path, name: str | None = None) -> list[Sheet]:
    """Every sheet of an xlsx/xls/ods workbook or a CSV file, rows aligned to Excel row numbers."""
    return read_file(path, name)[0]
