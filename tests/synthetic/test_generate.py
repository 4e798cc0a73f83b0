"""The synthetic data generator: deterministic files, a truth that points at real cells, sane volumes and
windows, clean rows that break no rule, injected errors that the pipeline's own checks find exactly, and the
same children flowing across agencies."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import python_calamine

import schemas
from schemas.contract import DATE, DATETIME, normalise_header
from schemas.rules import add_months
from synthetic.generate import generate
from synthetic.generate.calendar import parse_period
from synthetic.generate.identifiers import nhs_valid, upn_check_letter
from synthetic.generate.truth import CROSS_RETURN_RULES

PERIOD = "2026-09"
SCALE = 0.05
TABLE_FILES = {
    "list1_contacts": "csc/annex_a_{p}.xlsx",
    "list3_referrals": "csc/annex_a_{p}.xlsx",
    "list4_assessments": "csc/annex_a_{p}.xlsx",
    "list5_section47": "csc/annex_a_{p}.xlsx",
    "list6_children_in_need": "csc/annex_a_{p}.xlsx",
    "list7_child_protection": "csc/annex_a_{p}.xlsx",
    "list8_looked_after": "csc/annex_a_{p}.xlsx",
    "csc_child_identity": "csc/child_identity_{p}.xlsx",
    "csc_return_interviews": "csc/return_interviews_{p}.xlsx",
    "police_nominals": "police/nominals_{p}.xlsx",
    "police_ppn": "police/ppn_{p}.xlsx",
    "police_missing": "police/missing_{p}.xlsx",
    "health_safeguarding": "health/safeguarding_referrals_{p}.xlsx",
    "health_cdop": "health/cdop_{p}.xlsx",
    "edu_suspensions": "education/suspensions_{p}.xlsx",
    "edu_cme": "education/cme_{p}.xlsx",
    "lado_allegations": "lado/lado_allegations_{p}.xlsx",
    "vulnerability_tracker": "partnership/vulnerability_tracker_{p}.xlsx",
    "training_attendance": "partnership/training_attendance_{p}.xlsx",
}
ANNEX_LISTS = [t for t in TABLE_FILES if t.startswith("list")]
PERSON_SOURCES = {"csc_child_identity": "child_id", "police_nominals": "police_person_id",
                  "health_safeguarding": "referral_id", "edu_suspensions": "upn", "edu_cme": "cme_id",
                  "vulnerability_tracker": "individual_id"}
# rules whose injected cell is left empty, and rules whose injected cell holds text the mapper cannot use
BLANK_RULES = {"REF-001", "CID-003Q"}
UNMAPPABLE_RULES = {"REF-003", "REF-005Q", "CPP-005Q", "PPN-009Q", "LADO-004", "CON-011Q", "ENQ-010Q", "CIN-010Q",
                    "LAC-010Q", "RHI-004Q", "MIS-008Q", "HSR-012Q", "HSR-016Q", "CID-007Q", "SUS-002Q", "SUS-010Q",
                    "CME-014Q", "VUL-008Q", "TRN-004"}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("landing")
    return out, generate(out, PERIOD, quarters=2, scale=SCALE, seed=3)


@pytest.fixture(scope="module")
def borough(tmp_path_factory) -> tuple[Path, dict]:
    """A quarter of a borough: big enough for volumes and cross-agency joins to show."""
    out = tmp_path_factory.mktemp("borough")
    return out, generate(out, PERIOD, scale=0.25, seed=3)


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
    assert len(expected) == 13
    assert sorted(f for f in summary["files"] if not f.startswith("_earlier")) == \
        sorted(f.format(p=PERIOD) for f in expected)
    assert sorted(f for f in summary["files"] if f.startswith("_earlier")) == \
        sorted(f"_earlier/2026-06/{f.format(p='2026-06')}" for f in expected)
    for f in summary["files"]:
        assert (out / f).is_file()
        # each file sits in the folder of the agency whose contract it holds
        tables = [t for t, pattern in TABLE_FILES.items() if pattern.format(p=PERIOD) == f]
        assert all(schemas.table(t).agency == f.split("/")[0] for t in tables), f
    assert set(summary["rows"]) == {t.table_id for t in schemas.TABLES}
    book = python_calamine.CalamineWorkbook.from_path(str(out / f"csc/annex_a_{PERIOD}.xlsx"))
    lists = [s for s in book.sheet_names if s.startswith("List")]
    assert [re.match(r"List (\d)", s).group(1) for s in lists] == [str(n) for n in range(1, 9)]
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
            # the record id cell holds the truth's id (or, where the id itself was made unreadable, something)
            at = next(i for i, k in enumerate(keys) if k in contract.column(contract.record_id).header_keys)
            written = [cell_text(rows[n - 1][at]) for n in numbers]
            expected = mine[contract.record_id].tolist()
            assert all(w == e or (e == "" and rule in UNMAPPABLE_RULES)
                       for w, e, rule in zip(written, expected, mine["injected_rule"], strict=True)), table_id


def _catalogue() -> dict:
    return {r.rule_id: (c, r.severity, r.column) for c, r in schemas.all_rules()}


@pytest.mark.parametrize("base", ["", "_earlier/2026-06"])
def test_every_error_points_at_a_real_cell(landing, base):
    out, _ = landing
    out = out / base if base else out
    errors = truth(out, "errors.csv")
    assert set(errors["severity"]) <= {"ERROR", "QUERY"}
    catalogue = _catalogue()
    records = pd.concat([truth(out, f"records/{t}.csv").assign(table_id=t) for t in TABLE_FILES], ignore_index=True)
    sheets: dict = {}
    for e in errors.itertuples(index=False):
        hit = records[(records["file"] == e.file) & (records["sheet"] == e.sheet) & (records["row"] == e.row)]
        assert len(hit) == 1 and hit["injected_rule"].iloc[0] == e.rule_id
        contract = schemas.table(hit["table_id"].iloc[0])
        if e.rule_id in CROSS_RETURN_RULES:
            severity, column = CROSS_RETURN_RULES[e.rule_id]
        else:
            owner, severity, column = catalogue[e.rule_id]
            assert owner is contract
        assert severity == e.severity
        if (e.file, e.sheet) not in sheets:
            sheets.update(located(out, records[records["table_id"] == contract.table_id]))
        rows, header = sheets[(e.file, e.sheet)]
        assert header.count(e.column) == 1, (e.column, header)
        assert normalise_header(e.column) in contract.column(column).header_keys
        cell = cell_text(rows[int(e.row) - 1][header.index(e.column)])
        if column == contract.record_id:
            assert e.record_id == cell  # the id as written, even where it cannot be read
        if e.rule_id in BLANK_RULES:
            assert cell == ""
        elif e.rule_id in UNMAPPABLE_RULES:
            assert cell != "" and hit[column].iloc[0] == "", e.rule_id  # written, but not mappable
    # injected rows carry one rule each, and duplicated nominal ids are reported on both rows
    injected = records[records["injected_rule"] != ""]
    assert len(injected) == len(errors)
    nom = errors[errors["rule_id"] == "NOM-002"]
    assert len(nom) >= 2 and nom["record_id"].value_counts().min() == 2


def test_every_new_table_has_injected_errors(borough):
    out, _ = borough
    errors = truth(out, "errors.csv")
    for table_id in TABLE_FILES:
        records = truth(out, f"records/{table_id}.csv")
        rules = set(records["injected_rule"]) - {""}
        assert rules, table_id
        assert rules <= {r.rule_id for r in schemas.table(table_id).rules} | set(CROSS_RETURN_RULES), table_id
    assert {"ANX-001Q", "CON-011Q", "CON-014Q", "ASM-012", "ENQ-012Q", "CIN-012", "LAC-012", "RHI-007Q", "MIS-007",
            "HSR-012Q", "HSR-016Q", "CDOP-009Q", "SUS-002Q", "SUS-010Q", "CME-010", "VUL-008Q", "VUL-018Q",
            "TRN-007Q"} <= set(errors["rule_id"])


def test_children_left_out_of_the_identity_file(landing, borough):
    """ANX-001Q in the truth: children left out of the identity file on purpose (each on exactly one Annex A
    row), and children whose identity row is rejected for an injected error (all their Annex A rows); every
    other child named in an Annex A list (or a return interview) has an identity row that loads."""
    catalogue = _catalogue()
    for out in (landing[0], landing[0] / "_earlier/2026-06", borough[0]):
        lists = pd.concat([truth(out, f"records/{t}.csv") for t in ANNEX_LISTS], ignore_index=True)
        identity = truth(out, "records/csc_child_identity.csv")
        rejected = set(identity.loc[[r != "" and catalogue[r][1] == "ERROR" for r in identity["injected_rule"]],
                                    "child_id"])
        flagged = lists[lists["injected_rule"] == "ANX-001Q"]
        left_out = flagged[~flagged["child_id"].isin(identity["child_id"])]
        assert len(left_out) >= 1
        counts = lists["child_id"].value_counts()
        interviews = set(truth(out, "records/csc_return_interviews.csv")["child_id"])
        for child in left_out["child_id"]:
            assert child != "" and counts[child] == 1 and child not in interviews
        assert set(flagged["child_id"]) - set(left_out["child_id"]) <= rejected
        for child in rejected:  # every Annex A row of a child whose identity row is rejected is flagged
            assert (lists.loc[lists["child_id"] == child, "injected_rule"] == "ANX-001Q").all()
        others = set(lists["child_id"]) - set(flagged["child_id"]) - {""}
        assert others <= set(identity["child_id"]) - rejected
        assert (interviews - {""}) <= set(identity["child_id"])
        errors = truth(out, "errors.csv")
        anx = errors[errors["rule_id"] == "ANX-001Q"]
        assert sorted(anx["record_id"]) == sorted(flagged["child_id"])
        assert set(anx["severity"]) == {"QUERY"}


def test_volumes_follow_scale(landing, borough):
    _, small = landing
    _, large = borough
    for table_id in TABLE_FILES:
        if small["rows"][table_id] >= 100:  # smaller counts are too noisy for a ratio
            ratio = large["rows"][table_id] / small["rows"][table_id]
            assert 3 < ratio < 7, (table_id, ratio)
    total = sum(large["rows"].values()) / sum(small["rows"].values())
    assert 4 < total < 6
    rows = large["rows"]
    # rows in the 24-month window at scale 0.25 (a borough's yearly volume x 2 x 0.25)
    expected = {"list3_referrals": 5400, "police_ppn": 8000, "lado_allegations": 470, "list1_contacts": 21000,
                "police_missing": 1600, "health_safeguarding": 3000, "edu_suspensions": 7000,
                "training_attendance": 300}
    for table_id, count in expected.items():
        assert 0.6 * count * 0.25 < rows[table_id] < 1.4 * count * 0.25, (table_id, rows[table_id])
    assert 2 < rows["list1_contacts"] / rows["list3_referrals"] < 6


def test_stock_at_the_period_end(borough):
    """Open cases at E at about a quarter of a borough's: CIN ~1,500, looked after ~500, tracker ~200."""
    out, _ = borough
    cin = truth(out, "records/list6_children_in_need.csv")
    lac = truth(out, "records/list8_looked_after.csv")
    tracker = truth(out, "records/vulnerability_tracker.csv")
    assert 0.6 * 375 < (cin["cin_closure_date"] == "").sum() < 1.5 * 375
    assert 0.6 * 125 < (lac["lac_end_date"] == "").sum() < 1.5 * 125
    open_cases = tracker[tracker["status"] != "CLOSED"]
    assert 0.5 * 50 < len(open_cases) < 1.6 * 50
    e = parse_period(PERIOD).end.isoformat()
    children = open_cases["date_of_birth"].map(lambda d: f"{int(d[:4]) + 18}{d[4:]}" > e)
    assert 0.4 < children.mean() < 0.8


