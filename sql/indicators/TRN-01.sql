-- TRN-01: attendees at training courses held in FYTD, in total and by module (name cut to the 64 characters a
-- breakdown holds).
WITH courses AS (
    SELECT SUBSTR(module, 1, 64) AS module, CAST(attendees AS INTEGER) AS attendees
      FROM hst_training_attendance
     WHERE course_date >= :fytd_start AND course_date <= :period_end
)
SELECT '' AS breakdown, COALESCE(SUM(attendees), 0) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM courses
UNION ALL
SELECT module, SUM(attendees), NULL FROM courses GROUP BY module
