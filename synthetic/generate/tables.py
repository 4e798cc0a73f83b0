"""Laying a table out in its file: row order, headers, value and date styles, column order, extra columns.

`render_table` turns a canonical frame (after injection) into the header texts and cell values to write, using
the table's habits from `styles.py`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import codes
from schemas.contract import CODE, DATE, DATETIME, INT, NHS, POSTCODE, YESNO, TableContract
from synthetic.generate import layout
from synthetic.generate.inject import INJECTIONS
from synthetic.generate.layout import Cells
from synthetic.generate.styles import PLAIN_CODE, TableStyle


def order_rows(rng: np.random.Generator, style: TableStyle, df: pd.DataFrame) -> pd.DataFrame:
    """Rows in one of the orders this system exports in."""
    keys = style.sort_options[int(rng.integers(len(style.sort_options)))]
    return df.sort_values(list(keys), kind="stable").reset_index(drop=True)


def render_table(rng: np.random.Generator, style: TableStyle, df: pd.DataFrame) -> tuple[list[Cells], dict[str, str]]:
    """Cells to write (in file column order) and the header written for each canonical column."""
    contract = style.contract
    profile = layout.DATE_PROFILES[int(rng.integers(len(layout.DATE_PROFILES)))]
    mixed = rng.random() < 0.3
    with_time = rng.random() < 0.5
    cells: list[Cells] = []
    headers: dict[str, str] = {}
    for column in contract.columns:
        name = column.name
        values = df[name].to_numpy()
        raw = df["_raw"].to_numpy()
        header = layout.choose_header(rng, contract, name, style.annex)
        headers[name] = header
        fmt = None
        if column.kind == DATE:
            timed = with_time and name in style.time_columns
            rendered = layout.render_dates(rng, values, profile, with_time=timed)
            fmt = layout.DATETIME_FORMAT if timed else layout.DATE_FORMAT
        elif column.kind == DATETIME:
            rendered = layout.render_datetimes(rng, values, profile)
            fmt = layout.DATETIME_FORMAT
        elif column.kind in (CODE, YESNO):
            order = layout.ANNEX_SOURCE_ORDER if column.codes is codes.CIN_SOURCE else list(column.codes)
            styles = layout.code_styles(column.codes, order if style.annex else None)
            rendered = layout.render_codes(rng, values, styles, style.code_weights.get(name, PLAIN_CODE), mixed)
        elif column.kind == INT:
            rendered = layout.render_ints(values)
        elif column.kind == POSTCODE:
            rendered = layout.render_postcodes(rng, values)
        elif column.kind == NHS:
            rendered = layout.render_nhs(rng, values)
        elif name in style.numeric_text:
            rendered = layout.render_number_text(values, bool(rng.random() < 0.5))
        else:
            rendered = layout.render_text(values)
        # injected cells whose text is not the canonical value (an unreadable date, an unknown code)
        for i in np.flatnonzero(_touches(df, contract, name)):
            if raw[i] is not None:
                rendered[i] = raw[i]
        cells.append(Cells(header, rendered, fmt))

    order = list(range(len(cells)))
    if rng.random() < (0.25 if style.annex else 0.5):
        # keep the record id first (most exports do) and shuffle the rest
        rest = order[1:]
        rng.shuffle(rest)
        order = [0, *rest] if rng.random() < 0.8 else list(rng.permutation(order))
    cells = [cells[i] for i in order]
    for header, choices in style.extras:
        if rng.random() < 0.4:
            values = rng.choice(np.array(choices, dtype=object), len(df))
            at = int(rng.integers(1, len(cells) + 1))
            cells.insert(at, Cells(header, [v if v else None for v in values]))
    return cells, headers


def _touches(df: pd.DataFrame, contract: TableContract, name: str) -> np.ndarray:
    """Rows whose injected rule is reported on column `name`."""
    rules = [spec.rule_id for spec in INJECTIONS.get(contract.table_id, ()) if spec.column == name]
    return np.isin(df["_rule"].to_numpy(dtype=object), rules) if rules else np.zeros(len(df), dtype=bool)


def house_style(rng: np.random.Generator, style: TableStyle, df: pd.DataFrame) -> pd.DataFrame:
    """System habits that change the values themselves (and so the truth): surnames keyed in capitals, code
    lists written with a space after each comma."""
    if style.upper_surnames and rng.random() < 0.5:
        df = df.assign(last_name=df["last_name"].str.upper())
    for name in style.spaced_lists:
        if rng.random() < 0.5:
            df = df.assign(**{name: df[name].str.replace(",", ", ", regex=False)})
    return df
