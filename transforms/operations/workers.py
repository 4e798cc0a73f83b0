"""Independent chains of work spread over processes: what puts every core to work in `assure run`.

A chain is a list of calls whose results depend on order (an agency's files: the second compares its issues with
the first's once it is loaded, and replaces its rows); different chains share nothing but the warehouse. Every call
is a task of its own, so one agency's files can be read side by side too: only the part of a call inside
`in_chain_order()` waits until the calls before it in its chain have finished (a file's feedback and load; its
reading, mapping and validation do not depend on the earlier file). Without that, one agency sending two thirds of
the rows (children's social care) kept one core busy while the other waited at the end.
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
_finished = None  # shared with the workers: for each chain, how many of its calls have finished, in order
_order = None  # the condition a call waits on for the calls before it in its chain (None outside a worker)
_place: tuple[int, int] | None = None  # (chain, position) of the call this worker is running


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


@contextmanager
def in_chain_order() -> Iterator[None]:
    """Run the block only once every earlier call of this call's chain has finished: in a worker of `run_chains`,
    what a call does that depends on the calls before it; anywhere else (one process, an Airflow task), calls run
    one after another already and it does nothing. Never entered while holding `writing_turn` (the earlier call may
    need the turn to finish)."""
    if _order is not None and _place is not None:
        _wait_for_earlier(*_place)
    yield


def _wait_for_earlier(chain: int, position: int) -> None:
    with _order:
        _order.wait_for(lambda: _finished[chain] >= position)


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


def _start_worker(turn, started, order, finished, parent: int) -> None:
    global _turn, _started, _order, _finished
    _die_with_parent(parent)
    _turn, _started, _order, _finished = turn, started, order, finished
    warehouse.forget_engines()  # the parent's connections are not this process's to use: it connects afresh
    stopwatch.reset()


def _run_call(work: Callable[..., Any], arguments: tuple, chain: int, position: int) -> tuple[Any, dict]:
    global _place
    _started[chain] = 1
    _place = (chain, position)
    stopwatch.reset()
    try:
        return work(*arguments), stopwatch.measurements()
    finally:
        # finished in chain order, whatever happened: the next call waits for this one, never for a later one
        _wait_for_earlier(chain, position)
        with _order:
            _finished[chain] = position + 1
            _order.notify_all()
        _place = None


def submission_order(chains: Sequence[Sequence[tuple]], weights: Sequence[Sequence[float]] | None) -> list[tuple]:
    """(chain, position) of every call, in the order they are handed to the workers: every chain's first call, the
    heaviest first, then every chain's second call, and so on. A call is handed out after the calls before it in
    its chain (a worker never waits for a call no worker has taken), and a chain's later calls come after the
    other chains' first ones, when the call they wait for has had time to finish."""
    calls = [(position, -(weights[c][position] if weights else 1.0), c) for c, chain in enumerate(chains)
             for position in range(len(chain))]
    return [(c, position) for position, _, c in sorted(calls)]


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_chains(work: Callable[..., Any], chains: Sequence[Sequence[tuple]], processes: int,
               weights: Sequence[Sequence[float]] | None = None,
               finished: Callable[[int, list], None] | None = None,
               each: Callable[[Any], None] | None = None) -> list[list]:
    """`work(*arguments)` for every item of every chain; return each chain's results, in the order of `chains`.
    With `processes` > 1 and more than one call, the calls run in that many forked processes, in
    `submission_order` (`weights`: one per call, e.g. bytes to read); the part of a call inside `in_chain_order()`
    waits for the calls before it in its chain. Otherwise they run here, one after another.

    `finished(chain_index, results)` is called in this process as each chain completes; and when the calls run in
    other processes, `each(result)` as each call does: work for the time this process would wait for them. An
    exception raised by `work` stops the run: calls not yet started are cancelled and the exception is raised here
    once the running ones end (a file's own failure is a result, not an exception: see `pipeline.ingest_file`).
    """
    results: list[list | None] = [None] * len(chains)
    if processes <= 1 or sum(map(len, chains)) <= 1:
        for index, chain in enumerate(chains):
            results[index] = [work(*arguments) for arguments in chain]
            if finished:
                finished(index, results[index])
        return results  # type: ignore[return-value]
    collected: list[list] = [[None] * len(chain) for chain in chains]
    remaining = [len(chain) for chain in chains]
    pool, started = _pool(min(processes, sum(map(len, chains))), len(chains))
    pending = _submit(pool, [(work, chains[c][position], c, position)
                             for c, position in submission_order(chains, weights)])
    try:
        while pending:
            ready, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in ready:
                c, position = pending.pop(future)
                try:
                    result, measured = future.result()  # raises the worker's exception, if any
                except BrokenProcessPool as exc:
                    raise WorkerDied([i for i in range(len(chains)) if started[i] and results[i] is None]) from exc
                stopwatch.merge(measured)
                if each:
                    each(result)
                collected[c][position] = result
                remaining[c] -= 1
                if not remaining[c]:
                    results[c] = collected[c]
                    if finished:
                        finished(c, results[c])
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results  # type: ignore[return-value]


def _pool(workers: int, chains: int) -> tuple[ProcessPoolExecutor, Any]:
    """A pool of `workers` forked processes sharing the writers' turn and the order of `chains` chains; and the
    shared flags saying which chains a worker has started."""
    context = _context()
    started = context.RawArray("b", chains)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(context.Lock(), started, context.Condition(), context.RawArray("i", chains),
                                         os.getpid()))
    return pool, started


def _submit(pool: ProcessPoolExecutor, calls: list[tuple]) -> dict:
    """Hand `_run_call(*call)` for each call to the pool; future -> (chain, position).

    The workers are forked at the first submission. Everything this process holds then is frozen out of the
    collector, so a worker never finalises an object of ours (a database connection, a DuckDB instance whose
    threads it does not have): it only ever collects what it made itself."""
    gc.freeze()
    try:
        return {pool.submit(_run_call, *call): (call[2], call[3]) for call in calls}
    finally:
        gc.unfreeze()


class Beside:
    """A call running in a forked process (`beside`) while this process goes on with its own work."""

    def __init__(self, pool: ProcessPoolExecutor, future):
        self._pool, self._future = pool, future

    def result(self) -> Any:
        """Wait for the call; its result (its exception raised here), with what its stopwatch measured merged."""
        try:
            value, measured = self._future.result()
        except BrokenProcessPool as exc:
            raise WorkerDied([0]) from exc
        finally:
            self._pool.shutdown(wait=True)
        stopwatch.merge(measured)
        return value


def beside(work: Callable[..., Any], *arguments: Any) -> Beside:
    """Start `work(*arguments)` in a forked process and return at once: a stage whose work is mostly Python runs
    there on a core of its own, where a thread beside the next stage would take turns with it for Python's lock
    (the checks across returns beside reconciliation: a borough's 0.19 s of checks made reconciliation 0.2 s
    longer in a thread). It is a chain of one call; `work` must be a module-level function, and what it returns
    comes back pickled."""
    pool, _ = _pool(1, 1)
    (future,) = _submit(pool, [(work, arguments, 0, 0)])
    return Beside(pool, future)
