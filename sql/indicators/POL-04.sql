-- POL-04: of the police nominal records in the period's own return, the share that are extra records of a person
-- police already hold: (records - distinct people) / records, the rate DfE-style duplicate counts use, so a person
-- held twice adds one and held three times two. The person is the reconciled person_key; a record not linked is
-- its own person. Reads the period's own return (stg_, :period), not history: duplicates are a fact of what
-- police hold now.
WITH records AS (
    SELECT DISTINCT n.police_person_id, COALESCE(l.person_key, 'police:' || n.police_person_id) AS person
      FROM stg_police_nominal n
      LEFT JOIN core_person_link l ON l.source = 'police_nominals' AND l.record_id = n.police_person_id
     WHERE n.period = :period
)
SELECT '' AS breakdown,
       COUNT(*) - COUNT(DISTINCT person) AS numerator,
       COUNT(*) AS denominator
  FROM records
