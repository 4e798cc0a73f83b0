"""Bad input, end to end: `assure run` on a landing folder holding the whole corpus (tests/bad_inputs.py) plus a
generated normal quarter. The run must exit 0 and publish; every landed file is loaded or quarantined with a
reason; each case reaches exactly its expected outcome; and what the run wrote leaks nothing: feedback and chasers
hold only their agency's rows, every xlsx/csv is safe from formula injection, and published outputs hold no
names, dates of birth, postcodes, NHS numbers or agency ids.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import html
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

import schemas
from schemas.contract import ID
from schemas.file_rules import FILE_RULES
from synthetic.generate import generate
from tests.bad_inputs import (
    CASES,
    CP1252_PEOPLE,
    HOSTILE_MODULES,
    HSR_PEOPLE,
    NAMES_WEIRD,
    PERIOD,
    PPN_HEADER,
    QUARANTINED,
    RISK_FORMULA_ROW,
    build_corpus,
    markdown_rows,
    ppn_book,
    ppn_rows,
    write_csv,
)
from transforms import cli, warehouse
from transforms.dataset.periods import previous_period, windows
from transforms.feedback.neutralise import FORMULA_TRIGGERS
from transforms.handoff import WORK_FILE, read_frame
from transforms.ingest.register import register
from transforms.ingest.screen import screen
from transforms.operations.monitor import chase

PROJECT = Path(__file__).resolve().parents[1]
BY_ID = {case.case_id: case for case in CASES}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """The whole corpus plus a normal quarter, through `assure run` (the command's own entry point)."""
    root = tmp_path_factory.mktemp("corpus")
    landing, out = root / "landing", root / "out"
    generate(landing, PERIOD, scale=0.05, seed=5)
    paths = build_corpus(landing)
    url = f"sqlite:///{out / 'warehouse.sqlite'}"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["run", "--landing", str(landing), "--period", PERIOD, "--out", str(out),
                         "--warehouse", url])
    with warehouse.engine(url).connect() as conn:
        registry = pd.DataFrame(conn.execute(sa.select(warehouse.raw_submission)).mappings().all())
        issues = pd.DataFrame(conn.execute(sa.select(warehouse.dq_issue)).mappings().all())
    yield {"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "landing": landing, "out": out,
           "url": url, "paths": paths, "registry": registry.set_index("sha256", drop=False), "issues": issues}
    warehouse.dispose_all()


def landed_files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.glob("*/*") if p.is_file() and not p.parts[-2].startswith("_"))


def test_assure_run_on_the_corpus_exits_0_and_publishes(corpus_run):
    assert corpus_run["code"] == 0, corpus_run["stderr"]
    assert "Traceback" not in corpus_run["stdout"] + corpus_run["stderr"]
    published = corpus_run["out"] / "published" / f"partnership_dataset_{PERIOD}.csv"
    rows = list(csv.DictReader(published.open()))
    assert {r["indicator_id"] for r in rows} >= {"CSC-01", "POL-02", "LADO-01"}
    assert any(r["value"] for r in rows), "the normal quarter's indicators are published"
    assert "\x1b" not in corpus_run["stdout"], "file names are printed without terminal escapes"


def test_every_landed_file_is_loaded_or_quarantined_with_a_reason(corpus_run):
    registry, out = corpus_run["registry"], corpus_run["out"]
    files = landed_files(corpus_run["landing"])
    assert len(files) == 13 + len(CASES)
    for path in files:
        row = registry.loc[sha256(path)]
        assert row["loaded"] == 1, path.name
        assert row["rows_read"] == row["rows_accepted"] + row["rows_rejected"], path.name
        if row["status"] == QUARANTINED:
            assert row["rows_read"] == 0 and row["reason"], path.name
            reasons = list((out / "quarantine").glob(f"{row['sha256'][:12]}_*.reason.txt"))
            assert len(reasons) == 1 and re.search(r"FILE-0\d\d: \S", reasons[0].read_text()), path.name
            assert f"{row['agency']}/" in corpus_run["stdout"] and "quarantined:" in corpus_run["stdout"]
        else:
            assert row["status"] in ("ACCEPTED", "PARTIAL"), path.name
        stem = f"_{row['submission_id'][:8]}.feedback"
        assert list((out / "outbox").glob(f"*/*{stem}.json")) and list((out / "outbox").glob(f"*/*{stem}.xlsx"))
    assert len(registry) == len(files) - 1, "only the byte-identical copy shares a submission"


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_case_outcome(corpus_run, case):
    row = corpus_run["registry"].loc[sha256(corpus_run["paths"][case.case_id])]
    issues = corpus_run["issues"]
    rules = set(issues.loc[issues["submission_id"] == row["submission_id"], "rule_id"])
    assert (row["status"], rules) == (case.status, set(case.rules)), row["reason"]
    assert row["rows_read"] == row["rows_accepted"] + row["rows_rejected"]
    if case.status == QUARANTINED:
        assert row["rows_read"] == 0
        assert issues.loc[issues["submission_id"] == row["submission_id"], "severity"].tolist() == ["FILE"]


