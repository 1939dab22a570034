using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class FrameworkComments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid[]>(
                name: "answered_comment_ids",
                table: "standards",
                type: "uuid[]",
                nullable: false,
                defaultValue: new Guid[0]);

            migrationBuilder.AddColumn<bool>(
                name: "open_for_comment",
                table: "framework_versions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "framework_comments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    framework_version_id = table.Column<Guid>(type: "uuid", nullable: false),
                    area_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    standard_code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    voice = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    suggestion = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    network_id = table.Column<Guid>(type: "uuid", nullable: true),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    declined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decline_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_framework_comments", x => x.id);
                    table.ForeignKey(
                        name: "fk_framework_comments_framework_versions_framework_version_id",
                        column: x => x.framework_version_id,
                        principalTable: "framework_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_framework_comments_networks_network_id",
                        column: x => x.network_id,
                        principalTable: "networks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_framework_comments_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_framework_comments_framework_version_id_standard_code_id",
                table: "framework_comments",
                columns: new[] { "framework_version_id", "standard_code", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_framework_comments_network_id",
                table: "framework_comments",
                column: "network_id");

            migrationBuilder.CreateIndex(
                name: "ix_framework_comments_unit_id",
                table: "framework_comments",
                column: "unit_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "framework_comments");

            migrationBuilder.DropColumn(
                name: "answered_comment_ids",
                table: "standards");

            migrationBuilder.DropColumn(
                name: "open_for_comment",
                table: "framework_versions");
        }
    }
}
