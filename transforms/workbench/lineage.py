"""Lineage of a published value: the indicator's definition and its source, the SQL that computed it, the numerator
and denominator with the agencies they came from, the submissions used (earlier quarters' included), and the rows of
those submissions that were queried."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

import schemas
from schemas.rules import QUERY
from transforms import warehouse
from transforms.dataset import REGISTRY, catalogue

QUERIED_SHOWN = 50  # query rules listed per page (the feedback holds every row)


def indicator(indicator_id: str):
    """The catalogue entry, or None."""
    return next((i for i in catalogue() if i.id == indicator_id), None)


def source_agencies(sources: tuple[str, ...]) -> dict[str, list[str]]:
    """agency -> the returns (table ids) of an indicator that are that agency's."""
    owner = {t.table_id: t.agency for t in schemas.TABLES}
    found: dict[str, list[str]] = {}
    for source in sources:
        found.setdefault("all agencies" if source == REGISTRY else owner.get(source, "?"), []).append(source)
    return found


def lineage(url: str, indicator_id: str, period: str) -> dict | None:
    """Everything behind an indicator's value for a period; None for an unknown indicator."""
    entry = indicator(indicator_id)
    if entry is None:
        return None
    fct, lin, reg, issue = (warehouse.fct_indicator_value, warehouse.fct_indicator_lineage,
                            warehouse.raw_submission, warehouse.dq_issue)
    with warehouse.engine(url).connect() as conn:
        values = [dict(r) for r in conn.execute(sa.select(fct).where(fct.c.indicator_id == indicator_id,
                                                                     fct.c.period == period)
                                                .order_by(fct.c.breakdown)).mappings()]
        used = [dict(r) for r in conn.execute(
            sa.select(reg.c.submission_id, reg.c.agency, reg.c.return_id, reg.c.file_name, reg.c.period,
                      reg.c.received_at, reg.c.sha256, reg.c.status, reg.c.rows_read, reg.c.rows_accepted,
                      reg.c.rows_rejected, reg.c.rows_queried)
            .join(lin, lin.c.submission_id == reg.c.submission_id)
            .where(lin.c.indicator_id == indicator_id, lin.c.period == period)
            .order_by(reg.c.agency, reg.c.return_id, reg.c.received_at)).mappings()]
        ids = [u["submission_id"] for u in used]
        queried = pd.DataFrame(columns=["agency", "return_id", "rule_id", "column", "message", "rows", "first_rows"])
        if ids:
            rows = conn.execute(
                sa.select(issue.c.agency, issue.c.return_id, issue.c.rule_id, issue.c.column, issue.c.message,
                          sa.func.count().label("rows"), sa.func.min(issue.c.row).label("first_row"))
                .where(issue.c.submission_id.in_(ids), issue.c.severity == QUERY)
                .group_by(issue.c.agency, issue.c.return_id, issue.c.rule_id, issue.c.column, issue.c.message)
                .order_by(sa.func.count().desc()).limit(QUERIED_SHOWN)).all()
            queried = pd.DataFrame(rows, columns=["agency", "return_id", "rule_id", "column", "message", "rows",
                                                  "first_row"])
    agencies = source_agencies(entry.sources)
    headline = next((v for v in values if v["breakdown"] == ""), values[0] if values else None)
    by_agency = []
    for agency, returns in agencies.items():
        # one source agency: the whole numerator and denominator are its records; several: the SQL combines them
        single = len(agencies) == 1 and headline is not None
        by_agency.append({"agency": agency, "returns": returns,
                          "numerator": headline["numerator"] if single else None,
                          "denominator": headline["denominator"] if single else None,
                          "submissions": sum(1 for u in used if u["agency"] == agency)})
    return {"indicator": entry, "period": period, "values": values, "sql": entry.sql, "by_agency": by_agency,
            "combined": len(agencies) > 1, "submissions": used, "queried": queried.to_dict("records")}


__all__ = ["indicator", "lineage", "source_agencies"]
