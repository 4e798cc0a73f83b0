"""Operations: keeping the pipeline running and accountable. The submission monitor (late returns, chaser notes,
the overdue-dataset alarm), the retention purge, failure records and e-mail, and the stopwatch behind `make bench`.
"""

from transforms.operations import stopwatch
from transforms.operations.failures import notify_failure
from transforms.operations.monitor import chase, dataset_late
from transforms.operations.retention import purge

__all__ = ["chase", "dataset_late", "notify_failure", "purge", "stopwatch"]
