-- 10-year trend with control limits (INV, 120 months, group=network)
-- GET /api/v1/benchmarks/units/01a21657-1a04-7a27-a7b0-ae47705ab2e6/areas/INV/trend?from=2016-11&to=2026-10&group=network
-- The statements one request ran, in order, with the parameter values written in.

-- 1
SELECT a.id, a.created_at, a.created_by, a.expires_at, a.key_id, a.last_used_at, a.name, a.revoked_at, a.revoked_reason, a.role, a.rotated_from_id, a.scope_collaborative_id, a.scope_kind, a.scope_network_id, a.scope_unit_ids, a.secret_hash
FROM api_keys AS a
WHERE a.key_id = '38ba1e7d7a7e'
LIMIT 2;

-- 2
SELECT u.code, u.network_id, u.collaborative_id, u.security_level, p.sector, n.allow_ranks,
       (SELECT f.id FROM framework_versions f WHERE f.status = 'Active'),
       COALESCE('2016-11-01', (SELECT max(x.month) FROM area_results x WHERE x.unit_id = '01a21657-1a04-7a27-a7b0-ae47705ab2e6'))
FROM units u JOIN providers p ON p.id = u.provider_id JOIN networks n ON n.id = u.network_id
WHERE u.id = '01a21657-1a04-7a27-a7b0-ae47705ab2e6';

-- 3
SELECT r.month, r.month, r.mean, r.percentage FROM area_results r
WHERE r.unit_id = '01a21657-1a04-7a27-a7b0-ae47705ab2e6' AND r.area_code = 'INV' AND r.month BETWEEN '2016-11-01' AND '2026-10-01';

-- 4
SELECT r.month, array_agg(r.mean ORDER BY r.mean) FROM area_results r
WHERE r.area_code = 'INV' AND r.month BETWEEN '2016-11-01' AND '2026-10-01' AND r.mean IS NOT NULL AND r.network_id = (SELECT g.network_id FROM units g WHERE g.id = '01a21657-1a04-7a27-a7b0-ae47705ab2e6')
GROUP BY r.month;

