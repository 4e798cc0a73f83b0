-- CSC-05: % of CP plans open at E that started 18 months or more before E (on or before E minus 18 months).
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN cpp_start_date <= :e_minus_18m THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM stg_csc_cp_plan
 WHERE period = :data_period
   AND cpp_start_date <= :period_end
   AND (cpp_end_date IS NULL OR cpp_end_date > :period_end)