def accepted_rows(corpus_run, case_id: str) -> pd.DataFrame:
    row = corpus_run["registry"].loc[sha256(corpus_run["paths"][case_id])]
    folder = corpus_run["out"] / "work" / row["submission_id"]
    return pd.concat([read_frame(p) for p in folder.glob(f"*.accepted{WORK_FILE}")], ignore_index=True)


def test_text_survives_exactly(corpus_run):
    names = accepted_rows(corpus_run, "emoji_rtl_names")
    assert list(zip(names["first_name"], names["last_name"], strict=True)) == NAMES_WEIRD
    cp1252 = accepted_rows(corpus_run, "csv_windows_1252")
    assert list(zip(cp1252["first_name"], cp1252["last_name"], strict=True)) == CP1252_PEOPLE
    bom = accepted_rows(corpus_run, "csv_bom")
    assert bom["referral_id"].tolist()[0] == "HSR-C001", "the BOM did not stick to the first header"
    spaced = accepted_rows(corpus_run, "nhs_spaces")
    assert spaced["nhs_number"].str.fullmatch(r"\d{10}").all()
    assert len(accepted_rows(corpus_run, "million_empty_rows")) == 5
    serials = accepted_rows(corpus_run, "dates_serial")
    assert serials["incident_date"].tolist() == [r[2].isoformat() for r in ppn_rows()]
    text = accepted_rows(corpus_run, "dates_text")
    assert text["incident_date"].tolist() == [r[2].isoformat() for r in ppn_rows()]
    assert accepted_rows(corpus_run, "leading_plus")["police_person_id"].tolist()[3] == "+44 7700 900123"


def test_damaged_text_is_cleaned_and_the_rest_survives(corpus_run):
    stray = accepted_rows(corpus_run, "utf8_stray_byte")
    assert list(zip(stray["first_name"], stray["last_name"], strict=True)) == CP1252_PEOPLE, "still UTF-8"
    cut = accepted_rows(corpus_run, "utf8_cut_sequence")
    assert cut["last_name"].tolist()[2] == "Núñez \ufffdx" and cut["first_name"].tolist()[0] == "Zoë"
    assert accepted_rows(corpus_run, "nul_csv")["police_person_id"].tolist()[2] == "N5002"
    assert accepted_rows(corpus_run, "nul_xlsx")["police_person_id"].tolist()[3] == "N5003"


@pytest.mark.parametrize("case_id", ["formula_reordered", "formula_no_r", "formula_prefixed", "formula_escaped_sheet"])
def test_a_formula_cells_cached_value_is_never_loaded(corpus_run, case_id):
    rows = accepted_rows(corpus_run, case_id).set_index("ppn_id")
    formula_row = ppn_rows()[RISK_FORMULA_ROW - 2][0]
    assert pd.isna(rows.loc[formula_row, "risk_level"]), "the cached 'High' is not loaded"
    assert rows["risk_level"].notna().sum() == len(rows) - 1, "every other risk level is"


@pytest.mark.parametrize("case_id", ["hidden_stale_sheet", "very_hidden_stale_sheet"])
def test_the_visible_sheet_is_loaded_not_a_hidden_stale_one(corpus_run, case_id):
    ids = accepted_rows(corpus_run, case_id)["ppn_id"]
    assert len(ids) == 12 and ids.str.startswith("PPN-NEW").all()


