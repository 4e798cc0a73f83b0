-- CSC-03: % of referrals in R that went on to an assessment or section 47 enquiry, i.e. were not closed NFA.
-- Referrals whose NFA field is blank are left out of both sides: their outcome is not known.
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN referral_nfa = 'N' THEN 1 ELSE 0 END), 0) AS numerator,
       COALESCE(SUM(CASE WHEN referral_nfa IN ('Y', 'N') THEN 1 ELSE 0 END), 0) AS denominator
  FROM hst_csc_referral
 WHERE referral_date > :r_start AND referral_date <= :period_end
