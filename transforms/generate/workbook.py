"""Writing the xlsx files: title rows, an optional blank row, the header, then data; byte-identical per seed.

xlsxwriter stamps zip entries with a fixed date, and the workbook's `created` property is set from the
period, so the same inputs give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import xlsxwriter

from transforms.generate.layout import Cells


@dataclass
class SheetSpec:
    """One sheet: a table (title rows, blank row, header, columns) or, with no columns, free text lines."""

    name: str
    title_rows: list[str] = field(default_factory=list)
    blank_row: bool = False
    columns: list[Cells] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        """The Excel row number (1-based) of the header."""
        return len(self.title_rows) + int(self.blank_row) + 1

    @property
    def first_data_row(self) -> int:
        """The Excel row number of the first data row."""
        return self.header_row + 1


def write_workbook(path: Path, sheets: list[SheetSpec], created: datetime, author: str) -> None:
    """Write `sheets` in order to `path` (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"created": created, "author": author, "title": path.stem})
    bold = workbook.add_format({"bold": True})
    title_format = workbook.add_format({"bold": True, "font_size": 12})
    header_format = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#D9E1F2"})
    formats: dict[str, object] = {}
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name)
        if not sheet.columns:
            for r, line in enumerate(sheet.text_lines):
                ws.write_string(r, 0, line, bold if r == 0 else None)
            ws.set_column(0, 0, 90)
            continue
        for r, line in enumerate(sheet.title_rows):
            ws.write_string(r, 0, line, title_format)
        header_index = sheet.header_row - 1
        for c, col in enumerate(sheet.columns):
            ws.write_string(header_index, c, col.header, header_format)
            ws.set_column(c, c, max(10, min(36, len(col.header) + 2)))
        _write_data(ws, workbook, formats, sheet.columns, header_index + 1)
    workbook.close()


def _write_data(ws, workbook, formats: dict, columns: list[Cells], first_index: int) -> None:
    """Row by row (xlsxwriter's fast path); strings as strings, numbers with the column's number format."""
    fmts = []
    for col in columns:
        if col.number_format and col.number_format not in formats:
            formats[col.number_format] = workbook.add_format({"num_format": col.number_format})
        fmts.append(formats.get(col.number_format) if col.number_format else None)
    write_string, write_number = ws.write_string, ws.write_number
    values = [col.values for col in columns]
    n_rows = len(values[0]) if values else 0
    for i in range(n_rows):
        r = first_index + i
        for c, column in enumerate(values):
            v = column[i]
            if v is None:
                continue
            if v.__class__ is str:
                write_string(r, c, v)
            else:
                write_number(r, c, v, fmts[c])
