"""Which sheet holds which table (DESIGN.md section 4): header rows scored against every list of the return, and
the one-to-one assignment of sheets to lists by the best overall score.

A sheet is recognised by its content: sheet names are evidence, never the decider; lists the dataset does not use
(Annex A 2, 9, 10, 11) are recognised as themselves so they never stand in for a used list; a hidden sheet only
takes a list no visible sheet holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import schemas
from schemas.contract import TableContract, normalise_header
from schemas.csc_annex_a import SHEET_NAME_WORDS, UNUSED_LISTS
from transforms.ingest.read import Sheet

HEADER_SEARCH_ROWS = 30
ANNEX_LIST = re.compile(r"^\s*list\s*(\d{1,2})\b", re.I)


HeaderKeys = dict[str, list[int]]  # a row's normalised header -> the positions holding it, in order


def header_keys(row: list[object]) -> HeaderKeys:
    keys: HeaderKeys = {}
    for index, cell in enumerate(row):
        if cell not in (None, ""):
            key = normalise_header(cell)
            if key:
                keys.setdefault(key, []).append(index)
    return keys


def score_header(row: list[object] | HeaderKeys, contract: TableContract) -> tuple[int, list[str], dict[str, int]]:
    """(columns found, required columns missing, column -> position) of a header row read as `contract`: each
    column takes the first cell naming it that no earlier column took."""
    keys = row if isinstance(row, dict) else header_keys(row)
    positions: dict[str, int] = {}
    taken: set[int] = set()
    for column in contract.columns:
        at = [i for key in column.header_keys & keys.keys() for i in keys[key] if i not in taken]
        if at:
            positions[column.name] = min(at)
            taken.add(positions[column.name])
    missing = [c for c in contract.required if c not in positions]
    return len(positions), missing, positions


def candidate_rows(sheet: Sheet) -> list[HeaderKeys]:
    """The sheet's first rows as header candidates, each normalised once (every list is scored against them)."""
    return [header_keys(row) for row in sheet.rows[:HEADER_SEARCH_ROWS]]


def best_header(sheet: Sheet | list[HeaderKeys], contracts: tuple[TableContract, ...]):
    """(score, header_index, contract, positions, missing) of the best header candidate in the sheet (or in its
    `candidate_rows`)."""
    best = None
    for index, row in enumerate(candidate_rows(sheet) if isinstance(sheet, Sheet) else sheet):
        if not row:
            continue
        for contract in contracts:
            if contract.header_keys.isdisjoint(row):  # a row naming none of its columns (data, a title) scores 0
                continue
            score, missing, positions = score_header(row, contract)
            if score == 0:
                continue
            rank = (not missing, score / len(contract.columns), score)
            if best is None or rank > best[0]:
                best = (rank, index, contract, positions, missing)
    return best



# Which sheet holds which list (DESIGN section 4). A sheet's best header row for a list scores, most important first:
# every required column found, the number of columns found, the sheet's name naming the list, the share of the
# list's columns found; the sheet's position only breaks exact ties (the first sheet wins). One column found always
# outweighs the name, so content decides and a name is only evidence.
_COMPLETE, _COLUMN, _NAMED, _SHARE = 10**10, 10**7, 10**6, 10**3
UNUSED_IDS = frozenset(u.table_id for u in UNUSED_LISTS)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Match:
    """A sheet's best header row for one list, and its score."""

    score: int
    header_index: int
    contract: TableContract
    positions: dict[str, int]
    missing: list[str]


def has_cells(sheet: Sheet) -> bool:
    return any(cell not in (None, "") for row in sheet.rows for cell in row)


def _words(text: str) -> list[str]:
    """A name's lower-case words, a plural 's' dropped (Contacts -> contact)."""
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _WORD.findall(text.lower())]


def _named_lists(name: str) -> set[int]:
    """The Annex A list numbers a sheet's name speaks for: 'List N ...', or a list's own words ('Early Help')."""
    listed = ANNEX_LIST.match(name)
    numbers = {int(listed.group(1))} if listed else set()
    words = _words(name)
    for number, phrases in SHEET_NAME_WORDS.items():
        for phrase in map(_words, phrases):
            if any(words[i:i + len(phrase)] == phrase for i in range(len(words) - len(phrase) + 1)):
                numbers.add(number)
    return numbers


def _shared_columns(return_id: str) -> frozenset[str]:
    """Columns every table of a several-table return has (Annex A: the child columns): no evidence of which list."""
    tables = [t for t in schemas.TABLES if t.return_id == return_id]
    if len(tables) < 2:
        return frozenset()
    return frozenset.intersection(*(frozenset(c.name for c in t.columns) for t in tables))


def _match(rows: list[HeaderKeys], contract: TableContract, named: set[int], shared: frozenset[str]
           ) -> Match | None:
    """How well the sheet's best header row for `contract` fits it; None when the sheet cannot hold it.

    A sheet can hold a list when its header names at least two of the list's columns, one of them the list's own
    (not a column every list of the return has), or when its name names the list.
    """
    best = best_header(rows, (contract,))
    if best is None:
        return None
    (complete, share, count), index, _, positions, missing = best
    is_named = contract.annex_list is not None and contract.annex_list in named
    if count < 2 or not (is_named or any(name not in shared for name in positions)):
        return None
    score = complete * _COMPLETE + count * _COLUMN + is_named * _NAMED + round(share * 100) * _SHARE
    return Match(score, index, contract, positions, missing)


