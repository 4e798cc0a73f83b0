"""
### Submission monitor

Daily: compares the returns received for the quarter being collected with the submission calendar
(`reference/submission_calendar.csv`). After the due date (15 working days after the quarter end), each late
agency gets a chaser note in its own outbox; DQ-01 shows the return as not on time. It also raises the alarm when
the previous quarter's partnership dataset is overdue (a day after the `partnership_dataset` schedule).

**How an alarm shows:** the task fails, so the run is red and the failure is recorded in `ops_failure` (and
e-mailed when the SMTP connection `assure_smtp` is configured); neither is retried, and both run whatever the
other found:

- `chase_late_returns` fails naming each late return and the chaser note written for it, after writing them;
- `check_dataset_published` fails naming the overdue quarter (recorded first in `ops_failure` against
  `partnership_dataset`); run `partnership_dataset` with that `period` to clear it.

**Params** (all optional): `period` (default: the quarter being collected on the run's date), `out` (default
`ASSURE_OUTPUT_DIR`, else `./output`), `today` (ISO date, to run the check as of another day; default: the run's
date).
"""

from __future__ import annotations

from pathlib import Path

import pendulum
from airflow.sdk import dag, task

from dags.common import QUIET, default_args, params, say, settings


@dag(
    dag_id="submission_monitor",
    schedule="0 7 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "monitoring"],
    default_args=default_args(),
    params=params("period", "out", "today"),
)
def submission_monitor():
    @task(**QUIET)
    def chase_late_returns() -> list[str]:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.dataset.periods import due_date
        from transforms.operations import chase

        s = settings()
        written = chase(s["period"], s["today"], s["url"], s["out"])
        due = due_date(s["period"])
        if not written:
            say(f"no return for {s['period']} is late as of {s['today']} (due {due})")
            return written
        notes = ", ".join(f"outbox/{Path(path).parent.name}/{Path(path).name}" for path in written)
        say(f"{len(written)} return(s) for {s['period']} late as of {s['today']} (due {due}): chaser notes {notes}")
        raise AirflowFailException(
            f"{len(written)} return(s) for {s['period']} are late: due {due}, none loaded by {s['today']}. A chaser "
            f"note went to each agency: {notes}. The agency must drop its return into its landing folder, or tell "
            "the partnership business unit that it has nothing to report (a nil return); DQ-01 shows it as not on "
            "time.")

    @task(**QUIET)
    def check_dataset_published() -> bool:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.dataset import previous_period
        from transforms.operations import dataset_late
        from transforms.operations.monitor import dataset_publication_due

        s = settings()
        # the quarter before the one being collected is the last whose dataset should be out by now
        quarter = previous_period(s["period"])
        due = dataset_publication_due(quarter)
        if dataset_late(quarter, s["today"], s["url"]):  # recorded in ops_failure against partnership_dataset
            say(f"the partnership dataset for {quarter} is overdue: due by {due}, not published by {s['today']}")
            raise AirflowFailException(
                f"The partnership dataset for {quarter} was due by {due} and has not been published (as of "
                f"{s['today']}; recorded in ops_failure). Run partnership_dataset with period {quarter}.")
        say(f"the partnership dataset for {quarter} is not overdue as of {s['today']} (due by {due})")
        return False

    chase_late_returns()
    check_dataset_published()


submission_monitor()
