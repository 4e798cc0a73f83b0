-- LADO-03: outcomes of allegations whose initial position-of-trust meeting was in FYTD. An allegation with no
-- outcome, NOT_CONCLUDED, or an outcome dated after E is not concluded at E.
WITH meetings AS (
    SELECT CASE WHEN outcome IS NULL OR outcome = 'NOT_CONCLUDED' OR outcome_date > :period_end
                THEN 'NOT_CONCLUDED' ELSE outcome END AS outcome
      FROM hst_lado_allegation
     WHERE pot_meeting_date >= :fytd_start AND pot_meeting_date <= :period_end
),
outcomes AS (
    SELECT 'SUBSTANTIATED' AS code UNION ALL SELECT 'UNSUBSTANTIATED' UNION ALL SELECT 'MALICIOUS'
    UNION ALL SELECT 'FALSE' UNION ALL SELECT 'UNFOUNDED' UNION ALL SELECT 'NO_ABUSE' UNION ALL SELECT 'NOT_CONCLUDED'
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM meetings
UNION ALL
SELECT o.code, COUNT(m.outcome), (SELECT COUNT(*) FROM meetings)
  FROM outcomes o
  LEFT JOIN meetings m ON m.outcome = o.code
 GROUP BY o.code
