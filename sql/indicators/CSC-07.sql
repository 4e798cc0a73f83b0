-- CSC-07: children looked after at E (count), and the same per 10,000 children aged 0-17 (the ONS mid-year
-- estimate paired with the period, as CSC-01). As DfE counts them (SSDA903), children looked after under an agreed
-- series of short-term breaks (legal status V3, V4) are not counted: a child is counted when an episode open at E
-- has another legal status or none recorded.
WITH looked_after AS (
    SELECT DISTINCT child_id
      FROM hst_csc_looked_after
     WHERE lac_start_date <= :period_end
       AND (lac_end_date IS NULL OR lac_end_date > :period_end)
       AND (legal_status IS NULL OR legal_status NOT IN ('V3', 'V4'))
)
SELECT '' AS breakdown,
       (SELECT COUNT(*) FROM looked_after) AS numerator,
       CAST(NULL AS INTEGER) AS denominator,
       'count' AS unit
UNION ALL
SELECT 'per_10000',
       (SELECT COUNT(*) FROM looked_after),
       (SELECT population_0_17 FROM dim_child_population
         WHERE area_code = :area_code AND mid_year = :population_year),
       'rate_per_10000'
