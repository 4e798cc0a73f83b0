-- FD-04: % of contacts in the quarter decided within 1 working day: the decision is on or after the contact and
-- its working-day number (dim_calendar: working days up to and including the date, bank holidays excluded) is
-- at most one more than the contact's, so a Friday or Saturday contact decided on Monday is in time.
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN c.decision_date >= c.contact_date
                          AND decided.working_day_number - contacted.working_day_number <= 1
                         THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM hst_csc_contact c
  LEFT JOIN dim_calendar contacted ON contacted.calendar_date = c.contact_date
  LEFT JOIN dim_calendar decided ON decided.calendar_date = c.decision_date
 WHERE c.contact_date >= :q_start AND c.contact_date <= :period_end
