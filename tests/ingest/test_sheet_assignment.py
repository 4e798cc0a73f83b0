"""Which sheet holds which list (DESIGN section 4): every sheet is scored against every list of the return by its
content, each list takes at most one sheet and each sheet at most one list, by the best overall assignment. Lists
the design does not use (Annex A List 2 early help, Lists 9-11) are recognised as themselves and ignored with a
note; sheet names are evidence, not the decider; a hidden sheet is not read when a visible sheet holds the same
list; the assignment is reported.
"""

import datetime as dt
import itertools
import random

import openpyxl
import pytest
import xlsxwriter

from tests.conftest import write_xlsx
from transforms.ingest.mapping import recognise
from transforms.ingest.read import read_workbook
from transforms.ingest.sheets import max_assignment

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
EVENT = dt.datetime(2026, 7, 1)
DOB = dt.datetime(2015, 3, 1)

# the used lists (Ofsted template headers) and the early help list as the template has it: its "Assessment start
# date" is also a List 4 header, and the child columns are every list's, so by headers alone it can pass for List 4
LISTS = {
    "list1_contacts": (CHILD + ["Date of Contact", "Contact Source"], [EVENT, "6"]),
    "list2_early_help": (CHILD + ["Assessment start date", "Assessment completion date",
                                  "Organisation completing assessment"], [EVENT, EVENT, "School"]),
    "list3_referrals": (CHILD + ["Date of Referral", "Referral Source", "Referral NFA?", "Allocated Team"],
                        [EVENT, "2A", "No", "MASH"]),
    "list4_assessments": (CHILD + ["Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
                                   "Continuous Assessment Date of Authorisation"], [EVENT, "Yes", EVENT]),
    "list5_section47": (CHILD + ["Strategy discussion initiating Section 47 Enquiry Start Date",
                                 "Date of Initial Child Protection Conference"], [EVENT, EVENT]),
    "list6_children_in_need": (CHILD + ["CIN Start Date", "Primary Need Code", "Case Status"], [EVENT, "N1", "Open"]),
    "list7_child_protection": (CHILD + ["Child Protection Plan Start Date", "Initial Category of Abuse"],
                               [EVENT, "Neglect"]),
    "list8_looked_after": (CHILD + ["Date Started to be Looked After", "Child's Legal Status"], [EVENT, "C2"]),
}
NAMES = {"list1_contacts": "Contacts", "list2_early_help": "Early Help", "list3_referrals": "Referrals",
         "list4_assessments": "Assessments", "list5_section47": "Section 47", "list6_children_in_need": "CIN",
         "list7_child_protection": "Child Protection", "list8_looked_after": "Looked After"}
USED = [t for t in LISTS if t != "list2_early_help"]


def rows_of(table_id: str, tag: str, n: int = 2) -> list[list[object]]:
    """A title row, a blank row, the header and `n` records whose child ids say which sheet they came from."""
    header, tail = LISTS[table_id]
    return [[f"Annex A - {table_id}"], [], header,
            *[[f"{tag}-{i}", "Female", "WBRI", DOB, 11, *tail] for i in range(n)]]


def book(tmp_path, sheets: list[tuple[str, str, str]], hidden: frozenset[str] = frozenset()):
    """An xlsx of (sheet name, table id of its content, child id tag) sheets, some of them hidden; read back."""
    path = tmp_path / "annex.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, table_id, tag in sheets:
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows_of(table_id, tag)):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, date)
                elif value is not None:
                    sheet.write(r, c, value)
    # Excel cannot hide the active sheet (xlsxwriter would leave it visible): the first visible sheet is the active one
    visible = [sheet for sheet in workbook.worksheets() if sheet.name not in hidden]
    visible[0].activate()
    for sheet in workbook.worksheets():
        if sheet.name in hidden:
            sheet.hide()
    workbook.close()
    return recognise(read_workbook(path), "csc")


def read_from(found) -> dict[str, tuple[str, str]]:
    """table id -> (sheet it was read from, the first child id read)."""
    return {t.contract.table_id: (t.sheet, t.frame["child_id"].iloc[0]) for t in found.tables}


def entry(found, sheet: str) -> dict:
    (hit,) = [e for e in found.assignment if e["sheet"] == sheet]
    return hit


ORDERS = {
    "as listed": ["list1_contacts", "list2_early_help", "list3_referrals", "list4_assessments", "list5_section47",
                  "list6_children_in_need", "list7_child_protection", "list8_looked_after"],
    "shuffled": ["list8_looked_after", "list1_contacts", "list2_early_help", "list5_section47", "list3_referrals",
                 "list7_child_protection", "list4_assessments", "list6_children_in_need"],
    "early help first": ["list2_early_help", "list1_contacts", "list3_referrals", "list4_assessments",
                         "list5_section47", "list6_children_in_need", "list7_child_protection", "list8_looked_after"],
    "early help just before assessments": ["list1_contacts", "list3_referrals", "list2_early_help",
                                           "list4_assessments", "list5_section47", "list6_children_in_need",
                                           "list7_child_protection", "list8_looked_after"],
}


