-- POL-02: % of domestic abuse PPNs submitted in the quarter with a DARA completed.
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN dara_completed = 'Y' THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM stg_police_ppn
 WHERE period = :data_period
   AND ppn_type = 'DOMESTIC_ABUSE'
   AND submitted_date >= :q_start AND submitted_date <= :period_end
