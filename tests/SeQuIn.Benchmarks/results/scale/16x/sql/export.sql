-- GET /api/v1/exports/ratings.csv (national admin, no filters)
-- Captured from PostgreSQL's statement log, parameter values written in.

-- As sent:
-- COPY (SELECT s.unit_id, s.network_id, s.collaborative_id, s.sector, s.security_level, s.month, s.framework_identifier, s.area_code, s.standard_code, s.value, s.not_applicable, s.submitted_at FROM standard_results s) TO STDOUT (FORMAT BINARY)

-- Its query, which the baselines run:
SELECT s.unit_id, s.network_id, s.collaborative_id, s.sector, s.security_level, s.month, s.framework_identifier, s.area_code, s.standard_code, s.value, s.not_applicable, s.submitted_at FROM standard_results s;
