-- CSC-06D: % of CP plans starting in R that are a second or subsequent plan for the child at any time (DfE). A plan
-- start (child, day) is a repeat when Annex A's previous plans count on it is 1 or more, or when the child has a
-- plan starting on an earlier day in any quarter's return held (hst_). The count covers plans before any history
-- the warehouse holds, so the value is never short of history; a blank count with no earlier plan held is a
-- first plan (the loader holds the count as whole-number text or blank).
WITH starts AS (
    SELECT child_id, cpp_start_date,
           MAX(CASE WHEN CAST(previous_cpp_count AS INTEGER) >= 1 THEN 1 ELSE 0 END) AS counted
      FROM hst_csc_cp_plan
     WHERE cpp_start_date IS NOT NULL
     GROUP BY child_id, cpp_start_date
),
ordered AS (
    SELECT cpp_start_date, counted,
           LAG(cpp_start_date) OVER (PARTITION BY child_id ORDER BY cpp_start_date) AS earlier_start
      FROM starts
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN counted = 1 OR earlier_start IS NOT NULL THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM ordered
 WHERE cpp_start_date > :r_start AND cpp_start_date <= :period_end
