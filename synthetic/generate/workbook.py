"""Writing the xlsx files: title rows, an optional blank row, the header, then data; byte-identical per seed.

The parts are written by `xlsx.py` (fast and deterministic: fixed zip timestamps, and the workbook's `created`
property is set from the period), so the same inputs give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from synthetic.generate import xlsx
from synthetic.generate.layout import Cells


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
    strings = xlsx.SharedStrings()
    parts = []
    for sheet in sheets:
        if not sheet.columns:  # a notes sheet: the first line bold, one wide column
            parts.append(xlsx.sheet_xml(sheet.text_lines, 0, [], [], [], [90], strings, first_style=xlsx.BOLD))
            continue
        headers = [col.header for col in sheet.columns]
        styles = [xlsx.NUMBER_STYLES.get(col.number_format, xlsx.PLAIN) if col.number_format else xlsx.PLAIN
                  for col in sheet.columns]
        widths = [max(10, min(36, len(h) + 2)) for h in headers]
        parts.append(xlsx.sheet_xml(sheet.title_rows, sheet.header_row, headers, [c.values for c in sheet.columns],
                                    styles, widths, strings))
    xlsx.package(Path(path), [s.name for s in sheets], parts, strings, created, author, Path(path).stem)
