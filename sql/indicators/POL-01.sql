-- POL-01: PPNs submitted in the quarter by type; every type listed.
WITH notices AS (
    SELECT ppn_type
      FROM hst_police_ppn
     WHERE submitted_date >= :q_start AND submitted_date <= :period_end
),
types AS (
    SELECT 'DOMESTIC_ABUSE' AS code UNION ALL SELECT 'CHILD_CONCERN' UNION ALL SELECT 'MISSING'
    UNION ALL SELECT 'EXPLOITATION' UNION ALL SELECT 'ONLINE_HARM' UNION ALL SELECT 'OTHER'
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM notices
UNION ALL
SELECT t.code, COUNT(n.ppn_type), (SELECT COUNT(*) FROM notices)
  FROM types t
  LEFT JOIN notices n ON n.ppn_type = t.code
 GROUP BY t.code
