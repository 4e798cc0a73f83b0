"""The warehouse: one SQLAlchemy interface over SQLite (the embedded default) and PostgreSQL (production).

`tables` declares every table once (prefixes say the layer: `raw_`, `stg_`, `core_`, `fct_`/`dim_`, `dq_`, `ops_`,
temporary `wrk_`); `engine` connects, creates missing tables and retries transactions on transient failures;
`bulk` moves whole DataFrames in and out fast. Stages use it as `from transforms import warehouse`.
"""

from transforms.warehouse import bulk
from transforms.warehouse.engine import (
    WarehouseUnavailable,
    default_url,
    dispose_all,
    engine,
    forget_engines,
    is_transient,
    record_stage,
    refresh_statistics,
    retrying,
)
from transforms.warehouse.tables import (
    METADATA,
    STG_COMMON,
    STG_TABLES,
    TEXT,
    WORKING_METADATA,
    core_person,
    core_person_edge,
    core_person_history,
    core_person_link,
    core_person_record,
    dim_breakdown_label,
    dim_calendar,
    dim_child_population,
    dim_comparator,
    dim_indicator,
    dim_submission_calendar,
    dq_issue,
    dq_match_review,
    dq_person_conflict,
    dq_person_duplicate,
    dq_unmapped_value,
    dq_value_map,
    fct_indicator_commentary,
    fct_indicator_lineage,
    fct_indicator_published,
    fct_indicator_trend,
    fct_indicator_value,
    ops_failure,
    ops_release,
    ops_retention,
    ops_run,
    raw_submission,
    wrk_person_birth,
    wrk_person_involvement,
)

__all__ = ["bulk", "core_person", "core_person_edge", "core_person_history", "core_person_link", "core_person_record",
           "default_url", "dim_breakdown_label", "dim_calendar", "dim_child_population", "dim_comparator",
           "dim_indicator",
           "dim_submission_calendar", "dispose_all", "dq_issue", "dq_match_review", "dq_person_conflict",
           "dq_person_duplicate", "dq_unmapped_value", "dq_value_map", "engine", "fct_indicator_commentary",
           "forget_engines",
           "fct_indicator_lineage", "fct_indicator_published", "fct_indicator_trend", "fct_indicator_value",
           "is_transient", "METADATA", "ops_failure", "ops_release", "ops_retention", "ops_run", "raw_submission",
           "record_stage", "refresh_statistics", "retrying", "STG_COMMON", "STG_TABLES", "TEXT", "WarehouseUnavailable",
           "WORKING_METADATA", "wrk_person_birth", "wrk_person_involvement"]
