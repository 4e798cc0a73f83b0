"""Children aged 0-17 per authority and mid-year, from ONS mid-year population estimates (DESIGN.md section 6).

Rates per 10,000 children divide by the estimate for the authority's area; a period pairs with the latest mid-year
(30 June) on or before its end. `reference/child_population.csv` holds the figures, with their source and release;
`assure reference population FILE --la CODE` loads them from an ONS file.

Two ONS layouts are read, their header row found by content (never by position, since ONS moves the title rows
between releases):
- the MYE2 tables ("MYE2 - Persons"): title rows, then `Code, Name, Geography, All ages, 0, 1, ..., 90` (or `90+`),
  one row per area; one workbook is one mid-year, named in its title ("Mid-2022") or sheet names;
- the MYEB time series (MYEB1, MYEB2, as xlsx or CSV): `ladcode23, laname23, country, sex, age, population_2011, ...`
  (the code column is `ladcode`, `ladcode21`, ...), one row per area, sex and single year of age.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

REFERENCE_COLUMNS = ("area_code", "area_name", "mid_year", "population_0_17", "source", "release", "placeholder")
CHILD_AGES = range(18)  # 0-17: children, as DfE's rates per 10,000 count them
HEADER_SCAN_ROWS = 60  # the header sits below a handful of title and note rows
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass(frozen=True)
class PopulationRow:
    """One area's children aged 0-17 at 30 June of `mid_year`; `placeholder` when not an ONS figure."""

    area_code: str
    area_name: str
    mid_year: int
    population_0_17: int
    source: str
    release: str = ""
    placeholder: int = 0


def read_reference(csv_path: Path | str) -> list[PopulationRow]:
    """The rows of a reference file (`reference/child_population.csv`'s columns)."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(REFERENCE_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{csv_path}: the child population file lacks the columns {sorted(missing)}")
        return [PopulationRow(r["area_code"].strip(), r["area_name"].strip(), int(r["mid_year"]),
                              int(r["population_0_17"]), r["source"], r["release"], int(r["placeholder"] or 0))
                for r in reader]


def write_reference(rows: list[PopulationRow], csv_path: Path | str) -> list[PopulationRow]:
    """Merge `rows` into the reference file: they replace the rows of the same area and mid-year, every other row
    is kept; the file is written sorted by area and mid-year. Returns the rows written."""
    path = Path(csv_path)
    new = {(r.area_code, r.mid_year): r for r in rows}
    kept = [r for r in read_reference(path) if (r.area_code, r.mid_year) not in new] if path.is_file() else []
    merged = sorted([*kept, *new.values()], key=lambda r: (r.area_code, r.mid_year))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REFERENCE_COLUMNS)
        writer.writerows([r.area_code, r.area_name, r.mid_year, r.population_0_17, r.source, r.release,
                          int(bool(r.placeholder))] for r in merged)
    return merged


def population_for(period_end: dt.date, area_code: str, rows: list[PopulationRow]) -> PopulationRow | None:
    """The area's latest estimate whose mid-year (30 June) is on or before `period_end`; None when there is none."""
    held = [r for r in rows if r.area_code == area_code and dt.date(r.mid_year, 6, 30) <= period_end]
    return max(held, key=lambda r: r.mid_year) if held else None


def missing_reason(period_end: dt.date, area_code: str, rows: list[PopulationRow]) -> str:
    """Why there is no estimate to pair with `period_end` (the note of a rate published as no data)."""
    years = sorted(r.mid_year for r in rows if r.area_code == area_code)
    held = f"earliest held: mid-{years[0]}" if years else "none held for the area"
    return (f"no ONS mid-year estimate of children aged 0-17 for {area_code} on or before "
            f"{period_end.day} {period_end:%B %Y} ({held}): load one with `assure reference population`")


# ---- reading ONS files ------------------------------------------------------------------------------------------

_CODE = re.compile(r"^(?:lad?|area|geog(?:raphy)?)?code\d*$")  # Code, Area code, ladcode, ladcode23
_NAME = re.compile(r"^(?:lad?|area|geog(?:raphy)?)?name\d*$")
_AGE = re.compile(r"^(?:age)?(\d{1,3})(\+|andover|plus)?$")  # 0 ... 89, 90, 90+, "90 and over"
_POPULATION_YEAR = re.compile(r"^population_?(\d{4})$")  # MYEB: population_2011 ... population_2023
_MID_YEAR = re.compile(r"mid[\s-]*(\d{4})", re.I)
# sex codes of a persons (both sexes) row, or none: ONS's long files hold only male and female rows (coded 1/2 or
# M/F, the coding has changed between releases), but an extract may add the total, which would count children twice
_PERSONS = {"", "0", "p", "persons", "person", "all", "allpersons", "total", "t", "both"}


@dataclass
class _Table:
    name: str  # the sheet name, or the file name of a CSV
    rows: list[list[object]]


