using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class StandardResultsAreaIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_standard_results_month_standard_code_security_level",
                table: "standard_results");

            migrationBuilder.CreateIndex(
                name: "ix_standard_results_month_area_code",
                table: "standard_results",
                columns: new[] { "month", "area_code" })
                .Annotation("Npgsql:IndexInclude", new[] { "standard_code", "value", "security_level", "sector", "unit_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_standard_results_month_area_code",
                table: "standard_results");

            migrationBuilder.CreateIndex(
                name: "ix_standard_results_month_standard_code_security_level",
                table: "standard_results",
                columns: new[] { "month", "standard_code", "security_level" });
        }
    }
}
