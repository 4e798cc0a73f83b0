-- CSC-06: % of CP plans starting in R for a child whose earlier plan ended within 2 years before the start.
-- One stream per child of plan ends and plan starts, in date order with an end before a start on the same day:
-- the latest end seen before a start is the child's most recent earlier plan ending on or before that start
-- (a plan ending after the next one starts cannot qualify). A window over the stream, not a self-join, so the
-- cost stays n log n on both databases. "Within 2 years": on or after the start's date 2 years earlier (year
-- moved back as text). A plan that starts and ends on one day is not an earlier plan of itself (its end sorts
-- after its own start, kind 2) but is one of any later plan. Earlier plans come from every quarter's return held
-- (hst_: plans that ended before this return's window are read from the earlier returns that held them); the
-- value is flagged "history incomplete" until those reach 36 months before E (catalogue history_months).
WITH plans AS (
    SELECT child_id, cpp_start_date, cpp_end_date FROM hst_csc_cp_plan
),
events AS (
    SELECT child_id, cpp_end_date AS event_date,
           CASE WHEN cpp_end_date = cpp_start_date THEN 2 ELSE 0 END AS kind FROM plans
     WHERE cpp_end_date IS NOT NULL AND cpp_end_date >= cpp_start_date
    UNION ALL
    SELECT DISTINCT child_id, cpp_start_date, 1 FROM plans
),
starts AS (
    SELECT event_date AS cpp_start_date, kind,
           MAX(CASE WHEN kind <> 1 THEN event_date END)
               OVER (PARTITION BY child_id ORDER BY event_date, kind ROWS UNBOUNDED PRECEDING) AS last_end
      FROM events
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN last_end >= CAST(CAST(SUBSTR(cpp_start_date, 1, 4) AS INTEGER) - 2 AS TEXT)
                                          || SUBSTR(cpp_start_date, 5)
                         THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM starts
 WHERE kind = 1 AND cpp_start_date > :r_start AND cpp_start_date <= :period_end
