"""An independent computation of a dozen indicators with full history, for `test_quarters_in_turn.py`.

Written from the definitions in the brief of issue 16 and DESIGN.md section 6 only: nothing here reads or imports
the indicator SQL (`sql/indicators/`) or `transforms/dataset/`. It reads the warehouse's `stg_` tables (every
period) and `core_person_link` with plain SQLAlchemy selects, rebuilds each table "as seen at period P" by the
history rule below in pandas, and computes the indicators for P in plain Python.

The history rule. For each `stg_` table and each agency, let p_1 < ... < p_k be the periods <= P for which the table
holds rows of that agency. The return of period p covers the dates after W(p) = the end of p moved back 24 calendar
months. Every row has a history date h: the table's event date where it has an event window, the case end date
(blank while open) for case tables, none (blank) for person tables. A date d is owned by the latest p_i with
d > W(p_i); a date on or before W(p_1) by p_1; a blank h by p_k. A row of period p_i is in the view when its h is
owned by p_i: the latest return is authoritative for its own 24 months, older records come from the latest earlier
return that covered them.

Dates are ISO text, compared as text. "The same date n years earlier" moves the year back as text, so a 29 February
becomes `YYYY-02-29` of a common year, a bound between 28 February (excluded) and 1 March (included).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt

import pandas as pd
import sqlalchemy as sa

from transforms import warehouse
from transforms.warehouse.tables import STG_TABLES, core_person_link

# table_id -> the column holding the row's history date (None: a person table, always blank)
HISTORY_DATE: dict[str, str | None] = {
    # tables with an event window: the event date
    "list1_contacts": "contact_date",
    "list3_referrals": "referral_date",
    "list4_assessments": "assessment_start_date",
    "list5_section47": "s47_start_date",
    "csc_return_interviews": "missing_start_date",
    "police_ppn": "submitted_date",
    "police_missing": "missing_from",  # a date-time: its first 10 characters
    "health_safeguarding": "referral_date",
    "edu_suspensions": "start_date",
    "lado_allegations": "contact_date",
    "training_attendance": "course_date",
    # case tables: the end date, blank while open
    "list6_children_in_need": "cin_closure_date",
    "list7_child_protection": "cpp_end_date",
    "list8_looked_after": "lac_end_date",
    "health_cdop": "review_date",
    "edu_cme": "resolved_date",
    "vulnerability_tracker": "closed_date",
    # person tables
    "csc_child_identity": None,
    "police_nominals": None,
}

assert set(HISTORY_DATE) == set(STG_TABLES), "every stg_ table has its history date"

Values = dict[tuple[str, str], tuple[int, int | None]]  # (indicator_id, breakdown) -> (numerator, denominator)


# ---- dates ------------------------------------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months; a day the target month lacks becomes that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(period: str) -> dt.date:
    """'2026-09' -> 2026-09-30."""
    year, month = (int(part) for part in period.split("-"))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def window_start(period: str) -> str:
    """W(p): the period end moved back 24 calendar months; the return covers dates after it."""
    return add_months(period_end(period), -24).isoformat()


def years_before(iso: str, years: int) -> str:
    """The same date `years` earlier, the year moved back as text (29 February stays 29 February)."""
    return f"{int(iso[:4]) - years:04d}{iso[4:10]}"


def plus_months(iso: str, months: int) -> str:
    return add_months(dt.date.fromisoformat(iso[:10]), months).isoformat()


class Windows:
    """The windows of period P, as ISO text: E, R = (r_after, E], FYTD = [fytd_start, E], Q = (q_after, E]."""

    def __init__(self, period: str) -> None:
        end = period_end(period)
        self.e = end.isoformat()
        self.r_after = add_months(end, -12).isoformat()
        self.fytd_start = dt.date(end.year if end.month >= 4 else end.year - 1, 4, 1).isoformat()
        self.q_after = (add_months(end.replace(day=1), -2) - dt.timedelta(days=1)).isoformat()  # the day before Q

    def in_r(self, day: str) -> bool:
        return bool(day) and self.r_after < day <= self.e

    def in_fytd(self, day: str) -> bool:
        return bool(day) and self.fytd_start <= day <= self.e

    def in_q(self, day: str) -> bool:
        return bool(day) and self.q_after < day <= self.e

    def open_at_e(self, start: str, end: str) -> bool:
        return bool(start) and start <= self.e and (not end or end > self.e)


# ---- the tables as seen at P ------------------------------------------------------------------------------------

def read_stg(conn: sa.Connection, table_id: str, period: str, own_period_only: bool = False) -> pd.DataFrame:
    """Every row of a stg_ table for periods <= P (or = P), blanks as ''."""
    table = STG_TABLES[table_id]
    query = sa.select(table).where(table.c.period == period if own_period_only else table.c.period <= period)
    frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in table.columns])
    return frame.astype(object).where(frame.notna(), "").astype(str) if len(frame) else frame.astype(str)


def owner(day: str, periods: list[str], windows: list[str]) -> str:
    """The period owning a history date: the latest p_i with day > W(p_i); p_1 for an earlier day; p_k when blank.
    `periods` ascending, `windows` their W(p_i) (ascending with them)."""
    if not day:
        return periods[-1]
    covering = bisect.bisect_left(windows, day)  # how many W(p_i) are before `day`
    return periods[max(covering - 1, 0)]


def as_seen(frame: pd.DataFrame, table_id: str) -> pd.DataFrame:
    """The rows of `frame` (one table, periods <= P) that the history rule keeps."""
    if frame.empty:
        return frame
    column = HISTORY_DATE[table_id]
    keep = pd.Series(False, index=frame.index)
    for _, rows in frame.groupby("agency", sort=False):
        periods = sorted(set(rows["period"]))
        windows = [window_start(p) for p in periods]  # ascending with the periods
        history = rows[column].str[:10] if column else pd.Series("", index=rows.index)
        keep.loc[rows.index] = [owner(day, periods, windows) == p
                                for day, p in zip(history, rows["period"], strict=True)]
    return frame[keep].reset_index(drop=True)


def person_links(conn: sa.Connection, source: str) -> dict[str, str]:
    """record_id -> person_key for one source of core_person_link."""
    query = sa.select(core_person_link.c.record_id, core_person_link.c.person_key) \
        .where(core_person_link.c.source == source)
    return {record: person for record, person in conn.execute(query)}


# ---- the indicators ---------------------------------------------------------------------------------------------

def referrals(referral: pd.DataFrame, w: Windows) -> Values:
    """CSC-01 (numerator only), CSC-02 and CSC-03."""
    in_r = referral[referral["referral_date"].map(w.in_r)]
    out: Values = {("CSC-01", ""): (len(in_r), None)}
    days_by_child: dict[str, list[str]] = {}
    for child, day in set(zip(referral["child_id"], referral["referral_date"], strict=True)):
        if day:
            days_by_child.setdefault(child, []).append(day)
    for days in days_by_child.values():
        days.sort()
    events = set(zip(in_r["child_id"], in_r["referral_date"], strict=True))
    numerator = 0
    for child, day in events:
        days = days_by_child[child]
        earlier = days[:bisect.bisect_left(days, day)]
        numerator += bool(earlier) and earlier[-1] >= years_before(day, 1)
    out[("CSC-02", "")] = (numerator, len(events))
    known = in_r["referral_nfa"].isin(["Y", "N"])
    out[("CSC-03", "")] = (int((in_r["referral_nfa"] == "N").sum()), int(known.sum()))
    return out


def follows_plan_ended_within_2_years(plans: pd.DataFrame, child: str, start: str, need_duration: bool) -> bool:
    """The child has an earlier plan (a row of another start; with `need_duration`, one that ended strictly after
    it started) whose end is on or before `start` and on or after the same date two years before it."""
    lower = years_before(start, 2)
    for other_start, other_end in plans.get(child, ()):
        if not other_end or other_start == start:
            continue
        if need_duration and not other_end > other_start:
            continue
        if lower <= other_end <= start:
            return True
    return False


def plans_by_child(plan: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for child, start, end in zip(plan["child_id"], plan["cpp_start_date"], plan["cpp_end_date"], strict=True):
        out.setdefault(child, []).append((start, end))
    return out


def child_protection(plan: pd.DataFrame, w: Windows) -> Values:
    """CSC-05, CSC-06, CSC-06D and NEG-04."""
    out: Values = {}
    open_plans = plan[[w.open_at_e(s, e) for s, e in zip(plan["cpp_start_date"], plan["cpp_end_date"], strict=True)]]
    long_running = open_plans["cpp_start_date"].map(lambda s: plus_months(s, 18) <= w.e)
    out[("CSC-05", "")] = (int(long_running.sum()), len(open_plans))

    by_child = plans_by_child(plan)
    starts = sorted({(c, s) for c, s in zip(plan["child_id"], plan["cpp_start_date"], strict=True) if w.in_r(s)})
    out[("CSC-06", "")] = (sum(follows_plan_ended_within_2_years(by_child, c, s, False) for c, s in starts),
                           len(starts))

    previous_on_row: set[tuple[str, str]] = set()
    for child, start, count in zip(plan["child_id"], plan["cpp_start_date"], plan["previous_cpp_count"], strict=True):
        try:
            if count and float(count) >= 1:
                previous_on_row.add((child, start))
        except ValueError:
            pass
    second = sum((c, s) in previous_on_row or any(other < s for other, _ in by_child[c]) for c, s in starts)
    out[("CSC-06D", "")] = (second, len(starts))

    neglect = plan[(plan["initial_category"] == "NEG") | (plan["latest_category"] == "NEG")]
    neglect_by_child = plans_by_child(neglect)
    neglect_starts = {(c, s) for c, s in zip(neglect["child_id"], neglect["cpp_start_date"], strict=True)
                      if w.in_fytd(s)}
    out[("NEG-04", "")] = (sum(follows_plan_ended_within_2_years(neglect_by_child, c, s, True)
                               for c, s in neglect_starts), len(neglect_starts))
    return out


def looked_after(episodes: pd.DataFrame, w: Windows) -> Values:
    """CSC-07: children with an episode open at E, short breaks (V3, V4) left out."""
    counted = [w.open_at_e(s, e) and status not in ("V3", "V4") for s, e, status in
               zip(episodes["lac_start_date"], episodes["lac_end_date"], episodes["legal_status"], strict=True)]
    return {("CSC-07", ""): (episodes.loc[counted, "child_id"].nunique(), None)}


def has_factor(factors: str, code: str) -> bool:
    return code in {part.replace(" ", "").upper() for part in factors.split(",")}


def neglect_assessments(assessment: pd.DataFrame, w: Windows) -> Values:
    """NEG-01: assessments authorised in FYTD with factor 16A; further action Y of Y or N."""
    chosen = assessment[assessment["assessment_authorised_date"].map(w.in_fytd)
                        & assessment["assessment_factors"].map(lambda f: has_factor(f, "16A"))]
    return {("NEG-01", ""): (int((chosen["further_action"] == "Y").sum()),
                             int(chosen["further_action"].isin(["Y", "N"]).sum()))}


def police_duplicates(nominal: pd.DataFrame, links: dict[str, str]) -> Values:
    """POL-04 on P's own nominal records: (records - people) / records, an unlinked record its own person."""
    records = {r for r in nominal["police_person_id"] if r}
    people = {links.get(r, f"unlinked:{r}") for r in records}
    return {("POL-04", ""): (len(records) - len(people), len(records))}


