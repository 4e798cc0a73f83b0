"""Shared test helpers: hand-made workbooks and warehouse URLs for SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
import xlsxwriter

from transforms import warehouse

PG_BASE = os.environ.get("ASSURE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write rows (row 1 first) to an xlsx; None leaves a cell blank; datetimes become date cells; text stays text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if hasattr(value, "year"):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)  # text stays text, even when it starts with '='
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path):
    """A fresh SQLite warehouse."""
    yield f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    warehouse.dispose_all()


def postgres_available() -> bool:
    """True when the test PostgreSQL answers."""
    try:
        with sa.create_engine(PG_BASE, connect_args={"connect_timeout": 3}).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse_url(request):
    """The warehouse on each backend the pipeline supports: a fresh SQLite file, then a fresh PostgreSQL schema."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def postgres_url():
    """A fresh schema in the test PostgreSQL; fails (not skips) under CI when the server is down."""
    if not postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI but {PG_BASE} is unreachable")
        pytest.skip("PostgreSQL not reachable (set CI=true to make this a failure)")
    schema = f"assure_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    warehouse.dispose_all()
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


TEST_POPULATION = 48000  # children aged 0-17 in every mid-year of `population_file`


def population_file(folder: Path) -> str:
    """A child population file (reference/child_population.csv's format) with TEST_POPULATION for every mid-year, so
    hand-worked rates do not depend on the figures shipped in reference/."""
    path = folder / "child_population.csv"
    rows = "".join(f"E08000029,Solihull,{year},{TEST_POPULATION},test figure,test,0\n" for year in range(2019, 2028))
    path.write_text("area_code,area_name,mid_year,population_0_17,source,release,placeholder\n" + rows)
    return str(path)


@pytest.fixture(scope="module")
def fixed_child_population(tmp_path_factory):
    """Rates in the module are computed with TEST_POPULATION children (ASSURE_CHILD_POPULATION); a module uses it
    with `pytestmark = pytest.mark.usefixtures("fixed_child_population")`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSURE_CHILD_POPULATION", population_file(tmp_path_factory.mktemp("population")))
        patch.delenv("ASSURE_AREA_CODE", raising=False)
        yield
