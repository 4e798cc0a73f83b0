"""The synthetic data generator: deterministic files, a truth that points at real cells, sane volumes and
windows, clean rows that break no rule, and injected errors that the pipeline's own checks find exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import python_calamine

import schemas
from schemas.contract import DATE, normalise_header
from transforms.generate import generate
from transforms.generate.calendar import parse_period
from transforms.generate.identifiers import nhs_valid, upn_check_letter

PERIOD = "2026-09"
SCALE = 0.05
TABLE_FILES = {
    "list3_referrals": "csc/annex_a_{p}.xlsx",
    "list7_child_protection": "csc/annex_a_{p}.xlsx",
    "csc_child_identity": "csc/child_identity_{p}.xlsx",
    "police_nominals": "police/nominals_{p}.xlsx",
    "police_ppn": "police/ppn_{p}.xlsx",
    "lado_allegations": "lado/lado_allegations_{p}.xlsx",
}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("landing")
    return out, generate(out, PERIOD, quarters=2, scale=SCALE, seed=3)


def truth(base: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(base / "_truth" / name, dtype=str, keep_default_na=False)


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def located(base: Path, records: pd.DataFrame) -> dict[tuple[str, str], tuple[list[list[object]], list[str]]]:
    """(file, sheet) -> (all rows of the sheet, its header row) for every sheet the records point at."""
    out = {}
    for (file, sheet), group in records.groupby(["file", "sheet"]):
        rows = sheet_rows(base / file, sheet)
        header = [cell_text(c) for c in rows[int(group["row"].astype(int).min()) - 2]]
        out[(file, sheet)] = (rows, header)
    return out


def test_same_seed_gives_identical_bytes(tmp_path, landing):
    out, _ = landing
    again = tmp_path / "again"
    generate(again, PERIOD, quarters=2, scale=SCALE, seed=3)
    first = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    assert any(str(p).endswith(".xlsx") for p in first)
    for rel in first:
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel
    other = tmp_path / "other"
    generate(other, PERIOD, quarters=1, scale=SCALE, seed=4)
    ppn = Path("police") / f"ppn_{PERIOD}.xlsx"
    assert (other / ppn).read_bytes() != (out / ppn).read_bytes()


def test_files_and_summary(landing):
    out, summary = landing
    expected = sorted(set(TABLE_FILES.values()))
    assert sorted(f for f in summary["files"] if not f.startswith("_earlier")) == \
        sorted(f.format(p=PERIOD) for f in expected)
    assert sorted(f for f in summary["files"] if f.startswith("_earlier")) == \
        sorted(f"_earlier/2026-06/{f.format(p='2026-06')}" for f in expected)
    for f in summary["files"]:
        assert (out / f).is_file()
    book = python_calamine.CalamineWorkbook.from_path(str(out / f"csc/annex_a_{PERIOD}.xlsx"))
    assert {"List 3", "List 7"} < set(book.sheet_names) and len(book.sheet_names) >= 3
    for table_id, rows in summary["rows"].items():
        assert len(truth(out, f"records/{table_id}.csv")) == rows > 0
    errors = truth(out, "errors.csv")
    assert summary["errors_total"] == len(errors) > 0
    assert errors["rule_id"].value_counts().to_dict() == summary["errors"]


@pytest.mark.parametrize("base", ["", "_earlier/2026-06"])
def test_records_match_the_data_rows(landing, base):
    out, _ = landing
    out = out / base if base else out
    for table_id in TABLE_FILES:
        records = truth(out, f"records/{table_id}.csv")
        contract = schemas.table(table_id)
        for (file, sheet), (rows, header) in located(out, records).items():
            mine = records[(records["file"] == file) & (records["sheet"] == sheet)]
            numbers = mine["row"].astype(int).tolist()
            first = min(numbers)
            # header row, then one data row per record with nothing after the last
            data = [r for r in rows[first - 1:] if any(cell_text(c) for c in r)]
            assert len(data) == len(mine) and numbers == list(range(first, first + len(mine))), (table_id, sheet)
            assert len(rows) == first - 1 + len(mine)
            # the header names every contract column once
            keys = [normalise_header(h) for h in header]
            for column in contract.columns:
                assert sum(k in column.header_keys for k in keys) == 1, (table_id, column.name, header)
            # every cell written is a value, never the text of a missing one
            for r in data:
                assert not any(cell_text(c) in ("nan", "NaN", "None", "NaT", "<NA>") for c in r)
            # the record id cell holds the truth's id
            at = next(i for i, k in enumerate(keys) if k in contract.column(contract.record_id).header_keys)
            written = [cell_text(rows[n - 1][at]) for n in numbers]
            assert written == mine[contract.record_id].tolist(), table_id


@pytest.mark.parametrize("base", ["", "_earlier/2026-06"])
def test_every_error_points_at_a_real_cell(landing, base):
    out, _ = landing
    out = out / base if base else out
    errors = truth(out, "errors.csv")
    assert set(errors["severity"]) <= {"ERROR", "QUERY"}
    catalogue = {r.rule_id: (c, r) for c, r in schemas.all_rules()}
    sheets: dict = {}
    for e in errors.itertuples(index=False):
        contract, rule = catalogue[e.rule_id]
        assert rule.severity == e.severity
        records = truth(out, f"records/{contract.table_id}.csv")
        hit = records[(records["file"] == e.file) & (records["sheet"] == e.sheet) & (records["row"] == e.row)]
        assert len(hit) == 1 and hit["injected_rule"].iloc[0] == e.rule_id
        if (e.file, e.sheet) not in sheets:
            sheets.update(located(out, records))
        rows, header = sheets[(e.file, e.sheet)]
        assert header.count(e.column) == 1, (e.column, header)
        assert normalise_header(e.column) in contract.column(rule.column).header_keys
        cell = cell_text(rows[int(e.row) - 1][header.index(e.column)])
        if e.rule_id in ("REF-001", "CID-003"):
            assert cell == ""
        elif e.rule_id in ("REF-003", "LADO-004", "REF-005", "CPP-005", "PPN-009"):
            assert cell != "" and hit[rule.column].iloc[0] == ""  # written, but not mappable
    # injected rows carry one rule each, and duplicated nominal ids are reported on both rows
    records = pd.concat([truth(out, f"records/{t}.csv").assign(t=t) for t in TABLE_FILES])
    injected = records[records["injected_rule"] != ""]
    assert len(injected) == len(errors)
    nom = errors[errors["rule_id"] == "NOM-002"]
    assert len(nom) >= 2 and nom["record_id"].value_counts().min() == 2


def test_volumes_follow_scale(tmp_path, landing):
    _, small = landing
    large = generate(tmp_path / "large", PERIOD, scale=0.25, seed=3)
    for table_id in TABLE_FILES:
        if small["rows"][table_id] >= 100:  # smaller counts are too noisy for a ratio
            ratio = large["rows"][table_id] / small["rows"][table_id]
            assert 3 < ratio < 7, (table_id, ratio)
    total = sum(large["rows"].values()) / sum(small["rows"].values())
    assert 4 < total < 6
    rows = large["rows"]
    assert 0.7 * 5400 * 0.25 < rows["list3_referrals"] < 1.3 * 5400 * 0.25
    assert 0.7 * 8000 * 0.25 < rows["police_ppn"] < 1.3 * 8000 * 0.25
    assert 0.6 * 470 * 0.25 < rows["lado_allegations"] < 1.4 * 470 * 0.25


@pytest.mark.parametrize("base,period", [("", PERIOD), ("_earlier/2026-06", "2026-06")])
def test_events_fall_in_the_window(landing, base, period):
    out, _ = landing
    out = out / base if base else out
    p = parse_period(period)
    start, end = p.window_start.isoformat(), p.end.isoformat()

    def within(values: pd.Series) -> bool:
        values = values[values != ""]
        return bool(((values >= start) & (values <= end)).all())

    refs = truth(out, "records/list3_referrals.csv")
    assert within(refs["referral_date"])
    plans = truth(out, "records/list7_child_protection.csv")
    assert (plans["cpp_start_date"] <= end).all()
    assert (plans["cpp_start_date"] < start).any()  # plans open at the window start are included
    clean = plans[plans["injected_rule"] == ""]
    assert ((clean["cpp_end_date"] == "") | ((clean["cpp_end_date"] >= start) & (clean["cpp_end_date"] <= end))).all()
    ppn = truth(out, "records/police_ppn.csv")
    assert within(ppn["incident_date"]) and (ppn["submitted_date"] <= end).all()
    lado = truth(out, "records/lado_allegations.csv")
    assert within(lado["contact_date"])
    nominals = truth(out, "records/police_nominals.csv")
    assert (nominals["created_date"] <= end).all()


def test_clean_rows_break_no_rule(landing):
    out, _ = landing
    t = {table_id: truth(out, f"records/{table_id}.csv") for table_id in TABLE_FILES}
    clean = {k: v[v["injected_rule"] == ""] for k, v in t.items()}
    for table_id in ("csc_child_identity", "police_nominals", "police_ppn", "lado_allegations"):
        ids = clean[table_id][schemas.table(table_id).record_id]
        assert ids.is_unique and (ids != "").all(), table_id
    plans = clean["list7_child_protection"]
    assert not plans.duplicated(["child_id", "cpp_start_date"]).any()
    assert ((plans["cpp_end_date"] == "") | (plans["cpp_end_date"] >= plans["cpp_start_date"])).all()
    for table_id, event in (("list3_referrals", "referral_date"), ("list7_child_protection", "cpp_start_date")):
        frame = clean[table_id]
        assert (frame["date_of_birth"] <= frame[event]).all()
        assert frame["age"].astype(int).between(0, 17).all()
    ppn = clean["police_ppn"]
    assert (ppn["submitted_date"] >= ppn["incident_date"]).all()
    lado = clean["lado_allegations"]
    for later in ("pot_meeting_date", "outcome_date"):
        assert ((lado[later] == "") | (lado[later] >= lado["contact_date"])).all()
    nominals = clean["police_nominals"]
    assert ((nominals["date_of_birth"] == "") | (nominals["created_date"] >= nominals["date_of_birth"])).all()
    identity = clean["csc_child_identity"]
    numbers = identity["nhs_number"][identity["nhs_number"] != ""]
    assert len(numbers) > 0.8 * len(identity) and all(nhs_valid(n) for n in numbers)
    upns = identity["upn"][identity["upn"] != ""]
    assert len(upns) and all(u[1:4] == "334" and upn_check_letter(u[1:]) == u[0] for u in upns)
    postcode = re.compile(r"^B(9[0-4]|3[67]) \d[A-Z]{2}$")
    for frame in (identity, nominals):
        assert frame["postcode"][frame["postcode"] != ""].map(lambda v: bool(postcode.match(v))).all()
    # every child named in List 3 or List 7 has one identity row
    named = set(t["list3_referrals"]["child_id"]) | set(t["list7_child_protection"]["child_id"])
    assert named - {""} == set(t["csc_child_identity"]["child_id"])


def test_persons_truth(landing):
    out, _ = landing
    persons = truth(out, "persons.csv")
    assert not persons.duplicated(["source", "record_id"]).any()
    for table_id, id_column in (("csc_child_identity", "child_id"), ("police_nominals", "police_person_id")):
        records = truth(out, f"records/{table_id}.csv")
        mine = persons[persons["source"] == table_id]
        assert set(mine["record_id"]) == set(records[id_column])
        assert dict(zip(records[id_column], records["person_id"], strict=True)) == \
            dict(zip(mine["record_id"], mine["person_id"], strict=True))
    police = persons[persons["source"] == "police_nominals"]
    assert police["person_id"].duplicated().any()  # the same person under two police ids (not an error)
    csc = persons[persons["source"] == "csc_child_identity"]
    assert csc["person_id"].isin(police["person_id"]).any()  # children known to both agencies
    ppn = truth(out, "records/police_ppn.csv")
    nominals = truth(out, "records/police_nominals.csv")
    owner = dict(zip(nominals["police_person_id"], nominals["person_id"], strict=False))
    assert all(owner[i] == p for i, p in zip(ppn["police_person_id"], ppn["person_id"], strict=True))


def test_bad_period_is_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, "2026-08")
    with pytest.raises(ValueError):
        generate(tmp_path, "Q3-2026")


def test_the_pipeline_finds_exactly_the_injected_errors(landing):
    """Round trip through the pipeline's reader, mapper and rules: issues == errors.csv (plus the natural
    PPN-014Q queries), and clean rows map to the truth's canonical values."""
    mapping = pytest.importorskip("transforms.mapping")
    from transforms.read import read_workbook
    from transforms.validate import validate_table

    out, _ = landing
    errors = truth(out, "errors.csv")
    for rel in sorted({f.format(p=PERIOD) for f in TABLE_FILES.values()}):
        recognition = mapping.recognise(read_workbook(out / rel), rel.split("/")[0])
        assert recognition.file_problem is None, recognition.file_problem
        for table in recognition.tables:
            issues = validate_table(table).issues
            issues = issues[issues["rule_id"] != "PPN-014Q"]
            got = {(int(r.row), r.column, r.rule_id, r.severity) for r in issues.itertuples()}
            want = errors[(errors["file"] == rel) & (errors["sheet"] == table.sheet)]
            assert got == {(int(r.row), r.column, r.rule_id, r.severity) for r in want.itertuples()}
            records = truth(out, f"records/{table.contract.table_id}.csv")
            records = records[records["injected_rule"] == ""]
            records = records.set_index(records["row"].astype(int))
            frame = table.frame.set_index(mapping.SOURCE_ROW).loc[records.index]
            for column in table.contract.columns:
                mapped = frame[column.name].astype(object).where(frame[column.name].notna(), "").astype(str)
                assert mapped.tolist() == records[column.name].tolist(), (table.contract.table_id, column.name)
                if column.kind == DATE:
                    assert records[column.name].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()
