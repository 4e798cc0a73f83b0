"""Injected errors: a few rows per table made wrong in one way each, every one tripping exactly one rule.

Each injection changes the canonical frame to what the pipeline should hold after mapping (e.g. a date it
cannot read becomes blank) and, where the cell text is not simply the rendered canonical value, puts the
text to write in `_raw`. `_rule` names the rule the row must trigger. Rows are drawn without replacement
across a table's injections, so no row carries two errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from schemas.contract import TableContract
from transforms.generate.calendar import NA_DAY, to_date
from transforms.generate.identifiers import break_nhs_check_digit


@dataclass(frozen=True)
class Injection:
    """One kind of injected error: the rule it must trigger, the column it touches, how many at scale 1."""

    rule_id: str
    column: str
    per_scale: float
    eligible: Callable[[pd.DataFrame], np.ndarray]
    apply: Callable[[np.random.Generator, pd.DataFrame, np.ndarray], None]


def _any(df: pd.DataFrame) -> np.ndarray:
    return np.ones(len(df), dtype=bool)


def _has(column: str) -> Callable[[pd.DataFrame], np.ndarray]:
    def eligible(df: pd.DataFrame) -> np.ndarray:
        values = df[column].to_numpy()
        return values != NA_DAY if df[column].dtype.kind == "i" else values != ""
    return eligible


def _blank(column: str) -> Callable:
    def apply(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
        df.loc[rows, column] = ""
        df.loc[rows, "_raw"] = None  # the cell is left empty
    return apply


BAD_DATE_WORDS = ("not known", "TBC", "unknown", "?")


def _unreadable_date(column: str) -> Callable:
    def apply(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
        texts = []
        for day in df.loc[rows, column].to_numpy():
            year = to_date(day).year if day != NA_DAY else 2025
            u = rng.random()
            if u < 0.3:
                texts.append(f"31/02/{year}")
            elif u < 0.5:
                texts.append(f"30/02/{year}")
            elif u < 0.7:
                texts.append(f"32/{int(rng.integers(1, 13)):02d}/{year}")
            else:
                texts.append(BAD_DATE_WORDS[int(rng.integers(len(BAD_DATE_WORDS)))])
        df.loc[rows, column] = NA_DAY
        df.loc[rows, "_raw"] = pd.Series(texts, index=rows, dtype=object)
    return apply


def _unknown_code(column: str, values: tuple[str, ...]) -> Callable:
    def apply(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
        df.loc[rows, column] = ""
        df.loc[rows, "_raw"] = pd.Series(rng.choice(np.array(values, dtype=object), len(rows)), index=rows)
    return apply


def _before(column: str, reference: str, max_days: int) -> Callable:
    def apply(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
        df.loc[rows, column] = df.loc[rows, reference].to_numpy() - rng.integers(1, max_days + 1, len(rows))
    return apply


def _bad_nhs(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
    broken = break_nhs_check_digit(rng, list(df.loc[rows, "nhs_number"]))
    df.loc[rows, "nhs_number"] = ""  # the mapper drops a number that fails its check digit
    df.loc[rows, "_raw"] = pd.Series(broken, index=rows, dtype=object)


def _ppn_not_queried(df: pd.DataFrame) -> np.ndarray:
    """PPN rows that raise no DARA query, so a date error on them is the row's only issue."""
    da = df["ppn_type"].to_numpy() == "DOMESTIC_ABUSE"
    return ~da | (df["dara_completed"].to_numpy() == "Y")


INJECTIONS: dict[str, tuple[Injection, ...]] = {
    "list3_referrals": (
        Injection("REF-001", "child_id", 4, _any, _blank("child_id")),
        Injection("REF-003", "referral_date", 4, _any, _unreadable_date("referral_date")),
        Injection("REF-005", "referral_source", 4, _any, _unknown_code("referral_source", ("Z9", "99", "Church",
                                                                                          "Social media"))),
    ),
    "list7_child_protection": (
        Injection("CPP-005", "initial_category", 3, _any,
                  _unknown_code("initial_category", ("DOM", "CSE", "Domestic violence", "Z"))),
        Injection("CPP-008", "cpp_end_date", 3, _any, _before("cpp_end_date", "cpp_start_date", 60)),
    ),
    "csc_child_identity": (
        Injection("CID-003", "first_name", 4, _any, _blank("first_name")),
        Injection("CID-007Q", "nhs_number", 4, _has("nhs_number"), _bad_nhs),
    ),
    "police_nominals": (
        Injection("NOM-002", "police_person_id", 3, lambda df: ~df["_cited"].to_numpy(), lambda *a: None),
    ),
    "police_ppn": (
        Injection("PPN-009", "ppn_type", 5, _any, _unknown_code("ppn_type", ("ASB", "Hate crime", "Road traffic",
                                                                             "Burglary"))),
        Injection("PPN-012", "submitted_date", 5, _ppn_not_queried, _before("submitted_date", "incident_date", 14)),
    ),
    "lado_allegations": (
        Injection("LADO-004", "contact_date", 3, _any, _unreadable_date("contact_date")),
        Injection("LADO-015", "outcome_date", 3, _has("outcome_date"), _before("outcome_date", "contact_date", 60)),
    ),
}


def inject(rng: np.random.Generator, contract: TableContract, df: pd.DataFrame, scale: float) -> pd.DataFrame:
    """A copy of `df` with this table's errors injected; adds `_rule` ('' when clean) and `_raw` (None)."""
    df = df.reset_index(drop=True).copy()
    df["_rule"] = ""
    df["_raw"] = pd.Series([None] * len(df), dtype=object)
    rules = {r.rule_id: r for r in contract.rules}
    used = np.zeros(len(df), dtype=bool)
    duplicates = []
    for spec in INJECTIONS.get(contract.table_id, ()):
        assert rules[spec.rule_id].column == spec.column, f"{spec.rule_id} is reported on {rules[spec.rule_id].column}"
        want = min(max(1, round(spec.per_scale * scale)), max(1, len(df) // 20))
        pool = np.flatnonzero(spec.eligible(df) & ~used)
        if len(df) < 4 or pool.size == 0:
            continue
        rows = np.sort(rng.choice(pool, size=min(want, pool.size), replace=False))
        used[rows] = True
        spec.apply(rng, df, rows)
        df.loc[rows, "_rule"] = spec.rule_id
        if spec.rule_id == "NOM-002":
            duplicates.append(rows)
    for rows in duplicates:
        # the force export listed these people twice under one id: a copy lands elsewhere in the file
        copies = df.loc[rows].copy()
        copies["_order"] = rng.uniform(0, len(df), len(rows))
        df["_order"] = np.arange(len(df), dtype=float)
        df = pd.concat([df, copies], ignore_index=True).sort_values("_order", kind="stable")
        df = df.drop(columns="_order").reset_index(drop=True)
    return df
