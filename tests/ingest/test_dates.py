"""Dates as DESIGN.md section 3 lists them: Excel date cells, `YYYY-MM-DD`, `DD/MM/YYYY`, `DD-Mon-YYYY`, `YYYY-Mon-DD`,
Excel serials (also typed as text, also with a fraction), any of these followed by a time or a time zone; never
month first; the time dropped where the field is a date and kept where it is a date and time."""

import datetime as dt

import pytest

from tests.conftest import write_xlsx
from transforms.ingest.values import date_of, datetime_of

DAY = "2024-04-03"
AS_DATES = [
    dt.date(2024, 4, 3), dt.datetime(2024, 4, 3, 10, 30), "2024-04-03", "03/04/2024", "3/4/2024", "03-Apr-2024",
    "3 April 2024", "2024-Apr-03", "2024-Apr-03 00:00:00", "2024-April-03", "45385", 45385, 45385.0, "45385.4375",
    45385.4375, "03/04/2024 10:30", "03/04/2024 10:30:15", "03/04/2024 10:30 AM", "03/04/2024 10:30pm",
    "2024-04-03T10:30:00Z", "2024-04-03T23:30:00+01:00", "2024-04-03 10:30:00.250", "2024-04-03 +0100",
    "03.04.2024", "03/04/24",
]


@pytest.mark.parametrize("value", AS_DATES, ids=repr)
def test_every_listed_style_reads_as_the_day_written(value):
    assert date_of(value) == DAY


@pytest.mark.parametrize("value", ["12/31/2024", "31/02/2026", "2024-13-01", "CS Assessment Updated", "Apr 2024",
                                   "03/04", "", "tbc"], ids=repr)
def test_month_first_impossible_and_non_dates_are_not_read(value):
    assert date_of(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("03/04/2024 10:30", "2024-04-03T10:30"), ("03/04/2024 10:30 AM", "2024-04-03T10:30"),
    ("03/04/2024 10:30 PM", "2024-04-03T22:30"), ("03/04/2024 12:05 am", "2024-04-03T00:05"),
    ("2024-04-03T10:30:00Z", "2024-04-03T10:30"), ("2024-04-03T23:30:00+01:00", "2024-04-03T23:30"),
    ("45385.4375", "2024-04-03T10:30"), ("2024-Apr-03 00:00:00", "2024-04-03T00:00"),
    ("03/04/2024", "2024-04-03T00:00"),
    ("03/04/2024 13:30 PM", None), ("03/04/2024 25:00", None),
], ids=repr)
def test_date_and_time_fields_keep_the_time_written(value, expected):
    assert datetime_of(value) == expected


def test_a_school_census_export_with_year_month_name_day_loads_every_row(tmp_path):
    from transforms.ingest.mapping import recognise
    from transforms.ingest.read import read_workbook
    from transforms.ingest.validate import validate_table

    header = ["UPN", "Date of Birth", "School URN", "School Phase", "Category", "Start Date", "Sessions"]
    rows = [["A123456789012", "2013-Jul-05 00:00:00", "123456", "Secondary", "SUSP", f"2026-Jul-{d:02d} 00:00:00", 2]
            for d in range(1, 6)]
    path = write_xlsx(tmp_path / "census.xlsx", {"Exclusions": [header, *rows]})
    recognition = recognise(read_workbook(path), "education")
    assert recognition.file_problem is None, recognition.file_problem
    table = recognition.tables[0]
    checked = validate_table(table, "2026-09-30")
    assert checked.rejected_rows == []
    assert checked.accepted["start_date"].tolist() == [f"2026-07-{d:02d}" for d in range(1, 6)]
    assert set(checked.accepted["date_of_birth"]) == {"2013-07-05"}


def test_month_first_evidence_counts_every_row_though_it_reads_each_text_once():
    """The evidence that a file's dates are month first counts rows, not distinct texts: a date readable one way
    round only, written on many rows, counts each time (random columns against a row-by-row count)."""
    import numpy as np
    import pandas as pd

    from transforms.ingest.mapping import _SLASH_DATE, month_first_evidence

    def row_by_row(texts: pd.Series) -> tuple[int, int]:
        day_first = month_first = 0
        for text in texts.dropna():
            found = _SLASH_DATE.search(str(text))
            if found:
                first, second = int(found[1]), int(found[2])
                day_first += 13 <= first <= 31 and second <= 12
                month_first += 13 <= second <= 31 and first <= 12
        return day_first, month_first

    ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")  # digits Python's \\d reads and Arrow's [0-9] does not
    random = np.random.default_rng(1)
    for _ in range(100):
        days, months = random.integers(1, 40, 300), random.integers(1, 40, 300)
        texts = [[None, f"{d}/{m}/2026", f"{d:02d}-{m:02d}-26", "2026-01-05", f" {d}.{m}.2026 10:00", "x",
                  f"1{d:02d}/{m}/2026", f"{d}/{m}".translate(ARABIC_INDIC) + "/٢٠٢٦", f"\u00a0{d}/{m}/26"][k]
                 for d, m, k in zip(days, months, random.integers(0, 9, 300), strict=True)]
        column = pd.Series(texts[:random.integers(0, 300)], dtype=object)
        assert month_first_evidence(column) == row_by_row(column)
        assert month_first_evidence(column.astype("str")) == row_by_row(column)  # as mapping holds them
    assert month_first_evidence(pd.Series(["13/01/2026"] * 5 + ["01/13/2026"] * 2)) == (5, 2)
