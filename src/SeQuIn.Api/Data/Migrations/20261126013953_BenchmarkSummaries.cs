using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class BenchmarkSummaries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "allow_ranks",
                table: "networks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "area_results",
                columns: table => new
                {
                    assessment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    network_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_id = table.Column<Guid>(type: "uuid", nullable: false),
                    collaborative_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sector = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    security_level = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    area_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    framework_identifier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    mean = table.Column<decimal>(type: "numeric(4,2)", precision: 4, scale: 2, nullable: true),
                    percentage = table.Column<decimal>(type: "numeric(5,1)", precision: 5, scale: 1, nullable: true),
                    applicable_standards = table.Column<int>(type: "integer", nullable: false),
                    agreed_rating = table.Column<int>(type: "integer", nullable: true),
                    co_produced = table.Column<bool>(type: "boolean", nullable: false),
                    on_time = table.Column<bool>(type: "boolean", nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_area_results", x => x.assessment_id);
                    table.ForeignKey(
                        name: "fk_area_results_assessments_assessment_id",
                        column: x => x.assessment_id,
                        principalTable: "assessments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "standard_results",
                columns: table => new
                {
                    assessment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    standard_code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    network_id = table.Column<Guid>(type: "uuid", nullable: false),
                    collaborative_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sector = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    security_level = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    area_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    framework_identifier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    value = table.Column<int>(type: "integer", nullable: true),
                    not_applicable = table.Column<bool>(type: "boolean", nullable: false),
                    staff_view = table.Column<int>(type: "integer", nullable: true),
                    service_user_view = table.Column<int>(type: "integer", nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_standard_results", x => new { x.assessment_id, x.standard_code });
                    table.ForeignKey(
                        name: "fk_standard_results_assessments_assessment_id",
                        column: x => x.assessment_id,
                        principalTable: "assessments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_area_results_collaborative_id_month_area_code",
                table: "area_results",
                columns: new[] { "collaborative_id", "month", "area_code" });

            migrationBuilder.CreateIndex(
                name: "ix_area_results_month_area_code_sector",
                table: "area_results",
                columns: new[] { "month", "area_code", "sector" });

            migrationBuilder.CreateIndex(
                name: "ix_area_results_month_area_code_security_level",
                table: "area_results",
                columns: new[] { "month", "area_code", "security_level" });

            migrationBuilder.CreateIndex(
                name: "ix_area_results_network_id_month_area_code",
                table: "area_results",
                columns: new[] { "network_id", "month", "area_code" });

            migrationBuilder.CreateIndex(
                name: "ix_area_results_unit_id_area_code_month",
                table: "area_results",
                columns: new[] { "unit_id", "area_code", "month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_standard_results_month_standard_code_security_level",
                table: "standard_results",
                columns: new[] { "month", "standard_code", "security_level" });

            migrationBuilder.CreateIndex(
                name: "ix_standard_results_network_id_month_standard_code",
                table: "standard_results",
                columns: new[] { "network_id", "month", "standard_code" });

            migrationBuilder.CreateIndex(
                name: "ix_standard_results_submitted_at",
                table: "standard_results",
                column: "submitted_at");

            migrationBuilder.CreateIndex(
                name: "ix_standard_results_unit_id_month",
                table: "standard_results",
                columns: new[] { "unit_id", "month" });

            // Benchmarks read these summaries, never raw ratings per request. The database keeps them true: a deferred
            // trigger refreshes an assessment's rows when the transaction that submits, returns, reopens or imports it
            // commits (ratings written later in the same transaction are seen). refresh_benchmark_summaries(NULL)
            // rebuilds everything set-wise, for bulk loads.
            migrationBuilder.Sql("""
                CREATE FUNCTION refresh_benchmark_summaries(target uuid) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    IF target IS NULL THEN
                        TRUNCATE standard_results, area_results;
                    ELSE
                        DELETE FROM standard_results WHERE assessment_id = target;
                        DELETE FROM area_results WHERE assessment_id = target;
                    END IF;

                    INSERT INTO area_results (assessment_id, unit_id, network_id, provider_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, mean, percentage, applicable_standards, agreed_rating, co_produced, on_time,
                        submitted_at)
                    SELECT a.id, a.unit_id, a.network_id, u.provider_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier,
                        round(avg(r.value), 2),
                        round((avg(r.value) - s.min_value) * 100.0 / nullif(s.max_value - s.min_value, 0), 1),
                        count(r.value), a.agreed_rating,
                        EXISTS (SELECT 1 FROM participants x WHERE x.assessment_id = a.id AND x.role = 'Staff')
                            AND EXISTS (SELECT 1 FROM participants x WHERE x.assessment_id = a.id AND x.role = 'ServiceUser'),
                        CASE WHEN a.imported THEN NULL
                             ELSE a.submitted_at < ((a.month + interval '1 month 10 days')::timestamp AT TIME ZONE 'UTC') END,
                        a.submitted_at
                    FROM assessments a
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    JOIN (SELECT framework_version_id, min(value) AS min_value, max(value) AS max_value
                          FROM scale_points GROUP BY framework_version_id) s ON s.framework_version_id = a.framework_version_id
                    LEFT JOIN ratings r ON r.assessment_id = a.id AND NOT r.not_applicable
                    WHERE a.status = 'Submitted' AND (target IS NULL OR a.id = target)
                    GROUP BY a.id, u.provider_id, u.collaborative_id, p.sector, u.security_level, s.min_value, s.max_value;

                    INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, value, not_applicable, staff_view, service_user_view, submitted_at)
                    SELECT r.assessment_id, r.standard_code, a.unit_id, a.network_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier, r.value, r.not_applicable, r.staff_view, r.service_user_view, a.submitted_at
                    FROM ratings r
                    JOIN assessments a ON a.id = r.assessment_id
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    WHERE a.status = 'Submitted' AND (target IS NULL OR a.id = target);
                END;
                $$;

                CREATE FUNCTION assessments_refresh_benchmark_summaries() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM refresh_benchmark_summaries(NEW.id);
                    RETURN NULL;
                END;
                $$;

                CREATE CONSTRAINT TRIGGER assessments_refresh_benchmark_summaries
                    AFTER INSERT OR UPDATE ON assessments
                    DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW EXECUTE FUNCTION assessments_refresh_benchmark_summaries();

                SELECT refresh_benchmark_summaries(NULL);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS assessments_refresh_benchmark_summaries ON assessments;
                DROP FUNCTION IF EXISTS assessments_refresh_benchmark_summaries();
                DROP FUNCTION IF EXISTS refresh_benchmark_summaries(uuid);
                """);

            migrationBuilder.DropTable(
                name: "area_results");

            migrationBuilder.DropTable(
                name: "standard_results");

            migrationBuilder.DropColumn(
                name: "allow_ranks",
                table: "networks");
        }
    }
}
