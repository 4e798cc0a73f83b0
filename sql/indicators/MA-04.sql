-- MA-04: children known to three or more agencies in R. Each agency's involvement in R is a record linked to a
-- person (core_person_link); a person is a child unless every date of birth held for them says they were 18 on
-- the first day of R (MAX = the youngest reading, so a conflicting later birth date keeps them in).
-- The period's involvement and birth dates are resolved to people once, before the first quarter, into temporary
-- tables (sql/working/person_involvement.sql and person_birth.sql): each quarter only picks the intervals that
-- touch its R, in person order, and counts the agencies.
WITH known AS (
    SELECT person_key, COUNT(DISTINCT agency) AS agencies
      FROM wrk_person_involvement
     WHERE start_date <= :period_end AND (end_date IS NULL OR end_date > :r_start)
     GROUP BY person_key
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN k.agencies >= 3 THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM known k
  LEFT JOIN wrk_person_birth y ON y.person_key = k.person_key
 WHERE y.date_of_birth IS NULL OR y.date_of_birth > :r_adult_born_by
