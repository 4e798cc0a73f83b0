"""The publications of a generated quarter: the ARG pack, the public profile, the data-quality report."""

import csv
import hashlib
import os
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from synthetic.generate import generate
from tests.feedback.test_libreoffice import to_pdf
from transforms.dataset.indicators import catalogue
from transforms.pipeline import run
from transforms.publish.arg_pack import trend_text


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("publications")
    generate(folder / "landing", "2026-09", quarters=2, scale=0.2, seed=9)
    for landing, period in ((folder / "landing" / "_earlier" / "2026-06", "2026-06"), (folder / "landing", "2026-09")):
        run(str(landing), period, str(folder / "out"), f"sqlite:///{folder / 'w.sqlite'}", progress=lambda line: None,
            approve="tester")  # the public profile too (released on approval)
    return folder / "out" / "published"


def test_arg_pack_layout_and_libreoffice(published, tmp_path):
    path = published / "arg_pack_2026-09.xlsx"
    sheet = openpyxl.load_workbook(path)["Partnership dataset"]
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["Indicator", "Breakdown", "Comparator", "Comparator is"]
    assert header[4:9] == ["Q2 2025/26", "Q3 2025/26", "Q4 2025/26", "Q1 2026/27", "Q2 2026/27"]
    assert header[9:14] == ["Trend", "Direction", "RAG", "Notes", "Commentary"]
    assert not any(header[14:]), "nothing beyond the Commentary column"
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] is not None]
    csc01 = next(r for r in rows if r[0].startswith("CSC-01"))
    assert csc01[2] == "560.5" and csc01[3] == "England average, 2022"
    # two quarters were run: those two have values, the three before were never computed (blank, not recomputed)
    assert csc01[4:7] == ("", "", "") and all(v not in (None, "", "no data") for v in csc01[7:9]), csc01
    assert re.fullmatch("[▁▂▃▄▅▆▇█]{2}", csc01[9]), "the trend of the two quarters, as text that prints"
    csc05 = next(r for r in rows if r[0].startswith("CSC-05"))
    assert csc05[2] == "11.0%" and csc05[3] == "West Midlands average, 2022"  # only a regional figure exists
    csc06 = next(r for r in rows if r[0].startswith("CSC-06 "))
    assert csc06[3] == "West Midlands target, 2022"  # a target is labelled as one
    # CSC-06 looks back 36 months; two quarters of returns reach 27: flagged, with the reason in the notes
    assert csc06[8].endswith(" *") and csc06[12].startswith("history incomplete"), csc06
    headlines = [r for r in rows if r[1] == "All"]
    assert {r[0].split()[0] for r in headlines} >= {i.id for i in catalogue() if i.id not in NO_HEADLINE}
    for row in headlines:  # every headline carries its commentary: its change and, where one exists, its comparator
        said = row[13]
        assert said and re.search(r"last quarter|the same quarter last year|No data|no earlier quarter", said), row
        if row[2]:
            assert re.search(r"(above|below|in line with) the (England|West Midlands)", said), row
    assert all(not r[13] for r in rows if r[1] != "All"), "commentary once per indicator, on its headline row"
    assert {r[10] for r in rows} <= {"↑", "↓", "→", ""}
    assert not [r[1] for r in rows if RAW_CODE.search(r[1])], "no raw code in a published label"
    comparators = openpyxl.load_workbook(path)["Comparators"]
    assert any(r[0] == "CSC-06" and r[3] == "West Midlands target, 2022" and "target" in r[4]
               for r in comparators.iter_rows(min_row=2, values_only=True))
    assert to_pdf(path, tmp_path).stat().st_size > 1000


