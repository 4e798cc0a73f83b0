-- HLT-01: health safeguarding referrals in the quarter by provider type; every type listed.
WITH referrals AS (
    SELECT provider_type
      FROM hst_health_referral
     WHERE referral_date >= :q_start AND referral_date <= :period_end
),
providers AS (
    SELECT 'ED' AS code UNION ALL SELECT 'MATERNITY' UNION ALL SELECT 'HEALTH_VISITING'
    UNION ALL SELECT 'SCHOOL_NURSING' UNION ALL SELECT 'CAMHS' UNION ALL SELECT 'GP' UNION ALL SELECT 'COMMUNITY'
    UNION ALL SELECT 'OTHER'
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM referrals
UNION ALL
SELECT p.code, COUNT(r.provider_type), (SELECT COUNT(*) FROM referrals)
  FROM providers p
  LEFT JOIN referrals r ON r.provider_type = p.code
 GROUP BY p.code
