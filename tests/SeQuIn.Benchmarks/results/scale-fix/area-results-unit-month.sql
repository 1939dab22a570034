\set ON_ERROR_STOP 1
\pset pager off
SELECT id AS unit FROM units WHERE code = 'BN01-L01' \gset
SELECT to_char(max(month), 'YYYY-MM-DD') AS last, to_char(max(month) - interval '1 month', 'YYYY-MM-DD') AS previous FROM area_results \gset
\echo '== before: the indexes of the migrations (no ix_area_results_unit_id_month)'
BEGIN;
\o /dev/null
EXPLAIN (ANALYZE, BUFFERS) SELECT r.area_code, r.month, r.mean, r.percentage FROM area_results r WHERE r.unit_id = :'unit' AND r.month IN (:'last', :'previous');
EXPLAIN (ANALYZE, BUFFERS) SELECT r.area_code, r.month, r.mean, r.percentage FROM area_results r WHERE r.unit_id = :'unit' AND r.month IN (:'last', :'previous');
\o
\echo '-- the unit month (OwnAreasSql, month given), third run'
EXPLAIN (ANALYZE, BUFFERS) SELECT r.area_code, r.month, r.mean, r.percentage FROM area_results r WHERE r.unit_id = :'unit' AND r.month IN (:'last', :'previous');
\echo '-- the unit latest month (MonthSql with no month)'
EXPLAIN (ANALYZE, BUFFERS) SELECT max(x.month) FROM area_results x WHERE x.unit_id = :'unit';
\timing on
CREATE INDEX ix_area_results_unit_id_month ON area_results (unit_id, month);
\timing off
\echo '== after: with ix_area_results_unit_id_month (migration AreaResultsUnitMonthIndex), same transaction, rolled back'
\o /dev/null
EXPLAIN (ANALYZE, BUFFERS) SELECT r.area_code, r.month, r.mean, r.percentage FROM area_results r WHERE r.unit_id = :'unit' AND r.month IN (:'last', :'previous');
EXPLAIN (ANALYZE, BUFFERS) SELECT r.area_code, r.month, r.mean, r.percentage FROM area_results r WHERE r.unit_id = :'unit' AND r.month IN (:'last', :'previous');
\o
\echo '-- the unit month, third run'
EXPLAIN (ANALYZE, BUFFERS) SELECT r.area_code, r.month, r.mean, r.percentage FROM area_results r WHERE r.unit_id = :'unit' AND r.month IN (:'last', :'previous');
\echo '-- the unit latest month'
EXPLAIN (ANALYZE, BUFFERS) SELECT max(x.month) FROM area_results x WHERE x.unit_id = :'unit';
ROLLBACK;
