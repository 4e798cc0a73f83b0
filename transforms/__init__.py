"""The pipeline's work as plain functions with explicit arguments; no Airflow here.

`STAGES` is the order of DESIGN.md section 2, written once: `transforms.pipeline.run` (`assure run`) follows it and
so do the DAGs in `dags/`, which chain one task group per stage from it. This module imports nothing heavy, so a
DAG file can read it while it is parsed.
"""

from typing import NamedTuple


class Stage(NamedTuple):
    """One stage of the flow: its name (task ids, `ops_run`, the stopwatch) and what it does, in words."""

    name: str
    does: str


STAGES = (
    Stage("ingest", "register, read, validate, feedback, load"),
    Stage("crosscheck", "checks across returns (Annex A children in the identity return)"),
    Stage("reconcile", "person records -> master person index"),
    Stage("indicators", "the partnership dataset"),
    Stage("publish", "dataset CSV and dashboard"),
)
INGEST_STEPS = ("register", "validate", "feedback", "load")  # one landed file's way through the ingest stage


def stage_names(first: str, last: str) -> list[str]:
    """The names of the stages from `first` to `last`, in order."""
    names = [stage.name for stage in STAGES]
    return names[names.index(first):names.index(last) + 1]
