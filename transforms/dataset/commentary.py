"""Commentary (DESIGN.md section 7): a draft sentence or two per indicator, generated from the numbers alone, and
"why it moved".

The draft says the value, its change on last quarter and on the same quarter last year in units people read ("12 more
than last quarter, up 4.1%"; "up 2.3 percentage points"), where it stands against its comparator (and whether that is
better or worse, where the polarity says which way is better), what small numbers mean, and the caveats: history
incomplete, a return missing, late or heavily rejected behind it. The same numbers always give the same words.

Drafts are written on every computation of a quarter (`write_drafts`); the analyst's edit (`edit`, `assure
commentary`) is kept beside the draft and survives re-runs; the final text is the edit when there is one.

"Why it moved" splits the change of an indicator's headline into its numerator's and its denominator's effect
(value = numerator / denominator x scale: the numerator's effect is its change over the old denominator, the
denominator's effect the rest), and lists the breakdowns whose numerators changed most.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

import schemas
from transforms import warehouse
from transforms.dataset.frames import grouped, records
from transforms.dataset.indicators import Indicator, catalogue, comparator_details
from transforms.dataset.labels import AGENCY_NAMES, breakdown_label, display_value
from transforms.dataset.periods import due_date, previous_period

SCALE = {"percent": 100.0, "rate_per_10000": 10000.0, "count": 1.0}
SMALL = 10  # a numerator under this is a small number: one or two events move the value a lot
REJECTED_SHARE = 0.10  # a return with more of its rows rejected than this is a caveat
IN_LINE = 0.02  # within 2% of the comparator (relative) is "in line with" it
MOVERS = 3  # breakdowns named in "why it moved"

Rows = pd.DataFrame | list[dict]  # an indicator's rows of fct_indicator_value: a frame, or its records


def _rows(rows: Rows) -> list[dict]:
    return rows if isinstance(rows, list) else records(rows)


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _number(value: float | None, unit: str) -> str:
    text = display_value(value, unit)
    return f"{text} per 10,000 children" if unit == "rate_per_10000" and text != "no data" else text


def _count(value: float) -> str:
    return f"{abs(value):,.0f}"


def change_words(now: float | None, before: float | None, unit: str, than: str) -> str | None:
    """The change from `before` to `now` in words: counts as "12 more than {than}, up 4.1%", percentages in
    percentage points, rates in their units; None when either is missing."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    delta = now - before
    if abs(delta) < 1e-9:
        return f"the same as {than}"
    if unit == "count":
        relative = f", {'up' if delta > 0 else 'down'} {abs(delta) / before:.0%}" if before else ""
        return f"{_count(delta)} {'more' if delta > 0 else 'fewer'} than {than} ({_count(before)}{relative})"
    if unit == "percent":
        return (f"{'up' if delta > 0 else 'down'} {abs(delta):.1f} percentage points on {than} "
                f"({before:.1f}%)")
    return f"{'up' if delta > 0 else 'down'} {abs(delta):.1f} on {than} ({before:.1f})"


def comparator_words(indicator: Indicator, value: float | None, unit: str, about) -> str | None:
    """Where the value stands against its comparator, and whether that is better or worse when polarity says."""
    if about is None or value is None or pd.isna(value):
        return None
    figure = f"the {about.label} ({_number(about.value, unit)})"
    gap = value - about.value
    if about.value and abs(gap) / abs(about.value) < IN_LINE:
        return f"in line with {figure}"
    side = "above" if gap > 0 else "below"
    verdict = ""
    if indicator.polarity in ("higher_is_better", "lower_is_better"):
        better = (gap > 0) == (indicator.polarity == "higher_is_better")
        verdict = ", which is better" if better else ", which is worse"
    return f"{side} {figure}{verdict}"


