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
from synthetic.generate.calendar import NA_DAY, to_date
from synthetic.generate.identifiers import UPN_LETTERS, break_nhs_check_digit


@dataclass(frozen=True)
class Injection:
    """One kind of injected error: the rule it must trigger, the column it touches, how many at scale 1.

    `eligible(df, start_day)` says which rows may carry it (`start_day` opens the period's reporting window).
    """

    rule_id: str
    column: str
    per_scale: float
    eligible: Callable[[pd.DataFrame, int], np.ndarray]
    apply: Callable[[np.random.Generator, pd.DataFrame, np.ndarray], None]


def _any(df: pd.DataFrame, start_day: int) -> np.ndarray:
    return np.ones(len(df), dtype=bool)


def _has(column: str) -> Callable[[pd.DataFrame, int], np.ndarray]:
    def eligible(df: pd.DataFrame, start_day: int) -> np.ndarray:
        values = df[column].to_numpy()
        return values != NA_DAY if df[column].dtype.kind == "i" else values != ""
    return eligible


def _equals(column: str, value: str) -> Callable[[pd.DataFrame, int], np.ndarray]:
    def eligible(df: pd.DataFrame, start_day: int) -> np.ndarray:
        return (df[column] == value).to_numpy()
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


def _blank_date(column: str) -> Callable:
    def apply(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
        df.loc[rows, column] = NA_DAY
    return apply


def _bad_nhs(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
    broken = break_nhs_check_digit(rng, list(df.loc[rows, "nhs_number"]))
    df.loc[rows, "nhs_number"] = ""  # the mapper drops a number that fails its check digit
    df.loc[rows, "_raw"] = pd.Series(broken, index=rows, dtype=object)


def _bad_upn(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
    """A UPN with the wrong check letter (a keying slip in the first character); the mapper drops it."""
    broken = []
    for upn in df.loc[rows, "upn"]:
        wrong = [c for c in UPN_LETTERS if c != upn[0]]
        broken.append(str(wrong[int(rng.integers(len(wrong)))]) + upn[1:])
    df.loc[rows, "upn"] = ""
    df.loc[rows, "_raw"] = pd.Series(broken, index=rows, dtype=object)


def _set(column: str, values: tuple) -> Callable:
    """Replace the value with one that maps (the truth holds it as written)."""
    def apply(rng: np.random.Generator, df: pd.DataFrame, rows: np.ndarray) -> None:
        picked = [values[int(i)] for i in rng.integers(len(values), size=len(rows))]
        df.loc[rows, column] = pd.Series(picked, index=rows, dtype=df[column].dtype)
    return apply


def _ppn_not_queried(df: pd.DataFrame, start_day: int) -> np.ndarray:
    """PPN rows that raise no DARA query, and whose incident is far enough inside the window that a submitted
    date moved up to 14 days earlier stays inside it (else PPN-091Q would fire too)."""
    da = df["ppn_type"].to_numpy() == "DOMESTIC_ABUSE"
    inside = df["incident_date"].to_numpy() > start_day + 14
    return (~da | (df["dara_completed"].to_numpy() == "Y")) & inside


INJECTIONS: dict[str, tuple[Injection, ...]] = {
    "list1_contacts": (
        Injection("CON-011Q", "contact_source", 5, _any,
                  _unknown_code("contact_source", ("Z9", "11", "Social media", "Neighbourhood watch"))),
        Injection("CON-014Q", "decision_date", 5, _has("decision_date"), _before("decision_date", "contact_date", 20)),
    ),
    "list3_referrals": (
        Injection("REF-001", "child_id", 4, _any, _blank("child_id")),
        Injection("REF-003", "referral_date", 4, _any, _unreadable_date("referral_date")),
        Injection("REF-005Q", "referral_source", 4, _any, _unknown_code("referral_source", ("Z9", "99", "Church",
                                                                                          "Social media"))),
    ),
    "list4_assessments": (
        Injection("ASM-012", "assessment_authorised_date", 4, _has("assessment_authorised_date"),
                  _before("assessment_authorised_date", "assessment_start_date", 30)),
        Injection("ASM-014Q", "assessment_factors", 3, _has("assessment_factors"),
                  _set("assessment_factors", ("3B,DV", "Neglect", "16A,4B,SM", "3A;3B"))),
    ),
    "list5_section47": (
        Injection("ENQ-012Q", "icpc_date", 3, _has("icpc_date"), _before("icpc_date", "s47_start_date", 20)),
        Injection("ENQ-010Q", "icpc_unnecessary", 3, _any,
                  _unknown_code("icpc_unnecessary", ("N/A", "TBC", "Pending"))),
    ),
    "list6_children_in_need": (
        Injection("CIN-012", "cin_closure_date", 4, _has("cin_closure_date"),
                  _before("cin_closure_date", "cin_start_date", 60)),
        Injection("CIN-010Q", "primary_need", 3, _any, _unknown_code("primary_need", ("N10", "Neglect", "NA", "Z1"))),
    ),
    "list7_child_protection": (
        Injection("CPP-005Q", "initial_category", 3, _any,
                  _unknown_code("initial_category", ("DOM", "CSE", "Domestic violence", "Z"))),
        Injection("CPP-008", "cpp_end_date", 3, _any, _before("cpp_end_date", "cpp_start_date", 60)),
    ),
    "list8_looked_after": (
        Injection("LAC-012", "lac_end_date", 3, _has("lac_end_date"), _before("lac_end_date", "lac_start_date", 90)),
        Injection("LAC-010Q", "legal_status", 3, _any,
                  _unknown_code("legal_status", ("S20", "Section 20", "C3", "SGO"))),
    ),
    "csc_child_identity": (
        Injection("CID-003Q", "first_name", 4, lambda df, start: ~df["_avoid"].to_numpy(), _blank("first_name")),
        Injection("CID-007Q", "nhs_number", 4, _has("nhs_number"), _bad_nhs),
    ),
    "csc_return_interviews": (
        Injection("RHI-007Q", "rhi_completed_date", 4, _has("rhi_completed_date"),
                  _before("rhi_completed_date", "rhi_offered_date", 5)),
        Injection("RHI-004Q", "rhi_offered_date", 3, _has("rhi_offered_date"), _unreadable_date("rhi_offered_date")),
    ),
    "police_nominals": (
        Injection("NOM-002", "police_person_id", 3, lambda df, start: ~df["_cited"].to_numpy(), lambda *a: None),
    ),
    "police_ppn": (
        Injection("PPN-009Q", "ppn_type", 5, _any, _unknown_code("ppn_type", ("ASB", "Hate crime", "Road traffic",
                                                                             "Burglary"))),
        Injection("PPN-012", "submitted_date", 5, _ppn_not_queried, _before("submitted_date", "incident_date", 14)),
    ),
    "police_missing": (
        Injection("MIS-007", "returned_at", 4, _has("returned_at"), _before("returned_at", "missing_from", 600)),
        Injection("MIS-008Q", "risk_grading", 3, _any, _unknown_code("risk_grading", ("Amber", "Red", "Very high"))),
    ),
    "health_safeguarding": (
        Injection("HSR-012Q", "concern", 4, _any, _unknown_code("concern", ("FGM", "Bullying", "Substance misuse",
                                                                           "Housing"))),
        Injection("HSR-016Q", "nhs_number", 4, _has("nhs_number"), _bad_nhs),
    ),
    "health_cdop": (
        Injection("CDOP-009Q", "date_of_birth", 2, _any, _before("date_of_death", "date_of_birth", 40)),
    ),
    "edu_suspensions": (
        Injection("SUS-002Q", "upn", 5, _has("upn"), _bad_upn),
        Injection("SUS-010Q", "category", 4, _any, _unknown_code("category", ("Internal", "Isolation", "EXCL", "Ref"))),
    ),
    "edu_cme": (
        Injection("CME-010", "resolved_date", 3, _has("resolved_date"),
                  _before("resolved_date", "identified_date", 30)),
        Injection("CME-014Q", "upn", 3, _has("upn"), _bad_upn),
    ),
    "lado_allegations": (
        Injection("LADO-004", "contact_date", 3, _any, _unreadable_date("contact_date")),
        Injection("LADO-015Q", "outcome_date", 3, _has("outcome_date"), _before("outcome_date", "contact_date", 60)),
    ),
    "vulnerability_tracker": (
        Injection("VUL-008Q", "exploitation_type", 3, _any,
                  _unknown_code("exploitation_type", ("Criminal", "Gangs", "Cuckooing", "Honour based"))),
        Injection("VUL-018Q", "status", 3, _equals("status", "CLOSED"), _blank_date("closed_date")),
    ),
    "training_attendance": (
        Injection("TRN-007Q", "attendees", 3, _any, _set("attendees", (-1, -2, -4, -10))),
        Injection("TRN-004", "course_date", 3, _any, _unreadable_date("course_date")),
    ),
}


def inject(rng: np.random.Generator, contract: TableContract, df: pd.DataFrame, scale: float,
           start_day: int) -> pd.DataFrame:
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
        pool = np.flatnonzero(spec.eligible(df, start_day) & ~used)
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
