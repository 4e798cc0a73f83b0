-- POL-04: % of police nominal records in the period's return whose reconciled person is shared with another
-- nominal record (records per person counted by a window). Uses the period evaluated, not the data period, so
-- last quarter's value comes from last quarter's return.
WITH records AS (
    SELECT DISTINCT n.police_person_id, l.person_key
      FROM stg_police_nominal n
      LEFT JOIN core_person_link l ON l.source = 'police_nominals' AND l.record_id = n.police_person_id
     WHERE n.period = :period
),
counted AS (
    SELECT person_key, COUNT(*) OVER (PARTITION BY person_key) AS records_of_person FROM records
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN person_key IS NOT NULL AND records_of_person > 1 THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM counted
