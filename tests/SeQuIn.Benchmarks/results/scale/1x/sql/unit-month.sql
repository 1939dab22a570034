-- A unit's month across 12 areas (group=network)
-- GET /api/v1/benchmarks/units/01a22f8f-728c-7a69-80ea-bcf0db831572?month=2026-11&group=network
-- The statements one request ran, in order, with the parameter values written in.

-- 1
SELECT a.id, a.created_at, a.created_by, a.expires_at, a.key_id, a.last_used_at, a.name, a.revoked_at, a.revoked_reason, a.role, a.rotated_from_id, a.scope_collaborative_id, a.scope_kind, a.scope_network_id, a.scope_unit_ids, a.secret_hash
FROM api_keys AS a
WHERE a.key_id = '73ab9edbb292'
LIMIT 2;

-- 2
SELECT u.code, u.network_id, u.collaborative_id, u.security_level, p.sector, n.allow_ranks,
       (SELECT f.id FROM framework_versions f WHERE f.status = 'Active'),
       COALESCE('2026-11-01', (SELECT max(x.month) FROM area_results x WHERE x.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572'))
FROM units u JOIN providers p ON p.id = u.provider_id JOIN networks n ON n.id = u.network_id
WHERE u.id = '01a22f8f-728c-7a69-80ea-bcf0db831572';

-- 3
SELECT r.area_code, r.month, r.mean, r.percentage FROM area_results r
WHERE r.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572' AND r.month IN (COALESCE('2026-11-01', (SELECT max(x.month) FROM area_results x WHERE x.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572')), (COALESCE('2026-11-01', (SELECT max(x.month) FROM area_results x WHERE x.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572')) - interval '1 month')::date);

-- 4
SELECT r.area_code, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, r.mean, n.publish_summaries
FROM area_results r JOIN networks n ON n.id = r.network_id
WHERE r.month = COALESCE('2026-11-01', (SELECT max(x.month) FROM area_results x WHERE x.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572')) AND r.mean IS NOT NULL AND r.network_id = (SELECT g.network_id FROM units g WHERE g.id = '01a22f8f-728c-7a69-80ea-bcf0db831572')
ORDER BY r.mean;

