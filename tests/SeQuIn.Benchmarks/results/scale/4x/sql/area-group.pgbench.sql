-- One area's group comparison per standard (INV, group=national)
-- GET /api/v1/benchmarks/units/01a22f92-d498-77d6-be84-406c9395e7b0/areas/INV?month=2026-11&group=national
-- Captured from PostgreSQL's statement log for one request; run with pgbench -M extended and the -D values in area-group.defines.
SELECT a.id, a.created_at, a.created_by, a.expires_at, a.key_id, a.last_used_at, a.name, a.revoked_at, a.revoked_reason, a.role, a.rotated_from_id, a.scope_collaborative_id, a.scope_kind, a.scope_network_id, a.scope_unit_ids, a.secret_hash
FROM api_keys AS a
WHERE a.key_id = :s1p1
LIMIT 2;
SELECT u.code, u.network_id, u.collaborative_id, u.security_level, p.sector, n.allow_ranks,
       (SELECT f.id FROM framework_versions f WHERE f.status = 'Active'),
       COALESCE(:s2p2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = :s2p1))
FROM units u JOIN providers p ON p.id = u.provider_id JOIN networks n ON n.id = u.network_id
WHERE u.id = :s2p1;
SELECT r.standard_code, r.month, r.value::numeric, NULL::numeric FROM standard_results r
WHERE r.unit_id = :s3p1 AND r.area_code = :s3p3 AND r.month IN (COALESCE(:s3p2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = :s3p1)), (COALESCE(:s3p2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = :s3p1)) - interval '1 month')::date);
SELECT r.standard_code, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, r.value::numeric, n.publish_summaries
FROM standard_results r JOIN networks n ON n.id = r.network_id
WHERE r.month = COALESCE(:s4p2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = :s4p1)) AND r.area_code = :s4p3 AND r.value IS NOT NULL AND TRUE
ORDER BY r.value;
