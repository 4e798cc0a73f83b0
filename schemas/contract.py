"""Return contracts: the canonical columns of each table a return carries, with aliases and code lists.

A contract is the one source of truth for a table: the reader finds headers with it, the mapper turns
values into canonical form with it, the warehouse builds the `stg_` table from it, and the templates and
rule catalogue are generated from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from schemas.rules import REPORTING_WINDOW, Rule

# Column kinds understood by the mapper (transforms/ingest/mapping.py).
TEXT, ID, DATE, DATETIME, CODE, YESNO, INT, NHS, UPN, POSTCODE = (
    "text", "id", "date", "datetime", "code", "yesno", "int", "nhs", "upn", "postcode")


def normalise_header(text: object) -> str:
    """Header as compared: lower case, letters and digits only (case, spacing, punctuation, line breaks ignored)."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, the headers agencies write for it, its kind and (for codes) its values."""

    name: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    # canonical code -> labels and synonyms that also mean it
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    description: str = ""
    # A valid value as an agency would key it, where the kind's usual example does not fit ("" = left blank).
    example: str | None = None

    @cached_property
    def header_keys(self) -> frozenset[str]:
        """Normalised headers that identify this column (computed once: every header cell is scored against it)."""
        return frozenset(normalise_header(h) for h in (self.name, *self.aliases))


@dataclass(frozen=True)
class TableContract:
    """A table inside a return: for most returns the whole return, for Annex A one list."""

    return_id: str
    table_id: str
    agency: str
    title: str
    stg_table: str
    record_id: str
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]
    person_bearing: bool = False
    annex_list: int | None = None  # the Ofsted Annex A list number, when the table is one

    def __post_init__(self) -> None:
        # rules declared without facts this contract holds (known_code: the column's codes) are completed here
        bound = tuple(rule.bind(self) if rule.bind else rule for rule in self.rules)
        object.__setattr__(self, "rules", bound)

    @cached_property
    def header_keys(self) -> frozenset[str]:
        """Normalised headers that name one of its columns (computed once: a header row naming none is not scored)."""
        return frozenset().union(*(column.header_keys for column in self.columns))

    def column(self, name: str) -> Column:
        """The column called `name`."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def window_column(self) -> str | None:
        """The event date column of the table's reporting-window rule, if it has one."""
        return next((rule.columns[0] for rule in self.rules if rule.kind == REPORTING_WINDOW), None)

    @property
    def required(self) -> list[str]:
        """Names of the required columns."""
        return [c.name for c in self.columns if c.required]
