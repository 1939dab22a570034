using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// Provider as a comparison group (issue #13, ADR 0032): the provider's units of a month and area are read by
    /// provider_id, indexed as the collaborative's are.
    /// </summary>
    public partial class ProviderComparisonGroup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_area_results_provider_id_month_area_code",
                table: "area_results",
                columns: new[] { "provider_id", "month", "area_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_area_results_provider_id_month_area_code",
                table: "area_results");
        }
    }
}
