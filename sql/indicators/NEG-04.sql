-- NEG-04: % of neglect CP plans starting in FYTD that follow an earlier neglect plan ending within 24 months
-- (on or before the start, on or after the start's date 2 years earlier). Neglect plan: neglect is the initial
-- or latest category. Same stream-and-window method as CSC-06, over neglect plans only.
WITH plans AS (
    SELECT child_id, cpp_start_date, cpp_end_date
      FROM hst_csc_cp_plan
     WHERE (initial_category = 'NEG' OR latest_category = 'NEG')
),
events AS (
    SELECT child_id, cpp_end_date AS event_date, 0 AS is_start FROM plans
     WHERE cpp_end_date IS NOT NULL AND cpp_end_date > cpp_start_date
    UNION ALL
    SELECT DISTINCT child_id, cpp_start_date, 1 FROM plans
),
starts AS (
    SELECT event_date AS cpp_start_date, is_start,
           MAX(CASE WHEN is_start = 0 THEN event_date END)
               OVER (PARTITION BY child_id ORDER BY event_date, is_start ROWS UNBOUNDED PRECEDING) AS last_end
      FROM events
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN last_end >= CAST(CAST(SUBSTR(cpp_start_date, 1, 4) AS INTEGER) - 2 AS TEXT)
                                          || SUBSTR(cpp_start_date, 5)
                         THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM starts
 WHERE is_start = 1 AND cpp_start_date >= :fytd_start AND cpp_start_date <= :period_end
