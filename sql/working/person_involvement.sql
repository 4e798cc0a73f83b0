-- Each agency's involvement with a person, from the period's submissions, resolved to people once, so the five
-- quarters MA-04 is computed for share one look-up of every record in core_person_link. One row per
-- linked record: the agency and the dates it was involved, as an interval. An event (a referral, a notice, a
-- missing episode, a suspension) starts and ends on its day; an open case has no end. A quarter's rolling year R
-- takes the rows with start_date <= :period_end AND (end_date IS NULL OR end_date > :r_start), which is each
-- source's own test ("referred in R", "open at some time in R") written once. A tracker entry closed without a
-- closing date is never open, so it is left out here. Rows are inserted in the index's order (appended, not
-- scattered through the B-tree).
INSERT INTO wrk_person_involvement (person_key, agency, start_date, end_date)
WITH involvement AS (
    SELECT 'csc' AS agency, 'csc_child_identity' AS source, child_id AS record_id,
           referral_date AS start_date, referral_date AS end_date
      FROM hst_csc_referral
    UNION ALL
    SELECT 'csc', 'csc_child_identity', child_id, cin_start_date, cin_closure_date
      FROM hst_csc_cin
    UNION ALL
    SELECT 'csc', 'csc_child_identity', child_id, cpp_start_date, cpp_end_date
      FROM hst_csc_cp_plan
    UNION ALL
    SELECT 'csc', 'csc_child_identity', child_id, lac_start_date, lac_end_date
      FROM hst_csc_looked_after
    UNION ALL
    SELECT 'police', 'police_nominals', police_person_id, submitted_date, submitted_date
      FROM hst_police_ppn
    UNION ALL
    SELECT 'police', 'police_nominals', police_person_id, SUBSTR(missing_from, 1, 10), SUBSTR(missing_from, 1, 10)
      FROM hst_police_missing
    UNION ALL
    SELECT 'health', 'health_safeguarding', referral_id, referral_date, referral_date
      FROM hst_health_referral
    UNION ALL
    SELECT 'education', 'edu_suspensions', upn, start_date, start_date
      FROM hst_edu_suspension
    UNION ALL
    SELECT 'education', 'edu_cme', cme_id, identified_date, resolved_date
      FROM hst_edu_cme
    UNION ALL
    SELECT 'partnership', 'vulnerability_tracker', individual_id, identified_date, closed_date
      FROM hst_vulnerability_tracker
     WHERE (closed_date IS NOT NULL OR status <> 'CLOSED')
)
SELECT l.person_key, v.agency, v.start_date, v.end_date
  FROM involvement v
  JOIN core_person_link l ON l.source = v.source AND l.record_id = v.record_id
 WHERE v.start_date IS NOT NULL
 ORDER BY l.person_key, v.agency, v.start_date, v.end_date
