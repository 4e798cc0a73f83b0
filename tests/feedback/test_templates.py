"""The rule catalogue and the blank templates are generated from the contracts and agree with them."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import range_boundaries

import schemas
from schemas import codes
from schemas.contract import CODE, DATE, DATETIME, ID, INT, NHS, POSTCODE, UPN, YESNO, Column, TableContract
from schemas.rules import QUERY, required
from transforms import cli
from transforms.feedback.rule_catalogue import CATALOGUE_COLUMNS, render, rule_catalogue
from transforms.feedback.templates import (
    OFSTED_RETURNS,
    TEMPLATE_ROWS,
    bespoke_returns,
    write_template,
    write_templates,
)
from transforms.ingest.mapping import recognise
from transforms.ingest.read import read_workbook
from transforms.ingest.validate import validate_table

BESPOKE = sorted({t.return_id for t in schemas.TABLES} - set(OFSTED_RETURNS))


def tables_of(return_id: str) -> list[TableContract]:
    return [t for t in schemas.TABLES if t.return_id == return_id]


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    """Every template, written once for the module: return_id -> path."""
    paths = write_templates(tmp_path_factory.mktemp("templates"))
    return {p.stem: p for p in paths}


# --- rule catalogue -------------------------------------------------------------------------------------------

def test_catalogue_has_every_rule_once_with_its_table():
    frame = rule_catalogue()
    assert list(frame.columns) == list(CATALOGUE_COLUMNS)
    declared = [(c.return_id, c.table_id, c.title, r.rule_id, r.severity, r.message) for c, r in schemas.all_rules()]
    assert list(frame.drop(columns="columns").itertuples(index=False, name=None)) == declared
    assert frame["rule_id"].is_unique
    for (contract, rule), listed in zip(schemas.all_rules(), frame["columns"], strict=True):
        names = listed.split(", ") if listed else []
        assert names == [c for c in rule.columns if c in {col.name for col in contract.columns}], rule.rule_id


def test_rule_ids_follow_the_scheme_and_q_means_query():
    for _, rule in schemas.all_rules():
        assert re.fullmatch(r"[A-Z]+-\d{3}Q?", rule.rule_id), rule.rule_id
        assert rule.rule_id.endswith("Q") == (rule.severity == QUERY), rule.rule_id


def test_catalogue_for_one_return_and_unknown_return():
    frame = rule_catalogue("police_ppn")
    assert set(frame["return_id"]) == {"police_ppn"}
    assert len(frame) == len(schemas.table("police_ppn").rules)
    with pytest.raises(ValueError, match="unknown return"):
        rule_catalogue("no_such_return")


def test_markdown_and_csv_render():
    frame = rule_catalogue()
    markdown = render(frame, "markdown").splitlines()
    assert markdown[0] == "| " + " | ".join(CATALOGUE_COLUMNS) + " |"
    assert len(markdown) == len(frame) + 2
    assert all(line.startswith("| ") and line.endswith(" |") for line in markdown[2:])
    back = pd.read_csv(io.StringIO(render(frame, "csv")), dtype="str", keep_default_na=False)
    assert back.equals(frame.astype(back.dtypes.to_dict()))
    with pytest.raises(ValueError):
        render(frame, "html")


def test_render_escapes_pipes_and_neutralises_formulas():
    frame = pd.DataFrame([{"rule_id": "X-001", "message": "=cmd|' /C calc'!A0\nnext"}], dtype="str")
    assert render(frame, "markdown").splitlines()[2] == "| X-001 | =cmd\\|' /C calc'!A0<br>next |"
    assert pd.read_csv(io.StringIO(render(frame, "csv")))["message"][0].startswith("'=")


def test_cli_rules_and_templates(tmp_path, capsys):
    assert cli.main(["rules", "--format", "csv", "--return", "police_ppn"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype="str")
    assert printed["rule_id"].tolist() == [r.rule_id for r in schemas.table("police_ppn").rules]
    assert cli.main(["rules", "--return", "no_such_return"]) == 2
    capsys.readouterr()
    assert cli.main(["templates", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / f"{r}.xlsx") for r in bespoke_returns()]


# --- templates ------------------------------------------------------------------------------------------------

def test_a_template_for_every_bespoke_return_and_none_for_annex_a(templates):
    assert sorted(templates) == BESPOKE
    assert all(path.is_file() for path in templates.values())
    assert "csc_annex_a" not in templates


def test_templates_are_deterministic(templates, tmp_path):
    again = {p.stem: p for p in write_templates(tmp_path)}
    assert {r: p.read_bytes() for r, p in again.items()} == {r: p.read_bytes() for r, p in templates.items()}


def list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    """The values a list validation offers: inline `"A,B"` or a range such as `Lists!$A$1:$A$3`."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet_name, cells = formula.lstrip("=").split("!")
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    sheet = book[sheet_name.strip("'")]
    return [sheet.cell(r, c).value for c in range(min_col, max_col + 1) for r in range(min_row, max_row + 1)]


def validations_by_column(book: openpyxl.Workbook, sheet) -> dict[str, tuple[str, str]]:
    """header name -> (validation type, first formula) for validations covering the template rows."""
    headers = [cell.value for cell in sheet[1]]
    found = {}
    for dv in sheet.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = cell_range.bounds
            assert (min_col, min_row, max_row) == (max_col, 2, TEMPLATE_ROWS + 1)
            found[headers[min_col - 1]] = (dv.type, dv.formula1)
    return found


def column_format(sheet, index: int) -> str | None:
    """Number format of column `index` (1-based); adjacent alike columns share one <col min max> entry."""
    for dim in sheet.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max:
            return dim.number_format
    return None


