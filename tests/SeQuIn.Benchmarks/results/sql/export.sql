-- GET /api/v1/exports/ratings.csv (national admin, no filters)
-- Captured from PostgreSQL's statement log, parameter values written in.

SELECT s.assessment_id, s.standard_code, n.code, c.code, p.code, s.sector, u.code, s.security_level, s.month,
       s.framework_identifier, s.area_code, s.value, s.not_applicable, s.submitted_at
FROM standard_results s
JOIN units u ON u.id = s.unit_id
JOIN providers p ON p.id = u.provider_id
JOIN networks n ON n.id = s.network_id
LEFT JOIN collaboratives c ON c.id = s.collaborative_id
WHERE ('t' OR s.network_id = ANY('{}') OR s.collaborative_id = ANY('{}'));
