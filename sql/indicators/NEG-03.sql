-- NEG-03: of the CP plans open at E for 12 months or more (started on or before E minus 12 months),
-- % where neglect is the initial or latest category.
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN initial_category = 'NEG' OR latest_category = 'NEG' THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM hst_csc_cp_plan
 WHERE cpp_start_date <= :r_start
   AND (cpp_end_date IS NULL OR cpp_end_date > :period_end)
