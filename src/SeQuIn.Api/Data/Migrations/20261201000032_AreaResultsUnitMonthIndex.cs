using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// A unit's month of area results (the benchmark of a unit, and its latest month) by (unit_id, month). The only
    /// index on the unit was (unit_id, area_code, month), which cannot bound a month without an area: with 480
    /// months of history PostgreSQL read the unit's whole history (5,760 entries) and the month's every unit (7,200)
    /// and intersected them — 2.2 ms instead of 0.1 ms, growing with the history (tests/SeQuIn.Benchmarks, scale run).
    /// </summary>
    public partial class AreaResultsUnitMonthIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_area_results_unit_id_month",
                table: "area_results",
                columns: new[] { "unit_id", "month" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_area_results_unit_id_month",
                table: "area_results");
        }
    }
}
