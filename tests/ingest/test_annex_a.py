"""An Annex A workbook as the Ofsted template has it: eleven list sheets, formulas, #N/A, blank dates of birth
and mixed value styles. Lists 1 and 3 to 8 are read; lists 2, 9, 10 and 11 are ignored with a note.
"""

import datetime as dt

import xlsxwriter

from transforms.ingest.mapping import recognise
from transforms.ingest.read import read_workbook
from transforms.ingest.validate import validate_table

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
LISTS = {
    "List 1 - Contacts": CHILD + ["Date of Contact", "Contact Source", "Contact Outcome", "Decision Date"],
    "List 2 - Early Help": CHILD + ["Number of early help assessments", "Early Help Start Date"],
    "List 3 - Referrals": CHILD + ["Date of Referral", "Referral Source", "Referral NFA?",
                                  "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"],
    "List 4 - Assessments": CHILD + ["Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
                                     "Continuous Assessment Date of Authorisation",
                                     "Was the child assessed as requiring LA children's social care support?"],
    "List 5 - Section 47": CHILD + ["Strategy discussion initiating Section 47 Enquiry Start Date",
                                    "Was an Initial Child Protection Conference deemed unnecessary?",
                                    "Date of Initial Child Protection Conference",
                                    "Did the Initial Child Protection Conference Result in a Child Protection Plan"],
    "List 6 - CIN": CHILD + ["CIN Start Date", "Primary Need Code", "CIN Closure Date", "Case Status"],
    "List 7 - CP": CHILD + ["Child Protection Plan Start Date", "Initial Category of Abuse",
                            "Latest Category of Abuse", "Child Protection Plan End Date",
                            "Number of Previous Child Protection Plans"],
    "List 8 - CLA": CHILD + ["Date Started to be Looked After", "Child's Legal Status",
                             "Date Ceased to be Looked After",
                             "Number of Episodes the Child has been 'Missing' from their Placement "
                             "in the last 12 months",
                             "Was the child offered a Return Interview after their last missing episode (Y/N)?"],
    "List 9 - Care leavers": CHILD + ["Date Started to be Looked After", "Legal status"],
    "List 10 - Adoption": CHILD + ["Date Started to be Looked After", "Date of decision that child should be placed"],
    "List 11 - Adopters": ["Adopter ID", "Date enquiry received", "Date Started to be Looked After", "Child Unique ID"],
}
EVENT = dt.datetime(2026, 7, 1)


def row_for(sheet: str, n: int) -> list:
    gender = ["a) Male", "Female", "M", "2"][n % 4]
    dob = None if n == 1 else dt.datetime(2015, 3, n + 1)
    child = [f"C{sheet.split()[1]}{n}", gender, "WBRI", dob, 11]
    extra = {
        "1": [EVENT, "q) 6: Police", "Advice and information", EVENT],
        "2": [1, EVENT], "3": [EVENT, "2A", "b) No", 0, "MASH", "SW1"], "4": [EVENT, "Yes", EVENT, "a) Yes"],
        "5": [EVENT, "No", EVENT, "Yes"], "6": [EVENT, "N1", None, "Open"], "7": [EVENT, "a) Neglect", "EMO", None, 0],
        "8": [EVENT, "C2", None, 1, "Y"], "9": [EVENT, "C2"], "10": [EVENT, EVENT],
    }.get(sheet.split()[1], [])
    return child + extra


def build(path) -> None:
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for sheet_name, header in LISTS.items():
        sheet = book.add_worksheet(sheet_name[:31])
        sheet.write(0, 0, f"Annex A {sheet_name}")
        sheet.write_row(2, 0, header)
        for n in range(3):
            for c, value in enumerate(row_for(sheet_name, n)):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(3 + n, c, value, date)
                elif value is not None:
                    sheet.write(3 + n, c, value)
        # the template's own formulas and error values: an age worked out by formula, and a #N/A lookup
        sheet.write_formula(6, 0, '="C"&ROW()', None, "C7")
        sheet.write_formula(6, 4, "=NA()", None, "#N/A")
        sheet.write_string(7, 0, "#N/A")
    book.close()


def test_all_eleven_lists(tmp_path):
    path = tmp_path / "annex_a.xlsx"
    build(path)
    found = recognise(read_workbook(path), "csc")
    assert found.file_problem is None
    read = {t.contract.annex_list: t for t in found.tables}
    assert sorted(read) == [1, 3, 4, 5, 6, 7, 8]
    for number in (2, 9, 10, 11):
        assert any(f"list {number} is not used" in note for note in found.notes), number

    contacts = read[1].frame
    assert contacts["contact_source"].tolist()[:3] == ["6", "6", "6"]
    assert contacts["contact_outcome"].iloc[0] == "ADVICE_INFORMATION"
    assert contacts["gender"].tolist()[:3] == ["M", "F", "M"]
    assert read[7].frame["initial_category"].iloc[0] == "NEG"

    for number, table in read.items():
        checked = validate_table(table, "2026-09-30")
        issues = checked.issues
        # rows 4-6 are clean (one has a blank date of birth, which is allowed); row 7 holds formulas, row 8 "#N/A"
        assert set(issues.loc[issues["severity"] == "ERROR", "row"]) == {7, 8}, (number, issues)
        untrusted = issues[issues["rule_id"].str.endswith("-090Q")]
        assert set(untrusted["row"]) == {7, 8}
        assert set(untrusted.loc[untrusted["row"] == 7, "column"]) == {"Child Unique ID"}
        assert checked.rows_read == 5 and len(checked.accepted) == 3