def max_assignment(scores: list[list[int | None]]) -> list[int | None]:
    """For each row, the column it takes (None: none), one-to-one, the total of the scores taken the largest.

    Scores are positive; None marks a pair that is not allowed. The Hungarian method (exact, O(n^2 m)) on costs
    -score, with one 'nothing' column per row at cost 0.
    """
    rows = len(scores)
    columns = len(scores[0]) if rows else 0
    if rows > columns:  # the method wants no more rows than columns: assign the columns to the rows instead
        taken = max_assignment([[scores[i][j] for i in range(rows)] for j in range(columns)])
        chosen: list[int | None] = [None] * rows
        for j, i in enumerate(taken):
            if i is not None:
                chosen[i] = j
        return chosen
    width = columns + rows
    barred = 1 + sum(s for row in scores for s in row if s is not None)  # dearer than any allowed assignment

    def cost(i: int, j: int) -> int:
        if j >= columns:
            return 0
        score = scores[i][j]
        return barred if score is None else -score

    u, v = [0] * (rows + 1), [0] * (width + 1)
    owner, way = [0] * (width + 1), [0] * (width + 1)  # owner[j]: the row (1-based) holding column j (1-based)
    for i in range(1, rows + 1):
        owner[0], j0 = i, 0
        least, used = [float("inf")] * (width + 1), [False] * (width + 1)
        while owner[j0]:
            used[j0] = True
            i0, delta, j1 = owner[j0], float("inf"), 0
            for j in range(1, width + 1):
                if not used[j]:
                    reduced = cost(i0 - 1, j - 1) - u[i0] - v[j]
                    if reduced < least[j]:
                        least[j], way[j] = reduced, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(width + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    chosen = [None] * rows
    for j in range(1, columns + 1):
        if owner[j] and cost(owner[j] - 1, j - 1) != barred:
            chosen[owner[j] - 1] = j - 1
    return chosen


def assign_sheets(sheets: list[Sheet], lists: tuple[TableContract, ...]
                   ) -> tuple[list[Match | None], list[list[Match]]]:
    """(the list each sheet holds or None, every list each sheet could hold) by the best overall assignment.

    Visible sheets are assigned first; a hidden sheet only takes a list no visible sheet holds.
    """
    shared = {return_id: _shared_columns(return_id) for return_id in {c.return_id for c in lists}}
    matches = []
    for sheet in sheets:
        named, rows = _named_lists(sheet.name), candidate_rows(sheet)
        found = {j: match for j, contract in enumerate(lists)
                 if (match := _match(rows, contract, named, shared[contract.return_id])) is not None}
        # a list the sheet lacks a required column of is the sheet's only when it is the sheet's best: a second copy
        # of a list is not read as half of another table
        best = max((match.score for match in found.values()), default=0)
        matches.append({j: match for j, match in found.items() if not match.missing or match.score == best})
    chosen: list[Match | None] = [None] * len(sheets)
    taken: set[int] = set()
    for hidden in (False, True):
        rows = [i for i, sheet in enumerate(sheets) if sheet.hidden == hidden and matches[i]]
        scores = [[matches[i][j].score * 1000 - min(i, 999) if j in matches[i] and j not in taken else None
                   for j in range(len(lists))] for i in rows]
        for i, j in zip(rows, max_assignment(scores), strict=True):
            if j is not None:
                chosen[i] = matches[i][j]
                taken.add(j)
    return chosen, [sorted(m.values(), key=lambda match: -match.score) for m in matches]


def sheet_entry(sheet: Sheet, status: str, match: Match | None = None) -> dict:
    """The sheet's line of the assignment report."""
    return {"sheet": sheet.name, "list": match.contract.title if match else None,
            "table_id": match.contract.table_id if match else None, "status": status, "hidden": sheet.hidden,
            "header_row": match.header_index + 1 if match else None}


def unassigned_entry(sheet: Sheet, found: list[Match], holders: dict[str, Sheet], notes: list[str]) -> dict:
    """The report line and the note of a sheet that holds no list: none fits it, or another sheet holds its list."""
    best = found[0] if found else None
    holder = holders.get(best.contract.table_id) if best else None
    if best is None or holder is None:
        notes.append(f"Sheet '{sheet.name}' was ignored: it holds no table this pipeline uses.")
        return sheet_entry(sheet, "ignored" if has_cells(sheet) else "empty")
    title = best.contract.title
    if sheet.hidden and not holder.hidden:
        notes.append(f"Sheet '{sheet.name}' is hidden and a visible sheet ('{holder.name}') holds the same list "
                     f"({title}): ignored.")
        return {**sheet_entry(sheet, "hidden", best), "header_row": None}
    done = "found in" if best.contract.table_id in UNUSED_IDS else "read from"
    notes.append(f"Sheet '{sheet.name}' was ignored: {title} was already {done} sheet '{holder.name}'.")
    return {**sheet_entry(sheet, "duplicate", best), "header_row": None}


