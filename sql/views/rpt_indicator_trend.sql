-- The trend for reporting tools: the rows of fct_indicator_trend (for each computed period, the last five quarters
-- of every indicator and breakdown, each as computed for its own quarter, with what was first published for it and
-- whether it was revised since), with the indicator's title and the breakdown's label. Columns:
-- docs/reporting_views.md.
--
-- Portable SQL (SQLite and PostgreSQL 15), no parameters. Created by transforms/warehouse/engine.py as
-- `CREATE VIEW rpt_indicator_trend AS` this query (whole-line comments dropped).
SELECT
    t.data_period AS data_period,
    t.indicator_id AS indicator_id,
    i.title AS title,
    i.area AS area,
    t.quarter AS quarter,
    t.breakdown AS breakdown,
    COALESCE(l.label, CASE WHEN t.breakdown = '' THEN 'All' ELSE t.breakdown END) AS breakdown_label,
    t.numerator AS numerator,
    t.denominator AS denominator,
    t.value AS value,
    t.unit AS unit,
    t.published_value AS published_value,
    t.revised AS revised,
    t.history_incomplete AS history_incomplete,
    t.run_id AS run_id
FROM fct_indicator_trend t
LEFT JOIN dim_indicator i
    ON i.indicator_id = t.indicator_id
LEFT JOIN dim_breakdown_label l
    ON l.indicator_id = t.indicator_id AND l.breakdown = t.breakdown