@pytest.mark.parametrize("order", ORDERS)
def test_descriptive_sheet_names_each_list_from_its_own_sheet(tmp_path, order):
    found = book(tmp_path, [(NAMES[t], t, t) for t in ORDERS[order]])
    assert found.file_problem is None, found.file_problem
    assert read_from(found) == {t: (NAMES[t], f"{t}-0") for t in USED}
    early_help = [n for n in found.notes if n.startswith("Sheet 'Early Help'")]
    assert len(early_help) == 1 and "List 2" in early_help[0] and "Early help" in early_help[0], found.notes
    assert "list 2 is not used" in early_help[0]
    assert not any("already read" in n for n in found.notes), found.notes
    # the assignment: one entry per sheet, in sheet order
    assert [e["sheet"] for e in found.assignment] == [NAMES[t] for t in ORDERS[order]]
    assert entry(found, "Early Help")["status"] == "ignored"
    assert entry(found, "Early Help")["list"] == "List 2: Early help"
    for t in USED:
        got = entry(found, NAMES[t])
        assert got["status"] == "read" and got["table_id"] == t, got
        assert got["list"].startswith("List ")


def test_early_help_alone_is_never_read_as_assessments(tmp_path):
    """With no List 4 sheet at all, the early help sheet still is early help: ignored, not loaded as List 4."""
    found = book(tmp_path, [("Early Help", "list2_early_help", "eh"), ("Referrals", "list3_referrals", "ref")])
    assert read_from(found) == {"list3_referrals": ("Referrals", "ref-0")}
    assert entry(found, "Early Help")["status"] == "ignored"


def test_early_help_under_a_neutral_name_is_still_early_help(tmp_path):
    found = book(tmp_path, [("Sheet1", "list2_early_help", "eh"), ("Sheet2", "list4_assessments", "asm")])
    assert read_from(found) == {"list4_assessments": ("Sheet2", "asm-0")}
    assert entry(found, "Sheet1") == {**entry(found, "Sheet1"), "list": "List 2: Early help", "status": "ignored"}


def test_names_that_lie_content_wins(tmp_path):
    found = book(tmp_path, [("Referrals", "list1_contacts", "con"), ("Contacts", "list3_referrals", "ref"),
                            ("List 3", "list4_assessments", "asm")])
    assert found.file_problem is None
    assert read_from(found) == {"list1_contacts": ("Referrals", "con-0"), "list3_referrals": ("Contacts", "ref-0"),
                                "list4_assessments": ("List 3", "asm-0")}


def test_a_lying_name_alone_does_not_move_a_sheet(tmp_path):
    found = book(tmp_path, [("Referrals", "list1_contacts", "con")])
    assert read_from(found) == {"list1_contacts": ("Referrals", "con-0")}


def test_a_hidden_stale_copy_before_the_visible_list_is_not_read(tmp_path):
    found = book(tmp_path, [("Old List 3", "list3_referrals", "old"), ("List 3", "list3_referrals", "new"),
                            ("List 1", "list1_contacts", "con")], hidden=frozenset({"Old List 3"}))
    assert found.file_problem is None
    assert read_from(found) == {"list3_referrals": ("List 3", "new-0"), "list1_contacts": ("List 1", "con-0")}
    hidden = [n for n in found.notes if n.startswith("Sheet 'Old List 3'")]
    assert len(hidden) == 1 and "hidden" in hidden[0] and "visible" in hidden[0], found.notes
    assert entry(found, "Old List 3")["status"] == "hidden"
    assert entry(found, "Old List 3")["hidden"] is True
    assert entry(found, "List 3")["status"] == "read" and entry(found, "List 3")["hidden"] is False


def test_a_hidden_copy_is_not_preferred_even_when_its_headers_are_fuller(tmp_path):
    """The visible List 3 has only the required columns; the hidden one has more: the visible one is read."""
    path = write_xlsx(tmp_path / "a.xlsx", {
        "Stale": rows_of("list3_referrals", "old"),
        "Referrals": [CHILD[:1] + ["Date of Referral", "Referral Source"], ["new-0", EVENT, "2A"]],
    })
    workbook = openpyxl.load_workbook(path)  # write_xlsx cannot hide a sheet: hide it as an analyst would
    workbook["Stale"].sheet_state = "hidden"
    workbook.save(path)
    found = recognise(read_workbook(path), "csc")
    assert read_from(found) == {"list3_referrals": ("Referrals", "new-0")}
    assert entry(found, "Stale")["status"] == "hidden"


