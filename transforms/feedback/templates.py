"""Blank submission templates, one xlsx per bespoke return, generated from the return contracts (`assure templates`).

Each template has a data sheet per table (canonical headers, drop-down lists of the canonical codes, date
cells), a `Guidance` sheet (columns, accepted headers, codes and the return's rules) and, when a code list is
too long to write inline, a hidden `Lists` sheet the drop-downs point at. Nothing here is written by hand:
change the contract or the rules in `schemas/` and the templates follow.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

import schemas
from schemas.contract import CODE, DATE, DATETIME, ID, INT, NHS, POSTCODE, TEXT, UPN, YESNO, Column, TableContract
from transforms.feedback.rule_catalogue import catalogue_of

# The Ofsted Annex A workbook is the local authority's own template; it gets no bespoke one.
OFSTED_RETURNS = ("csc_annex_a",)
TEMPLATE_ROWS = 5000  # rows below the header that carry drop-downs and date checks
INLINE_LIST_LIMIT = 255  # Excel's limit on an inline drop-down list (codes joined by commas)
CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)  # fixed, so the same contracts give the same bytes
GUIDANCE, LISTS = "Guidance", "Lists"
REQUIRED_FILL, OPTIONAL_FILL = "#F4B183", "#D9D9D9"
KIND_TEXT = {
    ID: "identifier (text)", TEXT: "text", DATE: "date (DD/MM/YYYY, day first)",
    DATETIME: "date and time (DD/MM/YYYY HH:MM)", CODE: "code from the list", YESNO: "Y or N (from the list)",
    INT: "whole number", NHS: "NHS number (10 digits)", UPN: "UPN (13 characters)", POSTCODE: "UK postcode",
}
DATE_FORMATS = {DATE: "dd/mm/yyyy", DATETIME: "dd/mm/yyyy hh:mm"}
DATE_HINTS = {DATE: "a date as DD/MM/YYYY (day first), e.g. 03/04/2024",
              DATETIME: "a date and time as DD/MM/YYYY HH:MM (day first), e.g. 03/04/2024 14:30"}
SEVERITY_TEXT = (
    ("FILE", "the whole file is refused and nothing is loaded"),
    ("ERROR", "the row cannot be counted (its id or its own event date) and is rejected: fix it and resubmit"),
    ("QUERY", "the row is loaded and counted with the bad cell left blank: confirm it or correct it next time"),
)


def bespoke_returns() -> list[str]:
    """Return ids that get a template: every return in `schemas.TABLES` except the Ofsted ones."""
    return [r for r in dict.fromkeys(t.return_id for t in schemas.TABLES) if r not in OFSTED_RETURNS]


def _sheet_names(tables: Sequence[TableContract]) -> list[str]:
    """`Data` for a one-table return, else each table's title made a legal, unique Excel sheet name."""
    if len(tables) == 1:
        return ["Data"]
    names: list[str] = []
    for table in tables:
        base = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", table.title)).strip(" '")[:31] or "Data"
        name, n = base, 2
        while name.lower() in {x.lower() for x in (*names, GUIDANCE, LISTS)}:
            name = f"{base[:28]} {n}"
            n += 1
        names.append(name)
    return names


def _codes_inline(codes: list[str]) -> bool:
    # a comma or quote inside a code would break Excel's inline list syntax
    return len(",".join(codes)) <= INLINE_LIST_LIMIT and not any("," in c or '"' in c for c in codes)


def _check(status: int, what: str) -> None:
    # xlsxwriter only warns and skips a validation it cannot write; a template without it must not ship
    if status:
        raise ValueError(f"could not add the {what} (xlsxwriter status {status})")


class _Lists:
    """The hidden `Lists` sheet: one column per long code list, written after the other sheets if needed."""

    def __init__(self) -> None:
        self.columns: list[list[str]] = []

    def range_for(self, codes: list[str]) -> str:
        """The range the drop-down points at; the codes are written there by `write`."""
        self.columns.append(codes)
        column = xl_col_to_name(len(self.columns) - 1)
        return f"={LISTS}!${column}$1:${column}${len(codes)}"

    def write(self, book: xlsxwriter.Workbook) -> None:
        """Add the sheet (last, hidden) when some list needed it."""
        if not self.columns:
            return
        sheet = book.add_worksheet(LISTS)
        # no header row: a row of column names here would look like a table to the reader (mapping.py)
        for c, codes in enumerate(self.columns):
            for r, code in enumerate(codes):
                sheet.write_string(r, c, code)
        sheet.hide()


def _write_data_sheet(book: xlsxwriter.Workbook, name: str, table: TableContract, formats: dict,
                      lists: _Lists) -> None:
    sheet = book.add_worksheet(name)
    for c, column in enumerate(table.columns):
        width = max(len(column.name) + 4, 14)
        # every other kind is kept as text, so Excel does not drop leading zeros or turn codes into numbers or
        # TRUE/FALSE; whole numbers stay numbers
        sheet.set_column(c, c, width, formats[column.kind] if column.kind in DATE_FORMATS else
                         None if column.kind == INT else formats["text"])
        sheet.write_string(0, c, column.name, formats["required" if column.required else "optional"])
        if column.codes:
            codes = list(column.codes)
            source = codes if _codes_inline(codes) else lists.range_for(codes)
            _check(sheet.data_validation(1, c, TEMPLATE_ROWS, c, {
                "validate": "list", "source": source, "error_title": "Not in the list",
                "error_message": f"{column.name}: pick a value from the list (see the {GUIDANCE} sheet)."}),
                f"drop-down list for {table.table_id}.{column.name}")
        elif column.kind in DATE_FORMATS:
            _check(sheet.data_validation(1, c, TEMPLATE_ROWS, c, {
                "validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
                "maximum": dt.date(2099, 12, 31), "error_title": "Not a date",
                "error_message": f"{column.name}: enter {DATE_HINTS[column.kind]}."}),
                f"date check for {table.table_id}.{column.name}")
    sheet.freeze_panes(1, 0)


