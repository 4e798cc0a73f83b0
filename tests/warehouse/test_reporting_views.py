"""The reporting views Power BI reads (sql/views/, docs/reporting_views.md), on SQLite and PostgreSQL: they return
exactly what was published, the trend as computed, one row per submission with its due date, and they are created on
a warehouse made before they existed, replaced when their definition changed (grants kept), and readable by a role
that may read nothing else."""

import csv
import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from synthetic.generate import generate
from tests.conftest import PG_BASE
from tests.police_files import ppn_file
from transforms import warehouse
from transforms.dataset import catalogue, comparator_details, due_date
from transforms.pipeline import run
from transforms.warehouse.engine import view_definitions
from transforms.workbench.board import working_days_between

pytestmark = pytest.mark.usefixtures("fixed_child_population")
VIEWS = ("rpt_indicator_value", "rpt_indicator_trend", "rpt_submission_status")
DOC = Path(__file__).resolve().parents[2] / "docs" / "reporting_views.md"
PPN_ROWS = [["P1", "N1", "01/07/2026", "02/07/2026", "Child concern", "Y"],
            ["P2", "N2", "02/07/2026", "03/07/2026", "Child concern", "Y"]]


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """Two generated quarters (2026-06 in `_earlier/`, then 2026-09), generated once for the module."""
    folder = tmp_path_factory.mktemp("reporting") / "landing"
    generate(folder, "2026-09", quarters=2, scale=0.05, seed=3)
    return folder


def read(url: str, query: str, params: dict | None = None) -> list[dict]:
    with warehouse.engine(url).connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(query), params or {}).mappings()]


def views_present(url: str) -> set[str]:
    return set(sa.inspect(warehouse.engine(url)).get_view_names()) & set(VIEWS)


def number(text: str) -> float | None:
    return None if text == "" else float(text)


