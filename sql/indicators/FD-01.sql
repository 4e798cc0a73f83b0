-- FD-01: contacts in the quarter by CIN census source group (schemas/codes.py CIN_SOURCE_GROUP); every group
-- is listed so a source that has gone quiet shows as 0. '10' is tested before the '1' prefix (individuals).
WITH contacts AS (
    SELECT CASE WHEN contact_source = '10' THEN 'UNKNOWN'
                WHEN contact_source = '9' THEN 'ANONYMOUS'
                WHEN contact_source = '8' THEN 'OTHER'
                WHEN contact_source = '7' THEN 'OTHER_LEGAL'
                WHEN contact_source = '6' THEN 'POLICE'
                WHEN SUBSTR(contact_source, 1, 1) = '5' THEN 'LA_SERVICES'
                WHEN contact_source = '4' THEN 'HOUSING'
                WHEN SUBSTR(contact_source, 1, 1) = '3' THEN 'HEALTH'
                WHEN SUBSTR(contact_source, 1, 1) = '2' THEN 'EDUCATION'
                WHEN SUBSTR(contact_source, 1, 1) = '1' THEN 'INDIVIDUAL'
           END AS source_group
      FROM hst_csc_contact
     WHERE contact_date >= :q_start AND contact_date <= :period_end
),
source_groups AS (
    SELECT 'INDIVIDUAL' AS code UNION ALL SELECT 'EDUCATION' UNION ALL SELECT 'HEALTH' UNION ALL SELECT 'HOUSING'
    UNION ALL SELECT 'LA_SERVICES' UNION ALL SELECT 'POLICE' UNION ALL SELECT 'OTHER_LEGAL' UNION ALL SELECT 'OTHER'
    UNION ALL SELECT 'ANONYMOUS' UNION ALL SELECT 'UNKNOWN'
)
SELECT '' AS breakdown, COUNT(*) AS numerator, CAST(NULL AS INTEGER) AS denominator FROM contacts
UNION ALL
SELECT g.code, COUNT(c.source_group), (SELECT COUNT(*) FROM contacts)
  FROM source_groups g
  LEFT JOIN contacts c ON c.source_group = g.code
 GROUP BY g.code
