-- HLT-03: child death reviews completed in FYTD (count); % with learning identified; % with modifiable factors.
WITH reviews AS (
    SELECT case_id, learning_identified, modifiable_factors
      FROM stg_health_cdop
     WHERE period = :data_period AND review_date >= :fytd_start AND review_date <= :period_end
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator, 'count' AS unit FROM reviews
UNION ALL
SELECT 'learning_identified', COALESCE(SUM(CASE WHEN learning_identified = 'Y' THEN 1 ELSE 0 END), 0), COUNT(*),
       'percent'
  FROM reviews
UNION ALL
SELECT 'modifiable_factors', COALESCE(SUM(CASE WHEN modifiable_factors = 'Y' THEN 1 ELSE 0 END), 0), COUNT(*),
       'percent'
  FROM reviews
