-- 10-year trend with control limits (INV, 120 months, group=network)
-- GET /api/v1/benchmarks/units/01a22f85-e041-78a5-8c6a-41853578bfc5/areas/INV/trend?from=2016-12&to=2026-11&group=network
-- Captured from PostgreSQL's statement log for one request; run with pgbench -M extended and the -D values in trend.defines.
SELECT a.id, a.created_at, a.created_by, a.expires_at, a.key_id, a.last_used_at, a.name, a.revoked_at, a.revoked_reason, a.role, a.rotated_from_id, a.scope_collaborative_id, a.scope_kind, a.scope_network_id, a.scope_unit_ids, a.secret_hash
FROM api_keys AS a
WHERE a.key_id = :s1p1
LIMIT 2;
SELECT u.code, u.network_id, u.collaborative_id, u.security_level, p.sector, n.allow_ranks,
       (SELECT f.id FROM framework_versions f WHERE f.status = 'Active'),
       COALESCE(:s2p2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = :s2p1))
FROM units u JOIN providers p ON p.id = u.provider_id JOIN networks n ON n.id = u.network_id
WHERE u.id = :s2p1;
SELECT r.month, r.month, r.mean, r.percentage, r.framework_identifier FROM area_results r
WHERE r.unit_id = :s3p1 AND r.area_code = :s3p3 AND r.month BETWEEN :s3p2 AND :s3p4;
SELECT r.month, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, r.mean, n.publish_summaries
FROM area_results r JOIN networks n ON n.id = r.network_id
WHERE r.area_code = :s4p3 AND r.month BETWEEN :s4p2 AND :s4p4 AND r.mean IS NOT NULL AND r.network_id = (SELECT g.network_id FROM units g WHERE g.id = :s4p1)
ORDER BY r.mean;
SELECT f.identifier AS "Identifier", f.id AS "Id"
FROM framework_versions AS f
WHERE f.identifier = ANY (:s5p1);
