-- A unit's month across 12 areas (group=network)
-- GET /api/v1/benchmarks/units/01a2162e-c561-77b5-8166-9030c4f94f57?month=2026-10&group=network
-- The statements one request ran, in order, with the parameter values written in.

-- 1
SELECT a.id, a.created_at, a.created_by, a.expires_at, a.key_id, a.last_used_at, a.name, a.revoked_at, a.revoked_reason, a.role, a.rotated_from_id, a.scope_collaborative_id, a.scope_kind, a.scope_network_id, a.scope_unit_ids, a.secret_hash
FROM api_keys AS a
WHERE a.key_id = 'ff631bed7751'
LIMIT 2;

-- 2
SELECT u.id, u.code, u.network_id, u.collaborative_id, u.security_level, p.sector, n.allow_ranks
FROM units AS u
INNER JOIN providers AS p ON u.provider_id = p.id
INNER JOIN networks AS n ON u.network_id = n.id
WHERE u.id = '01a2162e-c561-77b5-8166-9030c4f94f57'
LIMIT 2;

-- 3
SELECT a.area_code AS "AreaCode", a.month AS "Month", a.mean AS "Mean", a.percentage AS "Percentage"
FROM area_results AS a
WHERE a.unit_id = '01a2162e-c561-77b5-8166-9030c4f94f57' AND (a.month = '2026-10-01' OR a.month = '2026-09-01');

-- 4
SELECT a.area_code AS "AreaCode", a.mean AS "Mean"
FROM area_results AS a
WHERE a.network_id = '01a2162e-c546-7e75-859b-1bf39260cb9f' AND a.month = '2026-10-01' AND a.mean IS NOT NULL;

-- 5
SELECT a.code
FROM areas AS a
WHERE EXISTS (
    SELECT 1
    FROM framework_versions AS f
    WHERE f.id = a.framework_version_id AND f.status = 'Active')
ORDER BY a."order";

