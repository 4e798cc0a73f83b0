"""Wall time, and on request peak memory, of each named step of a run: what `make bench` reports per stage.

Steps nest (`ingest` holds `read`, `map`, ...). Time is summed over every call of a step. Peak memory is the
process's peak resident set while the step ran: on Linux the kernel's high-water mark (VmHWM) is reset when a
step starts (`/proc/self/clear_refs`), so each step reports its own peak, not the peak of the whole process
before it. Memory tracking is off unless `track_memory()` is called (the benchmark does; a pipeline run does not
touch the kernel's counters).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass
class Step:
    """What was measured of one named step, over all its calls."""

    seconds: float = 0.0
    calls: int = 0
    items: int = 0
    peak_mb: float | None = None


_steps: dict[str, Step] = {}
_open_peaks: list[float] = []  # the running peak of each step currently open, outermost first
_memory = False


def track_memory(enabled: bool = True) -> bool:
    """Measure peak memory per step from now on; False when this system cannot (not Linux)."""
    global _memory
    _memory = enabled and _STATUS.exists() and _CLEAR_REFS.exists()
    return _memory


def high_water_mb() -> float:
    """The process's peak resident memory in MB since it started or the last reset (VmHWM); NaN if unknown."""
    if not _STATUS.exists():
        return float("nan")
    for line in _STATUS.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_high_water() -> None:
    _CLEAR_REFS.write_text("5")  # 5: reset the peak resident set size to the current one


def reset() -> None:
    """Forget every measurement (the benchmark does this before each run)."""
    _steps.clear()
    _open_peaks.clear()


@contextmanager
def step(name: str, items: int = 0) -> Iterator[Step]:
    """Time the block as step `name`; `items` (rows, records) can be given here or added to the yielded Step."""
    measured = _steps.setdefault(name, Step())
    measured.items += items
    if _memory:
        if _open_peaks:  # what the enclosing step reached so far, before the counter is reset for this one
            _open_peaks[-1] = max(_open_peaks[-1], high_water_mb())
        _reset_high_water()
        _open_peaks.append(0.0)
    started = time.perf_counter()
    try:
        yield measured
    finally:
        measured.seconds += time.perf_counter() - started
        measured.calls += 1
        if _memory and _open_peaks:
            peak = max(_open_peaks.pop(), high_water_mb())
            measured.peak_mb = max(measured.peak_mb or 0.0, peak)
            if _open_peaks:
                _open_peaks[-1] = max(_open_peaks[-1], peak)
            _reset_high_water()


def add_items(name: str, items: int) -> None:
    """Count `items` (rows, records) against step `name`, for its rate."""
    _steps.setdefault(name, Step()).items += items


def merge(measured: dict[str, Step]) -> None:
    """Add what another process measured (a worker of `workers.run_chains`): its seconds, calls and items are
    summed into the same steps, so a step's seconds are its time over all processes, not the wall time that
    passed; its peak memory is the highest of any process."""
    for name, other in measured.items():
        mine = _steps.setdefault(name, Step())
        mine.seconds += other.seconds
        mine.calls += other.calls
        mine.items += other.items
        if other.peak_mb is not None:
            mine.peak_mb = max(mine.peak_mb or 0.0, other.peak_mb)


def measurements() -> dict[str, Step]:
    """Every step measured since the last reset, in the order first seen."""
    return dict(_steps)
