-- MA-03: of the children (under 18 at E) open on the vulnerability tracker at E, % open to children's social
-- care at E (an open child in need episode, CP plan or looked-after episode), matched by person_key.
-- IN (subquery) rather than a join: both databases index or hash the subquery's result.
WITH tracked AS (
    SELECT DISTINCT COALESCE(l.person_key, 'tracker:' || t.individual_id) AS child, l.person_key
      FROM hst_vulnerability_tracker t
      LEFT JOIN core_person_link l ON l.source = 'vulnerability_tracker' AND l.record_id = t.individual_id
     WHERE t.identified_date <= :period_end
       AND (t.closed_date > :period_end OR (t.closed_date IS NULL AND t.status <> 'CLOSED'))
       AND t.date_of_birth > :adult_born_by
),
open_to_csc AS (
    SELECT DISTINCT i.person_key
      FROM (SELECT child_id FROM hst_csc_cin
             WHERE cin_start_date <= :period_end
               AND (cin_closure_date IS NULL OR cin_closure_date > :period_end)
            UNION
            SELECT child_id FROM hst_csc_cp_plan
             WHERE cpp_start_date <= :period_end
               AND (cpp_end_date IS NULL OR cpp_end_date > :period_end)
            UNION
            SELECT child_id FROM hst_csc_looked_after
             WHERE lac_start_date <= :period_end
               AND (lac_end_date IS NULL OR lac_end_date > :period_end)) AS o
      JOIN core_person_link i ON i.source = 'csc_child_identity' AND i.record_id = o.child_id
)
SELECT '' AS breakdown,
       (SELECT COUNT(DISTINCT child) FROM tracked
         WHERE person_key IN (SELECT person_key FROM open_to_csc)) AS numerator,
       (SELECT COUNT(DISTINCT child) FROM tracked) AS denominator
