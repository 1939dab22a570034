using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// The summary trigger fired on every draft edit (each bumps the revision) and did two deletes and two inserts
    /// that produced nothing. Now it fires only when a submitted assessment is inserted, or an update touches one
    /// that is or was submitted (submission, return, reopening).
    /// </summary>
    public partial class SummaryTriggerOnlyForSubmissions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER assessments_refresh_benchmark_summaries ON assessments;
                CREATE CONSTRAINT TRIGGER assessments_refresh_benchmark_summaries_on_insert
                    AFTER INSERT ON assessments
                    DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW WHEN (NEW.status = 'Submitted')
                    EXECUTE FUNCTION assessments_refresh_benchmark_summaries();
                CREATE CONSTRAINT TRIGGER assessments_refresh_benchmark_summaries_on_update
                    AFTER UPDATE ON assessments
                    DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW WHEN (OLD.status = 'Submitted' OR NEW.status = 'Submitted')
                    EXECUTE FUNCTION assessments_refresh_benchmark_summaries();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER assessments_refresh_benchmark_summaries_on_update ON assessments;
                DROP TRIGGER assessments_refresh_benchmark_summaries_on_insert ON assessments;
                CREATE CONSTRAINT TRIGGER assessments_refresh_benchmark_summaries
                    AFTER INSERT OR UPDATE ON assessments
                    DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW EXECUTE FUNCTION assessments_refresh_benchmark_summaries();
                """);
        }
    }
}