def _within(values: pd.Series, start: str, end: str) -> bool:
    values = values[values != ""].str.slice(0, 10)
    return bool(((values >= start) & (values <= end)).all())


# (table, event column) for tables whose rules query events outside the reporting window
WINDOWED = (("list1_contacts", "contact_date"), ("list3_referrals", "referral_date"),
            ("list4_assessments", "assessment_start_date"), ("list5_section47", "s47_start_date"),
            ("csc_return_interviews", "missing_start_date"), ("police_ppn", "incident_date"),
            ("police_missing", "missing_from"), ("health_safeguarding", "referral_date"),
            ("edu_suspensions", "start_date"), ("lado_allegations", "contact_date"),
            ("training_attendance", "course_date"))
# tables without a window rule: cases still open may have started long before
OPEN_CASES = (("list6_children_in_need", "cin_start_date"), ("list7_child_protection", "cpp_start_date"),
              ("list8_looked_after", "lac_start_date"), ("edu_cme", "identified_date"),
              ("vulnerability_tracker", "identified_date"))


@pytest.mark.parametrize("base,period", [("", PERIOD), ("_earlier/2026-06", "2026-06")])
def test_events_fall_in_the_window(landing, base, period):
    out, _ = landing
    out = out / base if base else out
    p = parse_period(period)
    start, end = p.window_start.isoformat(), p.end.isoformat()
    for table_id, column in WINDOWED:
        assert _within(truth(out, f"records/{table_id}.csv")[column], start, end), table_id
    for table_id, column in OPEN_CASES:
        values = truth(out, f"records/{table_id}.csv")[column]
        assert (values[values != ""] <= end).all(), table_id
    plans = truth(out, "records/list7_child_protection.csv")
    assert (plans["cpp_start_date"] < start).any()  # plans open at the window start are included
    clean = plans[plans["injected_rule"] == ""]
    assert ((clean["cpp_end_date"] == "") | ((clean["cpp_end_date"] >= start) & (clean["cpp_end_date"] <= end))).all()
    assert (truth(out, "records/list8_looked_after.csv")["lac_start_date"] < start).any()
    ppn = truth(out, "records/police_ppn.csv")
    assert (ppn["submitted_date"] <= end).all()
    nominals = truth(out, "records/police_nominals.csv")
    assert (nominals["created_date"] <= end).all()


