-- The youngest date of birth held for each person in the period's submissions (MAX of ISO dates), resolved to
-- people once: MA-04 asks it of every person known in each of five quarters, and the answer depends on
-- the period's submissions only, not on the quarter. A conflicting later birth date keeps a person a child.
INSERT INTO wrk_person_birth (person_key, date_of_birth)
WITH births AS (
    SELECT 'csc_child_identity' AS source, child_id AS record_id, date_of_birth
      FROM hst_csc_child_identity
    UNION ALL
    SELECT 'police_nominals', police_person_id, date_of_birth FROM hst_police_nominal
    UNION ALL
    SELECT 'health_safeguarding', referral_id, date_of_birth FROM hst_health_referral
    UNION ALL
    SELECT 'edu_suspensions', upn, date_of_birth FROM hst_edu_suspension
    UNION ALL
    SELECT 'edu_cme', cme_id, date_of_birth FROM hst_edu_cme
    UNION ALL
    SELECT 'vulnerability_tracker', individual_id, date_of_birth FROM hst_vulnerability_tracker
)
SELECT l.person_key, MAX(b.date_of_birth)
  FROM births b
  JOIN core_person_link l ON l.source = b.source AND l.record_id = b.record_id
 GROUP BY l.person_key
