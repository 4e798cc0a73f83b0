-- CSC-07: children looked after at E (count), and the same per 10,000 children aged 0-17.
WITH looked_after AS (
    SELECT DISTINCT child_id
      FROM stg_csc_looked_after
     WHERE period = :data_period
       AND lac_start_date <= :period_end
       AND (lac_end_date IS NULL OR lac_end_date > :period_end)
)
SELECT '' AS breakdown,
       (SELECT COUNT(*) FROM looked_after) AS numerator,
       CAST(NULL AS INTEGER) AS denominator,
       'count' AS unit
UNION ALL
SELECT 'per_10000',
       (SELECT COUNT(*) FROM looked_after),
       (SELECT population_0_17 FROM dim_child_population WHERE year = :population_year),
       'rate_per_10000'