def test_the_views_return_what_was_published(landing, tmp_path, warehouse_url):
    out = tmp_path / "out"
    for folder, period in ((landing / "_earlier" / "2026-06", "2026-06"), (landing, "2026-09")):
        run(str(folder), period, str(out), warehouse_url, progress=lambda line: None)

    # rpt_indicator_value: exactly the published CSV, row by row, for every period run
    titles = {i.id: i.title for i in catalogue()}
    for period in ("2026-06", "2026-09"):
        with open(out / "published" / f"partnership_dataset_{period}.csv", newline="", encoding="utf-8") as handle:
            published = list(csv.DictReader(handle))
        shown = read(warehouse_url, "SELECT * FROM rpt_indicator_value WHERE period = :p "
                                    "ORDER BY indicator_id, breakdown", {"p": period})
        assert len(shown) == len(published) > 40
        for csv_row, row in zip(published, shown, strict=True):
            assert (row["indicator_id"], row["breakdown"], row["rag"], row["direction"], row["unit"]) == (
                csv_row["indicator_id"], csv_row["breakdown"], csv_row["rag"], csv_row["direction"],
                csv_row["unit"]), (csv_row, row)
            for column in ("numerator", "denominator", "value"):
                assert row[column] == number(csv_row[column]), (column, csv_row, row)  # the same double, unrounded
            assert row["title"] == titles[row["indicator_id"]] and row["area"] and row["area_title"]
            assert row["history_incomplete"] == int(csv_row["history_incomplete"])
            assert (row["note"] or "") == csv_row["note"]

    # labels, comparators and commentary, from the tables beside fct_indicator_value
    rows = read(warehouse_url, "SELECT * FROM rpt_indicator_value")
    labels = {(r["indicator_id"], r["breakdown"]): r["label"]
              for r in read(warehouse_url, "SELECT * FROM dim_breakdown_label")}
    for row in rows:
        fallback = "All" if row["breakdown"] == "" else row["breakdown"]
        assert row["breakdown_label"] == labels.get((row["indicator_id"], row["breakdown"]), fallback), row
        figure = comparator_details(int(row["period"][:4])).get((row["indicator_id"], row["breakdown"]))
        if row["comparator"] is None:
            assert row["comparator_label"] is None and row["comparator_source"] is None
        else:
            assert figure is not None and row["comparator"] == figure.value, row
            assert (row["comparator_label"], row["comparator_source"], row["comparator_kind"]) == (
                figure.label, figure.source, figure.kind), row
    headline = {(r["indicator_id"], r["period"]): r for r in rows if r["breakdown"] == ""}
    assert headline[("CSC-02", "2026-09")]["comparator_label"] == "England average, 2024"  # the latest year by 2026
    assert headline[("CSC-05", "2026-09")]["comparator_label"] == "West Midlands average, 2022"
    assert headline[("CSC-06", "2026-09")]["comparator_kind"] == "target"
    assert headline[("CSC-01", "2026-09")]["breakdown_label"] == "All"

    commentary = warehouse.fct_indicator_commentary
    with warehouse.engine(warehouse_url).begin() as conn:
        conn.execute(commentary.delete().where(commentary.c.indicator_id.in_(["CSC-01", "CSC-02"]),
                                               commentary.c.period == "2026-09"))
        conn.execute(commentary.insert(), [
            {"indicator_id": "CSC-01", "period": "2026-09", "draft": "Drafted.", "edited": "Edited by hand.",
             "edited_by": "analyst-1", "edited_at": "2026-11-02T10:00:00+00:00", "drafted_at": "2026-11-01"},
            {"indicator_id": "CSC-02", "period": "2026-09", "draft": "Drafted only.", "edited": None, "edited_by": None,
             "edited_at": None, "drafted_at": "2026-11-01"}])
    said = {r["indicator_id"]: r for r in read(warehouse_url, "SELECT * FROM rpt_indicator_value WHERE period = "
                                                              "'2026-09' AND indicator_id IN ('CSC-01', 'CSC-02')")}
    assert (said["CSC-01"]["commentary"], said["CSC-01"]["commentary_edited"]) == ("Edited by hand.", 1)
    assert (said["CSC-02"]["commentary"], said["CSC-02"]["commentary_edited"]) == ("Drafted only.", 0)

    # rpt_indicator_trend: fct_indicator_trend, every row and column, with the title and the breakdown's label
    columns = [c.name for c in warehouse.fct_indicator_trend.columns]
    order = "ORDER BY data_period, indicator_id, quarter, breakdown"
    trend = read(warehouse_url, f"SELECT * FROM rpt_indicator_trend {order}")
    assert [{c: r[c] for c in columns} for r in trend] == read(warehouse_url, f"SELECT * FROM fct_indicator_trend "
                                                                              f"{order}")
    assert {r["data_period"] for r in trend} == {"2026-06", "2026-09"}
    assert all(r["title"] == titles[r["indicator_id"]] and r["breakdown_label"] for r in trend)

    # rpt_submission_status: one row per registered submission, each the current one of its return (none resent)
    status = read(warehouse_url, "SELECT * FROM rpt_submission_status")
    registry = read(warehouse_url, "SELECT * FROM raw_submission")
    assert sorted(r["submission_id"] for r in status) == sorted(r["submission_id"] for r in registry)
    assert len(status) > 10
    for row in status:
        assert row["due_date"] == due_date(row["period"]).isoformat()
        assert row["is_current"] == int(row["loaded"] == 1 and row["status"] != "QUARANTINED")


