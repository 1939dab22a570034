using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class FhirExportJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "fhir_export_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    actor = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    grants = table.Column<string>(type: "text", nullable: false),
                    request = table.Column<string>(type: "text", nullable: false),
                    types = table.Column<string[]>(type: "text[]", nullable: false),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    transaction_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    progress = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    files = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    leased_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fhir_export_jobs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_fhir_export_jobs_actor_expires_at",
                table: "fhir_export_jobs",
                columns: new[] { "actor", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fhir_export_jobs_expires_at",
                table: "fhir_export_jobs",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_fhir_export_jobs_waiting",
                table: "fhir_export_jobs",
                column: "id",
                filter: "status = 'accepted'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fhir_export_jobs");
        }
    }
}
