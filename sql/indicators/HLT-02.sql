-- HLT-02: % of health referrals in the quarter carrying a valid NHS number. The mapper keeps only numbers that
-- pass the modulus-11 check (others are queried and stored blank), so present means valid.
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN nhs_number IS NOT NULL THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM hst_health_referral
 WHERE referral_date >= :q_start AND referral_date <= :period_end
