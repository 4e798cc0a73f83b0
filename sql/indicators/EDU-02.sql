-- EDU-02: children missing education at E (identified by E, not resolved by E), as distinct reconciled children
-- (a child with two open cases counts once; an unlinked case counts as its own child).
SELECT '' AS breakdown,
       COUNT(DISTINCT COALESCE(l.person_key, 'cme:' || c.cme_id)) AS numerator,
       CAST(NULL AS INTEGER) AS denominator
  FROM hst_edu_cme c
  LEFT JOIN core_person_link l ON l.source = 'edu_cme' AND l.record_id = c.cme_id
 WHERE c.identified_date <= :period_end
   AND (c.resolved_date IS NULL OR c.resolved_date > :period_end)