def test_renamed_files_are_read_by_content_and_the_sender_is_told(corpus_run):
    for case_id, said in (("xlsx_named_csv", "read as one"), ("csv_named_xlsx", "read as CSV")):
        row = corpus_run["registry"].loc[sha256(corpus_run["paths"][case_id])]
        result = json.loads((corpus_run["out"] / "work" / row["submission_id"] / "result.json").read_text())
        assert any(said in note for note in result["notes"]), result["notes"]


def test_hostile_file_names_never_become_paths(corpus_run):
    out = corpus_run["out"]
    for path in out.rglob("*"):
        assert re.fullmatch(r"[A-Za-z0-9._-]+", path.name), path
        assert path.resolve().is_relative_to(out.resolve())
    assert not list(PROJECT.rglob("PWNED")) and not list(corpus_run["landing"].parent.rglob("PWNED"))
    row = corpus_run["registry"].loc[sha256(corpus_run["paths"]["evil_name"])]
    assert row["file_name"] == BY_ID["evil_name"].file_name, "the name is recorded as sent"


def test_the_same_rows_under_a_new_name_replace_not_double(tmp_path, sqlite_url):
    from transforms.pipeline import ingest_file

    first = ppn_book(tmp_path / "police" / "a.xlsx", ppn_rows(prefix="PPN-T"))
    again = ppn_book(tmp_path / "police" / "b.xlsx", ppn_rows(prefix="PPN-T"), title="re-saved")
    for path in (first, again, first):
        ingest_file(str(path), "police", PERIOD, str(tmp_path / "out"), sqlite_url)
    with warehouse.engine(sqlite_url).connect() as conn:
        stg = pd.DataFrame(conn.execute(sa.select(warehouse.STG_TABLES["police_ppn"])).mappings().all())
        submissions = conn.execute(sa.select(sa.func.count()).select_from(warehouse.raw_submission)).scalar()
    assert len(stg) == 12 and stg["ppn_id"].is_unique and submissions == 2


# ---- limits ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("variable", "value", "rule"), [
    ("ASSURE_MAX_FILE_MB", "0.001", "FILE-005"),
    ("ASSURE_MAX_ROWS", "10", "FILE-006"),
    ("ASSURE_MAX_UNCOMPRESSED_MB", "0.01", "FILE-007"),
    ("ASSURE_MAX_ZIP_RATIO", "1.5", "FILE-007"),
])
def test_limits_come_from_the_environment_and_are_checked_before_parsing(tmp_path, monkeypatch, variable, value,
                                                                          rule):
    from schemas.file_rules import FileProblem

    rows = ppn_rows(40)
    book = ppn_book(tmp_path / "ppn.xlsx", rows)
    text = write_csv(tmp_path / "ppn.csv", [PPN_HEADER, *rows])
    screen(book)  # within the defaults
    monkeypatch.setenv(variable, value)
    if variable == "ASSURE_MAX_ZIP_RATIO":
        monkeypatch.setattr("transforms.ingest.screen.RATIO_FLOOR_BYTES", 0)
    for path in (book, text) if variable in ("ASSURE_MAX_FILE_MB", "ASSURE_MAX_ROWS") else (book,):
        with pytest.raises(FileProblem) as refused:
            screen(path)
        assert refused.value.rule.rule_id == rule


def test_a_bad_limit_setting_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSURE_MAX_ROWS", "lots")
    with pytest.raises(ValueError, match="ASSURE_MAX_ROWS must be a number"):
        screen(ppn_book(tmp_path / "p.xlsx", ppn_rows()))


