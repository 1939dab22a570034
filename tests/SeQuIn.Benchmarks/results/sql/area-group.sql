-- One area's group comparison per standard (INV, group=national)
-- GET /api/v1/benchmarks/units/01a2162e-c561-77b5-8166-9030c4f94f57/areas/INV?month=2026-10&group=national
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
SELECT s.standard_code AS "StandardCode", s.month AS "Month", s.value AS "Value"
FROM standard_results AS s
WHERE s.unit_id = '01a2162e-c561-77b5-8166-9030c4f94f57' AND s.area_code = 'INV' AND (s.month = '2026-10-01' OR s.month = '2026-09-01');

-- 4
SELECT s.standard_code AS "StandardCode", s.value AS "Value"
FROM standard_results AS s
WHERE s.month = '2026-10-01' AND s.area_code = 'INV' AND s.value IS NOT NULL;