def _codes_text(column: Column) -> str:
    # one code a line; "; " between labels because some labels contain commas
    return "\n".join(f"{code}: {'; '.join(labels)}" if labels else code for code, labels in column.codes.items())


def _write_guidance(book: xlsxwriter.Workbook, tables: Sequence[TableContract], sheet_names: list[str],
                    formats: dict) -> None:
    sheet = book.add_worksheet(GUIDANCE)
    bold, wrap = formats["bold"], formats["wrap"]
    several = len(tables) > 1
    lines = [
        f"{tables[0].title if not several else tables[0].return_id}: submission template "
        f"(return '{tables[0].return_id}', from agency '{tables[0].agency}')",
        "One row per record under the header row. Keep the header row as it is; columns may not be renamed.",
        "Required columns have an orange header; optional ones a grey header and may be left blank.",
        "Dates: date cells or DD/MM/YYYY, day first (03/04/2024 is 3 April). Codes: pick from the drop-down list.",
    ]
    sheet.write_string(0, 0, lines[0], formats["title"])
    for r, line in enumerate(lines[1:], start=1):
        sheet.write_string(r, 0, line)
    r = len(lines) + 1

    sheet.write_string(r, 0, "Columns", formats["title"])
    r += 1
    headers = [*(["sheet"] if several else []), "column", "required", "kind", "accepted headers",
               "allowed codes (code: labels also accepted)", "description"]
    sheet.write_row(r, 0, headers, bold)
    r += 1
    offset = 1 if several else 0  # the first column names the sheet when the return has several tables
    for table, sheet_name in zip(tables, sheet_names, strict=True):
        for column in table.columns:
            cells = [*([sheet_name] if several else []), column.name,
                     "required" if column.required else "optional", KIND_TEXT.get(column.kind, column.kind),
                     "; ".join(column.aliases), _codes_text(column), column.description]
            sheet.write_row(r, 0, cells, wrap)
            if column.required:  # marked like the required headers on the data sheet
                sheet.write_string(r, offset + 1, "required", formats["required_cell"])
            r += 1
    r += 1

    sheet.write_string(r, 0, "Rules", formats["title"])
    r += 1
    for severity, effect in SEVERITY_TEXT:
        sheet.write_string(r, 0, f"{severity}: {effect}.")
        r += 1
    # the rules share the columns table's grid: id, severity, columns checked, then the message in a wide column
    catalogue = catalogue_of((table, rule) for table in tables for rule in table.rules)
    headers = [*(["sheet"] if several else []), "rule id", "severity", "columns", "message"]
    sheet.write_row(r, 0, headers, bold)
    r += 1
    by_table = dict(zip((t.table_id for t in tables), sheet_names, strict=True))
    for rule in catalogue.itertuples(index=False):
        cells = [*([by_table[rule.table_id]] if several else []), rule.rule_id, rule.severity, rule.columns,
                 rule.message]
        sheet.write_row(r, 0, cells, wrap)
        r += 1

    if several:
        sheet.set_column(0, 0, 24)
    sheet.set_column(offset, offset, 24)  # column name / rule id
    sheet.set_column(offset + 1, offset + 1, 12)  # required / severity
    sheet.set_column(offset + 2, offset + 2, 24)  # kind / columns
    sheet.set_column(offset + 3, offset + 3, 60)  # accepted headers / message
    sheet.set_column(offset + 4, offset + 4, 60)  # codes
    sheet.set_column(offset + 5, offset + 5, 60)  # description


def write_template(path: Path, tables: Sequence[TableContract]) -> Path:
    """Write the blank template for `tables` (the tables of one return, in contract order) to `path`."""
    if not tables or len({t.return_id for t in tables}) != 1:
        raise ValueError("a template holds the tables of exactly one return")
    path.parent.mkdir(parents=True, exist_ok=True)
    # agencies' text stays text: nothing they type or we write is turned into a formula, link or number
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    book.set_properties({"title": f"{tables[0].return_id} submission template", "created": CREATED})
    formats = {
        "required": book.add_format({"bold": True, "bg_color": REQUIRED_FILL, "border": 1}),
        "optional": book.add_format({"bold": True, "bg_color": OPTIONAL_FILL, "border": 1}),
        **{kind: book.add_format({"num_format": fmt}) for kind, fmt in DATE_FORMATS.items()},
        "text": book.add_format({"num_format": "@"}),
        "bold": book.add_format({"bold": True}),
        "title": book.add_format({"bold": True, "font_size": 13}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "required_cell": book.add_format({"text_wrap": True, "valign": "top", "bg_color": REQUIRED_FILL}),
    }
    names = _sheet_names(tables)
    lists = _Lists()
    for name, table in zip(names, tables, strict=True):
        _write_data_sheet(book, name, table, formats, lists)
    _write_guidance(book, tables, names, formats)
    lists.write(book)
    book.close()
    return path


def write_templates(out_dir: Path) -> list[Path]:
    """Write `<return_id>.xlsx` for every bespoke return into `out_dir`; return the paths in contract order."""
    out_dir = Path(out_dir)
    return [write_template(out_dir / f"{return_id}.xlsx", [t for t in schemas.TABLES if t.return_id == return_id])
            for return_id in bespoke_returns()]
