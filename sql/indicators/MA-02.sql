-- MA-02: children reported missing in the quarter with an episode whose return home interview was not offered
-- within 72 hours of the return. Dates are days, so 72 hours is the return day plus 3 (dim_calendar.day_number);
-- only episodes returned by E minus 3 days are judged, so an offer still in time after E is not a failure.
-- An interview belongs to an episode by the police report reference, or by the same child (master person index)
-- and missing date. Both ways are keys of one stream of returns and offers in day order (a return before an
-- offer on the same day): the first offer at or after a return is the one to judge, found by a window, not a join.
WITH nominals AS (
    SELECT police_person_id, MAX(date_of_birth) AS date_of_birth
      FROM hst_police_nominal GROUP BY police_person_id
),
episodes AS (
    SELECT m.report_id, l.person_key, COALESCE(l.person_key, 'police:' || m.police_person_id) AS child,
           SUBSTR(m.missing_from, 1, 10) AS missing_day, d.day_number AS returned_day
      FROM hst_police_missing m
      JOIN dim_calendar d ON d.calendar_date = SUBSTR(m.returned_at, 1, 10)
      LEFT JOIN nominals n ON n.police_person_id = m.police_person_id
      LEFT JOIN core_person_link l ON l.source = 'police_nominals' AND l.record_id = m.police_person_id
     WHERE SUBSTR(m.missing_from, 1, 10) >= :q_start AND SUBSTR(m.missing_from, 1, 10) <= :period_end
       AND SUBSTR(m.returned_at, 1, 10) <= :e_minus_3d
       AND (n.date_of_birth IS NULL
            OR SUBSTR(m.missing_from, 1, 10) < CAST(CAST(SUBSTR(n.date_of_birth, 1, 4) AS INTEGER) + 18 AS TEXT)
                                               || SUBSTR(n.date_of_birth, 5))
),
offers AS (
    SELECT r.police_report_ref, r.missing_start_date, i.person_key, d.day_number AS offered_day
      FROM hst_csc_return_interview r
      JOIN dim_calendar d ON d.calendar_date = r.rhi_offered_date
      LEFT JOIN core_person_link i ON i.source = 'csc_child_identity' AND i.record_id = r.child_id
),
stream AS (
    SELECT 'ref:' || report_id AS match_key, returned_day AS day_number, 0 AS is_offer, report_id FROM episodes
    UNION ALL
    SELECT 'child:' || person_key || '|' || missing_day, returned_day, 0, report_id FROM episodes
     WHERE person_key IS NOT NULL
    UNION ALL
    SELECT 'ref:' || police_report_ref, offered_day, 1, NULL FROM offers WHERE police_report_ref IS NOT NULL
    UNION ALL
    SELECT 'child:' || person_key || '|' || missing_start_date, offered_day, 1, NULL FROM offers
     WHERE person_key IS NOT NULL
),
next_offer AS (
    SELECT report_id, day_number,
           MIN(CASE WHEN is_offer = 1 THEN day_number END)
               OVER (PARTITION BY match_key ORDER BY day_number, is_offer
                     ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS offered_day
      FROM stream
),
offered_in_time AS (
    SELECT DISTINCT report_id FROM next_offer
     WHERE report_id IS NOT NULL AND offered_day - day_number <= 3
)
SELECT '' AS breakdown,
       (SELECT COUNT(DISTINCT child) FROM episodes
         WHERE report_id NOT IN (SELECT report_id FROM offered_in_time)) AS numerator,
       (SELECT COUNT(DISTINCT child) FROM episodes) AS denominator