def split(now: dict | None, before: dict | None, unit: str) -> dict | None:
    """The change of a value split into its numerator's and its denominator's effect (in the value's units):
    numerator effect = (n1 - n0) / d0 x scale; denominator effect = the rest. None for counts or missing parts."""
    if unit == "count" or now is None or before is None:
        return None
    n1, d1, n0, d0 = (x.get(k) for x, k in ((now, "numerator"), (now, "denominator"), (before, "numerator"),
                                            (before, "denominator")))
    if any(v is None or pd.isna(v) for v in (n1, d1, n0, d0)) or not d0 or not d1:
        return None
    scale = SCALE.get(unit, 1.0)
    total = (n1 / d1 - n0 / d0) * scale
    numerator_effect = (n1 - n0) / d0 * scale + 0.0  # + 0.0: never a "-0.0"
    denominator_effect = round(total - numerator_effect, 9) + 0.0
    return {"change": total, "numerator_effect": round(numerator_effect, 9) + 0.0,
            "denominator_effect": denominator_effect,
            "numerator_change": n1 - n0, "denominator_change": d1 - d0}


def movers(indicator: Indicator, now: Rows, before: Rows) -> list[dict]:
    """The breakdowns (not the headline) whose numerators changed most since `before`, largest change first."""
    old = {r["breakdown"]: r for r in _rows(before)}
    found = []
    rows = _rows(now)
    whole = [row for row in rows if row["breakdown"] == ""]
    unit = whole[0]["unit"] if whole else None
    for row in rows:
        if row["breakdown"] == "" or row["numerator"] is None or pd.isna(row["numerator"]):
            continue
        if unit is not None and row["unit"] != unit:  # another measure of the indicator, not a part of its headline
            continue
        prior = old.get(row["breakdown"])
        previous = prior["numerator"] if prior is not None and not pd.isna(prior["numerator"]) else 0.0
        found.append({"breakdown": row["breakdown"], "label": breakdown_label(row["breakdown"], indicator.sources),
                      "before": previous, "now": row["numerator"], "change": row["numerator"] - previous,
                      "value_before": prior["value"] if prior is not None else None, "value_now": row["value"]})
    found.sort(key=lambda m: (-abs(m["change"]), m["label"]))
    return [m for m in found if m["change"]][:MOVERS]


def why_words(indicator: Indicator, parts: dict | None, moved: list[dict]) -> str | None:
    """'Why it moved' in a sentence."""
    said = []
    if parts and abs(parts["change"]) > 1e-9:
        unit_word = "points" if indicator.unit == "percent" else ""
        top = ("numerator" if abs(parts["numerator_effect"]) >= abs(parts["denominator_effect"])
               else "denominator")
        n, d = parts["numerator_change"], parts["denominator_change"]
        said.append(f"mostly its {top}: the numerator {'rose' if n > 0 else 'fell' if n < 0 else 'held'}"
                    f"{' by ' + _count(n) if n else ''} ({parts['numerator_effect']:+.1f} {unit_word}".rstrip()
                    + f"), the denominator {'rose' if d > 0 else 'fell' if d < 0 else 'held'}"
                    f"{' by ' + _count(d) if d else ''} ({parts['denominator_effect']:+.1f} {unit_word}".rstrip()
                    + ")")
    if moved:
        said.append("largest changes: " + ", ".join(
            f"{m['label']} {'+' if m['change'] > 0 else '-'}{_count(m['change'])}" for m in moved))
    return ("Why it moved: " + "; ".join(said) + ".") if said else None


def headline(rows: Rows) -> dict | None:
    """The indicator's headline row (breakdown ''), else its row with the largest numerator (the first of equals;
    rows without one come last); None without rows."""
    rows = _rows(rows)
    whole = next((row for row in rows if row["breakdown"] == ""), None)
    if whole is not None or not rows:
        return whole
    counted = [row for row in rows if not _missing(row["numerator"])]
    return max(counted, key=lambda row: row["numerator"]) if counted else rows[0]  # max keeps the first of equals


def row_of(rows: Rows, breakdown: str) -> dict | None:
    """The first of `rows` with this breakdown, as a record; None when there is none."""
    return next((row for row in _rows(rows) if row["breakdown"] == breakdown), None)


