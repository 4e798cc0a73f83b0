-- HLT-03: child death reviews completed in FYTD (count); % with learning identified; % with modifiable factors
-- (of the reviews answering the question: a blank answer is not known, the catalogue's rule for yes/no answers).
WITH reviews AS (
    SELECT case_id, learning_identified, modifiable_factors
      FROM hst_health_cdop
     WHERE review_date >= :fytd_start AND review_date <= :period_end
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator, 'count' AS unit FROM reviews
UNION ALL
SELECT 'learning_identified', COALESCE(SUM(CASE WHEN learning_identified = 'Y' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN learning_identified IN ('Y', 'N') THEN 1 ELSE 0 END), 0),
       'percent'
  FROM reviews
UNION ALL
SELECT 'modifiable_factors', COALESCE(SUM(CASE WHEN modifiable_factors = 'Y' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN modifiable_factors IN ('Y', 'N') THEN 1 ELSE 0 END), 0),
       'percent'
  FROM reviews
