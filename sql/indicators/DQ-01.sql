-- DQ-01: per agency and return: on time, rows read, % rejected, % queried. The returns expected are those of the
-- submission calendar (reference/submission_calendar.csv) and any other the agency has sent for this period or
-- an earlier one, so a return that never arrives, or stops arriving, shows as not on time.
-- On time: a submission of the period received (UTC date of received_at) by :due_date, 15 working days after
-- the quarter end. Rows describe the latest submission of the period. Quarantined files have no return id and
-- so never count as a return received. Uses :period, so last quarter's value comes from last quarter's files.
WITH expected AS (
    SELECT agency, return_id FROM dim_submission_calendar WHERE expected_from <= :period
    UNION
    SELECT agency, return_id FROM raw_submission WHERE return_id IS NOT NULL AND period <= :period
),
received AS (
    SELECT agency, return_id, SUBSTR(received_at, 1, 10) AS received_day, rows_read, rows_rejected, rows_queried,
           ROW_NUMBER() OVER (PARTITION BY agency, return_id ORDER BY received_at DESC, submission_id DESC) AS newest
      FROM raw_submission
     WHERE return_id IS NOT NULL AND period = :period
),
first_day AS (
    SELECT agency, return_id, MIN(received_day) AS received_day FROM received GROUP BY agency, return_id
),
returns AS (
    SELECT e.agency || '/' || e.return_id AS name,
           CASE WHEN f.received_day <= :due_date THEN 1 ELSE 0 END AS on_time,
           l.rows_read, l.rows_rejected, l.rows_queried
      FROM expected e
      LEFT JOIN first_day f ON f.agency = e.agency AND f.return_id = e.return_id
      LEFT JOIN received l ON l.agency = e.agency AND l.return_id = e.return_id AND l.newest = 1
)
SELECT '' AS breakdown, COALESCE(SUM(on_time), 0) AS numerator, COUNT(*) AS denominator, 'percent' AS unit
  FROM returns
UNION ALL
SELECT name || '/on_time', on_time, 1, 'percent' FROM returns
UNION ALL
SELECT name || '/rows_read', rows_read, NULL, 'count' FROM returns WHERE rows_read IS NOT NULL
UNION ALL
SELECT name || '/pct_rejected', rows_rejected, rows_read, 'percent' FROM returns WHERE rows_read IS NOT NULL
UNION ALL
SELECT name || '/pct_queried', rows_queried, rows_read, 'percent' FROM returns WHERE rows_read IS NOT NULL