def caveats(indicator: Indicator, row: dict, submissions: Rows, period: str) -> list[str]:
    said, late = [], []
    if row.get("history_incomplete") == 1:
        said.append("history incomplete: its look-back reaches before the earliest return held, so it may be low")
    tables = {t.table_id: t for t in schemas.TABLES}
    due = due_date(period).isoformat()
    received = _rows(submissions)
    for source in indicator.sources:
        contract = tables.get(source)
        if contract is None:
            continue
        agency = AGENCY_NAMES.get(contract.agency, contract.agency)
        mine = [r for r in received if r["agency"] == contract.agency and r["return_id"] == contract.return_id]
        if not mine:
            said.append(f"no {contract.title.lower()} return from {agency} this quarter")
            continue
        latest = mine[-1]
        read, rejected = latest["rows_read"] or 0, latest["rows_rejected"] or 0
        if read and rejected / read > REJECTED_SHARE:
            said.append(f"{agency}'s {contract.title.lower()} return had {rejected / read:.0%} of its rows rejected")
        if str(mine[0]["received_at"])[:10] > due:
            late.append(agency)
    if late:
        said.append(f"returns received after the due date ({due}) from {', '.join(dict.fromkeys(late))}")
    return list(dict.fromkeys(said))


def draft(indicator: Indicator, now: Rows, last_quarter: Rows, last_year: Rows, about, submissions: Rows,
          period: str) -> str:
    """The draft commentary of one indicator for `period` from its rows now, last quarter and the same quarter last
    year (fct_indicator_value rows), its comparator (or None) and the period's submissions."""
    row = headline(now)
    if row is None or row.get("rag") == "NO_DATA" or row.get("value") is None or pd.isna(row.get("value")):
        note = (row or {}).get("note")
        return f"No data this quarter{': ' + note if isinstance(note, str) and note else ''}."
    unit = row["unit"]
    subject = "" if row["breakdown"] == "" else f"{breakdown_label(row['breakdown'], indicator.sources)}: "
    value = row["value"]
    sentence = f"{subject}{_number(value, unit)}"
    if unit != "count" and row.get("numerator") is not None and not pd.isna(row["numerator"]) and \
            row.get("denominator"):
        sentence += f" ({_count(row['numerator'])} of {_count(row['denominator'])})"

    before, year_ago = row_of(last_quarter, row["breakdown"]), row_of(last_year, row["breakdown"])
    changes = []
    if indicator.window != "FYTD":  # a year-to-date count always falls in Q1: only last year's is a fair comparison
        changes.append(change_words(value, before["value"] if before else None, unit, "last quarter"))
    changes.append(change_words(value, year_ago["value"] if year_ago else None, unit, "the same quarter last year"))
    changes = [c for c in changes if c]
    sentence += ("; " + "; ".join(changes)) if changes else "; no earlier quarter to compare with"
    against = comparator_words(indicator, value, unit, about)
    sentence += f"; {against}." if against else "."
    extra = []
    numerator = row.get("numerator")
    if numerator is not None and not pd.isna(numerator) and 0 < numerator < SMALL:
        extra.append(f"Small numbers ({_count(numerator)}): one or two events move this a lot, so read it with the "
                     "trend.")
    why = why_words(indicator, split(row, before, unit), movers(indicator, now, last_quarter))
    if why and indicator.window != "FYTD":
        extra.append(why)
    said = caveats(indicator, row, submissions, period)
    if said:
        extra.append("Caveats: " + "; ".join(said) + ".")
    return " ".join([sentence[:1].upper() + sentence[1:], *extra])


def values_of(conn: sa.Connection, periods: list[str]) -> pd.DataFrame:
    fct = warehouse.fct_indicator_value
    rows = conn.execute(sa.select(fct).where(fct.c.period.in_(periods))).mappings().all()
    columns = [c.name for c in fct.columns]
    return pd.DataFrame([dict(r) for r in rows], columns=columns)