def test_a_hidden_sheet_that_is_the_only_copy_of_a_list_is_read(tmp_path):
    found = book(tmp_path, [("List 1", "list1_contacts", "con"), ("Referrals", "list3_referrals", "ref")],
                 hidden=frozenset({"Referrals"}))
    assert read_from(found) == {"list1_contacts": ("List 1", "con-0"), "list3_referrals": ("Referrals", "ref-0")}
    assert entry(found, "Referrals")["status"] == "read" and entry(found, "Referrals")["hidden"] is True


def test_two_visible_copies_of_a_list_read_once(tmp_path):
    found = book(tmp_path, [("Referrals", "list3_referrals", "a"), ("Referrals (2)", "list3_referrals", "b")])
    assert read_from(found) == {"list3_referrals": ("Referrals", "a-0")}
    assert entry(found, "Referrals (2)")["status"] == "duplicate"
    assert any(n.startswith("Sheet 'Referrals (2)' was ignored") and "already read" in n for n in found.notes)


def test_list_n_names_still_read_and_ignore_as_before(tmp_path):
    found = book(tmp_path, [("List 1 - Contacts", "list1_contacts", "con"), ("List 2 - Early Help",
                                                                              "list2_early_help", "eh"),
                            ("List 3 - Referrals", "list3_referrals", "ref")])
    assert read_from(found) == {"list1_contacts": ("List 1 - Contacts", "con-0"),
                                "list3_referrals": ("List 3 - Referrals", "ref-0")}
    assert any("list 2 is not used" in n for n in found.notes)


def test_a_used_list_missing_a_required_column_is_still_refused(tmp_path):
    header = [h for h in LISTS["list3_referrals"][0] if h != "Referral Source"]
    path = write_xlsx(tmp_path / "r.xlsx", {"Referrals": [header, ["r1", "F", "WBRI", DOB, 11, EVENT, "No", "T"]]})
    found = recognise(read_workbook(path), "csc")
    assert found.file_rule == "FILE-009" and "referral_source" in found.file_problem
    assert found.assignment == [{**found.assignment[0], "sheet": "Referrals", "status": "partial"}]


def test_a_single_table_return_is_read_as_before_and_reported(tmp_path):
    header = ["LADO Ref", "Date of Contact", "Contact Type", "Referring Agency", "Sector"]
    path = write_xlsx(tmp_path / "lado.xlsx", {
        "Notes": [["Read me first"], ["Allegations are on the next sheet."]],
        "Blank": [],
        "Allegations": [["LADO allegations Q2"], [], header, ["L1", EVENT, "Referral", "Police", "Education"]],
    })
    found = recognise(read_workbook(path), "lado")
    assert found.file_problem is None
    assert [(t.contract.table_id, t.sheet, t.header_row) for t in found.tables] == [
        ("lado_allegations", "Allegations", 3)]
    assert [(e["sheet"], e["status"]) for e in found.assignment] == [
        ("Notes", "ignored"), ("Blank", "empty"), ("Allegations", "read")]
    assert entry(found, "Allegations")["table_id"] == "lado_allegations"
    assert entry(found, "Notes")["list"] is None


def test_a_csv_is_one_visible_sheet(tmp_path):
    path = tmp_path / "ppn.csv"
    path.write_text("PPN ID,Person ID,Incident Date,Submitted Date,PPN Type\nP1,N1,01/07/2026,02/07/2026,Missing\n")
    sheets = read_workbook(path)
    assert [s.hidden for s in sheets] == [False]
    found = recognise(sheets, "police")
    assert [(e["status"], e["table_id"]) for e in found.assignment] == [("read", "police_ppn")]


def brute_force(scores):
    """The best total over every one-to-one assignment (None: the pair is not allowed)."""
    n, m = len(scores), len(scores[0])
    best = 0
    for choice in itertools.product(range(-1, m), repeat=n):
        taken = [j for j in choice if j >= 0]
        if len(taken) != len(set(taken)) or any(j >= 0 and scores[i][j] is None for i, j in enumerate(choice)):
            continue
        best = max(best, sum(scores[i][j] for i, j in enumerate(choice) if j >= 0))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_max_assignment_is_the_best_total(seed):
    rng = random.Random(seed)
    n, m = rng.randint(1, 5), rng.randint(1, 5)
    scores = [[rng.choice([None, rng.randint(1, 9)]) for _ in range(m)] for _ in range(n)]
    got = max_assignment(scores)
    assert len(got) == n
    taken = [j for j in got if j is not None]
    assert len(taken) == len(set(taken))
    assert all(scores[i][j] is not None for i, j in enumerate(got) if j is not None)
    assert sum(scores[i][j] for i, j in enumerate(got) if j is not None) == brute_force(scores)
