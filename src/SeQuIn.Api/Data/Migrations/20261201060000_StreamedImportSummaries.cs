using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// A streamed history import inserts tens of thousands of submitted assessments in one statement; the summary
    /// trigger refreshed them one by one at commit (four statements each). Imported rows now skip the insert trigger
    /// and the import refreshes them set-wise, in its own transaction, with refresh_benchmark_summaries_of(ids) — the
    /// same rows the trigger writes. Returns and reopenings of imported assessments still go through the update
    /// trigger. The function runs as its owner, like the trigger; it only recomputes summaries from the stored
    /// assessments, so the runtime role may call it (DatabaseRoles grants it) without being able to forge a figure.
    /// </summary>
    public partial class StreamedImportSummaries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION refresh_benchmark_summaries_of(targets uuid[]) RETURNS void LANGUAGE plpgsql
                    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
                BEGIN
                    DELETE FROM standard_results WHERE assessment_id IN (SELECT unnest(targets));
                    DELETE FROM area_results WHERE assessment_id IN (SELECT unnest(targets));

                    INSERT INTO area_results (assessment_id, unit_id, network_id, provider_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, mean, percentage, applicable_standards, agreed_rating, co_produced, on_time,
                        submitted_at)
                    SELECT a.id, a.unit_id, a.network_id, u.provider_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier,
                        round(r.mean, 2),
                        round((r.mean - s.min_value) * 100.0 / nullif(s.max_value - s.min_value, 0), 1),
                        coalesce(r.applicable, 0), a.agreed_rating,
                        coalesce(x.co_produced, false),
                        CASE WHEN a.imported THEN NULL
                             ELSE a.submitted_at < ((a.month + interval '1 month 10 days')::timestamp AT TIME ZONE 'UTC') END,
                        a.submitted_at
                    FROM assessments a
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    JOIN (SELECT framework_version_id, min(value) AS min_value, max(value) AS max_value
                          FROM scale_points GROUP BY framework_version_id) s ON s.framework_version_id = a.framework_version_id
                    LEFT JOIN (SELECT assessment_id, avg(value) AS mean, count(value) AS applicable
                               FROM ratings WHERE NOT not_applicable AND assessment_id IN (SELECT unnest(targets))
                               GROUP BY assessment_id) r ON r.assessment_id = a.id
                    LEFT JOIN (SELECT assessment_id, bool_or(role = 'Staff') AND bool_or(role = 'ServiceUser') AS co_produced
                               FROM participants WHERE assessment_id IN (SELECT unnest(targets))
                               GROUP BY assessment_id) x ON x.assessment_id = a.id
                    WHERE a.status = 'Submitted' AND a.id IN (SELECT unnest(targets));

                    INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, value, not_applicable, staff_view, service_user_view, submitted_at)
                    SELECT r.assessment_id, r.standard_code, a.unit_id, a.network_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier, r.value, r.not_applicable, r.staff_view, r.service_user_view, a.submitted_at
                    FROM ratings r
                    JOIN assessments a ON a.id = r.assessment_id
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    WHERE a.status = 'Submitted' AND a.id IN (SELECT unnest(targets));
                END;
                $$;
                REVOKE EXECUTE ON FUNCTION refresh_benchmark_summaries_of(uuid[]) FROM PUBLIC;

                DROP TRIGGER assessments_refresh_benchmark_summaries_on_insert ON assessments;
                CREATE CONSTRAINT TRIGGER assessments_refresh_benchmark_summaries_on_insert
                    AFTER INSERT ON assessments
                    DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW WHEN (NEW.status = 'Submitted' AND NOT NEW.imported)
                    EXECUTE FUNCTION assessments_refresh_benchmark_summaries();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER assessments_refresh_benchmark_summaries_on_insert ON assessments;
                CREATE CONSTRAINT TRIGGER assessments_refresh_benchmark_summaries_on_insert
                    AFTER INSERT ON assessments
                    DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW WHEN (NEW.status = 'Submitted')
                    EXECUTE FUNCTION assessments_refresh_benchmark_summaries();
                DROP FUNCTION refresh_benchmark_summaries_of(uuid[]);
                """);
        }
    }
}