def test_the_status_view_knows_the_current_submission_and_how_late_it_was(tmp_path, warehouse_url):
    def quiet_run():
        run(str(tmp_path / "landing"), "2026-09", str(tmp_path / "out"), warehouse_url, progress=lambda line: None)

    def received(file_name, when):
        registry = warehouse.raw_submission
        with warehouse.engine(warehouse_url).begin() as conn:
            conn.execute(registry.update().where(registry.c.file_name == file_name).values(received_at=when))

    ppn_file(tmp_path, "ppn_first.xlsx", PPN_ROWS)
    quiet_run()
    received("ppn_first.xlsx", "2026-10-14T09:00:00.000000+00:00")
    ppn_file(tmp_path, "ppn_second.xlsx", [*PPN_ROWS, ["P3", "N3", "03/07/2026", "04/07/2026", "Child concern", ""]])
    (tmp_path / "landing" / "police" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    quiet_run()
    received("ppn_second.xlsx", "2026-10-23T09:00:00.000000+00:00")
    received("broken.xlsx", "2026-10-24T09:00:00.000000+00:00")

    rows = {r["file_name"]: r for r in read(warehouse_url, "SELECT * FROM rpt_submission_status")}
    assert set(rows) == {"ppn_first.xlsx", "ppn_second.xlsx", "broken.xlsx"}
    assert {name: r["is_current"] for name, r in rows.items()} == {
        "ppn_first.xlsx": 0, "ppn_second.xlsx": 1, "broken.xlsx": 0}, "a refused file replaces nothing"
    broken = rows["broken.xlsx"]
    assert (broken["status"], broken["loaded"], broken["return_id"]) == ("QUARANTINED", 1, None) and broken["reason"]
    second = rows["ppn_second.xlsx"]
    assert (second["agency"], second["return_id"], second["period"], second["status"]) == (
        "police", "police_ppn", "2026-09", "ACCEPTED")
    assert (second["rows_read"], second["rows_accepted"], second["rows_rejected"], second["loaded"]) == (3, 3, 0, 1)
    due = due_date("2026-09")
    assert {r["due_date"] for r in rows.values()} == {due.isoformat()} == {"2026-10-21"}
    for row in rows.values():
        day = dt.date.fromisoformat(row["received_date"])
        assert row["received_late"] == int(day > due)
        assert row["working_days_late"] == working_days_between(due, day), row
    assert (rows["ppn_first.xlsx"]["working_days_late"], second["working_days_late"]) == (0, 2)


def drop_views(url: str) -> None:
    with warehouse.engine(url).begin() as conn:
        for name in VIEWS:
            conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")


def test_the_views_are_made_on_a_warehouse_created_before_them(warehouse_url):
    warehouse.engine(warehouse_url)
    assert views_present(warehouse_url) == set(VIEWS)
    # the warehouse as it was: no views, no dim_comparator, dim_indicator without its area
    drop_views(warehouse_url)
    with warehouse.engine(warehouse_url).begin() as conn:
        conn.exec_driver_sql("DROP TABLE dim_comparator")
        conn.exec_driver_sql("ALTER TABLE dim_indicator DROP COLUMN area")
        conn.exec_driver_sql("ALTER TABLE dim_indicator DROP COLUMN area_title")
        conn.execute(warehouse.raw_submission.insert().values(
            submission_id="old", sha256="0" * 64, agency="police", file_name="ppn.xlsx", archive_path="a",
            received_at="2026-10-02T09:00:00+00:00", period="2026-09", return_id="police_ppn", status="ACCEPTED",
            loaded=1))
    warehouse.dispose_all()
    assert views_present(warehouse_url) == set(VIEWS)
    for name in VIEWS:
        read(warehouse_url, f"SELECT * FROM {name}")
    old = read(warehouse_url, "SELECT * FROM rpt_submission_status")
    assert [(r["submission_id"], r["is_current"], r["due_date"]) for r in old] == [("old", 1, None)], \
        "no due date before the calendar is loaded (the first computation of the dataset loads it)"
    warehouse.dispose_all()
    warehouse.engine(warehouse_url)  # opening it again finds nothing to do
    assert views_present(warehouse_url) == set(VIEWS)


def test_a_view_whose_definition_changed_is_replaced(warehouse_url):
    eng = warehouse.engine(warehouse_url)
    postgres = eng.dialect.name == "postgresql"
    drop_views(warehouse_url)
    with eng.begin() as conn:  # an older rpt_indicator_trend with other columns, read by a role, and a current one
        conn.exec_driver_sql("CREATE VIEW rpt_indicator_trend AS SELECT indicator_id AS id FROM fct_indicator_trend")
        conn.exec_driver_sql(f"CREATE VIEW rpt_indicator_value AS\n{view_definitions()['rpt_indicator_value']}")
        if postgres:
            conn.exec_driver_sql("GRANT SELECT ON rpt_indicator_trend TO PUBLIC")
            conn.exec_driver_sql("COMMENT ON VIEW rpt_indicator_value IS 'an older comment'")
    warehouse.dispose_all()
    eng = warehouse.engine(warehouse_url)
    columns = [c["name"] for c in sa.inspect(eng).get_columns("rpt_indicator_trend")]
    assert columns[:3] == ["data_period", "indicator_id", "title"] and "id" not in columns
    assert views_present(warehouse_url) == set(VIEWS)
    if postgres:
        acl = read(warehouse_url, "SELECT relacl::text AS acl FROM pg_class WHERE relname = 'rpt_indicator_trend' "
                                  "AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())")
        assert "=r/" in acl[0]["acl"], "the grant to PUBLIC is given back to the new view"
        comment = read(warehouse_url, "SELECT obj_description(to_regclass('rpt_indicator_value'), 'pg_class') AS c")
        assert comment[0]["c"].startswith("The partnership dataset for reporting tools") and "[assure view " in \
            comment[0]["c"]


def test_a_view_another_object_depends_on_is_kept_not_failed(postgres_url, caplog):
    """PostgreSQL will not drop a view another view reads: the old one stays, the warehouse still opens."""
    eng = warehouse.engine(postgres_url)
    with eng.begin() as conn:
        conn.exec_driver_sql("DROP VIEW rpt_indicator_trend")
        conn.exec_driver_sql("CREATE VIEW rpt_indicator_trend AS SELECT indicator_id AS id FROM fct_indicator_trend")
        conn.exec_driver_sql("CREATE VIEW my_report AS SELECT id FROM rpt_indicator_trend")
    warehouse.dispose_all()
    eng = warehouse.engine(postgres_url)
    assert [c["name"] for c in sa.inspect(eng).get_columns("rpt_indicator_trend")] == ["id"]
    assert "rpt_indicator_trend left as it was" in caplog.text
    with eng.begin() as conn:
        conn.exec_driver_sql("DROP VIEW my_report")
    warehouse.dispose_all()
    columns = [c["name"] for c in sa.inspect(warehouse.engine(postgres_url)).get_columns("rpt_indicator_trend")]
    assert columns[:2] == ["data_period", "indicator_id"]


def test_the_documented_power_bi_role_reads_the_views_and_nothing_else(postgres_url):
    """The SQL of docs/reporting_views.md, run as written (its names replaced by the test's): the role reads the
    rpt_ views, no table, and writes nothing; its grants survive the views being replaced."""
    block = re.search(r"```sql\n(.*?)```", DOC.read_text(), re.S).group(1)
    role, word = f"assure_powerbi_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex  # its name and its password
    schema = re.search(r"search_path%3D(\w+)", postgres_url).group(1)
    database = sa.make_url(PG_BASE).database
    script = (block.replace("powerbi_reader", role).replace("assure_warehouse", database)
              .replace("SCHEMA public", f"SCHEMA {schema}").replace("public.", f"{schema}.")
              .replace("choose-a-strong-password", word))
    script = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    statements = [s.strip() for s in script.split(";") if s.strip()]
    assert len(statements) == 5 and statements[0].startswith("CREATE ROLE"), statements
    eng = warehouse.engine(postgres_url)
    admin = sa.create_engine(PG_BASE)
    reader = sa.create_engine(sa.make_url(PG_BASE).set(username=role, password=word),
                              connect_args={"options": f"-csearch_path={schema}"})
    try:
        with eng.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
        with eng.begin() as conn:  # replaced since: the grant is given back
            conn.exec_driver_sql("DROP VIEW rpt_submission_status")
            conn.exec_driver_sql("CREATE VIEW rpt_submission_status AS SELECT agency AS old FROM raw_submission")
            conn.exec_driver_sql(f"GRANT SELECT ON rpt_submission_status TO {role}")
        warehouse.dispose_all()
        warehouse.engine(postgres_url)
        with reader.connect() as conn:
            for name in VIEWS:
                conn.exec_driver_sql(f"SELECT * FROM {name}").all()
            assert "is_current" in conn.exec_driver_sql("SELECT * FROM rpt_submission_status").keys()
        for forbidden in ("SELECT * FROM raw_submission", "SELECT * FROM stg_police_ppn",
                          "SELECT * FROM dim_indicator", "CREATE TABLE sneaky (a int)"):
            with reader.connect() as conn, pytest.raises(sa.exc.DBAPIError):
                conn.exec_driver_sql(forbidden)
    finally:
        reader.dispose()
        warehouse.dispose_all()
        with admin.begin() as conn:
            if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                conn.exec_driver_sql(f"DROP OWNED BY {role}")  # its grants (the database's, the views')
                conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()
