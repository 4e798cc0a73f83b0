"""Small helpers over pandas frames that the stages share."""

from __future__ import annotations

import numpy as np
import pandas as pd


def records(frame: pd.DataFrame) -> list[dict]:
    """What `frame.to_dict("records")` gives (one dict per row, plain Python values, missing values as pandas
    leaves them), built a column at a time. pandas 3 builds it row by row, boxing each value: about 1 ms for a
    frame of ten rows, and the dashboard, the ARG pack and the commentary ask for it a few hundred times a run."""
    names = list(frame.columns)
    columns = []
    for name in names:
        column = frame[name]
        values = column.tolist()
        if column.dtype == object or isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
            # as in to_dict: numpy scalars held in an object column become Python's, and pandas' NA is None
            values = [None if value is pd.NA else value.item() if isinstance(value, np.generic) else value
                      for value in values]
        columns.append(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)] if names else \
        [{} for _ in range(len(frame))]


def grouped(frame: pd.DataFrame, *keys: str) -> dict[tuple, list[dict]]:
    """`records(frame)` grouped by the values of the columns `keys`, each group in the frame's order. Converted once,
    the groups are then read as plain dicts: filtering a small frame costs pandas far more than the rows it holds."""
    groups: dict[tuple, list[dict]] = {}
    for row in records(frame):
        groups.setdefault(tuple(row[key] for key in keys), []).append(row)
    return groups
