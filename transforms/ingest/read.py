"""Read a landed spreadsheet or CSV: every sheet as rows of cell values, keeping the Excel row number of each.

The file is screened first (`transforms/ingest/screen.py`: size, kind, encryption, macros, zip bombs, rows). Workbooks
(xlsx, xls, ods) go through python-calamine, which reads cached cell values and never evaluates formulas or runs
macros. A CSV becomes one sheet of text cells: UTF-8 (with or without a BOM) or UTF-16 with a BOM, else
Windows-1252; the delimiter (comma, semicolon, tab or pipe) is sniffed from the first lines.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import python_calamine

from schemas.file_rules import ENCRYPTED, TOO_MANY_ROWS, UNREADABLE, FileProblem
from transforms.ingest.screen import CSV, FORMULA_TAGS, limits, screen

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


_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def untrusted_cells(path: Path, parts: frozenset[str] | None = None) -> dict[str, set[tuple[int, int]]]:
    """Per sheet name, the cells of an xlsx that hold a formula or an error value (read from the XML).

    `parts`: the only sheet parts that may hold any (the screen saw the others hold none); None: look at all.
    """
    found: dict[str, set[tuple[int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                return found
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
            targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            for name, rel in re.findall(r'<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]+)"', workbook):
                target = targets.get(rel, "").lstrip("/")
                member = target if target.startswith("xl/") else str(PurePosixPath("xl") / target)
                if member not in names or (parts is not None and member not in parts):
                    continue
                xml = archive.read(member)
                if not any(tag in xml for tag in FORMULA_TAGS):
                    continue  # the common case: no formulas and no error values, nothing to scan
                cells = set()
                for letters, row, attributes, body in _CELL.findall(xml):
                    if b't="e"' in attributes or (body and b"<f" in body):
                        cells.add((int(row) - 1, _column_index(letters)))
                found[name.replace("&amp;", "&")] = cells
    except (zipfile.BadZipFile, KeyError, OSError):
        return found
    return found


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV's bytes: a BOM says the encoding; else UTF-8 if valid, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        # Excel's "CSV" on a UK Windows PC; the 5 bytes Windows-1252 leaves undefined become U+FFFD
        return data.decode("cp1252", errors="replace"), "Windows-1252"


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
    return Sheet(sheet_name, rows), f"Read as a CSV file ({encoding}, {shown}-separated)."


def _hidden_sheets(workbook: python_calamine.CalamineWorkbook) -> set[str]:
    """Names of the sheets the workbook hides (hidden or very hidden); none if the reader cannot tell."""
    visible = getattr(python_calamine, "SheetVisibleEnum", None)
    metadata = getattr(workbook, "sheets_metadata", None) or []
    if visible is None:
        return set()
    return {sheet.name for sheet in metadata if sheet.visible != visible.Visible}


def _read_calamine(path: Path, formula_parts: frozenset[str] | None = None) -> list[Sheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        hidden = _hidden_sheets(workbook)
        sheets = [Sheet(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False),
                        hidden=name in hidden) for name in workbook.sheet_names]
    except Exception as exc:  # calamine raises several types for corrupt, encrypted or non-spreadsheet files
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise UnreadableFile(ENCRYPTED.message, ENCRYPTED.rule_id) from exc
        raise UnreadableFile(f"{UNREADABLE.message} ({type(exc).__name__})") from exc
    flagged = untrusted_cells(path, formula_parts)
    for sheet in sheets:
        sheet.untrusted = flagged.get(sheet.name, set())
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
        sheets = _read_calamine(path, screened.formula_parts)
    limit = limits().max_rows
    for sheet in sheets:  # the exact count, once parsed (the screen counts xlsx rows and CSV lines)
        if len(sheet.rows) > limit:
            raise UnreadableFile(f"{TOO_MANY_ROWS.message} Sheet '{sheet.name}' has {len(sheet.rows):,} rows; "
                                 f"the limit is {limit:,}.", TOO_MANY_ROWS.rule_id)
    return sheets, notes


def read_workbook(path: Path, name: str | None = None) -> list[Sheet]:
    """Every sheet of an xlsx/xls/ods workbook or a CSV file, rows aligned to Excel row numbers."""
    return read_file(path, name)[0]
