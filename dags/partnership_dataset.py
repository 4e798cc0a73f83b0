"""
### Partnership dataset

Quarterly, on the first day of the second month after the quarter ends (after the submission deadline of 15
working days): computes the partnership dataset and publishes its internal profile (CSV, ARG pack, dashboard,
data-quality report). Then `approve_release` waits for an analyst's answer (Browse > Required Actions, or the
task instance's Required Actions tab). **Approve**: `release` writes the public profile (`published/public/`,
small numbers suppressed; the ARG pack's PDF to `published/circulation/`) and records who approved and when in
`ops_release`. **Reject**: nothing public is written; the rejection and its comment are recorded and `release`
ends skipped. The run stays running until the answer comes. Runnable for any past quarter: trigger with `period`
set (a backfill).

**Params** (all optional): `period` (e.g. `2026-09`; default: the quarter being collected on the run's date, so
the scheduled run publishes the quarter whose returns were due), `out` (default `ASSURE_OUTPUT_DIR`, else
`./output`). Each task says what it did in one line of its log (counts, paths).

`submission_monitor` raises the alarm when a quarter's dataset has not been published a day after this
schedule (an Airflow deadline alert would do the same, but `dag.test()` in Airflow 3.3.2 cannot run a DAG
that has one, and every DAG here is tested that way).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag
from airflow.timetables.trigger import CronTriggerTimetable

from dags.common import default_args, params, release, stages


@dag(
    dag_id="partnership_dataset",
    schedule=CronTriggerTimetable("0 6 1 2,5,8,11 *", timezone="Europe/London"),
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "partnership-dataset"],
    default_args=default_args(),
    params=params("period", "out"),
)
def partnership_dataset():
    release(stages("indicators", "publish"))


partnership_dataset()
