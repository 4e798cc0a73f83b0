"""Independent chains of work spread over processes: what puts every core to work in `assure run`.

A chain is a list of calls that must happen in order (an agency's files: the second compares its issues with the
first's once it is loaded, and replaces its rows); different chains share nothing but the warehouse, so they run
in parallel processes, the heaviest first so that no core waits at the end while one large chain runs alone.
Writes to the warehouse take turns (`writing_turn`): SQLite lets one writer in at a time, and a process made to
wait behind a long load on SQLite's own busy timeout would fail where waiting its turn costs nothing.

Worker processes are forked where the system allows it (Linux): they start in milliseconds with everything the
parent imported. Each forgets the parent's warehouse connections (a connection is never shared across processes)
and hands back, with each chain's results, what the stopwatch measured in it, so `make bench` still sees every step.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from transforms import warehouse
from transforms.operations import stopwatch

PR_SET_PDEATHSIG = 1  # prctl(2)
_started = None  # shared with the workers: 1 for each chain a worker has started
_turn = None  # the writers' turn, shared by the worker processes of one pool (None outside a worker)


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (killed, out of memory, a crash in native code). `chains`: the chains that
    were running when it did, one of them the cause (the pool stops the others, so which one cannot be told)."""

    def __init__(self, chains: list[int]):
        super().__init__(f"a worker process died while running one of the chains {chains}")
        self.chains = chains


@contextmanager
def writing_turn() -> Iterator[None]:
    """Hold the warehouse writers' turn while the block writes: in a worker of `run_chains`, one writer at a time
    across the pool; anywhere else (a single process, an Airflow task) it does nothing."""
    if _turn is None:
        yield
        return
    with _turn:
        yield


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the run that started it dies (killed, crashed): a stopped run must stop
    all of its work, never leave a worker loading on its own. Elsewhere a worker ends when its queue closes."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux
    if os.getppid() != parent:  # the run died before the request was made
        os._exit(1)


def _start_worker(turn, started, parent: int) -> None:
    global _turn, _started
    _die_with_parent(parent)
    _turn, _started = turn, started
    warehouse.forget_engines()  # the parent's connections are not this process's to use: it connects afresh
    stopwatch.reset()


def _run_chain(work: Callable[..., Any], chain: Sequence[tuple], index: int) -> tuple[list, dict]:
    _started[index] = 1
    stopwatch.reset()
    results = [work(*arguments) for arguments in chain]
    return results, stopwatch.measurements()


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_chains(work: Callable[..., Any], chains: Sequence[Sequence[tuple]], processes: int,
               weights: Sequence[float] | None = None,
               finished: Callable[[int, list], None] | None = None) -> list[list]:
    """`work(*arguments)` for every item of every chain, each chain's items in order; return each chain's results,
    in the order of `chains`. With `processes` > 1 and more than one chain, the chains run in that many forked
    processes, heaviest first (`weights`, e.g. bytes to read); otherwise here, one after another.

    `finished(chain_index, results)` is called in this process as each chain completes. An exception raised by
    `work` stops the run: chains not yet started are cancelled and the exception is raised here once the running
    ones end (a file's own failure is a result, not an exception: see `pipeline.ingest_file`).
    """
    results: list[list | None] = [None] * len(chains)
    if processes <= 1 or len(chains) <= 1:
        for index, chain in enumerate(chains):
            results[index] = [work(*arguments) for arguments in chain]
            if finished:
                finished(index, results[index])
        return results  # type: ignore[return-value]
    order = sorted(range(len(chains)), key=lambda i: -(weights[i] if weights else len(chains[i])))
    context = _context()
    started = context.RawArray("b", len(chains))
    pool = ProcessPoolExecutor(min(processes, len(chains)), mp_context=context, initializer=_start_worker,
                               initargs=(context.Lock(), started, os.getpid()))
    # The workers are forked at the first submission. Everything this process holds then is frozen out of the
    # collector, so a worker never finalises an object of ours (a database connection, a DuckDB instance whose
    # threads it does not have): it only ever collects what it made itself.
    gc.freeze()
    try:
        pending = {pool.submit(_run_chain, work, chains[i], i): i for i in order}
    finally:
        gc.unfreeze()
    try:
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                try:
                    chain_results, measured = future.result()  # raises the worker's exception, if any
                except BrokenProcessPool as exc:
                    raise WorkerDied([i for i in range(len(chains)) if started[i] and results[i] is None]) from exc
                stopwatch.merge(measured)
                results[index] = chain_results
                if finished:
                    finished(index, chain_results)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results  # type: ignore[return-value]
