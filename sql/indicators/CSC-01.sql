-- CSC-01: referrals in the 12 months ending E, per 10,000 children aged 0-17.
SELECT '' AS breakdown,
       (SELECT COUNT(*) FROM stg_csc_referral
         WHERE period = :data_period AND referral_date > :r_start AND referral_date <= :period_end) AS numerator,
       (SELECT population_0_17 FROM dim_child_population WHERE year = :population_year) AS denominator
