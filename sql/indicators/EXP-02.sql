-- EXP-02: of the individuals open on the vulnerability tracker at E, % newly identified in the quarter
-- (headline) and % receiving intervention (status as returned).
WITH open_cases AS (
    SELECT individual_id,
           MAX(CASE WHEN identified_date >= :q_start THEN 1 ELSE 0 END) AS new_in_quarter,
           MAX(CASE WHEN status = 'INTERVENTION' THEN 1 ELSE 0 END) AS intervention
      FROM hst_vulnerability_tracker
     WHERE identified_date <= :period_end
       AND (closed_date > :period_end OR (closed_date IS NULL AND status <> 'CLOSED'))
     GROUP BY individual_id
)
SELECT '' AS breakdown, COALESCE(SUM(new_in_quarter), 0) AS numerator, COUNT(*) AS denominator FROM open_cases
UNION ALL
SELECT 'intervention', COALESCE(SUM(intervention), 0), COUNT(*) FROM open_cases
