-- EDU-01: suspensions and permanent exclusions starting in the quarter: events (headline, SUSP + PERM), events
-- per category (lunchtime exclusions on their own, outside the headline), distinct pupils suspended or excluded.
WITH events AS (
    SELECT upn, category
      FROM stg_edu_suspension
     WHERE period = :data_period AND start_date >= :q_start AND start_date <= :period_end
),
categories AS (
    SELECT 'SUSP' AS code UNION ALL SELECT 'PERM' UNION ALL SELECT 'LNCH'
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN category IN ('SUSP', 'PERM') THEN 1 ELSE 0 END), 0) AS numerator,
       CAST(NULL AS INTEGER) AS denominator
  FROM events
UNION ALL
SELECT c.code, COUNT(e.category), NULL
  FROM categories c
  LEFT JOIN events e ON e.category = c.code
 GROUP BY c.code
UNION ALL
SELECT 'children', COUNT(DISTINCT upn), NULL FROM events WHERE category IN ('SUSP', 'PERM')
