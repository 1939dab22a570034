-- 10-year trend with control limits (INV, 120 months, group=network)
-- GET /api/v1/benchmarks/units/01a2162e-c561-77b5-8166-9030c4f94f57/areas/INV/trend?from=2016-11&to=2026-10&group=network
-- Captured from PostgreSQL's statement log for one request; run with pgbench -M extended and the -D values in trend.defines.
SELECT a.id, a.created_at, a.created_by, a.expires_at, a.key_id, a.last_used_at, a.name, a.revoked_at, a.revoked_reason, a.role, a.rotated_from_id, a.scope_collaborative_id, a.scope_kind, a.scope_network_id, a.scope_unit_ids, a.secret_hash
FROM api_keys AS a
WHERE a.key_id = :s1p1
LIMIT 2;
SELECT u.id, u.code, u.network_id, u.collaborative_id, u.security_level, p.sector, n.allow_ranks
FROM units AS u
INNER JOIN providers AS p ON u.provider_id = p.id
INNER JOIN networks AS n ON u.network_id = n.id
WHERE u.id = :s2p1
LIMIT 2;
SELECT a.assessment_id, a.agreed_rating, a.applicable_standards, a.area_code, a.co_produced, a.collaborative_id, a.framework_identifier, a.mean, a.month, a.network_id, a.on_time, a.percentage, a.provider_id, a.sector, a.security_level, a.submitted_at, a.unit_id
FROM area_results AS a
WHERE a.unit_id = :s3p1 AND a.area_code = :s3p2 AND a.month >= :s3p3 AND a.month <= :s3p4;
SELECT a.month AS "Month", a.mean AS "Mean"
FROM area_results AS a
WHERE a.network_id = :s4p1 AND a.area_code = :s4p2 AND a.month >= :s4p3 AND a.month <= :s4p4 AND a.mean IS NOT NULL;
SELECT (
    SELECT min(s.value)
    FROM scale_points AS s
    WHERE f.id = s.framework_version_id) AS "Min", (
    SELECT max(s0.value)
    FROM scale_points AS s0
    WHERE f.id = s0.framework_version_id) AS "Max"
FROM framework_versions AS f
WHERE f.status = 'Active'
LIMIT 2;
