-- CSC-04: % of children on a CP plan at E, by the plan's initial category of abuse; headline: children on a plan.
WITH open_plans AS (
    SELECT child_id, initial_category
      FROM hst_csc_cp_plan
     WHERE cpp_start_date <= :period_end
       AND (cpp_end_date IS NULL OR cpp_end_date > :period_end)
),
categories AS (
    SELECT 'NEG' AS code UNION ALL SELECT 'PHY' UNION ALL SELECT 'EMO' UNION ALL SELECT 'SAB' UNION ALL SELECT 'MUL'
)
SELECT '' AS breakdown,
       (SELECT COUNT(DISTINCT child_id) FROM open_plans) AS numerator,
       CAST(NULL AS INTEGER) AS denominator,
       'count' AS unit
UNION ALL
SELECT c.code,
       COUNT(DISTINCT o.child_id),
       (SELECT COUNT(DISTINCT child_id) FROM open_plans),
       'percent'
  FROM categories c
  LEFT JOIN open_plans o ON o.initial_category = c.code
 GROUP BY c.code