def test_the_screen_names_the_sheets_holding_formulas_and_the_reader_flags_their_cells(tmp_path):
    """The screen reads every part anyway: it notes which sheets hold a formula or an error value, and the
    reader looks for untrusted cells in those only (a clean sheet's XML is not decompressed twice)."""
    import xlsxwriter

    from transforms.ingest.read import read_file

    path = tmp_path / "two_sheets.xlsx"
    book = xlsxwriter.Workbook(str(path))
    clean, mixed = book.add_worksheet("Clean"), book.add_worksheet("Mixed")
    for row in range(5):
        clean.write_row(row, 0, ["text", row])
        mixed.write_row(row, 0, ["text", row])
    mixed.write_formula(3, 1, "=1+1", None, 2)
    mixed.write_formula(4, 2, "=1/0", None, "#DIV/0!")
    book.close()
    assert screen(path).formula_parts == {"xl/worksheets/sheet2.xml"}
    sheets, _ = read_file(path)
    assert {sheet.name: sheet.untrusted for sheet in sheets} == {"Clean": set(), "Mixed": {(3, 1), (4, 2)}}
    assert screen(ppn_book(tmp_path / "p.xlsx", ppn_rows())).formula_parts == frozenset()


def test_row_limit_refuses_the_file_in_the_pipeline(tmp_path, sqlite_url, monkeypatch):
    from transforms.pipeline import ingest_file

    monkeypatch.setenv("ASSURE_MAX_ROWS", "10")
    path = write_csv(tmp_path / "police" / "ppn.csv", [PPN_HEADER, *ppn_rows(40)])
    result = ingest_file(str(path), "police", PERIOD, str(tmp_path / "out"), sqlite_url)
    assert (result["status"], result["rule_id"], result["rows_read"]) == ("QUARANTINED", "FILE-006", 0)


# ---- nothing leaked ---------------------------------------------------------------------------------------

def cell_strings(path: Path) -> list[str]:
    """Every value in a written file, as text: xlsx cells, csv fields, json strings, or the words of a text."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=False)
        return [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    if path.suffix == ".csv":
        return [field for row in csv.reader(path.open(newline="", encoding="utf-8")) for field in row]
    if path.suffix == ".json":
        found = []

        def walk(value):
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif value is not None:
                found.append(str(value))

        walk(json.loads(path.read_text()))
        return found
    return path.read_text(encoding="utf-8").split()


def written_reports(out: Path) -> list[Path]:
    """Every xlsx and csv the run wrote (not the archive or quarantine: those are the files as received)."""
    return sorted(p for p in out.rglob("*") if p.suffix in (".xlsx", ".csv")
                  and p.relative_to(out).parts[0] not in ("archive", "quarantine", "work"))


def is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_formula_injection_is_neutralised_in_every_xlsx_and_csv_written(corpus_run):
    reports = written_reports(corpus_run["out"])
    assert any("outbox" in p.parts for p in reports) and any("published" in p.parts for p in reports)
    for path in reports:
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            formulas = [c.coordinate for sheet in book for row in sheet.iter_rows() for c in row
                        if c.data_type == "f"]
            assert not formulas, f"{path.name} holds formula cells {formulas[:5]}"
        risky = [v for v in cell_strings(path) if v.startswith(FORMULA_TRIGGERS) and not is_number(v)]
        assert not risky, f"{path.relative_to(corpus_run['out'])}: {risky[:5]}"
    hostile = [json.loads(p.read_text()) for p in (corpus_run["out"] / "outbox" / "police").glob("*.json")]
    shown = {i["value"] for report in hostile for i in report["issues"]}
    assert "'=HYPERLINK(\"http://example.invalid/x\",\"Other\")" in shown and "'@SUM(1+9)*cmd|' /C calc'!A0" in shown
    headers = set()
    for case_id in ("header_formula_triggers", "header_formula_triggers_2"):
        row = corpus_run["registry"].loc[sha256(corpus_run["paths"][case_id])]
        feedback = next((corpus_run["out"] / "outbox" / "police").glob(f"*_{row['submission_id'][:8]}.feedback.xlsx"))
        headers |= {c.value for row in openpyxl.load_workbook(feedback)["Rejected rows"].iter_rows() for c in row}
    assert {"'=PPN ID", "'+Person ID", "'-Incident Date", "'@Risk Level"} <= headers, "written, neutralised"


def agency_values(landing: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per agency: (identifying values of its records: ids, names, NHS numbers; every value it sent itself).

    From the generated truth plus the corpus. A value an agency sent itself (a police report id quoted in a social
    care return) is that agency's own, whoever else also holds it.
    """
    sensitive: dict[str, set[str]] = {}
    own: dict[str, set[str]] = {}
    for contract in schemas.TABLES:
        path = landing / "_truth" / "records" / f"{contract.table_id}.csv"
        if not path.exists():
            continue
        records = pd.read_csv(path, dtype=str, keep_default_na=False)
        columns = [c.name for c in contract.columns if c.kind == ID or c.name in ("first_name", "last_name",
                                                                                     "nhs_number")]
        for column in columns:
            sensitive.setdefault(contract.agency, set()).update(v for v in records[column] if len(v) >= 4)
        for column in contract.columns:
            own.setdefault(contract.agency, set()).update(records[column.name])
    corpus_ids = {f"{prefix}{i:03d}" for prefix in ("PPN-C", "PPN-T", "PPN-R", "PPN-S", "PPN-E", "PPN-U", "PPN-N",
                                                    "PPN-F") for i in range(1, 25)}
    sensitive["police"] |= corpus_ids
    own["police"] |= corpus_ids
    names = {n for people in (HSR_PEOPLE, NAMES_WEIRD, CP1252_PEOPLE) for person in people for n in person}
    sensitive["health"] |= names
    own["health"] |= names
    return sensitive, own


