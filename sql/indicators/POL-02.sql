-- POL-02: % of domestic abuse PPNs submitted in the quarter with a DARA completed. A blank 'DARA completed' is not
-- known and is left out of both sides (the catalogue's rule for blank yes/no answers; the agency's feedback
-- queries it, PPN-014Q).
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN dara_completed = 'Y' THEN 1 ELSE 0 END), 0) AS numerator,
       COALESCE(SUM(CASE WHEN dara_completed IN ('Y', 'N') THEN 1 ELSE 0 END), 0) AS denominator
  FROM hst_police_ppn
 WHERE ppn_type = 'DOMESTIC_ABUSE'
   AND submitted_date >= :q_start AND submitted_date <= :period_end