def test_clean_rows_break_no_rule(landing):
    out, _ = landing
    t = {table_id: truth(out, f"records/{table_id}.csv") for table_id in TABLE_FILES}
    clean = {k: v[v["injected_rule"] == ""] for k, v in t.items()}
    for table_id in ("csc_child_identity", "police_nominals", "police_ppn", "police_missing", "lado_allegations",
                     "health_safeguarding", "health_cdop", "edu_cme", "vulnerability_tracker"):
        ids = clean[table_id][schemas.table(table_id).record_id]
        assert ids.is_unique and (ids != "").all(), table_id
    plans = clean["list7_child_protection"]
    assert not plans.duplicated(["child_id", "cpp_start_date"]).any()
    for table_id, later, earlier in (
            ("list7_child_protection", "cpp_end_date", "cpp_start_date"),
            ("list1_contacts", "decision_date", "contact_date"),
            ("list4_assessments", "assessment_authorised_date", "assessment_start_date"),
            ("list5_section47", "icpc_date", "s47_start_date"),
            ("list6_children_in_need", "cin_closure_date", "cin_start_date"),
            ("list8_looked_after", "lac_end_date", "lac_start_date"),
            ("csc_return_interviews", "rhi_offered_date", "missing_start_date"),
            ("csc_return_interviews", "rhi_completed_date", "rhi_offered_date"),
            ("police_missing", "returned_at", "missing_from"),
            ("health_cdop", "date_of_death", "date_of_birth"), ("health_cdop", "review_date", "date_of_death"),
            ("edu_cme", "resolved_date", "identified_date"),
            ("vulnerability_tracker", "closed_date", "identified_date")):
        frame = clean[table_id]
        assert ((frame[later] == "") | (frame[earlier] == "") | (frame[later] >= frame[earlier])).all(), \
            (table_id, later)
    # children are children at their events, and born before them
    for table_id, event in (("list1_contacts", "contact_date"), ("list3_referrals", "referral_date"),
                            ("list4_assessments", "assessment_start_date"), ("list5_section47", "s47_start_date"),
                            ("list7_child_protection", "cpp_start_date")):
        frame = clean[table_id]
        assert (frame["date_of_birth"] <= frame[event]).all(), table_id
        assert frame["age"].astype(int).between(0, 17).all(), table_id
    for table_id, event in (("health_safeguarding", "referral_date"), ("edu_suspensions", "start_date"),
                            ("health_cdop", "date_of_death")):
        frame = clean[table_id]
        adult_on = frame["date_of_birth"].map(lambda d: f"{int(d[:4]) + 18}{d[4:]}")
        # a midwife refers before the birth (DESIGN s4: an unborn child, born at most 10 months after the event)
        born_by = add_months(frame[event], 10) if table_id == "health_safeguarding" else frame[event]
        assert ((frame["date_of_birth"] <= born_by) & (frame[event] < adult_on)).all(), table_id
    referrals = clean["health_safeguarding"]
    unborn = referrals[referrals["date_of_birth"] > referrals["referral_date"]]
    assert len(unborn) and set(unborn["provider_type"]) == {"MATERNITY"}, "pre-birth referrals come from midwives"
    ppn = clean["police_ppn"]
    assert (ppn["submitted_date"] >= ppn["incident_date"]).all()
    lado = clean["lado_allegations"]
    for later in ("pot_meeting_date", "outcome_date"):
        assert ((lado[later] == "") | (lado[later] >= lado["contact_date"])).all()
    nominals = clean["police_nominals"]
    assert ((nominals["date_of_birth"] == "") | (nominals["created_date"] >= nominals["date_of_birth"])).all()
    for table_id, share in (("csc_child_identity", 0.8), ("health_safeguarding", 0.7),
                            ("vulnerability_tracker", 0.5)):
        numbers = clean[table_id]["nhs_number"]
        numbers = numbers[numbers != ""]
        assert len(numbers) > share * len(clean[table_id]) and all(nhs_valid(n) for n in numbers), table_id
    for table_id in ("csc_child_identity", "edu_suspensions", "edu_cme"):
        upns = clean[table_id]["upn"]
        upns = upns[upns != ""]
        assert len(upns) and all(u[1:4] == "334" and upn_check_letter(u[1:]) == u[0] for u in upns), table_id
    assert (clean["edu_suspensions"]["upn"] != "").all()  # every pupil has a UPN
    assert clean["edu_suspensions"]["school_urn"].str.fullmatch(r"\d{6}").all()
    assert not clean["edu_suspensions"].duplicated(["upn", "category", "start_date"]).any()
    assert not clean["training_attendance"].duplicated(["course_id", "attendee_agency"]).any()
    assert (clean["training_attendance"]["attendees"].astype(int) >= 0).all()
    tracker = clean["vulnerability_tracker"]
    assert ((tracker["status"] == "CLOSED") == (tracker["closed_date"] != "")).all()
    postcode = re.compile(r"^B(9[0-4]|3[67]) \d[A-Z]{2}$")
    for table_id in ("csc_child_identity", "police_nominals", "health_safeguarding", "edu_cme",
                     "vulnerability_tracker"):
        frame = clean[table_id]
        assert frame["postcode"][frame["postcode"] != ""].map(lambda v: bool(postcode.match(v))).all(), table_id