def test_feedback_and_chasers_hold_only_the_recipient_agencys_rows(corpus_run):
    out, landing = corpus_run["out"], corpus_run["landing"]
    # chasers: the quarter before had nothing loaded, so every agency is late for every return it owes
    earlier = previous_period(PERIOD)
    chasers = chase(earlier, dt.date.fromisoformat(windows(PERIOD)["period_end"]), corpus_run["url"], str(out))
    assert {Path(p).parent.name for p in chasers} >= {"police", "health", "csc", "lado", "education"}
    sensitive, own = agency_values(landing)
    own_returns = {c.agency: set() for c in schemas.TABLES}
    for contract in schemas.TABLES:
        own_returns[contract.agency].add(contract.return_id)
    reports = sorted(p for p in (out / "outbox").rglob("*") if p.is_file())
    assert len(reports) >= 2 * 13 + len(chasers)
    for path in reports:
        agency = path.parent.name
        others = set().union(*(v for a, v in sensitive.items() if a != agency)) - own.get(agency, set())
        found = set(cell_strings(path))
        if path.suffix == ".json":
            content = json.loads(path.read_text())
            assert content["submission"]["agency"] == agency.replace("_", " ") or agency == "Police_Dept"
        leaked = {v for v in found if v in others}
        assert not leaked, f"{path.relative_to(out)} holds another agency's values: {sorted(leaked)[:5]}"
        if path.name.startswith("chaser_"):
            text = path.read_text()
            assert f"To: {agency} " in text and f"landing/{agency}/" in text
            named = set(re.findall(r"Return: (\S+)", text))
            assert named <= own_returns.get(agency, set()), (path.name, named)


def published_text(out: Path) -> str:
    parts = []
    for path in sorted((out / "published").rglob("*")):
        if path.suffix in (".csv", ".html", ".txt", ".json", ".svg"):
            parts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            for sheet in book:
                for row in sheet.iter_rows(values_only=True):
                    parts.extend(v.isoformat()[:10] if isinstance(v, dt.date) else str(v) for v in row
                                 if v is not None)
    return "\n".join(parts)


