"""Operations: keeping the pipeline running and accountable. The submission monitor (late returns, chaser notes,
the overdue-dataset alarm), the retention purge, failure records and e-mail, finding one landed file to run again,
and the stopwatch behind `make bench`, and the worker processes that ingest files side by side.
"""

from transforms.operations import stopwatch
from transforms.operations.failures import notify_failure
from transforms.operations.monitor import chase, dataset_late, dataset_publication_due, expected_returns
from transforms.operations.rerun import NoSuchFile, landed_file
from transforms.operations.retention import purge
from transforms.operations.workers import Beside, WorkerDied, beside, in_chain_order, run_chains, writing_turn

__all__ = ["Beside", "NoSuchFile", "WorkerDied", "beside", "chase", "dataset_late", "dataset_publication_due",
           "expected_returns", "in_chain_order", "landed_file", "notify_failure", "purge", "run_chains", "stopwatch",
           "writing_turn"]
