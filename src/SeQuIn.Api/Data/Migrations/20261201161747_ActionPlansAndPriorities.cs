using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ActionPlansAndPriorities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "improvement_actions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    network_id = table.Column<Guid>(type: "uuid", nullable: false),
                    assessment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    baseline_month = table.Column<DateOnly>(type: "date", nullable: false),
                    area_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    standard_code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    what = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    owner = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    due_month = table.Column<DateOnly>(type: "date", nullable: false),
                    evidence_expected = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    target_rating = table.Column<int>(type: "integer", nullable: false),
                    baseline_rating = table.Column<int>(type: "integer", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    drop_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    evidence = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    evidence_assessment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    evidence_month = table.Column<DateOnly>(type: "date", nullable: true),
                    evidence_rating = table.Column<int>(type: "integer", nullable: true),
                    achieved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    achieved_month = table.Column<DateOnly>(type: "date", nullable: true),
                    achieved_by_assessment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    slipped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    slipped_month = table.Column<DateOnly>(type: "date", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_improvement_actions", x => x.id);
                    table.ForeignKey(
                        name: "fk_improvement_actions_assessments_assessment_id",
                        column: x => x.assessment_id,
                        principalTable: "assessments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_improvement_actions_networks_network_id",
                        column: x => x.network_id,
                        principalTable: "networks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_improvement_actions_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "network_priorities",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    network_id = table.Column<Guid>(type: "uuid", nullable: false),
                    area_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    standard_code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    rationale = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    target_rating = table.Column<int>(type: "integer", nullable: false),
                    review_month = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_network_priorities", x => x.id);
                    table.ForeignKey(
                        name: "fk_network_priorities_networks_network_id",
                        column: x => x.network_id,
                        principalTable: "networks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "action_comments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    action_id = table.Column<Guid>(type: "uuid", nullable: false),
                    text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    author = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_action_comments", x => x.id);
                    table.ForeignKey(
                        name: "fk_action_comments_improvement_actions_action_id",
                        column: x => x.action_id,
                        principalTable: "improvement_actions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "priority_actions",
                columns: table => new
                {
                    priority_id = table.Column<Guid>(type: "uuid", nullable: false),
                    action_id = table.Column<Guid>(type: "uuid", nullable: false),
                    linked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_priority_actions", x => new { x.priority_id, x.action_id });
                    table.ForeignKey(
                        name: "fk_priority_actions_improvement_actions_action_id",
                        column: x => x.action_id,
                        principalTable: "improvement_actions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_priority_actions_network_priorities_priority_id",
                        column: x => x.priority_id,
                        principalTable: "network_priorities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_action_comments_action_id",
                table: "action_comments",
                column: "action_id");

            migrationBuilder.CreateIndex(
                name: "ix_improvement_actions_assessment_id",
                table: "improvement_actions",
                column: "assessment_id");

            migrationBuilder.CreateIndex(
                name: "ix_improvement_actions_network_id_id",
                table: "improvement_actions",
                columns: new[] { "network_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_improvement_actions_unit_id_standard_code",
                table: "improvement_actions",
                columns: new[] { "unit_id", "standard_code" });

            migrationBuilder.CreateIndex(
                name: "ix_network_priorities_network_id_id",
                table: "network_priorities",
                columns: new[] { "network_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_priority_actions_action_id",
                table: "priority_actions",
                column: "action_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "action_comments");

            migrationBuilder.DropTable(
                name: "priority_actions");

            migrationBuilder.DropTable(
                name: "improvement_actions");

            migrationBuilder.DropTable(
                name: "network_priorities");
        }
    }
}
