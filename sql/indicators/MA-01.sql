-- MA-01: % of children starting a CP plan in R with a police domestic abuse PPN about them submitted in the
-- 12 months up to and including the plan's start. CSC child and police person meet through the master person
-- index (csc_child_identity and police_nominals links); a child not linked counts as a child with no PPN.
-- One stream per person of PPNs and plan starts in date order (a PPN before a start on the same day): the latest
-- PPN seen at a start is the best candidate, so a window replaces a join between the two.
WITH starts AS (
    SELECT DISTINCT p.cpp_start_date, i.person_key, COALESCE(i.person_key, 'csc:' || p.child_id) AS child
      FROM hst_csc_cp_plan p
      LEFT JOIN core_person_link i ON i.source = 'csc_child_identity' AND i.record_id = p.child_id
     WHERE p.cpp_start_date > :r_start AND p.cpp_start_date <= :period_end
),
events AS (
    SELECT person_key, cpp_start_date AS event_date, 1 AS is_start, child FROM starts
     WHERE person_key IS NOT NULL
    UNION ALL
    SELECT l.person_key, n.submitted_date, 0, NULL
      FROM hst_police_ppn n
      JOIN core_person_link l ON l.source = 'police_nominals' AND l.record_id = n.police_person_id
     WHERE n.ppn_type = 'DOMESTIC_ABUSE'
),
latest AS (
    SELECT child, is_start, event_date,
           MAX(CASE WHEN is_start = 0 THEN event_date END)
               OVER (PARTITION BY person_key ORDER BY event_date, is_start ROWS UNBOUNDED PRECEDING) AS last_notice
      FROM events
)
SELECT '' AS breakdown,
       (SELECT COUNT(DISTINCT child) FROM latest
         WHERE is_start = 1
           AND last_notice >= CAST(CAST(SUBSTR(event_date, 1, 4) AS INTEGER) - 1 AS TEXT) || SUBSTR(event_date, 5)
       ) AS numerator,
       (SELECT COUNT(DISTINCT child) FROM starts) AS denominator
