-- Submissions for reporting tools: one row per registered submission (raw_submission), with whether it is the
-- current one of its agency, return and period, its period's due date and how late it arrived. Columns:
-- docs/reporting_views.md.
--
-- Portable SQL (SQLite and PostgreSQL 15), no parameters. Created by transforms/warehouse/engine.py as
-- `CREATE VIEW rpt_submission_status AS` this query (whole-line comments dropped).
-- is_current: loaded, not refused (QUARANTINED) or failed, and no later such submission of the same agency, return
--   and period (received_at, then submission_id, breaks ties): the submission whose rows the warehouse holds.
-- due_date: 15 working days after the quarter's last day (transforms/dataset/periods.py, DUE_WORKING_DAYS), from
--   dim_calendar: the working day whose working_day_number is the quarter end's plus 15. NULL when dim_calendar
--   does not cover the period (it holds 2019-2028 and is filled when the dataset is first computed).
-- received_late: 1 when the day received (received_at's date, UTC) is after the due date, else 0; NULL without a due
--   date. working_days_late: working days after the due date up to and including that day (0 when on time).
SELECT
    s.submission_id AS submission_id,
    s.agency AS agency,
    s.return_id AS return_id,
    s.period AS period,
    s.file_name AS file_name,
    s.received_at AS received_at,
    SUBSTR(s.received_at, 1, 10) AS received_date,
    s.status AS status,
    s.reason AS reason,
    s.rows_read AS rows_read,
    s.rows_accepted AS rows_accepted,
    s.rows_rejected AS rows_rejected,
    s.rows_queried AS rows_queried,
    s.loaded AS loaded,
    CASE WHEN s.loaded = 1 AND s.return_id IS NOT NULL
              AND COALESCE(s.status, '') NOT IN ('QUARANTINED', 'FAILED')
              AND NOT EXISTS (
                  SELECT 1 FROM raw_submission n
                  WHERE n.agency = s.agency AND n.return_id = s.return_id AND n.period = s.period
                    AND n.loaded = 1 AND COALESCE(n.status, '') NOT IN ('QUARANTINED', 'FAILED')
                    AND (n.received_at > s.received_at
                         OR (n.received_at = s.received_at AND n.submission_id > s.submission_id)))
         THEN 1 ELSE 0 END AS is_current,
    due.calendar_date AS due_date,
    CASE WHEN due.calendar_date IS NULL THEN NULL
         WHEN SUBSTR(s.received_at, 1, 10) > due.calendar_date THEN 1 ELSE 0 END AS received_late,
    CASE WHEN due.calendar_date IS NULL OR received.calendar_date IS NULL THEN NULL
         WHEN received.calendar_date > due.calendar_date
         THEN received.working_day_number - due.working_day_number
         ELSE 0 END AS working_days_late
FROM raw_submission s
LEFT JOIN dim_calendar quarter_end
    ON quarter_end.calendar_date = s.period || CASE SUBSTR(s.period, 6, 2)
                                                  WHEN '03' THEN '-31' WHEN '06' THEN '-30'
                                                  WHEN '09' THEN '-30' WHEN '12' THEN '-31' END
LEFT JOIN dim_calendar due
    ON due.working_day_number = quarter_end.working_day_number + 15 AND due.is_working_day = 1
LEFT JOIN dim_calendar received
    ON received.calendar_date = SUBSTR(s.received_at, 1, 10)
