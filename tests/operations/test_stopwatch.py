"""The stopwatch `make bench` reads: time and items per step, and each step's own peak memory."""

import time

import numpy as np
import pytest

from transforms.operations import stopwatch


@pytest.fixture(autouse=True)
def fresh():
    stopwatch.reset()
    yield
    stopwatch.track_memory(False)
    stopwatch.reset()


def test_time_and_items_add_up_over_calls_and_nest():
    for _ in range(2):
        with stopwatch.step("stage", items=10):
            with stopwatch.step("stage/part") as part:
                time.sleep(0.02)
                part.items += 5
    stopwatch.add_items("stage/part", 1)
    measured = stopwatch.measurements()
    assert list(measured) == ["stage", "stage/part"]
    assert measured["stage"].calls == 2 and measured["stage"].items == 20
    assert measured["stage/part"].items == 11
    assert measured["stage"].seconds >= measured["stage/part"].seconds >= 0.04
    assert measured["stage"].peak_mb is None  # memory is measured only when asked


def test_each_step_reports_its_own_peak_and_the_enclosing_step_the_largest():
    if not stopwatch.track_memory():
        pytest.skip("peak memory per step needs Linux /proc")
    with stopwatch.step("outer"):
        with stopwatch.step("outer/big"):
            block = np.ones(300 * 1024 * 1024 // 8)  # 300 MB, touched
            del block
        with stopwatch.step("outer/small"):
            small = np.ones(1024 * 1024 // 8)
            del small
    measured = stopwatch.measurements()
    big, small, outer = (measured[n].peak_mb for n in ("outer/big", "outer/small", "outer"))
    assert big - small > 250  # the small step does not inherit the big one's peak
    assert outer >= big
