"""
### Partnership pipeline (the whole quarter in one run)

Every stage of DESIGN.md section 2 in one DAG run, for re-running a quarter end to end (and for `make demo`):

`discover` -> per landed file (mapped, each instance named after its file): `register` -> `validate` ->
`feedback` -> `load` -> `crosscheck` (checks across returns) -> `reconcile` -> `indicators` -> `publish` (the
internal profile) -> `approve_release` (waits for an analyst to approve or reject the public profile, as in
`partnership_dataset`) -> `release` (the public profile, with who approved and when, in `ops_release`); beside
them, `every_file_loaded` fails the run at the end if a file's own tasks failed (one file never blocks the others),
and `files_refused` fails it when a file was quarantined or an entry of landing was not read (a link, a pipe, a
file at the landing root), naming each and what its agency must do; everything else is still published. Each task
says what it did in one line of its log.

The scheduled DAGs split the same work: `agency_returns` (files as they land), `person_reconciliation`
(when staging changes), `partnership_dataset` (quarterly).

**Params** (all optional): `period` (e.g. `2026-09`; default: the quarter being collected on the run's date),
`landing` (default `ASSURE_LANDING_DIR`, else `./landing`), `out` (default `ASSURE_OUTPUT_DIR`, else `./output`).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag

from dags.common import default_args, landed_files, params, release, stages


@dag(
    dag_id="partnership_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["assure", "partnership-dataset"],
    default_args=default_args(),
    params=params("period", "landing", "out"),
)
def partnership_pipeline():
    release(stages("ingest", "publish", landed_files(pending_only=False)))


partnership_pipeline()
