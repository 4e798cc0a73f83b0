-- NEG-05: % of CP plans starting in FYTD where neglect is the initial or latest category.
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN initial_category = 'NEG' OR latest_category = 'NEG' THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM hst_csc_cp_plan
 WHERE cpp_start_date >= :fytd_start AND cpp_start_date <= :period_end