def suspensions(suspension: pd.DataFrame, links: dict[str, str], w: Windows) -> Values:
    """EDU-01: suspensions and permanent exclusions starting in Q, events and distinct children."""
    events = suspension[suspension["start_date"].map(w.in_q) & suspension["category"].isin(["SUSP", "PERM"])]
    children = {links.get(upn, upn) for upn in events["upn"]} - {""}  # a blank, unlinked UPN names nobody
    return {("EDU-01", ""): (len(events), None), ("EDU-01", "children"): (len(children), None)}


def domestic_abuse_before_plan(plan: pd.DataFrame, ppn: pd.DataFrame, child_links: dict[str, str],
                               police_links: dict[str, str], w: Windows) -> Values:
    """MA-01: children starting a plan in R; those with a domestic abuse PPN submitted in the year to a start."""
    starts: dict[str, list[str]] = {}
    for child, start in zip(plan["child_id"], plan["cpp_start_date"], strict=True):
        if w.in_r(start):
            starts.setdefault(child_links.get(child, f"csc:{child}"), []).append(start)
    notices: dict[str, list[str]] = {}
    abuse = ppn[ppn["ppn_type"] == "DOMESTIC_ABUSE"]
    for person_id, submitted in zip(abuse["police_person_id"], abuse["submitted_date"], strict=True):
        if person_id in police_links and submitted:
            notices.setdefault(police_links[person_id], []).append(submitted[:10])
    with_notice = {person for person, days in starts.items()
                   if any(years_before(s, 1) <= d <= s for s in days for d in notices.get(person, ()))}
    return {("MA-01", ""): (len(with_notice), len(starts))}


