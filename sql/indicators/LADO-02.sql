-- LADO-02: LADO contacts in FYTD by referrer type, every type listed (a 0 shows a gap such as faith settings),
-- and the number of referrer types with no contact.
WITH contacts AS (
    SELECT referrer_type
      FROM hst_lado_allegation
     WHERE contact_date >= :fytd_start AND contact_date <= :period_end
),
referrers AS (
    SELECT 'SECONDARY_SCHOOL' AS code UNION ALL SELECT 'PRIMARY_SCHOOL' UNION ALL SELECT 'SPECIAL_SCHOOL'
    UNION ALL SELECT 'EARLY_YEARS' UNION ALL SELECT 'OTHER_LA' UNION ALL SELECT 'POLICE'
    UNION ALL SELECT 'FOSTERING_AGENCY' UNION ALL SELECT 'OFSTED' UNION ALL SELECT 'LOCAL_AUTHORITY'
    UNION ALL SELECT 'INDIVIDUAL' UNION ALL SELECT 'PROBATION' UNION ALL SELECT 'CHILDRENS_HOME'
    UNION ALL SELECT 'HEALTH' UNION ALL SELECT 'FAITH_SETTING' UNION ALL SELECT 'OTHER'
),
by_referrer AS (
    SELECT r.code, COUNT(c.referrer_type) AS contacts
      FROM referrers r
      LEFT JOIN contacts c ON c.referrer_type = r.code
     GROUP BY r.code
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM contacts
UNION ALL
SELECT code, contacts, (SELECT COUNT(*) FROM contacts) FROM by_referrer
UNION ALL
SELECT 'types_with_none', COALESCE(SUM(CASE WHEN contacts = 0 THEN 1 ELSE 0 END), 0), COUNT(*) FROM by_referrer