NO_HEADLINE = {"CSC-07"}  # published by breakdown only (per 10,000 children)
RAW_CODE = re.compile(r"\b[A-Z0-9]+_[A-Z0-9_]+\b")


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (poppler's pdftotext; under CI it must be installed)."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required under CI")
        pytest.skip("pdftotext not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9%.,()+-]+", text)


def test_the_pack_prints_for_the_meeting_papers(published):
    from tests.feedback.test_libreoffice import soffice

    soffice()  # skips without LibreOffice (fails under CI)
    pdf = published / "circulation" / "arg_pack_2026-09.pdf"
    assert pdf.is_file(), "the pack is printed to PDF for circulation when the quarter is approved"
    assert not (published / "arg_pack_2026-09.pdf").exists(), "not on every run: only what was approved circulates"
    pages = pdf_pages(pdf)
    assert 1 <= len(pages) <= 12, len(pages)
    sheet = openpyxl.load_workbook(published / "arg_pack_2026-09.xlsx")["Partnership dataset"]
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] is not None]
    flat = [" ".join(words(page)) for page in pages]
    for row in rows:
        if row[1] != "All":
            continue
        indicator_id, value = row[0].split()[0], row[8]
        # the label and this quarter's value on one page (one page wide: they are on one row)
        on = [i for i, page in enumerate(flat) if re.search(rf"\b{re.escape(indicator_id)}\b", page)]
        assert on, indicator_id
        assert any(value.replace(" *", "") in flat[i] for i in on), (indicator_id, value)
        # nothing cut: the whole commentary is printed (a row too short would clip its last lines)
        said = words(row[13])
        text = " ".join(flat)
        assert " ".join(said[-6:]) in text, (indicator_id, said[-6:])
        assert " ".join(said[:6]) in text, (indicator_id, said[:6])


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


def test_the_report_written_beside_the_others_is_the_one_written_in_turn(published, tmp_path):
    """`publish(alongside=beside)` (what a run with several processes does) writes the data-quality report in a
    forked process while the other outputs are written: the same files, into a folder not yet made."""
    from transforms.operations import beside
    from transforms.publish import publish

    url = f"sqlite:///{published.parent.parent / 'w.sqlite'}"
    in_turn = publish("2026-09", url, str(tmp_path / "in_turn"))
    alongside = publish("2026-09", url, str(tmp_path / "alongside"), alongside=beside)
    assert set(in_turn) == set(alongside) and Path(alongside["data_quality"]).exists()
    stamp = re.compile(r"Generated <time datetime='[^']*'>[^<]*</time>")  # the minute it was written
    for name in ("csv", "data_quality"):
        assert stamp.sub("", Path(in_turn[name]).read_text()) == stamp.sub("", Path(alongside[name]).read_text())


def test_the_trend_is_a_line_of_blocks_scaled_to_the_rows_own_values():
    assert trend_text([None, None, None, 593.8, 614.6]) == "▁█"
    assert trend_text([1, None, 3, 2, 5]) == "▁·▅▃█", "a quarter without a value between two is a dot"
    assert trend_text([2, 2, 2, 2, 2]) == "▄▄▄▄▄", "a flat line sits in the middle"
    assert trend_text([None, None, None, None, 5]) == "" and trend_text([None] * 5) == ""
    assert trend_text([7, 6, 5, 4, 3, 2, 1, 0]) == "█▇▆▅▄▃▂▁"


def test_records_are_what_to_dict_gives():
    from transforms.dataset import records

    frame = pd.DataFrame({"i": [1, 2], "f": [1.5, float("nan")], "s": pd.Series(["a", None], dtype="str"),
                          "o": pd.Series([np.int64(3), None], dtype=object), "n": pd.array([1, None], dtype="Int64"),
                          "b": pd.array([True, None], dtype="boolean"), "t": pd.array(["x", None], dtype="string")})
    ours, theirs = records(frame), frame.to_dict("records")
    assert [list(r) for r in ours] == [list(r) for r in theirs]
    for mine, pandas_own in zip(ours, theirs, strict=True):
        for name, value in mine.items():
            other = pandas_own[name]
            assert type(value) is type(other), (name, value, other)
            assert value == other or (value != value and other != other) or value is other, (name, value, other)
    assert records(frame.iloc[:0]) == [] and records(pd.DataFrame(index=[0, 1])) == [{}, {}]
