-- NEG-01: of the assessments authorised in FYTD recording the neglect factor, % where further action was needed.
-- Factors are comma-separated CIN census codes (16A is neglect, schemas/codes.py NEGLECT_FACTOR); wrapping the
-- spaceless list in commas matches the whole code only (not 116A or 16AB). A blank 'further action' is not known
-- and is left out of both sides (the catalogue's rule for blank yes/no answers).
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN further_action = 'Y' THEN 1 ELSE 0 END), 0) AS numerator,
       COALESCE(SUM(CASE WHEN further_action IN ('Y', 'N') THEN 1 ELSE 0 END), 0) AS denominator
  FROM hst_csc_assessment
 WHERE assessment_authorised_date >= :fytd_start AND assessment_authorised_date <= :period_end
   AND ',' || REPLACE(UPPER(assessment_factors), ' ', '') || ',' LIKE '%,16A,%'
