-- LADO-01: LADO contacts in the financial year to date; % progressing to an initial position-of-trust meeting.
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN pot_meeting_date IS NOT NULL AND pot_meeting_date <= :period_end
                         THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM hst_lado_allegation
 WHERE contact_date >= :fytd_start AND contact_date <= :period_end
