-- CSC-02: % of referrals in R made within 12 months of a previous referral of the same child.
-- One row per child and referral day: referrals of a child on one day are one referral event (the catalogue's
-- definition), counted once on both sides. LAG gives the child's previous referral day, from every quarter's
-- return (hst_ reads earlier quarters for what is older than this return's window), compared with the day a year
-- earlier built as text: 2024-02-29 -> 2023-02-29, which sorts between 28 February and 1 March, so the comparison
-- stays right without date functions.
WITH referral_days AS (
    SELECT child_id, referral_date,
           LAG(referral_date) OVER (PARTITION BY child_id ORDER BY referral_date) AS previous_date
      FROM hst_csc_referral
     GROUP BY child_id, referral_date
)
SELECT '' AS breakdown,
       COALESCE(SUM(CASE WHEN previous_date >= CAST(CAST(SUBSTR(referral_date, 1, 4) AS INTEGER) - 1 AS TEXT)
                                               || SUBSTR(referral_date, 5)
                         THEN 1 ELSE 0 END), 0) AS numerator,
       COUNT(*) AS denominator
  FROM referral_days
 WHERE referral_date > :r_start AND referral_date <= :period_end
