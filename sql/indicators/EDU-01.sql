-- EDU-01: suspensions and permanent exclusions starting in the quarter: events (headline, SUSP + PERM), events
-- per category (lunchtime exclusions on their own, outside the headline), and distinct children suspended or
-- excluded: the reconciled person (core_person_link on the UPN), so two UPNs of one child count once; the UPN
-- itself when not linked.
WITH events AS (
    SELECT s.category, COALESCE(l.person_key, 'upn:' || s.upn) AS child
      FROM hst_edu_suspension s
      LEFT JOIN core_person_link l ON l.source = 'edu_suspensions' AND l.record_id = s.upn
     WHERE s.start_date >= :q_start AND s.start_date <= :period_end
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
SELECT 'children', COUNT(DISTINCT child), NULL FROM events WHERE category IN ('SUSP', 'PERM')
