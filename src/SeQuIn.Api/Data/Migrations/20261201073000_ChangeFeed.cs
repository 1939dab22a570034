using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// The change feed's outbox (ADR 0027). Positions come from an identity, handed out in insert order, not commit
    /// order; transaction_id (xid8) is what lets a reader stay behind every transaction still running. Kept outside the
    /// EF model: the service only appends to it with SQL and reads it with SQL; the runtime role may only SELECT and
    /// INSERT (DatabaseRoles).
    /// </summary>
    [Microsoft.EntityFrameworkCore.Infrastructure.DbContext(typeof(SeQuInDbContext))]
    [Migration("20261201073000_ChangeFeed")]
    public partial class ChangeFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE change_events (
                    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
                    occurred_at timestamptz NOT NULL,
                    kind varchar(60) NOT NULL,
                    resource_type varchar(40) NOT NULL,
                    resource_id uuid NOT NULL,
                    revision int NOT NULL,
                    unit_id uuid NULL,
                    network_id uuid NULL,
                    collaborative_id uuid NULL,
                    data jsonb NULL
                );
                CREATE UNIQUE INDEX ix_change_events_transaction_id_position ON change_events (transaction_id, position);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE change_events;");
        }
    }
}
