"""How each table is laid out in its file: contract, value styles, column order, extra columns, row order.

`render_table` turns a canonical frame (after injection) into the header texts and cell values to write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from schemas import codes, csc_annex_a, csc_child_identity, lado_allegations, police_nominals, police_ppn
from schemas.contract import CODE, DATE, INT, NHS, POSTCODE, YESNO, TableContract, normalise_header
from transforms.generate import layout
from transforms.generate.inject import INJECTIONS
from transforms.generate.layout import Cells

ANNEX_SEX = {"annex": 0.35, "label": 0.30, "code": 0.25, "number": 0.10}
ANNEX_YESNO = {"label": 0.40, "code": 0.35, "annex": 0.25}
ANNEX_CODE = {"annex": 0.45, "label": 0.30, "code": 0.25}
PLAIN_CODE = {"code": 0.5, "label": 0.5}


@dataclass(frozen=True)
class TableStyle:
    """The layout habits of one table's source system."""

    contract: TableContract
    annex: bool = False
    code_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    time_columns: tuple[str, ...] = ()  # date columns a system exports with a time of day
    extras: tuple[tuple[str, tuple[str, ...]], ...] = ()  # columns the contract does not know, with sample values
    sort_options: tuple[tuple[str, ...], ...] = ()
    upper_surnames: bool = False  # police systems often key surnames in capitals


STYLES: dict[str, TableStyle] = {
    "list3_referrals": TableStyle(
        csc_annex_a.REFERRALS, annex=True,
        code_weights={"gender": ANNEX_SEX, "referral_source": ANNEX_CODE, "referral_nfa": ANNEX_YESNO},
        extras=(("Locality", ("North", "East", "West", "")), ("Team Manager", ("TM01", "TM02", "TM07", "TM11"))),
        sort_options=(("referral_date", "child_id"), ("child_id", "referral_date")),
    ),
    "list7_child_protection": TableStyle(
        csc_annex_a.CP_PLANS, annex=True,
        code_weights={"gender": ANNEX_SEX, "initial_category": ANNEX_CODE, "latest_category": ANNEX_CODE},
        extras=(("Locality", ("North", "East", "West")), ("Chair", ("IRO 1", "IRO 2", "IRO 3", "IRO 4"))),
        sort_options=(("cpp_start_date", "child_id"), ("child_id", "cpp_start_date")),
    ),
    "csc_child_identity": TableStyle(
        csc_child_identity.CHILD_IDENTITY,
        code_weights={"sex": PLAIN_CODE},
        extras=(("Locality", ("North", "East", "West", "")),),
        sort_options=(("child_id",), ("last_name", "first_name", "child_id")),
    ),
    "police_nominals": TableStyle(
        police_nominals.NOMINALS,
        code_weights={"sex": {"code": 0.6, "label": 0.4}},
        time_columns=("created_date",),
        extras=(("Warning Markers", ("", "", "", "VI", "WE", "DR")), ("Force", ("WMP",))),
        sort_options=(("police_person_id",), ("created_date", "police_person_id")),
        upper_surnames=True,
    ),
    "police_ppn": TableStyle(
        police_ppn.PPN,
        code_weights={"ppn_type": PLAIN_CODE, "dara_completed": {"code": 0.6, "label": 0.4},
                      "risk_level": {"code": 0.4, "label": 0.6}},
        time_columns=("submitted_date",),
        extras=(("Station", ("Solihull", "Chelmsley Wood", "Shirley")), ("Officer", ("PC 4411", "PC 2087", "DC 915"))),
        sort_options=(("submitted_date", "ppn_id"), ("ppn_id",)),
    ),
    "lado_allegations": TableStyle(
        lado_allegations.ALLEGATIONS,
        code_weights={"contact_type": PLAIN_CODE, "referrer_type": PLAIN_CODE, "subject_sector": PLAIN_CODE,
                      "outcome": PLAIN_CODE},
        extras=(("Allocated LADO", ("LADO 1", "LADO 2")),),
        sort_options=(("case_id",), ("contact_date", "case_id")),
    ),
}

for _style in STYLES.values():
    _keys = {k for c in _style.contract.columns for k in c.header_keys}
    assert all(normalise_header(h) not in _keys for h, _ in _style.extras), "an extra column would be mapped"


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
    columns = {spec.rule_id: spec.column for spec in INJECTIONS.get(contract.table_id, ())}
    return np.array([columns.get(rule) == name for rule in df["_rule"].to_numpy()], dtype=bool)


def house_style(rng: np.random.Generator, style: TableStyle, df: pd.DataFrame) -> pd.DataFrame:
    """System habits that change the values themselves (and so the truth): surnames keyed in capitals."""
    if style.upper_surnames and rng.random() < 0.5:
        df = df.assign(last_name=df["last_name"].str.upper())
    return df
