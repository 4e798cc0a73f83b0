"""
### Agency returns

Picks up newly landed files every 15 minutes and takes each through the first stages of DESIGN.md section 2,
one mapped task group per file (`file`): `register` -> `validate` -> `feedback` -> `load`, each mapped instance
named after its file (`police/ppn_2026-09.xlsx`), then `crosscheck` (checks across returns, run whatever happened
to each file). Loading emits the `assure_staging` asset, which triggers person reconciliation. Each task says what
it did in one line of its log (files, counts, ids, paths).

A file already loaded (same bytes, whatever its name) is not picked up again, unless the `file` param names it.

**Params** (all optional; leave a field empty for its default):

- `period`: the quarter, e.g. `2026-09`. Default: the quarter being collected on the run's date.
- `landing`: default `ASSURE_LANDING_DIR` from the environment, else `./landing`.
- `out`: default `ASSURE_OUTPUT_DIR` from the environment, else `./output`.
- `file`: one landed file to run again, as `agency/file name` (e.g. `police/ppn_2026-09.xlsx`), even if it was
  loaded before: that file alone is registered, validated, reported and loaded again (its agency's rows for the
  period are replaced, never duplicated). The run fails in `discover`, saying what landing holds, when there is no
  such file. Default: every landed file not yet loaded. The workbench's "run again" triggers this DAG with
  conf `{"file": ..., "period": ...}`.

**How a refusal shows:** the run fails, at the end, in its own task, and the other files are loaded all the same:

- `files_refused` fails when a file was quarantined (refused whole by validation: unreadable, encrypted, no table
  it knows...) or an entry of landing was not read (a link, a pipe or a device; a file at the landing root),
  naming each and what its agency must do (the same note is in `outbox/<agency>/`). A corrected file is loaded by
  the next run; a link or a root file fails every run until it is removed or moved into an agency's folder.
- `every_file_loaded` fails naming any file whose own tasks failed (the next run tries it again).

(Airflow 3.3 gives a task no way to write its run's note, so a failed task is how the run says so.)
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag

from dags.common import default_args, landed_files, params, stages


@dag(
    dag_id="agency_returns",
    schedule="*/15 * * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "ingest"],
    default_args=default_args(),
    params=params("period", "landing", "out", "file"),
)
def agency_returns():
    stages("ingest", "crosscheck", landed_files(pending_only=True))


agency_returns()