def test_persons_truth(landing):
    out, _ = landing
    persons = truth(out, "persons.csv")
    assert not persons.duplicated(["source", "record_id"]).any()
    assert set(persons["source"]) == set(PERSON_SOURCES) == {t.table_id for t in schemas.TABLES if t.person_bearing}
    for table_id, id_column in PERSON_SOURCES.items():
        records = truth(out, f"records/{table_id}.csv")
        records = records[records[id_column] != ""]
        mine = persons[persons["source"] == table_id]
        assert set(mine["record_id"]) == set(records[id_column]), table_id
        owner = dict(zip(mine["record_id"], mine["person_id"], strict=True))
        assert all(owner[i] == p for i, p in zip(records[id_column], records["person_id"], strict=True)), table_id
    police = persons[persons["source"] == "police_nominals"]
    assert police["person_id"].duplicated().any()  # the same person under two police ids (not an error)
    csc = persons[persons["source"] == "csc_child_identity"]
    assert csc["person_id"].isin(police["person_id"]).any()  # children known to both agencies
    nominals = truth(out, "records/police_nominals.csv")
    owner = dict(zip(nominals["police_person_id"], nominals["person_id"], strict=False))
    for table_id in ("police_ppn", "police_missing"):
        events = truth(out, f"records/{table_id}.csv")
        assert all(owner[i] == p for i, p in zip(events["police_person_id"], events["person_id"], strict=True))


