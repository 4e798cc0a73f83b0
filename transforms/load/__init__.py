"""Load: accepted rows into the `stg_` tables (replacing the agency's earlier submission for the period), then the
checks across returns once every return of the period is loaded.
"""

from transforms.load.crosscheck import crosscheck
from transforms.load.staging import load_submission

__all__ = ["crosscheck", "load_submission"]
