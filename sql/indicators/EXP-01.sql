-- EXP-01: individuals open on the vulnerability tracker at E, all and split child / adult by age at E.
-- Open at E: identified by E and not closed by E; a CLOSED status with no closed date counts as closed.
WITH open_cases AS (
    SELECT individual_id, MAX(date_of_birth) AS date_of_birth
      FROM hst_vulnerability_tracker
     WHERE identified_date <= :period_end
       AND (closed_date > :period_end OR (closed_date IS NULL AND status <> 'CLOSED'))
     GROUP BY individual_id
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM open_cases
UNION ALL
SELECT 'child', COALESCE(SUM(CASE WHEN date_of_birth > :adult_born_by THEN 1 ELSE 0 END), 0), COUNT(*)
  FROM open_cases
UNION ALL
SELECT 'adult', COALESCE(SUM(CASE WHEN date_of_birth <= :adult_born_by THEN 1 ELSE 0 END), 0), COUNT(*)
  FROM open_cases
