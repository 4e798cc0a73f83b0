"""
### Submission monitor

Daily: compares the returns received for the quarter being collected with the submission calendar
(`reference/submission_calendar.csv`). After the due date (15 working days after the quarter end), each late
agency gets a chaser note in its own outbox; DQ-01 shows the return as not on time. It also raises the alarm
(`ops_failure`, e-mail) when a quarter's partnership dataset is overdue. Params: `period`, `out`, `today`
(ISO date, to run the check as of another day).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from dags.common import default_args, settings


@dag(
    dag_id="submission_monitor",
    schedule="0 7 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "monitoring"],
    default_args=default_args(),
    params={"period": Param("", type="string"), "out": Param("", type="string"), "today": Param("", type="string")},
)
def submission_monitor():
    @task
    def chase_late_returns() -> list[str]:
        from transforms.operations import chase

        s = settings()
        return chase(s["period"], s["today"], s["url"], s["out"])

    @task
    def check_dataset_published() -> bool:
        from transforms.dataset import previous_period
        from transforms.operations import dataset_late

        s = settings()
        # the quarter before the one being collected is the last whose dataset should be out by now
        return dataset_late(previous_period(s["period"]), s["today"], s["url"])

    chase_late_returns()
    check_dataset_published()


submission_monitor()
