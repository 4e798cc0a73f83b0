-- MA-05: children on a CP plan at E who are open as missing education at E, matched by person_key
-- (IN (subquery), which both databases index or hash).
WITH on_plan AS (
    SELECT DISTINCT i.person_key, COALESCE(i.person_key, 'csc:' || p.child_id) AS child
      FROM hst_csc_cp_plan p
      LEFT JOIN core_person_link i ON i.source = 'csc_child_identity' AND i.record_id = p.child_id
     WHERE p.cpp_start_date <= :period_end
       AND (p.cpp_end_date IS NULL OR p.cpp_end_date > :period_end)
),
missing_education AS (
    SELECT DISTINCT l.person_key
      FROM hst_edu_cme c
      JOIN core_person_link l ON l.source = 'edu_cme' AND l.record_id = c.cme_id
     WHERE c.identified_date <= :period_end
       AND (c.resolved_date IS NULL OR c.resolved_date > :period_end)
)
SELECT '' AS breakdown,
       (SELECT COUNT(DISTINCT child) FROM on_plan
         WHERE person_key IN (SELECT person_key FROM missing_education)) AS numerator,
       (SELECT COUNT(DISTINCT child) FROM on_plan) AS denominator
