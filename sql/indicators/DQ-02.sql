-- DQ-02: within-agency duplicate person rate: of each agency's person records in the period's own returns, the share
-- that are extra records of a person the agency already holds: (records - distinct people) / records, per agency
-- and over all agencies (each agency's extra records summed). Only returns whose record id is the agency's id for
-- a person (one per agency) are person records; health referrals and missing-education cases are events. A record
-- not linked is its own person. Reads the period's own returns (stg_, :period), like POL-04.
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
per_agency AS (
    SELECT r.agency, COUNT(*) AS records,
           COUNT(DISTINCT COALESCE(l.person_key, r.source || ':' || r.record_id)) AS people
      FROM records r
      LEFT JOIN core_person_link l ON l.source = r.source AND l.record_id = r.record_id
     GROUP BY r.agency
)
SELECT '' AS breakdown, COALESCE(SUM(records - people), 0) AS numerator, COALESCE(SUM(records), 0) AS denominator
  FROM per_agency
UNION ALL
SELECT agency, records - people, records FROM per_agency
