using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// Entries about units, networks and framework versions join the change feed. Each entry now carries the link to
    /// read its resource (a framework version is read by its identifier, not its id), and a revision only where the
    /// resource has one (a framework version's ETag is a hash of what it says).
    /// </summary>
    [Microsoft.EntityFrameworkCore.Infrastructure.DbContext(typeof(SeQuInDbContext))]
    [Migration("20261201080000_ChangeFeedLinks")]
    public partial class ChangeFeedLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE change_events ADD COLUMN link varchar(300) NULL;
                UPDATE change_events SET link = '/api/v1/' || resource_type || 's/' || resource_id WHERE link IS NULL;
                ALTER TABLE change_events ALTER COLUMN link SET NOT NULL;
                ALTER TABLE change_events ALTER COLUMN revision DROP NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE change_events SET revision = 0 WHERE revision IS NULL;
                ALTER TABLE change_events ALTER COLUMN revision SET NOT NULL;
                ALTER TABLE change_events DROP COLUMN link;
                """);
        }
    }
}
