-- FD-02: % of contacts in the quarter whose source is unknown (CIN census source 10).
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN contact_source = '10' THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM hst_csc_contact
 WHERE contact_date >= :q_start AND contact_date <= :period_end
