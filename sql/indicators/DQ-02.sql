-- DQ-02: within-agency duplicate person rate: of each agency's person records in the period's returns, % whose
-- reconciled person is shared with another person record of the same agency (records per agency and person
-- counted by a window). Only returns whose record id is the agency's id for a person (one per agency) are
-- person records; health referrals and missing-education cases are events. An unlinked record counts as its
-- own person. Uses the period evaluated, like POL-04.
WITH records AS (
    SELECT agency, child_id AS record_id, 'csc_child_identity' AS source FROM stg_csc_child_identity
     WHERE period = :period
    UNION
    SELECT agency, police_person_id, 'police_nominals' FROM stg_police_nominal WHERE period = :period
    UNION
    SELECT agency, upn, 'edu_suspensions' FROM stg_edu_suspension WHERE period = :period AND upn IS NOT NULL
    UNION
    SELECT agency, individual_id, 'vulnerability_tracker' FROM stg_vulnerability_tracker WHERE period = :period
),
flagged AS (
    SELECT r.agency,
           CASE WHEN l.person_key IS NOT NULL
                 AND COUNT(*) OVER (PARTITION BY r.agency, l.person_key) > 1 THEN 1 ELSE 0 END AS duplicate
      FROM records r
      LEFT JOIN core_person_link l ON l.source = r.source AND l.record_id = r.record_id
)
SELECT '' AS breakdown, COALESCE(SUM(duplicate), 0) AS numerator, COUNT(*) AS denominator FROM flagged
UNION ALL
SELECT agency, SUM(duplicate), COUNT(*) FROM flagged GROUP BY agency
