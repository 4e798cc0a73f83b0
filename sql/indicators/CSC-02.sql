-- CSC-02: % of referrals in R made within 12 months of a previous referral of the same child.
-- One row per child and referral day (a same-day pair is one referral event, counted twice); LAG gives the
-- child's previous referral day, compared with the day a year earlier built as text: 2024-02-29 -> 2023-02-29,
-- which sorts between 28 February and 1 March, so the comparison stays right without date functions.
WITH referral_days AS (
    SELECT child_id, referral_date, COUNT(*) AS referrals,
           LAG(referral_date) OVER (PARTITION BY child_id ORDER BY referral_date) AS previous_date
      FROM stg_csc_referral
     WHERE period = :data_period
     GROUP BY child_id, referral_date
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN previous_date >= CAST(CAST(SUBSTR(referral_date, 1, 4) AS INTEGER) - 1 AS TEXT)
                                               || SUBSTR(referral_date, 5)
                         THEN referrals ELSE 0 END), 0) AS numerator,
       COALESCE(SUM(referrals), 0) AS denominator
  FROM referral_days
 WHERE referral_date > :r_start AND referral_date <= :period_end
