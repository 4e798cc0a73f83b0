-- The partnership dataset for reporting tools: one row per indicator, period and breakdown of fct_indicator_value
-- (the rows the published dataset CSV holds, every period computed), with the catalogue's words, the breakdown's
-- label, the comparator and what it is, and the quarter's commentary. Columns: docs/reporting_views.md.
--
-- Portable SQL (SQLite and PostgreSQL 15), no parameters. Created by transforms/warehouse/engine.py as
-- `CREATE VIEW rpt_indicator_value AS` this query (whole-line comments dropped).
-- breakdown_label: dim_breakdown_label's words, else the breakdown itself, 'All' for the headline ('').
-- comparator: the figure the RAG rating was computed with (fct_indicator_value); comparator_label, _source and
--   _kind describe the figure dim_comparator holds for the latest year not after the period's year (the same
--   choice transforms.dataset.comparator_details makes), only when the row has a comparator.
-- commentary: per indicator and period (every breakdown row of the indicator carries it), the analyst's edit when
--   there is one, else the draft.
SELECT
    f.indicator_id AS indicator_id,
    i.title AS title,
    i.area AS area,
    i.area_title AS area_title,
    f.unit AS unit,
    i.polarity AS polarity,
    i.definition_source AS definition_source,
    f.period AS period,
    f.breakdown AS breakdown,
    COALESCE(l.label, CASE WHEN f.breakdown = '' THEN 'All' ELSE f.breakdown END) AS breakdown_label,
    f.numerator AS numerator,
    f.denominator AS denominator,
    f.value AS value,
    f.comparator AS comparator,
    c.label AS comparator_label,
    c.source AS comparator_source,
    c.kind AS comparator_kind,
    f.rag AS rag,
    f.direction AS direction,
    f.compared_with AS compared_with,
    f.history_incomplete AS history_incomplete,
    f.note AS note,
    COALESCE(m.edited, m.draft) AS commentary,
    CASE WHEN m.edited IS NULL THEN 0 ELSE 1 END AS commentary_edited,
    f.run_id AS run_id
FROM fct_indicator_value f
LEFT JOIN dim_indicator i
    ON i.indicator_id = f.indicator_id
LEFT JOIN dim_breakdown_label l
    ON l.indicator_id = f.indicator_id AND l.breakdown = f.breakdown
LEFT JOIN dim_comparator c
    ON f.comparator IS NOT NULL
    AND c.indicator_id = f.indicator_id
    AND c.breakdown = f.breakdown
    AND c.year = (SELECT MAX(y.year) FROM dim_comparator y
                  WHERE y.indicator_id = f.indicator_id AND y.breakdown = f.breakdown
                    AND y.year <= CAST(SUBSTR(f.period, 1, 4) AS INTEGER))
LEFT JOIN fct_indicator_commentary m
    ON m.indicator_id = f.indicator_id AND m.period = f.period
