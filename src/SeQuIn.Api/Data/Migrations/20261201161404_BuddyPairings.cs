using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class BuddyPairings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "offer_buddies_nationally",
                table: "networks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "buddy_pairings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    network_id = table.Column<Guid>(type: "uuid", nullable: false),
                    buddy_unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    standard_code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    area_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    started_month = table.Column<DateOnly>(type: "date", nullable: false),
                    notes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    outcome_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    outcome_recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_buddy_pairings", x => x.id);
                    table.ForeignKey(
                        name: "fk_buddy_pairings_networks_network_id",
                        column: x => x.network_id,
                        principalTable: "networks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_buddy_pairings_units_buddy_unit_id",
                        column: x => x.buddy_unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_buddy_pairings_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_buddy_pairings_buddy_unit_id",
                table: "buddy_pairings",
                column: "buddy_unit_id");

            migrationBuilder.CreateIndex(
                name: "ix_buddy_pairings_network_id_id",
                table: "buddy_pairings",
                columns: new[] { "network_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_buddy_pairings_unit_id_id",
                table: "buddy_pairings",
                columns: new[] { "unit_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "buddy_pairings");

            migrationBuilder.DropColumn(
                name: "offer_buddies_nationally",
                table: "networks");
        }
    }
}
