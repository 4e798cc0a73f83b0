"""The warehouse's tables, declared once with SQLAlchemy (portable across SQLite and PostgreSQL).

Table prefixes say the layer: `raw_` file registry, `stg_` accepted rows, `core_` persons, `fct_`/`dim_`
indicators and catalogue, `dq_` data quality, `ops_` runs. `stg_` tables are generated from the return
contracts in `schemas/`, so a column is declared once. `wrk_` tables are temporary: one connection's working rows,
never part of the warehouse's files or schema.
"""

from __future__ import annotations

import sqlalchemy as sa

import schemas

METADATA = sa.MetaData()
TEXT = sa.Text

raw_submission = sa.Table(
    "raw_submission", METADATA,
    sa.Column("submission_id", sa.String(64), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),  # the same bytes may be several periods' return
    sa.Column("agency", sa.String(32), nullable=False),
    sa.Column("file_name", TEXT, nullable=False),
    sa.Column("archive_path", TEXT, nullable=False),
    sa.Column("received_at", sa.String(32), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("return_id", sa.String(64)),
    sa.Column("status", sa.String(16)),
    sa.Column("rows_read", sa.Integer),
    sa.Column("rows_accepted", sa.Integer),
    sa.Column("rows_rejected", sa.Integer),
    sa.Column("rows_queried", sa.Integer),
    sa.Column("reason", TEXT),
    sa.Column("loaded", sa.Integer, nullable=False, server_default="0"),
)

dq_issue = sa.Table(
    "dq_issue", METADATA,
    sa.Column("submission_id", sa.String(64), nullable=False, index=True),
    sa.Column("agency", sa.String(32), nullable=False),
    sa.Column("return_id", sa.String(64)),
    sa.Column("sheet", TEXT),
    sa.Column("row", sa.Integer),
    sa.Column("record_id", TEXT),
    sa.Column("column", TEXT),
    sa.Column("value", TEXT),
    sa.Column("rule_id", sa.String(16), nullable=False),
    sa.Column("severity", sa.String(8), nullable=False),
    sa.Column("message", TEXT, nullable=False),
)

# The value map (DESIGN.md section 4): values an agency writes that no code list rule can read, mapped once by the
# analyst to a code, applied to every later file of that agency; and the values still waiting, with their counts.
dq_value_map = sa.Table(
    "dq_value_map", METADATA,
    sa.Column("agency", sa.String(32), primary_key=True),
    sa.Column("column", sa.String(64), primary_key=True),  # the canonical column, e.g. referral_source
    sa.Column("value_key", sa.String(512), primary_key=True),  # the value as compared (its words, lower case)
    sa.Column("raw_value", TEXT, nullable=False),  # the value as the analyst gave it
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("mapped_by", sa.String(128), nullable=False),
    sa.Column("mapped_at", sa.String(32), nullable=False),
)

dq_unmapped_value = sa.Table(
    "dq_unmapped_value", METADATA,  # one row per submission, column and value: replaced when the submission reloads
    sa.Column("submission_id", sa.String(64), nullable=False, index=True),
    sa.Column("agency", sa.String(32), nullable=False),
    sa.Column("return_id", sa.String(64)),
    sa.Column("table_id", sa.String(64), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("column", sa.String(64), nullable=False),
    sa.Column("header", TEXT),  # the column's header as the agency wrote it
    sa.Column("raw_value", TEXT, nullable=False),
    sa.Column("value_key", sa.String(512), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("example_rows", TEXT),  # the first Excel rows holding it, e.g. "Referrals!12, 40, 41"
)

# The master person index (transforms/people/): people, which person each record is, the record details the index
# matches new records against, the links that joined records, and the merges and splits of people over time.
core_person = sa.Table(
    "core_person", METADATA,
    sa.Column("person_key", sa.String(32), primary_key=True),
    sa.Column("record_count", sa.Integer, nullable=False),
    sa.Column("sources", TEXT, nullable=False),
    sa.Column("first_period", sa.String(7)),
    sa.Column("last_period", sa.String(7)),
)

core_person_link = sa.Table(
    "core_person_link", METADATA,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("record_id", sa.String(128), primary_key=True),
    sa.Column("agency", sa.String(32), nullable=False),
    sa.Column("person_key", sa.String(32), nullable=False, index=True),
    sa.Column("match_probability", sa.Float, nullable=False),
    sa.Column("rule", sa.String(32), nullable=False),
    # every indicator that counts people looks records up here by (source, record_id): on SQLite the key is the
    # table itself, so a lookup reads person_key in one step (PostgreSQL ignores the option)
    sqlite_with_rowid=False,
)

core_person_record = sa.Table(
    "core_person_record", METADATA,  # standardised details, as matched (names upper case, ISO dates)
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("record_id", sa.String(128), primary_key=True),
    sa.Column("agency", sa.String(32), nullable=False),
    *[sa.Column(name, TEXT) for name in ("first_name", "first_canon", "last_name", "dob")],
    sa.Column("birth_year", sa.Integer),
    *[sa.Column(name, TEXT) for name in ("sex", "postcode", "postcode_sector", "postcode_district", "address",
                                         "nhs_number", "upn", "agency_ref")],
    sa.Column("first_period", sa.String(7)),
    sa.Column("last_period", sa.String(7)),
)

core_person_edge = sa.Table(
    "core_person_edge", METADATA,  # the links that joined records into one person
    sa.Column("source_l", sa.String(64), primary_key=True),
    sa.Column("record_id_l", sa.String(128), primary_key=True),
    sa.Column("source_r", sa.String(64), primary_key=True),
    sa.Column("record_id_r", sa.String(128), primary_key=True),
    sa.Column("match_probability", sa.Float, nullable=False),
    sa.Column("rule", sa.String(32), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
)

core_person_history = sa.Table(
    "core_person_history", METADATA,  # MERGE: other_key retired into person_key; SPLIT: other_key split off
    sa.Column("event", sa.String(8), primary_key=True),
    sa.Column("person_key", sa.String(32), primary_key=True),
    sa.Column("other_key", sa.String(32), primary_key=True),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("records", sa.Integer, nullable=False),
    sa.Column("reason", TEXT),
)

dim_indicator = sa.Table(
    "dim_indicator", METADATA,
    sa.Column("indicator_id", sa.String(16), primary_key=True),
    sa.Column("title", TEXT, nullable=False),
    sa.Column("definition", TEXT, nullable=False),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Column("polarity", sa.String(16), nullable=False),
    sa.Column("source_returns", TEXT, nullable=False),
    sa.Column("time_window", sa.String(8), nullable=False),  # E, Q, R or FYTD (catalogue `window`)
    sa.Column("definition_source", sa.String(16), nullable=False),  # DfE, Ofsted or local
    sa.Column("reference", TEXT, nullable=False),
    sa.Column("area", sa.String(32)),  # the priority area's id (catalogue `area`)
    sa.Column("area_title", TEXT),  # its name on the dashboard and in the ARG pack
)

# The comparator figures of reference/comparators.csv, one per indicator, breakdown and year of the figure (England,
# else West Midlands; an average or a target): a period is compared with the latest year not after its own
# (`transforms.dataset.comparator_details`), which the reporting views (sql/views/) look up here.
dim_comparator = sa.Table(
    "dim_comparator", METADATA,
    sa.Column("indicator_id", sa.String(16), primary_key=True),
    sa.Column("breakdown", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("area", sa.String(32), nullable=False),  # England or West Midlands
    sa.Column("kind", sa.String(16), nullable=False),  # average or target
    sa.Column("label", TEXT, nullable=False),  # e.g. "England average, 2024"
    sa.Column("source", TEXT, nullable=False),  # where the figure was published
)

dim_child_population = sa.Table(
    "dim_child_population", METADATA,  # ONS mid-year estimates of children aged 0-17 (reference/child_population.csv)
    sa.Column("area_code", sa.String(16), primary_key=True),
    sa.Column("mid_year", sa.Integer, primary_key=True),
    sa.Column("area_name", TEXT, nullable=False),
    sa.Column("population_0_17", sa.Integer, nullable=False),
    sa.Column("source", TEXT, nullable=False),
    sa.Column("release", TEXT, nullable=False),
    sa.Column("placeholder", sa.Integer, nullable=False),  # 1: not an ONS figure
)

dim_submission_calendar = sa.Table(
    "dim_submission_calendar", METADATA,  # the returns each agency is expected to send every quarter
    sa.Column("agency", sa.String(32), primary_key=True),
    sa.Column("return_id", sa.String(64), primary_key=True),
    sa.Column("expected_from", sa.String(7), nullable=False),
)

# One row per day (the years of reference/bank_holidays.csv): indicator SQL joins to it for day and working-day
# arithmetic, which SQLite and PostgreSQL spell differently.
dim_calendar = sa.Table(
    "dim_calendar", METADATA,
    sa.Column("calendar_date", sa.String(10), primary_key=True),
    sa.Column("day_number", sa.Integer, nullable=False),
    sa.Column("working_day_number", sa.Integer, nullable=False),
    sa.Column("is_working_day", sa.Integer, nullable=False),
)

fct_indicator_value = sa.Table(
    "fct_indicator_value", METADATA,
    sa.Column("indicator_id", sa.String(16), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("breakdown", sa.String(64), primary_key=True),
    sa.Column("numerator", sa.Float),
    sa.Column("denominator", sa.Float),
    sa.Column("value", sa.Float),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Column("comparator", sa.Float),
    sa.Column("rag", sa.String(8), nullable=False),
    sa.Column("direction", sa.String(8), nullable=False),
    sa.Column("compared_with", sa.String(7)),  # the period `direction` compares with (a year back for FYTD counts)
    sa.Column("history_incomplete", sa.Integer, nullable=False, server_default="0"),
    sa.Column("note", TEXT),  # why a value is missing or flagged (no population, history incomplete)
    sa.Column("run_id", sa.String(40), nullable=False),
)

# Each quarter's values as they stood when a later quarter was first computed (or, for a quarter computed after a
# later one, when first computed): what the ARG was shown. A later run of that quarter that changes a value leaves
# this row alone, so the trend can mark the quarter revised and still say what was published.
fct_indicator_published = sa.Table(
    "fct_indicator_published", METADATA,
    sa.Column("indicator_id", sa.String(16), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("breakdown", sa.String(64), primary_key=True),
    sa.Column("numerator", sa.Float),
    sa.Column("denominator", sa.Float),
    sa.Column("value", sa.Float),
    sa.Column("run_id", sa.String(40), nullable=False),
    sa.Column("published_at", sa.String(32), nullable=False),
)

fct_indicator_trend = sa.Table(
    "fct_indicator_trend", METADATA,  # the last five quarters shown with a period: each as computed for itself
    sa.Column("data_period", sa.String(7), primary_key=True),
    sa.Column("indicator_id", sa.String(16), primary_key=True),
    sa.Column("quarter", sa.String(7), primary_key=True),
    sa.Column("breakdown", sa.String(64), primary_key=True),
    sa.Column("numerator", sa.Float),
    sa.Column("denominator", sa.Float),
    sa.Column("value", sa.Float),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Column("published_value", sa.Float),  # the value first published for the quarter
    sa.Column("revised", sa.Integer, nullable=False, server_default="0"),  # 1: value differs from published_value
    sa.Column("history_incomplete", sa.Integer, nullable=False, server_default="0"),
    sa.Column("run_id", sa.String(40)),  # the run that computed the quarter's value
)

dq_match_review = sa.Table(
    "dq_match_review", METADATA,  # record pairs in the grey band, for a person to decide: ACCEPT or REJECT
    sa.Column("source_l", sa.String(64), primary_key=True),
    sa.Column("record_id_l", sa.String(128), primary_key=True),
    sa.Column("source_r", sa.String(64), primary_key=True),
    sa.Column("record_id_r", sa.String(128), primary_key=True),
    sa.Column("person_key_l", sa.String(32)),
    sa.Column("person_key_r", sa.String(32)),
    sa.Column("match_probability", sa.Float, nullable=False),
    sa.Column("evidence", TEXT),
    sa.Column("period", sa.String(7)),
    sa.Column("decision", sa.String(8)),
    sa.Column("reason", TEXT),  # what the reviewer saw (transforms/people/decisions.py asks for it)
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_at", sa.String(32)),
)

dq_person_duplicate = sa.Table(
    "dq_person_duplicate", METADATA,  # within-agency duplicate person records of a period (police first)
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("record_id", sa.String(128), primary_key=True),
    sa.Column("agency", sa.String(32), nullable=False),
    sa.Column("person_key", sa.String(32), nullable=False),
    sa.Column("records_of_person", sa.Integer, nullable=False),
    sa.Column("report_order", sa.Integer, nullable=False),
)

dq_person_conflict = sa.Table(
    "dq_person_conflict", METADATA,  # records of several agencies: one NHS number or UPN, different birth dates
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("conflict", sa.String(16), primary_key=True),
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("record_id", sa.String(128), primary_key=True),
    sa.Column("conflict_id", sa.String(16), nullable=False),
    sa.Column("agency", sa.String(32), nullable=False),
    sa.Column("person_key", sa.String(32), nullable=False),
    sa.Column("dates_of_birth", sa.Integer, nullable=False),
)

fct_indicator_commentary = sa.Table(
    "fct_indicator_commentary", METADATA,  # per indicator and quarter: the draft from the numbers, the analyst's edit
    sa.Column("indicator_id", sa.String(16), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("draft", TEXT, nullable=False),  # generated on every computation of the quarter
    sa.Column("edited", TEXT),  # the analyst's text: kept across re-runs, the final text when present
    sa.Column("edited_by", sa.String(128)),
    sa.Column("edited_at", sa.String(32)),
    sa.Column("drafted_at", sa.String(32), nullable=False),
)

dim_breakdown_label = sa.Table(
    "dim_breakdown_label", METADATA,  # the words a breakdown is published under (never a raw code)
    sa.Column("indicator_id", sa.String(16), primary_key=True),
    sa.Column("breakdown", sa.String(64), primary_key=True),
    sa.Column("label", TEXT, nullable=False),
)

fct_indicator_lineage = sa.Table(
    "fct_indicator_lineage", METADATA,
    sa.Column("indicator_id", sa.String(16), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("submission_id", sa.String(64), primary_key=True),
)

ops_run = sa.Table(
    "ops_run", METADATA,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("stage", sa.String(32), primary_key=True),
    sa.Column("finished_at", sa.String(32), nullable=False),
    sa.Column("items", sa.Integer, nullable=False),
)

ops_retention = sa.Table(
    "ops_retention", METADATA,  # what each scheduled purge removed
    sa.Column("purged_at", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("item", TEXT, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
)

ops_failure = sa.Table(
    "ops_failure", METADATA,  # failed Airflow tasks, recorded by the DAGs' failure callback
    sa.Column("failed_at", sa.String(32), nullable=False),
    sa.Column("dag_id", sa.String(128), nullable=False),
    sa.Column("task_id", sa.String(128), nullable=False),
    sa.Column("run_id", sa.String(256), nullable=False),
    sa.Column("error", TEXT),
)

# Each decision on releasing a quarter's public profile (DESIGN.md section 7): the internal profile is published on
# every run; the public one only once an analyst approved it (Airflow's approval step, `assure run --approve`).
# Every decision is kept, a rejection too, and a period released twice has two rows.
ops_release = sa.Table(
    "ops_release", METADATA,
    sa.Column("release_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("period", sa.String(7), nullable=False, index=True),
    sa.Column("decision", sa.String(8), nullable=False),  # APPROVED or REJECTED
    sa.Column("decided_by", sa.String(128), nullable=False),  # the approver (Airflow: the user who responded)
    sa.Column("decided_at", sa.String(32), nullable=False),  # when they answered
    sa.Column("released_at", sa.String(32)),  # when the public files were written; NULL for a rejection
    sa.Column("comment", TEXT),
    sa.Column("run_id", sa.String(256)),  # the run whose numbers (fct_indicator_value.run_id) were approved
    sa.Column("outputs", TEXT),  # what was released: one path per line, relative to the output folder
)

# Temporary working tables of the indicators stage (sql/working/): the period's records resolved to people once,
# so the quarters of an indicator that ask the same question of every record share one look-up. Created in the
# connection that computes the indicator and dropped when it is done: other connections never see them, and no
# person-level row outlives the computation.
WORKING_METADATA = sa.MetaData()

wrk_person_involvement = sa.Table(
    "wrk_person_involvement", WORKING_METADATA,  # an agency's involvement with a person as an interval
    sa.Column("person_key", sa.String(32), nullable=False),
    sa.Column("agency", sa.String(32), nullable=False),
    sa.Column("start_date", TEXT, nullable=False),
    sa.Column("end_date", TEXT),  # NULL: still open
    # covering, in person order: a quarter's count reads the index alone and groups people without sorting
    sa.Index("ix_wrk_person_involvement", "person_key", "agency", "start_date", "end_date"),
    prefixes=["TEMPORARY"],
)

wrk_person_birth = sa.Table(
    "wrk_person_birth", WORKING_METADATA,  # the youngest date of birth held for each person
    sa.Column("person_key", sa.String(32), primary_key=True),
    sa.Column("date_of_birth", TEXT),
    prefixes=["TEMPORARY"],
    sqlite_with_rowid=False,
)


STG_COMMON = ("submission_id", "agency", "period", "source_sheet", "source_row", "queried")


def _stg_table(contract) -> sa.Table:
    return sa.Table(
        contract.stg_table, METADATA,
        sa.Column("submission_id", sa.String(64), nullable=False, index=True),
        sa.Column("agency", sa.String(32), nullable=False),
        sa.Column("period", sa.String(7), nullable=False, index=True),
        sa.Column("source_sheet", TEXT, nullable=False),
        sa.Column("source_row", sa.Integer, nullable=False),
        sa.Column("queried", sa.Integer, nullable=False),
        *[sa.Column(column.name, TEXT) for column in contract.columns],
    )


STG_TABLES = {contract.table_id: _stg_table(contract) for contract in schemas.TABLES}