def test_children_flow_across_agencies(borough):
    out, _ = borough
    t = {table_id: truth(out, f"records/{table_id}.csv") for table_id in TABLE_FILES}
    persons = truth(out, "persons.csv")
    # contacts that became referrals: the referral is logged the same or the next day
    contacts = t["list1_contacts"][t["list1_contacts"]["contact_outcome"] == "REFERRAL"]
    refs = t["list3_referrals"]
    pairs = contacts.merge(refs[["child_id", "referral_date"]], on="child_id")
    gap = (pd.to_datetime(pairs["referral_date"].replace("", None))
           - pd.to_datetime(pairs["contact_date"])).dt.days
    matched = pairs[gap.isin([0, 1])].drop_duplicates(["child_id", "contact_date"])
    assert len(matched) > 0.95 * len(contacts)
    outcomes = t["list1_contacts"]["contact_outcome"].value_counts(normalize=True)
    assert 0.15 < outcomes["REFERRAL"] < 0.35 and {"ADVICE_INFORMATION", "EARLY_HELP", "NFA"} <= set(outcomes.index)
    assert 0.01 < (t["list1_contacts"]["contact_source"] == "10").mean() < 0.06
    # neglect in about a third of assessments
    factors = t["list4_assessments"]["assessment_factors"]
    assert 0.2 < factors[factors != ""].str.contains("16A").mean() < 0.5
    # plans started at a conference after a section 47 enquiry
    s47 = t["list5_section47"]
    led = s47[s47["icpc_led_to_plan"] == "Y"].merge(t["list7_child_protection"], on="child_id")
    assert (led["icpc_date"] == led["cpp_start_date"]).mean() > 0.9
    # missing children: nominal records, some looked after, interviews quoting the police report id
    missing, interviews = t["police_missing"], t["csc_return_interviews"]
    assert missing["person_id"].isin(t["list8_looked_after"]["person_id"]).any()
    quoted = interviews[interviews["police_report_ref"] != ""]
    assert len(quoted) > 0.5 * len(interviews) and quoted["police_report_ref"].isin(missing["report_id"]).all()
    offered = interviews[interviews["rhi_offered_date"] != ""]
    assert len(offered) > 0.7 * len(interviews)
    assert (t["list8_looked_after"]["missing_episodes_12m"].astype(int) > 0).any()
    # health referrals about children also known to social care or the police
    health = t["health_safeguarding"]
    known = set(persons.loc[persons["source"].isin(["csc_child_identity", "police_nominals"]), "person_id"])
    assert 0.2 < health["person_id"].isin(known).mean() < 0.95
    assert 0.75 < (health["nhs_number"] != "").mean() < 0.95
    # suspensions: fewer pupils than events, a few permanent exclusions
    suspensions = t["edu_suspensions"]
    assert suspensions["upn"].nunique() < len(suspensions)
    assert 0 < (suspensions["category"] == "PERM").sum() < 0.03 * len(suspensions)
    # missing education and the tracker reach children on plans and in social care
    cme = t["edu_cme"]
    assert cme["person_id"].isin(t["list7_child_protection"]["person_id"]).any()
    assert (cme["resolved_date"] == "").any()
    tracker = t["vulnerability_tracker"]
    assert tracker["person_id"].isin(persons.loc[persons["source"] == "csc_child_identity", "person_id"]).any()
    deaths = t["health_cdop"]
    assert (deaths["residence_la"] == "Solihull").mean() > 0.6
    modules = set(t["training_attendance"]["module"])
    assert any("Neglect" in m for m in modules) and any("Exploitation" in m for m in modules)


