"""Ingest: a landed file becomes a validated submission (DESIGN.md section 2: register, read, map, validate).

register (archive by sha256, `raw_submission`) -> screen (before parsing) -> read (calamine or CSV) -> mapping
(find the table, headers and values to canonical columns) -> validate (the rules in `schemas/`) -> the
submission's results as plain files in `work/<submission_id>/`.
"""

from transforms.ingest import value_map, values
from transforms.ingest.files import atomic_write
from transforms.ingest.register import (
    discover,
    pending,
    refuse,
    register,
    safe_name,
    sha256_of,
    submission_id_of,
    survey,
)
from transforms.ingest.submission import submission_issues, validate_submission
from transforms.ingest.validate import ISSUE_COLUMNS

__all__ = ["ISSUE_COLUMNS", "atomic_write", "discover", "pending", "refuse", "register", "safe_name", "sha256_of",
           "submission_id_of", "submission_issues", "survey", "validate_submission", "value_map", "values"]
