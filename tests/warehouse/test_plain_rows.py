"""`bulk.plain_rows` hands the driver exactly the values and types the frame-wide conversion gave."""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.warehouse.bulk import plain_rows


def frame_wide(frame: pd.DataFrame) -> list[tuple]:
    """The conversion plain_rows replaced: the whole frame to objects, missing values to None."""
    values = frame.astype("object").where(frame.notna(), None)
    return list(map(tuple, values.to_numpy(dtype=object).tolist()))


def test_every_kind_of_column_gives_the_same_values_and_types():
    n = 400
    random = np.random.default_rng(3)
    frame = pd.DataFrame({
        "text": pd.array([None if i % 7 == 0 else f"v{i}" for i in range(n)], dtype="str"),
        "count": pd.array([None if i % 5 == 0 else int(i) for i in range(n)], dtype="Int64"),
        "plain_int": np.arange(n, dtype=np.int64),
        "ratio": np.where(random.random(n) < 0.2, np.nan, random.random(n)),
        "when": pd.to_datetime(["2026-01-02", None] * (n // 2)),
        "flag": pd.array([None, True, False, True] * (n // 4), dtype="boolean"),
        "mixed": pd.Series([None, 1, "a", 2.5] * (n // 4), dtype=object),
        "all_missing": pd.array([None] * n, dtype="str"),
    })
    expected, got = frame_wide(frame), plain_rows(frame)
    assert got == expected
    assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]
    assert plain_rows(frame.iloc[0:0]) == [] and plain_rows(frame[[]]) == [() for _ in range(n)]
