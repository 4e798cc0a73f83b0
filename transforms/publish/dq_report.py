"""The analyst's data-quality report (DESIGN.md section 7): when it was generated and for which quarter; the quarter's
returns against the submission calendar (due, received, working days late); every file registered; rejection rates
and timeliness per agency over the quarters held (inline SVG charts, their numbers also in tables); duplicate person
records; the size of the match review queue; the values no code list could read. One self-contained HTML page from the
warehouse tables: no script, nothing from the network, and it prints.

Every value written into the page is escaped. Catalogued words only (DESIGN.md section 9): a file is named by its
sha256 prefix, never by its name as sent; an agency folder we do not know is not named; a problem is its FILE rule.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

import schemas
from schemas.file_rules import FILE_RULES
from transforms import warehouse
from transforms.dataset import catalogue, period_end, records
from transforms.ingest import value_map
from transforms.publish.charts import multi_line_chart
from transforms.publish.dashboard import STYLE
from transforms.workbench import board

RULE_TITLES = {rule.rule_id: rule.title for rule in FILE_RULES}
UNKNOWN_FOLDER = "(a folder that is no agency's)"
AGENCY_LABELS = {"csc": "Children's social care", "police": "Police", "health": "Health", "education": "Education",
                 "lado": "LADO", "partnership": "Partnership"}
LOADED = ("ACCEPTED", "PARTIAL")
QUARTERS_CHARTED = 8  # the charts show at most the last two years of quarters held
STATUS_WORDS = {"ON TIME": "On time", "LATE": "Late", "AWAITED": "Not yet due"}
FILE_STATUS_WORDS = {"ACCEPTED": "Accepted", "PARTIAL": "Partly accepted", "QUARANTINED": "Refused (quarantined)",
                     "FAILED": "Failed (tried again next run)"}
DATE_COLUMNS = {"Due", "Received (UTC)"}
EXTRA_STYLE = """
header .meta { margin-top: .4rem; font-size: 16px; }
p.about { font-size: 17px; max-width: 60rem; }
ul.glance { font-size: 18px; line-height: 1.5; }
td.date, td.num, td.late, td.ontime, td.missing { white-space: nowrap; }
td.late, td.missing { color: #8a1c00; font-weight: bold; }
td.ontime { color: #035e3a; }
figure.wide { display: block; margin: .5rem 0 1rem; }
figure.wide figcaption { font-weight: normal; color: #333; max-width: 54rem; margin-bottom: .4rem; }
svg.multi { max-width: 100%; height: auto; }
h2 { margin-top: 2rem; }
caption.sr { position: absolute; left: -10000px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { background: #fff; font-size: 11pt; }
  header { background: none; color: #000; border-bottom: 2px solid #000; padding: 0 0 .4rem; }
  main { padding: 0; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  table { font-size: 9.5pt; }
}
"""


# --- numbers as the analyst reads them: counts with thousands separators, rates to one decimal place --------------

def count(value: object) -> str:
    """`12345` -> `12,345`; blank for no value."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return f"{int(value):,}"


def percent(part: object, whole: object) -> str:
    """`part` of `whole` as a percentage to one decimal place; blank when there is no whole."""
    if any(v is None or pd.isna(v) for v in (part, whole)) or not whole:
        return ""
    return f"{100 * float(part) / float(whole):.1f}%"


def quarter_label(period: str) -> str:
    """`2026-09` -> `Q2 2026/27` (financial quarters start in April)."""
    year, month = int(period[:4]), int(period[5:7])
    quarter = {6: 1, 9: 2, 12: 3, 3: 4}[month]
    start = year if month >= 4 else year - 1
    return f"Q{quarter} {start}/{(start + 1) % 100:02d}"


def generated_at(now: dt.datetime) -> str:
    """The generation time in UTC, ISO 8601, to the minute: `2026-12-05T20:24Z`."""
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


def agency_label(agency: str) -> str:
    return AGENCY_LABELS.get(agency, UNKNOWN_FOLDER)


def _return_titles() -> dict[str, str]:
    titles: dict[str, list[str]] = {}
    for table in schemas.TABLES:
        titles.setdefault(table.return_id, []).append(table.title)
    return {rid: names[0] if len(names) == 1 else "Ofsted Annex A" if rid == "csc_annex_a" else rid
            for rid, names in titles.items()}


RETURN_TITLES = _return_titles()


def _received(value: object) -> str:
    return "" if not isinstance(value, str) else value[:16].replace("T", " ")


# --- the tables ------------------------------------------------------------------------------------------------------

def _registry(conn: sa.Connection) -> pd.DataFrame:
    reg = warehouse.raw_submission
    columns = ["submission_id", "sha256", "agency", "received_at", "period", "return_id", "status", "rows_read",
               "rows_rejected", "rows_queried", "loaded"]
    return pd.DataFrame(conn.execute(sa.select(*(reg.c[c] for c in columns))).all(), columns=columns)


def rejection_rates(registry: pd.DataFrame) -> pd.DataFrame:
    """Rows rejected and read per agency and period, over the latest loaded submission of each agency's return and
    period (a resubmission replaces the file before it): agency, period, rows_rejected, rows_read, rate (0-100)."""
    loaded = registry[registry["status"].isin(LOADED) & (registry["loaded"] == 1)]
    latest = (loaded.sort_values(["received_at", "submission_id"])
              .groupby(["agency", "return_id", "period"], as_index=False).tail(1))
    sums = (latest.groupby(["agency", "period"], as_index=False)[["rows_rejected", "rows_read"]].sum()
            .astype({"rows_rejected": "int64", "rows_read": "int64"}))
    sums["rate"] = [100 * r / n if n else None for r, n in zip(sums["rows_rejected"], sums["rows_read"], strict=True)]
    return sums


def timeliness(boards: dict[str, dict]) -> pd.DataFrame:
    """Working days late per agency and quarter: the most of its expected returns (0 when all came on time; a return
    still missing after its due date counts the working days so far); none when nothing is due yet. Columns agency,
    period, days, missing (returns not received and overdue), late (returns late), expected."""
    rows = []
    for period, shown in boards.items():
        for agency in dict.fromkeys(r["agency"] for r in shown["returns"]):
            mine = [r for r in shown["returns"] if r["agency"] == agency]
            judged = [r for r in mine if r["received_at"] is not None or r["status"] == "LATE"]
            rows.append({"agency": agency, "period": period,
                         "days": max((r["days_late"] for r in judged), default=None),
                         "missing": sum(r["received_at"] is None and r["status"] == "LATE" for r in mine),
                         "late": sum(r["status"] == "LATE" for r in mine), "expected": len(mine)})
    return pd.DataFrame(rows, columns=["agency", "period", "days", "missing", "late", "expected"])


def _returns_table(shown: dict, registry: pd.DataFrame) -> pd.DataFrame:
    """The quarter's expected returns from the submissions board, in words and formatted numbers."""
    rows = []
    for r in shown["returns"]:
        current = r["submission"] or {}
        mine = registry[(registry["agency"] == r["agency"]) & (registry["return_id"] == r["return_id"])
                        & (registry["period"] == shown["period"])]
        refused = int((mine["status"] == "QUARANTINED").sum())
        missing = r["received_at"] is None
        status = ("Overdue" if missing and r["status"] == "LATE"
                  else STATUS_WORDS.get(r["status"], r["status"]))
        readable = current.get("status") in LOADED
        rows.append({
            "Agency": agency_label(r["agency"]), "Return": RETURN_TITLES.get(r["return_id"], r["return_id"]),
            "Due": r["due"], "Received (UTC)": _received(r["received_at"]) or "not received",
            "Working days late": count(r["days_late"]) + (" so far" if missing and r["days_late"] else ""),
            "Status": status,
            "Files sent": count(r["submissions"]) + (f" ({count(refused)} refused)" if refused else ""),
            "Latest file": (current.get("sha256") or "")[:12],
            "Rows read": count(current.get("rows_read")) if readable else "",
            "Rejected": percent(current.get("rows_rejected"), current.get("rows_read")) if readable else "",
            "Queried": percent(current.get("rows_queried"), current.get("rows_read")) if readable else "",
            "_class": "missing" if missing and r["status"] == "LATE" else "late" if r["status"] == "LATE"
            else "ontime" if r["status"] == "ON TIME" else ""})
    return pd.DataFrame(rows)


def gather(period: str, warehouse_url: str, today: dt.date | None = None) -> dict:
    """The report's data, read from the warehouse, as of `today` (lateness is judged on that day)."""
    today = today or dt.datetime.now(dt.UTC).date()
    eng = warehouse.engine(warehouse_url)
    with eng.connect() as conn:
        registry = _registry(conn)
        issue = warehouse.dq_issue
        file_rules = {submission_id: f"{rule_id} {RULE_TITLES.get(rule_id, '')}".strip()
                      for submission_id, rule_id in conn.execute(
                          sa.select(issue.c.submission_id, issue.c.rule_id).where(issue.c.severity == "FILE"))}
        queue = warehouse.dq_match_review
        review = conn.execute(sa.select(sa.func.count()).select_from(queue).where(queue.c.decision.is_(None))).scalar()
        fct = warehouse.fct_indicator_value
        duplicates = pd.DataFrame(conn.execute(
            sa.select(fct.c.indicator_id, fct.c.breakdown, fct.c.numerator, fct.c.denominator, fct.c.value)
            .where(fct.c.period == period, fct.c.indicator_id.in_(["DQ-02", "POL-04"]))
            .order_by(fct.c.indicator_id, fct.c.breakdown)).mappings().all(),
            columns=["indicator_id", "breakdown", "numerator", "denominator", "value"])
    held = sorted({p for p in registry["period"] if p <= period} | {period})[-QUARTERS_CHARTED:]
    boards = {p: board.board(warehouse_url, p, today) for p in held}
    this = registry[registry["period"] == period].sort_values(["agency", "return_id", "received_at"])
    known = {t.agency for t in schemas.TABLES}
    files = pd.DataFrame({
        "Agency": [agency_label(a) if a in known else UNKNOWN_FOLDER for a in this["agency"]],
        "Return": [RETURN_TITLES.get(r, r) if isinstance(r, str) else "(not recognised)" for r in this["return_id"]],
        "File (sha256)": this["sha256"].str.slice(0, 12), "Received (UTC)": this["received_at"].map(_received),
        "Status": [FILE_STATUS_WORDS.get(s, s) if isinstance(s, str) else "Registered" for s in this["status"]],
        "_refused": this["status"] == "QUARANTINED", "Rows read": this["rows_read"].map(count),
        "Rejected": [percent(r, n) for r, n in zip(this["rows_rejected"], this["rows_read"], strict=True)],
        "Queried": [percent(q, n) for q, n in zip(this["rows_queried"], this["rows_read"], strict=True)],
        "Problem": [file_rules.get(submission_id, "") for submission_id in this["submission_id"]]})
    titles = {i.id: i.title for i in catalogue()}
    duplicates = pd.DataFrame({
        "Indicator": [f"{i} {titles.get(i, '')}".strip() for i in duplicates["indicator_id"]],
        "Agency": [agency_label(b) if b else "All agencies" if i == "DQ-02" else "Police"
                   for i, b in zip(duplicates["indicator_id"], duplicates["breakdown"], strict=True)],
        "Extra records": duplicates["numerator"].map(count), "Person records": duplicates["denominator"].map(count),
        "Duplicate rate": [f"{float(v):.1f}%" if v is not None and not pd.isna(v) else "no data"
                           for v in duplicates["value"]]})
    waiting = value_map.unmapped(warehouse_url, period=period)
    unmapped = (waiting.groupby(["agency", "return_id", "column"], as_index=False)
                .agg(values=("raw_value", "size"), rows=("rows", "sum")))
    unmapped = pd.DataFrame({"Agency": unmapped["agency"].map(agency_label),
                             "Return": unmapped["return_id"].map(lambda r: RETURN_TITLES.get(r, r)),
                             "Column": unmapped["column"], "Values not read": unmapped["values"].map(count),
                             "Rows": unmapped["rows"].map(count)})
    rates = rejection_rates(registry[registry["period"].isin(held)])
    return {"period": period, "today": today, "held": held, "board": boards[period],
            "returns": _returns_table(boards[period], registry), "files": files, "rates": rates,
            "timeliness": timeliness(boards), "duplicates": duplicates, "review": int(review or 0),
            "unmapped": unmapped, "unmapped_values": int(len(waiting)),
            "unmapped_rows": int(waiting["rows"].sum()) if len(waiting) else 0,
            "latest": rejection_rates(registry[registry["period"] == period])}


# --- the page --------------------------------------------------------------------------------------------------------

def _table(frame: pd.DataFrame, numeric: set[str] = frozenset(), caption: str = "") -> str:
    """A table of already formatted values, every one escaped; a `_class` column styles its row's status cell."""
    if frame.empty:
        return "<p class='nodata'>None.</p>"
    shown = [c for c in frame.columns if not c.startswith("_")]
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in shown)
    rows = []
    for record in records(frame):
        cells = []
        for c in shown:
            value = record[c]
            text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            classes = (["num"] if c in numeric else []) + (["date"] if c in DATE_COLUMNS else []) + (
                [record["_class"]] if c == "Status" and record.get("_class") else [])
            cells.append(f"<td{' class=' + repr(' '.join(classes)) if classes else ''}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption class='sr'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _agencies(frame: pd.DataFrame) -> list[str]:
    order = list(AGENCY_LABELS)
    return sorted(dict.fromkeys(frame["agency"]), key=lambda a: (order.index(a) if a in order else len(order), a))


def _rejection_section(data: dict) -> str:
    rates, held = data["rates"], data["held"]
    labels = [f"{quarter_label(p)}\n{p}" for p in held]
    agencies = _agencies(rates)
    cell = {(r["agency"], r["period"]): r for r in records(rates)}
    series = [(agency_label(a), [cell[(a, p)]["rate"] if (a, p) in cell else None for p in held]) for a in agencies]
    chart = multi_line_chart(held, series, "percent", "Rejected rows by agency, % of rows read, by quarter",
                             "% of rows read that were rejected", labels)
    table = pd.DataFrame([{"Agency": agency_label(a), **{
        quarter_label(p): (f"{percent(cell[(a, p)]['rows_rejected'], cell[(a, p)]['rows_read'])} "
                           f"({count(cell[(a, p)]['rows_rejected'])} of {count(cell[(a, p)]['rows_read'])})"
                           if (a, p) in cell and cell[(a, p)]["rows_read"] else
                           "no rows read" if (a, p) in cell else "nothing loaded")
        for p in held}} for a in agencies])
    return ("<h2 id='rejected'>Rejected rows by agency, % of rows read, by quarter</h2>"
            "<figure class='wide'><figcaption>Rows rejected as a share of rows read, per agency and quarter, over the "
            "latest loaded file of each of its returns (a resubmission replaces the file before it). A rejected row "
            "could not be counted (its id or its own date blank or unreadable); queried rows are loaded and are not "
            f"in this rate.</figcaption>{chart}</figure>"
            + _table(table, set(table.columns) - {"Agency"}, "Rejected rows by agency and quarter"))


def _timeliness_section(data: dict) -> str:
    frame, held = data["timeliness"], data["held"]
    labels = [f"{quarter_label(p)}\n{p}" for p in held]
    agencies = _agencies(frame)
    cell = {(r["agency"], r["period"]): r for r in records(frame)}
    series = [(agency_label(a), [None if (a, p) not in cell or pd.isna(cell[(a, p)]["days"])
                                 else float(cell[(a, p)]["days"]) for p in held]) for a in agencies]
    chart = multi_line_chart(held, series, "days", "Working days late by agency, by quarter",
                             "working days after the due date", labels)

    def words(row: dict | None) -> str:
        if row is None or pd.isna(row["days"]):
            return "not yet due"
        text = count(row["days"])
        if row["missing"]:
            text += f" ({count(row['missing'])} of {count(row['expected'])} not received)"
        elif row["late"]:
            text += f" ({count(row['late'])} of {count(row['expected'])} late)"
        return text

    table = pd.DataFrame([{"Agency": agency_label(a), **{quarter_label(p): words(cell.get((a, p))) for p in held}}
                          for a in agencies])
    return ("<h2 id='timeliness'>Timeliness by agency, working days late, by quarter</h2>"
            "<figure class='wide'><figcaption>For each agency and quarter, the working days after the due date "
            "(15 working days after the quarter ends; weekends and bank holidays not counted) of the latest of its "
            "returns: 0 when every return came on time. A return still not received counts the working days so far, "
            "as of "
            f"{html.escape(data['today'].isoformat())}.</figcaption>{chart}</figure>"
            + _table(table, set(table.columns) - {"Agency"}, "Working days late by agency and quarter"))


def _glance(data: dict) -> str:
    returns = data["board"]["returns"]
    on_time = sum(r["status"] == "ON TIME" for r in returns)
    late = sum(r["status"] == "LATE" and r["received_at"] is not None for r in returns)
    missing = sum(r["status"] == "LATE" and r["received_at"] is None for r in returns)
    awaited = sum(r["status"] == "AWAITED" for r in returns)
    files = data["files"]
    refused = int(files["_refused"].sum()) if len(files) else 0
    latest = data["latest"]
    read, rejected = int(latest["rows_read"].sum()), int(latest["rows_rejected"].sum())
    items = [
        f"Returns due {data['board']['due']}: {count(len(returns))} expected, {count(on_time)} on time, "
        f"{count(late)} late, {count(missing)} not received and overdue"
        + (f", {count(awaited)} not yet due" if awaited else "") + ".",
        f"{count(len(files))} files registered, {count(refused)} refused (quarantined).",
        f"{count(read)} rows read in the latest files, {count(rejected)} rejected"
        + (f" ({percent(rejected, read)})" if read else "") + ".",
        f"{count(data['review'])} pairs of person records awaiting a decision in match review.",
        f"{count(data['unmapped_values'])} coded values no code list could read, in {count(data['unmapped_rows'])} "
        "rows.",
    ]
    return "<ul class='glance'>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


def render(data: dict, now: dt.datetime) -> str:
    """The report's HTML."""
    period = data["period"]
    stamp = generated_at(now)
    ending = period_end(period)
    quarter = f"{quarter_label(period)}, quarter ending {ending.day} {ending:%B %Y}"
    files = data["files"]
    quarantined = int(files["_refused"].sum()) if len(files) else 0
    body = (
        "<p class='about'>What this report is: the analyst's check on the quarter's returns before the partnership "
        "dataset is used. It shows which returns arrived by their due date, how many rows were rejected, agency by "
        "agency and quarter by quarter, duplicate person records, pairs of records waiting for review and coded "
        "values no code list could read. Internal: for the partnership analyst, not for publication.</p>"
        "<h2 id='glance'>At a glance</h2>" + _glance(data)
        + f"<h2 id='submissions'>Submissions for {html.escape(quarter_label(period))}</h2>"
        f"<p>Every return the submission calendar expects for the quarter, due {html.escape(data['board']['due'])} "
        "(15 working days after the quarter ends). Received is the first readable file; working days late count "
        "from the due date to that day, weekends and bank holidays not counted. Rows are those of the latest "
        "file.</p>"
        + _table(data["returns"], {"Working days late", "Files sent", "Rows read", "Rejected", "Queried"},
                 "Submissions status for the quarter")
        + f"<h2 id='files'>Files registered for {html.escape(quarter_label(period))}</h2>"
        f"<p>{count(len(files))} files registered, {count(quarantined)} quarantined. A file is named by the start "
        "of its sha256 (its name as sent is in the workbench).</p>"
        + _table(files, {"Rows read", "Rejected", "Queried"}, "Files registered for the quarter")
        + _rejection_section(data) + _timeliness_section(data)
        + "<h2 id='duplicates'>Duplicate person records</h2>"
        "<p>Extra records of a person an agency already holds (records minus distinct reconciled people), as a "
        "share of its person records.</p>"
        + _table(data["duplicates"], {"Extra records", "Person records", "Duplicate rate"})
        + "<h2 id='review'>Match review queue</h2>"
        f"<p>{html.escape(count(data['review']))} pairs of person records the index was not sure of are awaiting a "
        "decision (workbench, Match review).</p>"
        + "<h2 id='unmapped'>Values we could not read</h2>"
        "<p>Coded values no code list could read, in the loaded returns of the quarter, counted per column (the "
        "values themselves are free text from the returns, so they are not published: list them with <code>assure "
        "values unmapped</code>). Map each once (<code>assure values map</code>): it is read in every later run of "
        "that agency's files.</p>"
        + _table(data["unmapped"], {"Values not read", "Rows"}))
    title = f"Data quality: {quarter}"
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}{EXTRA_STYLE}</style></head><body><header>"
            f"<h1>{html.escape(title)}</h1><div class='meta'>Generated <time datetime='{html.escape(stamp)}'>"
            f"{html.escape(stamp)}</time> (UTC) from the warehouse; lateness judged on "
            f"{html.escape(data['today'].isoformat())}. For the partnership analyst (internal).</div></header>"
            f"<main>{body}</main></body></html>\n")


def write_dq_report(period: str, warehouse_url: str, path: Path, now: dt.datetime | None = None) -> Path:
    """Write `data_quality_<period>.html`, generated at `now` (UTC; default the present moment)."""
    now = now or dt.datetime.now(dt.UTC)
    data = gather(period, warehouse_url, now.astimezone(dt.UTC).date())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data, now), encoding="utf-8")
    return path
