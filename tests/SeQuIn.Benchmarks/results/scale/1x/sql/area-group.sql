-- One area's group comparison per standard (INV, group=national)
-- GET /api/v1/benchmarks/units/01a22f8f-728c-7a69-80ea-bcf0db831572/areas/INV?month=2026-11&group=national
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
SELECT r.standard_code, r.month, r.value::numeric, NULL::numeric FROM standard_results r
WHERE r.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572' AND r.area_code = 'INV' AND r.month IN (COALESCE('2026-11-01', (SELECT max(x.month) FROM area_results x WHERE x.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572')), (COALESCE('2026-11-01', (SELECT max(x.month) FROM area_results x WHERE x.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572')) - interval '1 month')::date);

-- 4
SELECT r.standard_code, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, r.value::numeric, n.publish_summaries
FROM standard_results r JOIN networks n ON n.id = r.network_id
WHERE r.month = COALESCE('2026-11-01', (SELECT max(x.month) FROM area_results x WHERE x.unit_id = '01a22f8f-728c-7a69-80ea-bcf0db831572')) AND r.area_code = 'INV' AND r.value IS NOT NULL AND TRUE
ORDER BY r.value;