def test_published_and_dashboard_outputs_hold_no_identities(corpus_run):
    out, landing = corpus_run["out"], corpus_run["landing"]
    text = published_text(out)
    for rule in FILE_RULES:  # our own words (the analyst's report quotes quarantine reasons), with example dates
        text = text.replace(html.escape(rule.message), "").replace(rule.message, "")
    assert "partnership_dataset" in text or "CSC-01" in text
    tokens = set(re.findall(r"[\w'’\-]+", text))
    records = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)
                         for p in (landing / "_truth" / "records").glob("*.csv")], ignore_index=True).fillna("")
    ids = set().union(*values_of_kind(records, "id"))
    assert ids and not ids & tokens, sorted(ids & tokens)[:5]
    nhs = {v for v in records.get("nhs_number", pd.Series(dtype=str)) if v}
    assert nhs and not nhs & set(re.findall(r"\d{10}", text.replace(" ", "")))
    upns = {v.upper() for v in records.get("upn", pd.Series(dtype=str)) if v}
    assert upns and not upns & {t.upper() for t in re.findall(r"[A-Za-z]\d{11}[A-Za-z\d]", text)}
    postcodes = {v.replace(" ", "").upper() for v in records.get("postcode", pd.Series(dtype=str)) if v}
    assert postcodes and not postcodes & {t.upper() for t in re.findall(r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}",
                                                                        text)}
    people = records[(records.get("first_name", "") != "") & (records.get("last_name", "") != "")]
    names = {f"{f} {la}" for f, la in zip(people["first_name"], people["last_name"], strict=True)}
    names |= {f"{f} {la}" for group in (HSR_PEOPLE, NAMES_WEIRD, CP1252_PEOPLE) for f, la in group}
    assert names and not [n for n in names if n in text]
    surnames = {v for v in people["last_name"] if len(v) >= 6} | {la for _, la in HSR_PEOPLE}
    assert not surnames & tokens, sorted(surnames & tokens)[:5]
    # dates: only the calendar's (quarter bounds, due dates) and the run's own day may appear, never a birthday
    allowed = {dt.date.today().isoformat(), dt.datetime.now(dt.UTC).date().isoformat()}
    for back in range(8):
        allowed |= {v for v in windows(previous_period(PERIOD, back)).values() if isinstance(v, str) and "-" in v}
    shown = set(re.findall(r"\b(?:19|20)\d\d-\d\d-\d\d\b", text))
    shown |= {dt.datetime.strptime(d, "%d/%m/%Y").date().isoformat()
              for d in re.findall(r"\b\d\d/\d\d/(?:19|20)\d\d\b", text)}
    assert shown <= allowed, sorted(shown - allowed)[:5]


def test_published_outputs_hold_no_file_name_and_no_free_text_label(corpus_run):
    """File names from landing and free text from a return (training modules carrying a name, an NHS number and a
    formula) never reach a published output: catalogued labels and numbers only (DESIGN.md section 9)."""
    text = published_text(corpus_run["out"])
    files = landed_files(corpus_run["landing"])
    catalogued = {t.return_id for t in schemas.TABLES}  # a file named after its return: the name is ours too
    landed = {p.name for p in files} | {p.stem for p in files} - catalogued
    leaked = sorted(name for name in landed if len(name) >= 8 and name in text)
    assert not leaked, leaked[:5]
    assert "Module 2 - Working Together to Safeguard Children" in text, "the hostile training return was counted"
    for planted in (*HOSTILE_MODULES, "Amelia Okafor", "9434765919", "943 476 5919", "HYPERLINK", "example.invalid"):
        assert planted not in text, planted
    cells = [v for path in sorted((corpus_run["out"] / "published").rglob("*.csv")) for v in cell_strings(path)]
    assert cells and not [v for v in cells if v.startswith(FORMULA_TRIGGERS) and not is_number(v)]


def values_of_kind(records: pd.DataFrame, kind: str) -> list[set[str]]:
    """Values of every column that is an id column (of that kind) in some contract, as sets (4+ characters)."""
    names = {c.name for t in schemas.TABLES for c in t.columns if c.kind == ID}
    return [{v for v in records[n] if len(v) >= 4} for n in names if n in records]


# ---- the reliability table ----------------------------------------------------------------------------------

def test_reliability_doc_lists_every_case_with_its_outcome():
    doc = (PROJECT / "docs" / "reliability.md").read_text()
    missing = [row for row in markdown_rows() if row not in doc]
    missing += [rule.rule_id for rule in FILE_RULES if f"| {rule.rule_id} | {rule.title} | {rule.message} |" not in doc]
    assert not missing, "docs/reliability.md is out of date; regenerate its tables:\n" + "\n".join(missing)
    assert len(CASES) >= 40


def test_register_takes_a_plain_archive_suffix_only(tmp_path, sqlite_url):
    path = ppn_book(tmp_path / "x.csv;rm -rf ~", ppn_rows())
    submission = register(str(path), "police", PERIOD, str(tmp_path / "out"), sqlite_url)
    assert Path(submission.archive_path).name == submission.sha256
