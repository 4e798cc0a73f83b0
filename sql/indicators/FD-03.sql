-- FD-03: contacts in the quarter by outcome; NOT_RECORDED where the outcome is blank.
WITH contacts AS (
    SELECT COALESCE(contact_outcome, 'NOT_RECORDED') AS outcome
      FROM hst_csc_contact
     WHERE contact_date >= :q_start AND contact_date <= :period_end
),
outcomes AS (
    SELECT 'REFERRAL' AS code UNION ALL SELECT 'ADVICE_INFORMATION' UNION ALL SELECT 'EARLY_HELP'
    UNION ALL SELECT 'NFA' UNION ALL SELECT 'NOT_RECORDED'
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM contacts
UNION ALL
SELECT o.code, COUNT(c.outcome), (SELECT COUNT(*) FROM contacts)
  FROM outcomes o
  LEFT JOIN contacts c ON c.outcome = o.code
 GROUP BY o.code
