"""Children aged 0-17 from ONS mid-year estimates (transforms/dataset/population.py): both ONS layouts read from
hand-made files, the reference CSV merged, `assure reference population`, a period paired with its mid-year, and
the synthetic borough's file read back.

Fixture figures: in every hand-made file age `a` holds 100 + a children of each sex (`BOY` and `GIRL` below), so
ages 0-17 of both sexes sum to 2 * (1800 + 153) = 3906; ages 18 and 90+ hold 5000 and 7000 to show up if counted.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from synthetic.generate.calendar import periods_ending
from synthetic.generate.population import AREA_CODE, write_population
from tests.conftest import write_xlsx
from transforms import cli
from transforms.dataset.population import (
    REFERENCE_COLUMNS,
    PopulationRow,
    missing_reason,
    population_for,
    read_ons,
    read_reference,
    write_reference,
)

LA, NAME = "E08000029", "Solihull"
CHILDREN = 3906  # sum over ages 0-17 of (100 + age) boys and as many girls


def boys(age: int, shift: int = 0) -> int:
    return {18: 5000, 90: 7000}.get(age, 100 + age + shift)


def mye2(path: Path, sheets=("MYE2 - Persons", "MYE2 - Males", "MYE2 - Females"), year=2022, ages=range(91),
         plus="90+", shift=0) -> Path:
    """An MYE2 workbook as ONS lays it out: title and note rows, the header lower down, a country row first."""
    def table(sheet: str) -> list[list[object]]:
        per_sex = 1 if "ale" in sheet else 2  # the Males and Females tables hold half the Persons figures
        labels = [plus if a == 90 else a for a in ages]
        values = [boys(a, shift) * per_sex for a in ages]
        return [[f"{sheet.split(' - ')[0]}: Population estimates: {sheet.split(' - ')[-1]} by single year of age, "
                 f"local authorities in the UK, mid-{year}"],
                ["This worksheet contains one table."], [], ["Source: Office for National Statistics"], [],
                ["Code", "Name", "Geography", "All ages", *labels],
                ["E92000001", "England", "Country", 999999, *values],
                [LA, NAME, "Metropolitan District", 216000, *values],
                ["E08000030", "Walsall", "Metropolitan District", 288000, *[v + 1 for v in values]]]
    return write_xlsx(path, {sheet: table(sheet) for sheet in sheets})


def myeb_rows(years=(2021, 2022, 2023), sexes=("1", "2"), code="ladcode23", name="laname23", skip=()) -> list[list]:
    """MYEB rows (header first): one row per area, sex and age 0-90; population_YYYY grows by 10 a year."""
    rows = [[code, name, "country", "sex", "age", *(f"population_{y}" for y in years)]]
    for area, label in ((LA, NAME), ("E08000030", "Walsall")):
        for sex in sexes:
            rows += [[area, label, "E", sex, age, *(boys(age) + 10 * i for i, _ in enumerate(years))]
                     for age in range(91) if (sex, age) not in skip]
    return rows


def write_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


# ---- the MYE2 workbook (one mid-year) ---------------------------------------------------------------------------

def test_mye2_persons_sums_ages_0_to_17_only(tmp_path):
    [row] = read_ons(mye2(tmp_path / "mye22tablesuk.xlsx"), LA)
    assert (row.area_code, row.area_name, row.mid_year) == (LA, NAME, 2022)
    assert row.population_0_17 == CHILDREN  # neither All ages, 18 nor 90+ counted
    assert "'MYE2 - Persons'" in row.source and row.release == "ONS mid-2022" and row.placeholder == 0


def test_mye2_without_a_persons_sheet_sums_males_and_females(tmp_path):
    [row] = read_ons(mye2(tmp_path / "mye.xlsx", sheets=("MYE2 - Males", "MYE2 - Females"), plus=90), LA)
    assert row.population_0_17 == CHILDREN
    assert "'MYE2 - Males' + 'MYE2 - Females'" in row.source


def test_mye2_header_found_by_content_whatever_its_case_and_spacing(tmp_path):
    path = mye2(tmp_path / "mye.xlsx", sheets=("MYE2 - Persons",))
    book = {"Cover": [["Release date: 15 July 2024"]],
            "MYE2 - Persons": [[" code ", "NAME", "Geography", "ALL AGES", *range(91)] if r and r[0] == "Code" else r
                               for r in _sheet_rows(path, "MYE2 - Persons")]}
    [row] = read_ons(write_xlsx(tmp_path / "moved.xlsx", book), LA)
    assert row.population_0_17 == CHILDREN and row.release == "ONS mid-2022, released 15 July 2024"


def _sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_mye2_with_only_one_sex_is_refused(tmp_path):
    with pytest.raises(ValueError, match="only the males table"):
        read_ons(mye2(tmp_path / "mye.xlsx", sheets=("MYE2 - Males",)), LA)


def test_mye2_with_an_age_column_missing_is_refused(tmp_path):
    path = mye2(tmp_path / "mye.xlsx", sheets=("MYE2 - Persons",), ages=[a for a in range(91) if a != 12])
    with pytest.raises(ValueError, match="ages 0-17 are incomplete: no column for age 12"):
        read_ons(path, LA)


# ---- the MYEB time series (many mid-years) ----------------------------------------------------------------------

def test_myeb_csv_sums_both_sexes_and_ages_0_to_17_per_year(tmp_path):
    rows = read_ons(write_csv(tmp_path / "myeb1.csv", myeb_rows()), LA)
    assert [(r.mid_year, r.population_0_17) for r in rows] == [(2021, CHILDREN), (2022, CHILDREN + 2 * 18 * 10),
                                                               (2023, CHILDREN + 2 * 18 * 20)]
    assert {r.area_name for r in rows} == {NAME} and "ONS MYEB time series" in rows[0].source


def test_myeb_xlsx_with_a_title_row_and_other_column_names(tmp_path):
    """The workbook edition: a title in row 1, `ladcode21`/`laname21`, sexes written M and F, a persons row added by
    hand (not counted twice), and a components sheet (MYEB3, no age column) beside it."""
    rows = myeb_rows(years=(2019, 2020), sexes=("M", "F"), code="ladcode21", name="laname21")
    rows.append([LA, NAME, "E", "Persons", 5, 999999, 999999])
    path = write_xlsx(tmp_path / "myebtables.xlsx", {
        "MYEB1": [["Annual mid-year population estimates for local authorities, by sex and single year of age"],
                  *rows],
        "MYEB3": [["ladcode21", "laname21", "country", "population_2019", "births_2020"], [LA, NAME, "E", 1, 2]]})
    assert [(r.mid_year, r.population_0_17) for r in read_ons(path, LA)] == [(2019, CHILDREN),
                                                                          (2020, CHILDREN + 360)]


def test_myeb_with_an_age_missing_for_one_sex_is_refused(tmp_path):
    path = write_csv(tmp_path / "myeb1.csv", myeb_rows(skip={("2", 7)}))
    with pytest.raises(ValueError, match=r"ages 0-17 are incomplete: E08000029 has no row for age 7 \(sexes 1, 2\)"):
        read_ons(path, LA)


def test_myeb_with_no_figures_for_the_area_is_refused(tmp_path):
    rows = [r if r[0] != LA else [*r[:5], "", "", ""] for r in myeb_rows()]
    with pytest.raises(ValueError, match="every population_YYYY column is blank for E08000029"):
        read_ons(write_csv(tmp_path / "myeb1.csv", rows), LA)


@pytest.mark.parametrize("make", ["csv", "xlsx"])
def test_an_area_not_in_the_file_is_refused(tmp_path, make):
    path = (write_csv(tmp_path / "myeb1.csv", myeb_rows()) if make == "csv"
            else mye2(tmp_path / "mye.xlsx", sheets=("MYE2 - Persons",)))
    with pytest.raises(ValueError, match="the area code E06000001 is not in the file"):
        read_ons(path, "E06000001")


def test_a_file_without_an_ons_header_is_refused(tmp_path):
    path = write_csv(tmp_path / "other.csv", [["area", "children"], [LA, 48000]])
    with pytest.raises(ValueError, match="no ONS mid-year estimates header found"):
        read_ons(path, LA)


# ---- the reference CSV ------------------------------------------------------------------------------------------

def row(year: int, count: int, area: str = LA, placeholder: int = 0) -> PopulationRow:
    return PopulationRow(area, NAME if area == LA else "Walsall", year, count, "test", f"ONS mid-{year}", placeholder)


def test_write_reference_replaces_the_areas_years_and_keeps_the_rest(tmp_path):
    path = tmp_path / "child_population.csv"
    write_reference([row(2022, 1, placeholder=1), row(2023, 2, placeholder=1), row(2022, 3, "E08000030")], path)
    write_reference([row(2023, 40000), row(2024, 41000)], path)
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(REFERENCE_COLUMNS)
    assert [(r.area_code, r.mid_year, r.population_0_17, r.placeholder) for r in read_reference(path)] == [
        (LA, 2022, 1, 1), (LA, 2023, 40000, 0), (LA, 2024, 41000, 0), ("E08000030", 2022, 3, 0)]


def test_the_cli_loads_an_ons_file_into_the_reference_csv(tmp_path, capsys):
    out = tmp_path / "reference" / "child_population.csv"
    write_reference([row(2020, 48000, placeholder=1), row(2021, 48000, placeholder=1)], out)
    source = write_csv(tmp_path / "myeb1.csv", myeb_rows(years=(2021, 2022)))
    assert cli.main(["reference", "population", str(source), "--la", LA, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"for {LA} {NAME}" in printed and f"mid-2021: {CHILDREN:,}" in printed
    assert [(r.mid_year, r.population_0_17, r.placeholder) for r in read_reference(out)] == [
        (2020, 48000, 1), (2021, CHILDREN, 0), (2022, CHILDREN + 360, 0)]


def test_the_cli_refuses_an_area_the_file_lacks(tmp_path, capsys):
    source = write_csv(tmp_path / "myeb1.csv", myeb_rows())
    out = tmp_path / "child_population.csv"
    assert cli.main(["reference", "population", str(source), "--la", "E06000001", "--out", str(out)]) == 2
    assert "the area code E06000001 is not in the file" in capsys.readouterr().err
    assert not out.exists()


def test_the_shipped_reference_file_reads():
    from transforms.settings import REFERENCE_DIR

    rows = read_reference(REFERENCE_DIR / "child_population.csv")
    assert rows and all(r.area_code and r.source and r.placeholder in (0, 1) for r in rows)


# ---- pairing a period with its mid-year -------------------------------------------------------------------------

HELD = [row(2023, 47000), row(2024, 47500)]


@pytest.mark.parametrize(("end", "year"), [(dt.date(2024, 6, 30), 2024), (dt.date(2024, 3, 31), 2023),
                                           (dt.date(2023, 6, 30), 2023), (dt.date(2026, 3, 31), 2024)])
def test_a_period_pairs_with_the_latest_mid_year_on_or_before_its_end(end, year):
    assert population_for(end, LA, HELD).mid_year == year


def test_before_the_earliest_mid_year_there_is_none_and_a_reason():
    end = dt.date(2023, 3, 31)
    assert population_for(end, LA, HELD) is None
    assert population_for(end, "E08000030", HELD) is None
    reason = missing_reason(end, LA, HELD)
    assert f"for {LA} on or before 31 March 2023 (earliest held: mid-2023)" in reason
    assert "(none held for the area)" in missing_reason(end, "E08000030", HELD)


# ---- the synthetic borough --------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1, 14])
def test_the_synthetic_population_reads_back_as_48000_times_scale(tmp_path, scale):
    periods = periods_ending("2026-09", 4)  # ends 2025-12-31 ... 2026-09-30: mid-2025 and mid-2026 paired
    path = write_population(tmp_path, scale, periods)
    assert path == tmp_path / "_reference" / "ons_population.csv"
    rows = read_ons(path, AREA_CODE)
    assert [r.mid_year for r in rows] == [2023, 2024, 2025, 2026]
    assert {r.population_0_17 for r in rows} == {round(48000 * scale)}
    assert rows[0].area_name == f"Synthetic borough (scale {scale})"
    assert population_for(periods[-1].end, AREA_CODE, rows).mid_year == 2026


def test_the_synthetic_population_is_deterministic(tmp_path):
    periods = periods_ending("2026-09", 1)
    first = write_population(tmp_path / "a", 1, periods).read_bytes()
    assert first == write_population(tmp_path / "b", 1, periods).read_bytes()
