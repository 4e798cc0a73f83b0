-- CSC-01: referrals in the 12 months ending E, per 10,000 children aged 0-17 (the ONS mid-year estimate paired with
-- the period: :population_year, the latest mid-year on or before E held for :area_code; none held, a NULL
-- denominator, published as no data with the reason).
SELECT '' AS breakdown,
       (SELECT COUNT(*) FROM hst_csc_referral
         WHERE referral_date > :r_start AND referral_date <= :period_end) AS numerator,
       (SELECT population_0_17 FROM dim_child_population
         WHERE area_code = :area_code AND mid_year = :population_year) AS denominator
