"""The publications of a generated quarter: the ARG pack, the public profile, the data-quality report."""

import csv
import hashlib
import re
from pathlib import Path

import openpyxl
import pytest

from synthetic.generate import generate
from tests.feedback.test_libreoffice import to_pdf
from transforms.dataset.indicators import catalogue
from transforms.pipeline import run


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("publications")
    generate(folder / "landing", "2026-09", quarters=2, scale=0.2, seed=9)
    for landing, period in ((folder / "landing" / "_earlier" / "2026-06", "2026-06"), (folder / "landing", "2026-09")):
        run(str(landing), period, str(folder / "out"), f"sqlite:///{folder / 'w.sqlite'}", progress=lambda line: None)
    return folder / "out" / "published"


def test_arg_pack_layout_and_libreoffice(published, tmp_path):
    path = published / "arg_pack_2026-09.xlsx"
    sheet = openpyxl.load_workbook(path)["Partnership dataset"]
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["Indicator", "Breakdown", "Comparator", "Comparator is"]
    assert header[4:9] == ["Q2 2025/26", "Q3 2025/26", "Q4 2025/26", "Q1 2026/27", "Q2 2026/27"]
    assert header[9:] == ["Direction", "RAG", "Notes", "Commentary"]
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] is not None]
    csc01 = next(r for r in rows if r[0].startswith("CSC-01"))
    assert csc01[2] == "560.5" and csc01[3] == "England average, 2022"
    # two quarters were run: those two have values, the three before were never computed (blank, not recomputed)
    assert csc01[4:7] == ("", "", "") and all(v not in (None, "", "no data") for v in csc01[7:9]), csc01
    csc05 = next(r for r in rows if r[0].startswith("CSC-05"))
    assert csc05[2] == "11.0%" and csc05[3] == "West Midlands average, 2022"  # only a regional figure exists
    csc06 = next(r for r in rows if r[0].startswith("CSC-06 "))
    assert csc06[3] == "West Midlands target, 2022"  # a target is labelled as one
    # CSC-06 looks back 36 months; two quarters of returns reach 27: flagged, with the reason in the notes
    assert csc06[8].endswith(" *") and csc06[11].startswith("history incomplete"), csc06
    assert all(r[12] is None for r in rows), "the commentary column is left for the analyst"
    assert {r[9] for r in rows} <= {"↑", "↓", "→", ""}
    comparators = openpyxl.load_workbook(path)["Comparators"]
    assert any(r[0] == "CSC-06" and r[3] == "West Midlands target, 2022" and "target" in r[4]
               for r in comparators.iter_rows(min_row=2, values_only=True))
    assert to_pdf(path, tmp_path).stat().st_size > 1000


PUBLIC_NUMBER = re.compile(r"(?<![\d.])([1-5])(?![\d.%])")


def test_public_outputs_never_show_a_count_from_1_to_5(published):
    not_about_people = {i.id for i in catalogue() if not i.disclosive}  # DQ-01 counts returns and rows
    assert not_about_people == {"DQ-01"}
    with open(published / "public" / "partnership_dataset_2026-09.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["indicator_id"] in not_about_people:
                continue
            for column in ("numerator", "denominator"):
                value = row[column]
                assert value in ("", "c") or not 1 <= float(value) <= 5, row
            if row["unit"] == "count" and row["value"] not in ("", "c"):
                assert not 1 <= float(row["value"]) <= 5, row
    internal = (published / "partnership_dataset_2026-09.csv").read_text()
    public = (published / "public" / "partnership_dataset_2026-09.csv").read_text()
    assert ",c," in public or internal == public  # something was small enough to suppress, or nothing was
    for page in (published / "public" / "dashboard").glob("*.html"):
        for section in page.read_text().split('<section class="indicator" id="')[1:]:
            indicator_id = section.split('"', 1)[0]
            if indicator_id in not_about_people:
                continue
            for cell in re.findall(r"<td class='num'>([^<]*)</td>", section):
                if re.fullmatch(r"[\d,]+", cell.strip()):
                    assert not 1 <= int(cell.replace(",", "")) <= 5, (page.name, indicator_id, cell)


def test_data_quality_report_lists_every_submission(published):
    text = (published / "data_quality_2026-09.html").read_text()
    landing_files = list((published.parent.parent / "landing").glob("*/*.xlsx"))
    assert landing_files
    for path in landing_files:  # each by its sha256 prefix, never by its name as sent (DESIGN.md section 9)
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:12] in text
        assert path.name not in text
    assert "Match review queue" in text and "Rejected rows by agency" in text
