-- MA-04: children known to three or more agencies in R. Each agency's involvement in R is a record linked to a
-- person (core_person_link); a person is a child unless every date of birth held for them says they were 18 on
-- the first day of R (MAX = the youngest reading, so a conflicting later birth date keeps them in).
WITH involvement AS (
    SELECT 'csc' AS agency, 'csc_child_identity' AS source, child_id AS record_id FROM stg_csc_referral
     WHERE period = :data_period AND referral_date > :r_start AND referral_date <= :period_end
    UNION ALL
    SELECT 'csc', 'csc_child_identity', child_id FROM stg_csc_cin
     WHERE period = :data_period AND cin_start_date <= :period_end
       AND (cin_closure_date IS NULL OR cin_closure_date > :r_start)
    UNION ALL
    SELECT 'csc', 'csc_child_identity', child_id FROM stg_csc_cp_plan
     WHERE period = :data_period AND cpp_start_date <= :period_end
       AND (cpp_end_date IS NULL OR cpp_end_date > :r_start)
    UNION ALL
    SELECT 'csc', 'csc_child_identity', child_id FROM stg_csc_looked_after
     WHERE period = :data_period AND lac_start_date <= :period_end
       AND (lac_end_date IS NULL OR lac_end_date > :r_start)
    UNION ALL
    SELECT 'police', 'police_nominals', police_person_id FROM stg_police_ppn
     WHERE period = :data_period AND submitted_date > :r_start AND submitted_date <= :period_end
    UNION ALL
    SELECT 'police', 'police_nominals', police_person_id FROM stg_police_missing
     WHERE period = :data_period
       AND SUBSTR(missing_from, 1, 10) > :r_start AND SUBSTR(missing_from, 1, 10) <= :period_end
    UNION ALL
    SELECT 'health', 'health_safeguarding', referral_id FROM stg_health_referral
     WHERE period = :data_period AND referral_date > :r_start AND referral_date <= :period_end
    UNION ALL
    SELECT 'education', 'edu_suspensions', upn FROM stg_edu_suspension
     WHERE period = :data_period AND start_date > :r_start AND start_date <= :period_end
    UNION ALL
    SELECT 'education', 'edu_cme', cme_id FROM stg_edu_cme
     WHERE period = :data_period AND identified_date <= :period_end
       AND (resolved_date IS NULL OR resolved_date > :r_start)
    UNION ALL
    SELECT 'partnership', 'vulnerability_tracker', individual_id FROM stg_vulnerability_tracker
     WHERE period = :data_period AND identified_date <= :period_end
       AND (closed_date > :r_start OR (closed_date IS NULL AND status <> 'CLOSED'))
),
births AS (
    SELECT 'csc_child_identity' AS source, child_id AS record_id, date_of_birth FROM stg_csc_child_identity
     WHERE period = :data_period
    UNION ALL
    SELECT 'police_nominals', police_person_id, date_of_birth FROM stg_police_nominal WHERE period = :data_period
    UNION ALL
    SELECT 'health_safeguarding', referral_id, date_of_birth FROM stg_health_referral WHERE period = :data_period
    UNION ALL
    SELECT 'edu_suspensions', upn, date_of_birth FROM stg_edu_suspension WHERE period = :data_period
    UNION ALL
    SELECT 'edu_cme', cme_id, date_of_birth FROM stg_edu_cme WHERE period = :data_period
    UNION ALL
    SELECT 'vulnerability_tracker', individual_id, date_of_birth FROM stg_vulnerability_tracker
     WHERE period = :data_period
),
youngest AS (
    SELECT l.person_key, MAX(b.date_of_birth) AS date_of_birth
      FROM births b
      JOIN core_person_link l ON l.source = b.source AND l.record_id = b.record_id
     GROUP BY l.person_key
),
known AS (
    SELECT l.person_key, COUNT(DISTINCT v.agency) AS agencies
      FROM involvement v
      JOIN core_person_link l ON l.source = v.source AND l.record_id = v.record_id
     GROUP BY l.person_key
),
children AS (
    SELECT k.person_key, k.agencies
      FROM known k
      LEFT JOIN youngest y ON y.person_key = k.person_key
     WHERE y.date_of_birth IS NULL OR y.date_of_birth > :r_adult_born_by
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN agencies >= 3 THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM children
