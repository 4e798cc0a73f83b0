-- CSC-05: % of CP plans open at E that had been open 18 months or more at E: the start plus 18 calendar months is on
-- or before E (:e_minus_18m, the latest such start: for E = 30 June it is 31 December, whose 18 months end on
-- 30 June, periods.latest_start).
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN cpp_start_date <= :e_minus_18m THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM hst_csc_cp_plan
 WHERE cpp_start_date <= :period_end
   AND (cpp_end_date IS NULL OR cpp_end_date > :period_end)
