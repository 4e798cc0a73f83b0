-- POL-03: children reported missing in the quarter: distinct children (headline) and episodes.
-- The child is the reconciled person of the police person id (else the id itself), so the duplicate nominal
-- records police hold for one child count once. An episode is left out when the nominal's date of birth shows
-- the person was 18 or over when they went missing (18th birthday built as text from the date of birth).
WITH nominals AS (
    SELECT police_person_id, MAX(date_of_birth) AS date_of_birth
      FROM hst_police_nominal GROUP BY police_person_id
),
episodes AS (
    SELECT m.report_id, COALESCE(l.person_key, 'police:' || m.police_person_id) AS child
      FROM hst_police_missing m
      LEFT JOIN nominals n ON n.police_person_id = m.police_person_id
      LEFT JOIN core_person_link l ON l.source = 'police_nominals' AND l.record_id = m.police_person_id
     WHERE SUBSTR(m.missing_from, 1, 10) >= :q_start AND SUBSTR(m.missing_from, 1, 10) <= :period_end
       AND (n.date_of_birth IS NULL
            OR SUBSTR(m.missing_from, 1, 10) < CAST(CAST(SUBSTR(n.date_of_birth, 1, 4) AS INTEGER) + 18 AS TEXT)
                                               || SUBSTR(n.date_of_birth, 5))
)
SELECT '' AS breakdown, COUNT(DISTINCT child) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM episodes
UNION ALL
SELECT 'episodes', COUNT(*), NULL FROM episodes
