using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// Every row of <c>standard_results</c> carries the id of the transaction that wrote it (ADR 0027), so that an export
    /// can be exact about change-feed positions: <c>changedAfter</c> returns the rows written by transactions from a
    /// position up to the answer's own bound, whatever order they committed in.
    /// <list type="bullet">
    /// <item>Rows written from now on: the column defaults to <c>pg_current_xact_id()</c>, and a BEFORE INSERT OR UPDATE
    /// trigger stamps any row whose value is not the writing transaction's (an UPDATE, or an INSERT that names the
    /// column). The trigger's WHEN condition is false for an ordinary INSERT (the default already holds the right id),
    /// so the function never runs for the summary functions' inserts: a plpgsql call per row would cost about as much
    /// as the insert itself (measured, ADR 0027).</item>
    /// <item>Rows already there: those of assessments with a change-feed entry were written by the transaction of the
    /// assessment's last entry (a submission, resubmission or import writes its summary rows and its entry in one
    /// transaction; a return or reopening leaves no rows), so they get that id; the rest predate the feed and get 0,
    /// before every position the feed has handed out. So a consumer holding any feed position gets exactly the rows
    /// written after it, and a full export still holds every row.</item>
    /// </list>
    /// Kept outside the EF model, like <c>change_events</c>: only hand-written SQL reads it.
    /// </summary>
    [Microsoft.EntityFrameworkCore.Infrastructure.DbContext(typeof(SeQuInDbContext))]
    [Migration("20261201100000_ExportPositions")]
    public partial class ExportPositions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE standard_results ADD COLUMN transaction_id xid8 NOT NULL DEFAULT '0';
                UPDATE standard_results s SET transaction_id = e.transaction_id
                FROM (SELECT DISTINCT ON (resource_id) resource_id, transaction_id
                      FROM change_events WHERE resource_type = 'assessment'
                      ORDER BY resource_id, transaction_id DESC, position DESC) e
                WHERE e.resource_id = s.assessment_id;
                ALTER TABLE standard_results ALTER COLUMN transaction_id SET DEFAULT pg_current_xact_id();

                CREATE FUNCTION standard_results_stamp_transaction() RETURNS trigger LANGUAGE plpgsql
                    SET search_path = pg_catalog, public, pg_temp AS $$
                BEGIN
                    NEW.transaction_id := pg_current_xact_id();
                    RETURN NEW;
                END;
                $$;
                REVOKE EXECUTE ON FUNCTION standard_results_stamp_transaction() FROM PUBLIC;
                CREATE TRIGGER standard_results_stamp_transaction
                    BEFORE INSERT OR UPDATE ON standard_results
                    FOR EACH ROW WHEN (NEW.transaction_id IS DISTINCT FROM pg_current_xact_id())
                    EXECUTE FUNCTION standard_results_stamp_transaction();

                CREATE INDEX ix_standard_results_transaction_id ON standard_results (transaction_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER standard_results_stamp_transaction ON standard_results;
                DROP FUNCTION standard_results_stamp_transaction();
                ALTER TABLE standard_results DROP COLUMN transaction_id;
                """);
        }
    }
}