def submissions_of(conn: sa.Connection, period: str) -> pd.DataFrame:
    registry = warehouse.raw_submission
    rows = conn.execute(sa.select(registry.c.agency, registry.c.return_id, registry.c.received_at,
                                  registry.c.rows_read, registry.c.rows_rejected, registry.c.status)
                        .where(registry.c.period == period, registry.c.loaded == 1,
                               registry.c.status != "QUARANTINED")
                        .order_by(registry.c.received_at)).all()
    return pd.DataFrame(rows, columns=["agency", "return_id", "received_at", "rows_read", "rows_rejected", "status"])


def drafts(conn: sa.Connection, period: str) -> dict[str, str]:
    """indicator id -> the draft commentary for `period`, from the values held in the warehouse."""
    last_quarter, last_year = previous_period(period), previous_period(period, 4)
    rows = grouped(values_of(conn, [period, last_quarter, last_year]), "indicator_id", "period")
    submissions = records(submissions_of(conn, period))
    compared = comparator_details(int(period[:4]))
    out = {}
    for indicator in catalogue():
        now = rows.get((indicator.id, period), [])
        top = headline(now)
        about = compared.get((indicator.id, top["breakdown"])) if top else None
        out[indicator.id] = draft(indicator, now, rows.get((indicator.id, last_quarter), []),
                                  rows.get((indicator.id, last_year), []), about, submissions, period)
    return out


def write_drafts(conn: sa.Connection, period: str, at: dt.datetime | None = None) -> int:
    """Write the period's drafts into `fct_indicator_commentary`, keeping every analyst's edit; return how many."""
    table = warehouse.fct_indicator_commentary
    stamp = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    written = drafts(conn, period)
    held = set(conn.execute(sa.select(table.c.indicator_id).where(table.c.period == period)).scalars())
    for indicator_id, text in written.items():
        if indicator_id in held:
            conn.execute(table.update().where(table.c.indicator_id == indicator_id, table.c.period == period)
                         .values(draft=text, drafted_at=stamp))
        else:
            conn.execute(table.insert().values(indicator_id=indicator_id, period=period, draft=text, drafted_at=stamp))
    return len(written)


def edit(url: str, indicator_id: str, period: str, text: str | None, who: str) -> dict:
    """Store the analyst's commentary for an indicator and quarter (None or blank: back to the draft)."""
    if indicator_id not in {i.id for i in catalogue()}:
        raise ValueError(f"no indicator {indicator_id!r}")
    if not str(who or "").strip():
        raise ValueError("give who edits")
    table = warehouse.fct_indicator_commentary
    cleaned = str(text).strip() if text is not None else ""
    values = ({"edited": cleaned, "edited_by": who, "edited_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
              if cleaned else {"edited": None, "edited_by": None, "edited_at": None})
    with warehouse.engine(url).begin() as conn:
        if conn.execute(table.update().where(table.c.indicator_id == indicator_id, table.c.period == period)
                        .values(**values)).rowcount == 0:
            raise ValueError(f"{indicator_id} has no commentary for {period}: compute the quarter first")
    return {"indicator_id": indicator_id, "period": period, **values}


def final(url: str, period: str) -> dict[str, dict]:
    """indicator id -> {'text' (the edit, else the draft), 'edited' (bool), 'draft', 'edited_by', 'edited_at'}."""
    table = warehouse.fct_indicator_commentary
    with warehouse.engine(url).connect() as conn:
        rows = conn.execute(sa.select(table).where(table.c.period == period)).mappings().all()
    return {r["indicator_id"]: {"text": r["edited"] or r["draft"], "edited": bool(r["edited"]), "draft": r["draft"],
                                "edited_by": r["edited_by"], "edited_at": r["edited_at"]} for r in rows}


__all__ = ["caveats", "change_words", "comparator_words", "draft", "drafts", "edit", "final", "headline", "movers",
           "row_of", "split", "submissions_of", "values_of", "why_words", "write_drafts"]
