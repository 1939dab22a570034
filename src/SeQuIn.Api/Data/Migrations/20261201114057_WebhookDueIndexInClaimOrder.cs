using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// The dispatcher's claim orders due deliveries by (next_attempt_at, feed_position) and takes the first few: the due
    /// index now has both columns, so the claim can walk it in order and stop, instead of reading and sorting every
    /// pending delivery on each claim (see results/webhooks.md and the dispatcher's claim).
    /// </summary>
    public partial class WebhookDueIndexInClaimOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_webhook_deliveries_due",
                table: "webhook_deliveries");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_due",
                table: "webhook_deliveries",
                columns: new[] { "next_attempt_at", "feed_position" },
                filter: "state = 'pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_webhook_deliveries_due",
                table: "webhook_deliveries");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_due",
                table: "webhook_deliveries",
                column: "next_attempt_at",
                filter: "state = 'pending'");
        }
    }
}
