using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// The service connects as a runtime role that may only read the benchmark summaries (ADR 0005), yet its
    /// submissions must still write them. The summary trigger's function therefore runs as its owner (SECURITY
    /// DEFINER), with a fixed search_path (pg_temp last, so that no session's temporary table can stand in for a
    /// summary table). Nobody but the owner may call the rebuild directly: with NULL it truncates every summary.
    /// </summary>
    public partial class LeastPrivilegeSummaryTrigger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER FUNCTION assessments_refresh_benchmark_summaries() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
                REVOKE EXECUTE ON FUNCTION assessments_refresh_benchmark_summaries() FROM PUBLIC;
                REVOKE EXECUTE ON FUNCTION refresh_benchmark_summaries(uuid) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                GRANT EXECUTE ON FUNCTION refresh_benchmark_summaries(uuid) TO PUBLIC;
                GRANT EXECUTE ON FUNCTION assessments_refresh_benchmark_summaries() TO PUBLIC;
                ALTER FUNCTION assessments_refresh_benchmark_summaries() SECURITY INVOKER RESET search_path;
                """);
        }
    }
}
