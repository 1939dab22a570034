using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class FamiliesAndCarers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "publish_to_families",
                table: "units",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "publish_to_families",
                table: "networks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "family_responses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    network_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    area_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    verdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    comment = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    received_in = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    moderation_note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    retry_key_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    sort_key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_family_responses", x => x.id);
                    table.ForeignKey(
                        name: "fk_family_responses_networks_network_id",
                        column: x => x.network_id,
                        principalTable: "networks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_family_responses_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "family_share_codes",
                columns: table => new
                {
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    hint = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_family_share_codes", x => x.unit_id);
                    table.ForeignKey(
                        name: "fk_family_share_codes_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_family_responses_network_id_month",
                table: "family_responses",
                columns: new[] { "network_id", "month" });

            migrationBuilder.CreateIndex(
                name: "ix_family_responses_unit_id_retry_key_hash",
                table: "family_responses",
                columns: new[] { "unit_id", "retry_key_hash" },
                unique: true,
                filter: "retry_key_hash IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_family_responses_unit_id_sort_key",
                table: "family_responses",
                columns: new[] { "unit_id", "sort_key" });

            migrationBuilder.CreateIndex(
                name: "ix_family_share_codes_code_hash",
                table: "family_share_codes",
                column: "code_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "family_responses");

            migrationBuilder.DropTable(
                name: "family_share_codes");

            migrationBuilder.DropColumn(
                name: "publish_to_families",
                table: "units");

            migrationBuilder.DropColumn(
                name: "publish_to_families",
                table: "networks");
        }
    }
}