def compute(url: str, period: str, full_history: bool = True) -> Values:
    """{(indicator_id, breakdown): (numerator, denominator)} for P from the warehouse at `url`, with full history
    (or, `full_history=False`, from P's own rows only, to show what history changes). A count has no denominator
    (None); CSC-01's denominator, the child population, is not computed here (None)."""
    w = Windows(period)

    def view(conn: sa.Connection, table_id: str, period: str) -> pd.DataFrame:
        return as_seen(read_stg(conn, table_id, period, own_period_only=not full_history), table_id)

    with warehouse.engine(url).connect() as conn:
        referral = view(conn, "list3_referrals", period)
        plan = view(conn, "list7_child_protection", period)
        episodes = view(conn, "list8_looked_after", period)
        assessment = view(conn, "list4_assessments", period)
        nominal = read_stg(conn, "police_nominals", period, own_period_only=True)
        suspension = view(conn, "edu_suspensions", period)
        ppn = view(conn, "police_ppn", period)
        child_links = person_links(conn, "csc_child_identity")
        police_links = person_links(conn, "police_nominals")
        pupil_links = person_links(conn, "edu_suspensions")
    out: Values = {}
    out.update(referrals(referral, w))
    out.update(child_protection(plan, w))
    out.update(looked_after(episodes, w))
    out.update(neglect_assessments(assessment, w))
    out.update(police_duplicates(nominal, police_links))
    out.update(suspensions(suspension, pupil_links, w))
    out.update(domestic_abuse_before_plan(plan, ppn, child_links, police_links, w))
    return out
