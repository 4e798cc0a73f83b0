"""Read a landed spreadsheet: every sheet as rows of cell values, keeping the Excel row number of each.

python-calamine reads cached cell values and never evaluates formulas or runs macros.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import python_calamine


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can open (FILE severity)."""


@dataclass
class Sheet:
    """A sheet's cells: `rows[i]` is the row Excel shows as `i + 1`."""

    name: str
    rows: list[list[object]]
    # (row index, column index) of cells holding a formula or an Excel error: their values are not trusted
    untrusted: set[tuple[int, int]] = field(default_factory=set)


_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def untrusted_cells(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Per sheet name, the cells of an xlsx that hold a formula or an error value (read from the XML)."""
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
                if member not in names:
                    continue
                xml = archive.read(member)
                if b"<f" not in xml and b't="e"' not in xml:
                    continue  # the common case: no formulas and no error values, nothing to scan
                cells = set()
                for letters, row, attributes, body in _CELL.findall(xml):
                    if b't="e"' in attributes or (body and b"<f" in body):
                        cells.add((int(row) - 1, _column_index(letters)))
                found[name.replace("&amp;", "&")] = cells
    except (zipfile.BadZipFile, KeyError, OSError):
        return found
    return found


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of an xlsx/xls/ods workbook, rows aligned to Excel row numbers."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = [Sheet(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in workbook.sheet_names]
    except Exception as exc:  # calamine raises several types for corrupt, encrypted or non-spreadsheet files
        raise UnreadableFile(f"The file could not be opened as a spreadsheet ({type(exc).__name__}).") from exc
    flagged = untrusted_cells(path)
    for sheet in sheets:
        sheet.untrusted = flagged.get(sheet.name, set())
    return sheets