def test_bad_period_is_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, "2026-08")
    with pytest.raises(ValueError):
        generate(tmp_path, "Q3-2026")


@pytest.mark.parametrize("fixture", ["landing", "borough"])
def test_the_pipeline_finds_exactly_the_injected_errors(fixture, request):
    """Round trip through the pipeline's reader, mapper and rules (with the period end, so window queries run):
    issues == errors.csv (plus the natural PPN-014Q queries), and clean rows map to the truth's canonical values.
    ANX-001Q is checked at a later stage (across returns), so those rows raise nothing here."""
    mapping = pytest.importorskip("transforms.ingest.mapping")
    from transforms.ingest.read import read_workbook
    from transforms.ingest.validate import validate_table

    out, summary = request.getfixturevalue(fixture)
    errors = truth(out, "errors.csv")
    period_end = parse_period(PERIOD).end.isoformat()
    seen = set()
    loaded: dict[str, pd.DataFrame] = {}  # per table: rows loaded (no ERROR), for the cross-return check below
    for rel in sorted({f.format(p=PERIOD) for f in TABLE_FILES.values()}):
        recognition = mapping.recognise(read_workbook(out / rel), rel.split("/")[0])
        assert recognition.file_problem is None, recognition.file_problem
        for table in recognition.tables:
            seen.add(table.contract.table_id)
            result = validate_table(table, period_end)
            issues = result.issues[result.issues["rule_id"] != "PPN-014Q"]
            got = {(int(r.row), r.column, r.rule_id, r.severity) for r in issues.itertuples()}
            want = errors[(errors["file"] == rel) & (errors["sheet"] == table.sheet)
                          & ~errors["rule_id"].isin(list(CROSS_RETURN_RULES))]
            assert got == {(int(r.row), r.column, r.rule_id, r.severity) for r in want.itertuples()}, rel
            loaded[table.contract.table_id] = result.accepted.assign(sheet=table.sheet, file=rel,
                                                                     header=table.headers["child_id"]
                                                                     if "child_id" in table.headers else "")
            records = truth(out, f"records/{table.contract.table_id}.csv")
            assert len(records) == len(table.frame)
            records = records[records["injected_rule"].isin(["", *CROSS_RETURN_RULES])]  # values as in the truth
            records = records.set_index(records["row"].astype(int))
            frame = table.frame.set_index(mapping.SOURCE_ROW).loc[records.index]
            for column in table.contract.columns:
                mapped = frame[column.name].astype(object).where(frame[column.name].notna(), "").astype(str)
                assert mapped.tolist() == records[column.name].tolist(), (table.contract.table_id, column.name)
                if column.kind == DATE:
                    assert records[column.name].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()
                if column.kind == DATETIME:
                    assert records[column.name].str.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})?").all()
    # the cross-return check, as the pipeline runs it once everything is loaded: Annex A rows whose child has no
    # loaded identity row are queried (ANX-001Q) -- exactly the truth's ANX-001Q rows
    known = set(loaded["csc_child_identity"]["child_id"])
    queried = set()
    for table_id in ANNEX_LISTS:
        rows = loaded[table_id]
        rows = rows[~rows["child_id"].isin(known)]
        queried |= {(f, s, int(r), h, "ANX-001Q") for f, s, r, h in
                    zip(rows["file"], rows["sheet"], rows["source_row"], rows["header"], strict=True)}
    anx = errors[errors["rule_id"] == "ANX-001Q"]
    assert queried == {(e.file, e.sheet, int(e.row), e.column, e.rule_id) for e in anx.itertuples()}
    assert seen == set(TABLE_FILES)