def _key(value: object) -> str:
    """A header cell compared case and space insensitively (`Area Code` = `areacode`, `0.0` = `0`)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value if value is not None else "")).lower()


def _number(value: object) -> int | None:
    """A count from a cell (ONS CSVs may write `1,234`); None for a blank or anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value or "").replace(",", "").strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _read_tables(path: Path) -> list[_Table]:
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        return [_Table(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                for name in book.sheet_names]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # an extract re-saved by Excel on Windows
        text = raw.decode("cp1252")
    return [_Table(path.name, [list(row) for row in csv.reader(text.splitlines())])]


def _find_header(rows: list[list[object]]) -> tuple[int, str] | None:
    """(row index, "wide" or "long") of the first row naming an area code column and ages: age columns (MYE2) or
    an age column beside population_YYYY columns (MYEB)."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = [_key(v) for v in row]
        if not any(_CODE.match(k) for k in keys):
            continue
        if "age" in keys and any(_POPULATION_YEAR.match(k) for k in keys):
            return index, "long"
        if any((m := _AGE.match(k)) and m.group(2) is None and int(m.group(1)) in CHILD_AGES for k in keys):
            return index, "wide"
    return None


def _column(keys: list[str], pattern: re.Pattern) -> int | None:
    return next((i for i, k in enumerate(keys) if pattern.match(k)), None)


def _cell(row: list[object], index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _release(tables: list[_Table]) -> str:
    """The release date a workbook states on its cover or notes ("Release date: 15 July 2024"), else ""."""
    for table in tables:
        for row in table.rows[:HEADER_SCAN_ROWS]:
            for i, value in enumerate(row):
                text = str(value or "").strip()
                if not re.match(r"(?i)releas(e|ed)\b", text):
                    continue
                rest = re.sub(r"(?i)^releas(e|ed)\s*(date|on)?\s*:?\s*", "", text)
                if not rest:  # the date sits in the next cell along
                    rest = next((v for v in row[i + 1:] if str(v or "").strip()), "")
                if isinstance(rest, dt.date):
                    return rest.strftime("%Y-%m-%d")
                if rest and re.search(r"\d{4}", str(rest)):
                    return str(rest).strip()
    return ""


def _mid_year_of(table: _Table, header: int, file_name: str) -> int | None:
    """The mid-year a MYE2 table is for: "Mid-2022" in its title rows, else in its sheet or file name."""
    texts = [str(v) for row in table.rows[:header] for v in row if v not in (None, "")]
    for text in (*texts, table.name, file_name):
        if match := _MID_YEAR.search(text):
            return int(match.group(1))
    return None


def _wide_sex(table: _Table, header: int) -> str:
    """persons, males, females or "" (unstated) for a MYE2 table, from its sheet name and title rows."""
    text = " ".join([table.name, *(str(v) for row in table.rows[:header] for v in row if v)]).lower()
    for sex in ("persons", "females", "males"):  # females before males: "females" contains "males"
        if re.search(rf"\b{sex}\b", text):
            return sex
    return ""


def _read_wide(table: _Table, header: int, area_code: str, file_name: str) -> tuple[str, int, int] | None:
    """(area name, mid-year, children 0-17) from one MYE2 table; None when the area is not in it."""
    keys = [_key(v) for v in table.rows[header]]
    code, name = _column(keys, _CODE), _column(keys, _NAME)
    ages = {}
    for i, k in enumerate(keys):
        m = _AGE.match(k)
        if m and m.group(2) is None and int(m.group(1)) in CHILD_AGES:  # "90+" and "All ages" never match
            ages.setdefault(int(m.group(1)), i)
    row = next((r for r in table.rows[header + 1:] if _key(_cell(r, code)) == area_code.lower()), None)
    if row is None:
        return None
    where = f"{file_name}, sheet {table.name!r}"
    missing = [a for a in CHILD_AGES if a not in ages]
    if missing:
        raise ValueError(f"{where}: ages 0-17 are incomplete: no column for age {_ages(missing)}")
    blank = [a for a in CHILD_AGES if _number(_cell(row, ages[a])) is None]
    if blank:
        raise ValueError(f"{where}: ages 0-17 are incomplete: {area_code} has no figure for age {_ages(blank)}")
    year = _mid_year_of(table, header, file_name)
    if year is None:
        raise ValueError(f"{where}: cannot tell which mid-year the table is for (no 'Mid-YYYY' in its title, "
                         "sheet name or file name)")
    return str(_cell(row, name) or "").strip(), year, sum(_number(_cell(row, ages[a])) for a in CHILD_AGES)


def _read_long(table: _Table, header: int, area_code: str, file_name: str) -> tuple[str, dict[int, int]] | None:
    """(area name, {mid-year: children 0-17}) from one MYEB table, both sexes summed; None without the area."""
    keys = [_key(v) for v in table.rows[header]]
    code, name, age = _column(keys, _CODE), _column(keys, _NAME), keys.index("age")
    sex = keys.index("sex") if "sex" in keys else None
    years = {int(m.group(1)): i for i, k in enumerate(keys) if (m := _POPULATION_YEAR.match(k))}
    rows = [r for r in table.rows[header + 1:] if _key(_cell(r, code)) == area_code.lower()
            and (sex is None or _key(_cell(r, sex)) not in _PERSONS)]
    if not rows:
        return None
    where = f"{file_name}, sheet {table.name!r}" if table.name != file_name else file_name
    children = [r for r in rows if _number(_cell(r, age)) in CHILD_AGES]
    sexes = sorted({_key(_cell(r, sex)) for r in rows})
    held = {(_key(_cell(r, sex)), _number(_cell(r, age))) for r in children}
    missing = sorted({a for s in sexes for a in CHILD_AGES if (s, a) not in held})
    if missing:
        raise ValueError(f"{where}: ages 0-17 are incomplete: {area_code} has no row for age {_ages(missing)}"
                         + (f" (sexes {', '.join(sexes)})" if sex is not None else ""))
    totals = {}
    for year, column in sorted(years.items()):
        values = [_number(_cell(r, column)) for r in children]
        if all(v is None for v in values):  # a year the series leaves blank for this area: not an estimate
            continue
        if any(v is None for v in values):
            raise ValueError(f"{where}: ages 0-17 are incomplete: population_{year} is blank for some ages of "
                             f"{area_code}")
        totals[year] = sum(values)
    if not totals:
        raise ValueError(f"{where}: every population_YYYY column is blank for {area_code}")
    return str(_cell(rows[0], name) or "").strip(), totals


def _ages(ages: list[int]) -> str:
    return ", ".join(str(a) for a in ages)


def read_ons(path: Path | str, area_code: str) -> list[PopulationRow]:
    """The area's children aged 0-17, one row per mid-year, from an ONS mid-year estimates file: an MYE2 workbook
    (persons table, or males and females summed) or an MYEB time series (xlsx or CSV, sexes summed).

    Raises ValueError, worded for the analyst, when no ONS header is found, the area code is not in the file,
    ages 0-17 are incomplete or the mid-year cannot be told."""
    path, code = Path(path), area_code.strip()
    tables = _read_tables(path)
    found = [(t, *h) for t in tables if (h := _find_header(t.rows))]
    if not found:
        raise ValueError(f"{path.name}: no ONS mid-year estimates header found: expected a row with an area code "
                         "column ('Code' or 'ladcodeYY') and either age columns 0 ... 90 (MYE2 tables) or an 'age' "
                         "column with population_YYYY columns (MYEB time series)")
    release = _release(tables)
    for table, header, kind in found:  # a time series first: MYEB1 before MYEB2 (same populations) in its workbook
        if kind == "long" and (series := _read_long(table, header, code, path.name)):
            name, totals = series
            sheet = f", sheet {table.name!r}" if table.name != path.name else ""
            source = f"{path.name}{sheet}: ONS MYEB time series, ages 0-17 and both sexes summed"
            return [PopulationRow(code, name, year, total, source, _release_text(year, release))
                    for year, total in sorted(totals.items())]
    wide = [(table, header, _wide_sex(table, header)) for table, header, kind in found if kind == "wide"]
    read = {}  # sex -> (table, (name, year, total)) of the first table of that sex holding the area
    for table, header, sex in wide:
        if sex not in read and (figures := _read_wide(table, header, code, path.name)):
            read[sex] = (table, figures)
    if not read:
        raise ValueError(f"{path.name}: the area code {code} is not in the file (check --la: an ONS local authority "
                         "code such as E08000029, of the boundaries the file uses)")
    if "persons" in read or "" in read:
        table, (name, year, total) = read.get("persons") or read[""]
        source = f"{path.name}, sheet {table.name!r}: ONS MYE2 persons, ages 0-17 summed"
    elif {"males", "females"} <= read.keys():
        (males, (name, year, boys)), (females, (_, other_year, girls)) = read["males"], read["females"]
        if year != other_year:
            raise ValueError(f"{path.name}: the males table is for mid-{year} but the females table for "
                             f"mid-{other_year}")
        total = boys + girls
        source = f"{path.name}, sheets {males.name!r} + {females.name!r}: ONS MYE2, ages 0-17 summed"
    else:
        only = next(iter(read))
        raise ValueError(f"{path.name}: only the {only} table holds {code}; children aged 0-17 need the persons "
                         "table (or both males and females)")
    return [PopulationRow(code, name, year, total, source, _release_text(year, release))]


def _release_text(year: int, release: str) -> str:
    return f"ONS mid-{year}, released {release}" if release else f"ONS mid-{year}"