def check_data_sheet(book: openpyxl.Workbook, sheet, contract: TableContract) -> None:
    assert [cell.value for cell in sheet[1]] == [c.name for c in contract.columns]
    assert sheet.freeze_panes == "A2"
    marks = {cell.value: (cell.font.b, cell.fill.fgColor.rgb) for cell in sheet[1]}
    required_marks = {marks[c.name] for c in contract.columns if c.required}
    optional_marks = {marks[c.name] for c in contract.columns if not c.required}
    assert all(bold for bold, _ in marks.values())
    assert len(required_marks) <= 1 and not required_marks & optional_marks
    validations = validations_by_column(book, sheet)
    for column in contract.columns:
        if column.codes:
            kind, formula = validations[column.name]
            assert kind == "list" and list_values(book, formula) == list(column.codes), column.name
        elif column.kind in (DATE, DATETIME):
            assert validations[column.name][0] == "date", column.name
            number_format = column_format(sheet, [c.name for c in contract.columns].index(column.name) + 1)
            assert number_format.startswith("dd/mm/yyyy"), column.name
        else:
            assert column.name not in validations


@pytest.mark.parametrize("return_id", BESPOKE)
def test_template_headers_drop_downs_and_guidance(templates, return_id):
    book = openpyxl.load_workbook(templates[return_id])
    contracts = tables_of(return_id)
    data_sheets = book.sheetnames[:len(contracts)]
    if len(contracts) == 1:
        assert data_sheets == ["Data"]
    assert len(set(data_sheets)) == len(contracts)
    assert book.sheetnames[len(contracts)] == "Guidance"
    for name, contract in zip(data_sheets, contracts, strict=True):
        check_data_sheet(book, book[name], contract)
    guidance = {str(c.value) for row in book["Guidance"].iter_rows() for c in row if c.value is not None}
    assert {r.rule_id for t in contracts for r in t.rules} <= guidance
    assert {c.name for t in contracts for c in t.columns} <= guidance


def valid_value(column: Column) -> object:
    """A value that passes every rule (as in tests/ingest/test_rules.py), typed into the cell as an agency would."""
    if column.example is not None:
        return column.example or None  # the contract's own example; "" means leave the cell blank
    if column.name == "date_of_birth":
        return dt.datetime(2015, 1, 1)
    if column.codes:
        return next(iter(column.codes))
    return {DATE: dt.datetime(2026, 6, 1), DATETIME: dt.datetime(2026, 6, 1, 10, 30), INT: 3,
            NHS: "943 476 5919", UPN: "X334341915144", POSTCODE: "b91 3qs"}.get(column.kind, "R1")


def fill_and_recognise(path, tmp_path, contracts):
    """Fill one row on each data sheet with openpyxl (as an agency would), then read it as the pipeline does."""
    book = openpyxl.load_workbook(path)
    for sheet, contract in zip(book.worksheets, contracts, strict=False):
        for c, column in enumerate(contract.columns, start=1):
            sheet.cell(2, c, valid_value(column))
    filled = tmp_path / f"filled_{path.name}"
    book.save(filled)
    return recognise(read_workbook(filled), agency=None)


@pytest.mark.parametrize("return_id", BESPOKE)
def test_filled_template_is_recognised_as_its_return(templates, tmp_path, return_id):
    contracts = tables_of(return_id)
    recognition = fill_and_recognise(templates[return_id], tmp_path, contracts)
    assert recognition.file_problem is None
    assert [t.contract.table_id for t in recognition.tables] == [c.table_id for c in contracts]
    assert not any("looks like" in note for note in recognition.notes)  # the Guidance sheet is no half-table
    for table, contract in zip(recognition.tables, contracts, strict=True):
        assert table.headers == {c.name: c.name for c in contract.columns}
        assert len(table.frame) == 1
        for column in contract.columns:
            if column.codes and column.example is None:
                assert table.frame[column.name][0] == next(iter(column.codes)), column.name
        checked = validate_table(table, "2026-09-30")
        assert checked.rejected_rows == [] and checked.rows_queried == 0, checked.issues.to_dict("records")


def test_a_return_with_several_tables_gets_one_sheet_each(tmp_path):
    contracts = tables_of("csc_annex_a")  # no bespoke template, but the only multi-table return to try it on
    path = write_template(tmp_path / "annex.xlsx", contracts)
    book = openpyxl.load_workbook(path)
    names = book.sheetnames[:len(contracts)]
    assert len(set(names)) == len(contracts) and all(len(n) <= 31 and ":" not in n for n in names)
    for name, contract in zip(names, contracts, strict=True):
        check_data_sheet(book, book[name], contract)
    recognition = fill_and_recognise(path, tmp_path, contracts)
    assert [t.contract.table_id for t in recognition.tables] == [c.table_id for c in contracts]


def test_a_long_code_list_goes_to_a_hidden_lists_sheet(tmp_path):
    long_codes = {f"LONG_CODE_NUMBER_{n:02d}": (f"Label {n}",) for n in range(30)}
    contract = TableContract(
        return_id="test_long", table_id="test_long", agency="partnership", title="Long list", stg_table="stg_x",
        record_id="record_id",
        columns=(Column("record_id", ID, True), Column("category", CODE, True, ("Category",), long_codes),
                 Column("flag", YESNO, False, (), codes.YES_NO)),
        rules=(required("TST-001", "record_id", "Record ID"),))
    book = openpyxl.load_workbook(write_template(tmp_path / "long.xlsx", [contract]))
    assert book.sheetnames == ["Data", "Guidance", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    check_data_sheet(book, book["Data"], contract)
    kinds = validations_by_column(book, book["Data"])
    assert kinds["category"][1].lstrip("=").startswith("Lists!") and kinds["flag"][1] == '"Y,N"'
    assert book["Lists"]["A1"].value == "LONG_CODE_NUMBER_00"  # no header row: it would look like a table
