"""Read a landed spreadsheet: every sheet as rows of cell values, keeping the Excel row number of each.

python-calamine reads cached cell values and never evaluates formulas or runs macros.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import python_calamine


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can open (FILE severity)."""


@dataclass
class Sheet:
    """A sheet's cells: `rows[i]` is the row Excel shows as `i + 1`."""

    name: str
    rows: list[list[object]]


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of an xlsx/xls/ods workbook, rows aligned to Excel row numbers."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        return [Sheet(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                for name in workbook.sheet_names]
    except Exception as exc:  # calamine raises several types for corrupt, encrypted or non-spreadsheet files
        raise UnreadableFile(f"The file could not be opened as a spreadsheet ({type(exc).__name__}).") from exc
