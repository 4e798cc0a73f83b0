"""The analyst's data-quality report: submission status, rejection rates by agency over time, duplicate rates,
the size of the match review queue and the values we could not read. One self-contained HTML page, from the
warehouse tables.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

import schemas
from schemas.file_rules import FILE_RULES
from transforms import warehouse
from transforms.ingest import value_map
from transforms.publish.dashboard import STYLE

RULE_TITLES = {rule.rule_id: rule.title for rule in FILE_RULES}
UNKNOWN_FOLDER = "(a folder that is no agency's)"


def _table(frame: pd.DataFrame, numeric: set[str] = frozenset()) -> str:
    if frame.empty:
        return "<p class='nodata'>None.</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(
        f"<td{' class=num' if c in numeric else ''}>{html.escape('' if pd.isna(v) else str(v))}</td>"
        for c, v in zip(frame.columns, row, strict=True)) + "</tr>" for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).round(1)


def gather(period: str, warehouse_url: str) -> dict[str, pd.DataFrame]:
    """The report's tables, read from the warehouse."""
    eng = warehouse.engine(warehouse_url)
    reg = warehouse.raw_submission
    with eng.connect() as conn:
        registry = pd.DataFrame(conn.execute(sa.select(reg)).mappings().all(), columns=[c.name for c in reg.columns])
        issue = warehouse.dq_issue
        file_rules = {submission_id: f"{rule_id} {RULE_TITLES.get(rule_id, '')}".strip()
                      for submission_id, rule_id in conn.execute(
                          sa.select(issue.c.submission_id, issue.c.rule_id).where(issue.c.severity == "FILE"))}
        review = (conn.execute(sa.select(sa.func.count()).select_from(warehouse.dq_match_review)
                               .where(warehouse.dq_match_review.c.decision.is_(None))).scalar()
                  if "dq_match_review" in warehouse.METADATA.tables else None)
        fct = warehouse.fct_indicator_value
        duplicates = pd.DataFrame(conn.execute(
            sa.select(fct.c.indicator_id, fct.c.breakdown, fct.c.numerator, fct.c.denominator, fct.c.value)
            .where(fct.c.period == period, fct.c.indicator_id.in_(["DQ-02", "POL-04"]))).mappings().all(),
            columns=["indicator_id", "breakdown", "numerator", "denominator", "value"])
    duplicates = duplicates.astype({"numerator": "Int64", "denominator": "Int64"}).round({"value": 1})
    this = registry[registry["period"] == period].sort_values(["agency", "return_id", "received_at"])
    # Published, so catalogued words only (DESIGN.md section 9): a file is named by its sha256 prefix (its name as
    # sent may hold anything, a person's name included), an agency folder we do not know is not named, a problem is
    # its FILE rule (the detail may quote a sheet name or a header), and values we could not read are counted.
    known = {t.agency for t in schemas.TABLES}
    status = pd.DataFrame({
        "agency": this["agency"].where(this["agency"].isin(known), UNKNOWN_FOLDER),
        "return": this["return_id"].fillna("(not recognised)"), "submission": this["sha256"].str.slice(0, 12),
        "received": this["received_at"].str.slice(0, 16).str.replace("T", " "), "status": this["status"],
        "rows read": this["rows_read"], "rejected %": _percent(this["rows_rejected"], this["rows_read"]),
        "queried %": _percent(this["rows_queried"], this["rows_read"]),
        "problem": [file_rules.get(submission_id, "") for submission_id in this["submission_id"]]})
    loaded = registry[registry["status"].isin(["ACCEPTED", "PARTIAL"])]
    by_agency = loaded.groupby(["agency", "period"])[["rows_rejected", "rows_read"]].sum().reset_index()
    by_agency["rejected %"] = _percent(by_agency["rows_rejected"], by_agency["rows_read"])
    over_time = by_agency.pivot(index="agency", columns="period", values="rejected %").reset_index()
    over_time.columns = [str(c) for c in over_time.columns]
    waiting = value_map.unmapped(warehouse_url, period=period)
    unmapped = (waiting.groupby(["agency", "return_id", "column"], as_index=False)
                .agg(values=("raw_value", "size"), rows=("rows", "sum"))
                .rename(columns={"return_id": "return", "values": "values not read"}))
    return {"status": status, "over_time": over_time, "duplicates": duplicates,
            "review": pd.DataFrame({"awaiting decision": [review if review is not None else "not yet built"]}),
            "unmapped": unmapped}


def write_dq_report(period: str, warehouse_url: str, path: Path) -> Path:
    """Write `data_quality_<period>.html`."""
    tables = gather(period, warehouse_url)
    quarantined = int((tables["status"]["status"] == "QUARANTINED").sum())
    body = (
        f"<h2>Submissions for the quarter ending {html.escape(period)}</h2>"
        f"<p>{len(tables['status'])} files registered, {quarantined} quarantined.</p>"
        f"{_table(tables['status'], {'rows read', 'rejected %', 'queried %'})}"
        "<h2>Rejected rows by agency, % of rows read, by quarter</h2>"
        f"{_table(tables['over_time'], set(tables['over_time'].columns) - {'agency'})}"
        "<h2>Duplicate person records</h2>"
        f"{_table(tables['duplicates'], {'numerator', 'denominator', 'value'})}"
        "<h2>Match review queue</h2>"
        f"{_table(tables['review'], {'awaiting decision'})}"
        "<h2>Values we could not read</h2>"
        "<p>Coded values no code list could read, in the loaded returns of the quarter, counted per column (the values "
        "themselves are free text from the returns, so they are not published: list them with <code>assure values "
        "unmapped</code>). Map each once (<code>assure values map</code>): it is read in every later run of that "
        "agency's files.</p>"
        f"{_table(tables['unmapped'], {'rows'})}")
    page = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Data quality {period}</title>'
            f"<style>{STYLE}</style></head><body><header><h1>Data quality: quarter ending {html.escape(period)}"
            f"</h1><div>For the partnership analyst (internal).</div></header><main>{body}</main></body></html>\n")
    path.write_text(page, encoding="utf-8")
    return path
