using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <summary>
    /// A submission counts as co-produced only once its service-user participant has confirmed it in their own right
    /// (issue #13, ADR 0031). The confirmation is kept on the assessment and copied into area_results, so that every
    /// benchmark can be filtered to confirmed submissions. The summary functions now copy it; confirming a submitted
    /// assessment updates its row, so the update trigger (OLD or NEW submitted) refreshes its summaries.
    /// </summary>
    public partial class ServiceUserConfirmation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "confirmation",
                table: "assessments",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "confirmation_reason",
                table: "assessments",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "confirmed_at",
                table: "assessments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "confirmation",
                table: "area_results",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION refresh_benchmark_summaries(target uuid) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    IF target IS NULL THEN
                        -- Everything, set-wise: each assessment's ratings and its participants are aggregated once, in
                        -- bulk, instead of grouping every joined rating row and probing participants per assessment.
                        TRUNCATE standard_results, area_results;

                        INSERT INTO area_results (assessment_id, unit_id, network_id, provider_id, collaborative_id, sector, security_level,
                            area_code, month, framework_identifier, mean, percentage, applicable_standards, agreed_rating, co_produced, confirmation, on_time,
                            submitted_at)
                        SELECT a.id, a.unit_id, a.network_id, u.provider_id, u.collaborative_id, p.sector, u.security_level,
                            a.area_code, a.month, a.framework_identifier,
                            round(r.mean, 2),
                            round((r.mean - s.min_value) * 100.0 / nullif(s.max_value - s.min_value, 0), 1),
                            coalesce(r.applicable, 0), a.agreed_rating,
                            coalesce(x.co_produced, false), a.confirmation,
                            CASE WHEN a.imported THEN NULL
                                 ELSE a.submitted_at < ((a.month + interval '1 month 10 days')::timestamp AT TIME ZONE 'UTC') END,
                            a.submitted_at
                        FROM assessments a
                        JOIN units u ON u.id = a.unit_id
                        JOIN providers p ON p.id = u.provider_id
                        JOIN (SELECT framework_version_id, min(value) AS min_value, max(value) AS max_value
                              FROM scale_points GROUP BY framework_version_id) s ON s.framework_version_id = a.framework_version_id
                        LEFT JOIN (SELECT assessment_id, avg(value) AS mean, count(value) AS applicable
                                   FROM ratings WHERE NOT not_applicable GROUP BY assessment_id) r ON r.assessment_id = a.id
                        LEFT JOIN (SELECT assessment_id, bool_or(role = 'Staff') AND bool_or(role = 'ServiceUser') AS co_produced
                                   FROM participants GROUP BY assessment_id) x ON x.assessment_id = a.id
                        WHERE a.status = 'Submitted';

                        INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, collaborative_id, sector, security_level,
                            area_code, month, framework_identifier, value, not_applicable, staff_view, service_user_view, submitted_at)
                        SELECT r.assessment_id, r.standard_code, a.unit_id, a.network_id, u.collaborative_id, p.sector, u.security_level,
                            a.area_code, a.month, a.framework_identifier, r.value, r.not_applicable, r.staff_view, r.service_user_view, a.submitted_at
                        FROM ratings r
                        JOIN assessments a ON a.id = r.assessment_id
                        JOIN units u ON u.id = a.unit_id
                        JOIN providers p ON p.id = u.provider_id
                        WHERE a.status = 'Submitted';
                        RETURN;
                    END IF;

                    -- One assessment (the trigger): the same rows as before. Its statements no longer share a cached plan
                    -- with the rebuild's, and they filter on the key alone, so a generic plan still uses the indexes.
                    DELETE FROM standard_results WHERE assessment_id = target;
                    DELETE FROM area_results WHERE assessment_id = target;

                    INSERT INTO area_results (assessment_id, unit_id, network_id, provider_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, mean, percentage, applicable_standards, agreed_rating, co_produced, confirmation, on_time,
                        submitted_at)
                    SELECT a.id, a.unit_id, a.network_id, u.provider_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier,
                        round(avg(r.value), 2),
                        round((avg(r.value) - s.min_value) * 100.0 / nullif(s.max_value - s.min_value, 0), 1),
                        count(r.value), a.agreed_rating,
                        EXISTS (SELECT 1 FROM participants x WHERE x.assessment_id = a.id AND x.role = 'Staff')
                            AND EXISTS (SELECT 1 FROM participants x WHERE x.assessment_id = a.id AND x.role = 'ServiceUser'), a.confirmation,
                        CASE WHEN a.imported THEN NULL
                             ELSE a.submitted_at < ((a.month + interval '1 month 10 days')::timestamp AT TIME ZONE 'UTC') END,
                        a.submitted_at
                    FROM assessments a
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    JOIN (SELECT framework_version_id, min(value) AS min_value, max(value) AS max_value
                          FROM scale_points GROUP BY framework_version_id) s ON s.framework_version_id = a.framework_version_id
                    LEFT JOIN ratings r ON r.assessment_id = a.id AND NOT r.not_applicable
                    WHERE a.status = 'Submitted' AND a.id = target
                    GROUP BY a.id, u.provider_id, u.collaborative_id, p.sector, u.security_level, s.min_value, s.max_value;

                    INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, value, not_applicable, staff_view, service_user_view, submitted_at)
                    SELECT r.assessment_id, r.standard_code, a.unit_id, a.network_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier, r.value, r.not_applicable, r.staff_view, r.service_user_view, a.submitted_at
                    FROM ratings r
                    JOIN assessments a ON a.id = r.assessment_id
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    WHERE a.status = 'Submitted' AND a.id = target;
                END;
                $$;
                CREATE OR REPLACE FUNCTION refresh_benchmark_summaries_of(targets uuid[]) RETURNS void LANGUAGE plpgsql
                    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
                BEGIN
                    DELETE FROM standard_results WHERE assessment_id IN (SELECT unnest(targets));
                    DELETE FROM area_results WHERE assessment_id IN (SELECT unnest(targets));

                    INSERT INTO area_results (assessment_id, unit_id, network_id, provider_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, mean, percentage, applicable_standards, agreed_rating, co_produced, confirmation, on_time,
                        submitted_at)
                    SELECT a.id, a.unit_id, a.network_id, u.provider_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier,
                        round(r.mean, 2),
                        round((r.mean - s.min_value) * 100.0 / nullif(s.max_value - s.min_value, 0), 1),
                        coalesce(r.applicable, 0), a.agreed_rating,
                        coalesce(x.co_produced, false), a.confirmation,
                        CASE WHEN a.imported THEN NULL
                             ELSE a.submitted_at < ((a.month + interval '1 month 10 days')::timestamp AT TIME ZONE 'UTC') END,
                        a.submitted_at
                    FROM assessments a
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    JOIN (SELECT framework_version_id, min(value) AS min_value, max(value) AS max_value
                          FROM scale_points GROUP BY framework_version_id) s ON s.framework_version_id = a.framework_version_id
                    LEFT JOIN (SELECT assessment_id, avg(value) AS mean, count(value) AS applicable
                               FROM ratings WHERE NOT not_applicable AND assessment_id IN (SELECT unnest(targets))
                               GROUP BY assessment_id) r ON r.assessment_id = a.id
                    LEFT JOIN (SELECT assessment_id, bool_or(role = 'Staff') AND bool_or(role = 'ServiceUser') AS co_produced
                               FROM participants WHERE assessment_id IN (SELECT unnest(targets))
                               GROUP BY assessment_id) x ON x.assessment_id = a.id
                    WHERE a.status = 'Submitted' AND a.id IN (SELECT unnest(targets));

                    INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, value, not_applicable, staff_view, service_user_view, submitted_at)
                    SELECT r.assessment_id, r.standard_code, a.unit_id, a.network_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier, r.value, r.not_applicable, r.staff_view, r.service_user_view, a.submitted_at
                    FROM ratings r
                    JOIN assessments a ON a.id = r.assessment_id
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    WHERE a.status = 'Submitted' AND a.id IN (SELECT unnest(targets));
                END;
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION refresh_benchmark_summaries(target uuid) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    IF target IS NULL THEN
                        -- Everything, set-wise: each assessment's ratings and its participants are aggregated once, in
                        -- bulk, instead of grouping every joined rating row and probing participants per assessment.
                        TRUNCATE standard_results, area_results;

                        INSERT INTO area_results (assessment_id, unit_id, network_id, provider_id, collaborative_id, sector, security_level,
                            area_code, month, framework_identifier, mean, percentage, applicable_standards, agreed_rating, co_produced, on_time,
                            submitted_at)
                        SELECT a.id, a.unit_id, a.network_id, u.provider_id, u.collaborative_id, p.sector, u.security_level,
                            a.area_code, a.month, a.framework_identifier,
                            round(r.mean, 2),
                            round((r.mean - s.min_value) * 100.0 / nullif(s.max_value - s.min_value, 0), 1),
                            coalesce(r.applicable, 0), a.agreed_rating,
                            coalesce(x.co_produced, false),
                            CASE WHEN a.imported THEN NULL
                                 ELSE a.submitted_at < ((a.month + interval '1 month 10 days')::timestamp AT TIME ZONE 'UTC') END,
                            a.submitted_at
                        FROM assessments a
                        JOIN units u ON u.id = a.unit_id
                        JOIN providers p ON p.id = u.provider_id
                        JOIN (SELECT framework_version_id, min(value) AS min_value, max(value) AS max_value
                              FROM scale_points GROUP BY framework_version_id) s ON s.framework_version_id = a.framework_version_id
                        LEFT JOIN (SELECT assessment_id, avg(value) AS mean, count(value) AS applicable
                                   FROM ratings WHERE NOT not_applicable GROUP BY assessment_id) r ON r.assessment_id = a.id
                        LEFT JOIN (SELECT assessment_id, bool_or(role = 'Staff') AND bool_or(role = 'ServiceUser') AS co_produced
                                   FROM participants GROUP BY assessment_id) x ON x.assessment_id = a.id
                        WHERE a.status = 'Submitted';

                        INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, collaborative_id, sector, security_level,
                            area_code, month, framework_identifier, value, not_applicable, staff_view, service_user_view, submitted_at)
                        SELECT r.assessment_id, r.standard_code, a.unit_id, a.network_id, u.collaborative_id, p.sector, u.security_level,
                            a.area_code, a.month, a.framework_identifier, r.value, r.not_applicable, r.staff_view, r.service_user_view, a.submitted_at
                        FROM ratings r
                        JOIN assessments a ON a.id = r.assessment_id
                        JOIN units u ON u.id = a.unit_id
                        JOIN providers p ON p.id = u.provider_id
                        WHERE a.status = 'Submitted';
                        RETURN;
                    END IF;

                    -- One assessment (the trigger): the same rows as before. Its statements no longer share a cached plan
                    -- with the rebuild's, and they filter on the key alone, so a generic plan still uses the indexes.
                    DELETE FROM standard_results WHERE assessment_id = target;
                    DELETE FROM area_results WHERE assessment_id = target;

                    INSERT INTO area_results (assessment_id, unit_id, network_id, provider_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, mean, percentage, applicable_standards, agreed_rating, co_produced, on_time,
                        submitted_at)
                    SELECT a.id, a.unit_id, a.network_id, u.provider_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier,
                        round(avg(r.value), 2),
                        round((avg(r.value) - s.min_value) * 100.0 / nullif(s.max_value - s.min_value, 0), 1),
                        count(r.value), a.agreed_rating,
                        EXISTS (SELECT 1 FROM participants x WHERE x.assessment_id = a.id AND x.role = 'Staff')
                            AND EXISTS (SELECT 1 FROM participants x WHERE x.assessment_id = a.id AND x.role = 'ServiceUser'),
                        CASE WHEN a.imported THEN NULL
                             ELSE a.submitted_at < ((a.month + interval '1 month 10 days')::timestamp AT TIME ZONE 'UTC') END,
                        a.submitted_at
                    FROM assessments a
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    JOIN (SELECT framework_version_id, min(value) AS min_value, max(value) AS max_value
                          FROM scale_points GROUP BY framework_version_id) s ON s.framework_version_id = a.framework_version_id
                    LEFT JOIN ratings r ON r.assessment_id = a.id AND NOT r.not_applicable
                    WHERE a.status = 'Submitted' AND a.id = target
                    GROUP BY a.id, u.provider_id, u.collaborative_id, p.sector, u.security_level, s.min_value, s.max_value;

                    INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, value, not_applicable, staff_view, service_user_view, submitted_at)
                    SELECT r.assessment_id, r.standard_code, a.unit_id, a.network_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier, r.value, r.not_applicable, r.staff_view, r.service_user_view, a.submitted_at
                    FROM ratings r
                    JOIN assessments a ON a.id = r.assessment_id
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    WHERE a.status = 'Submitted' AND a.id = target;
                END;
                $$;
                CREATE OR REPLACE FUNCTION refresh_benchmark_summaries_of(targets uuid[]) RETURNS void LANGUAGE plpgsql
                    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
                BEGIN
                    DELETE FROM standard_results WHERE assessment_id IN (SELECT unnest(targets));
                    DELETE FROM area_results WHERE assessment_id IN (SELECT unnest(targets));

                    INSERT INTO area_results (assessment_id, unit_id, network_id, provider_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, mean, percentage, applicable_standards, agreed_rating, co_produced, on_time,
                        submitted_at)
                    SELECT a.id, a.unit_id, a.network_id, u.provider_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier,
                        round(r.mean, 2),
                        round((r.mean - s.min_value) * 100.0 / nullif(s.max_value - s.min_value, 0), 1),
                        coalesce(r.applicable, 0), a.agreed_rating,
                        coalesce(x.co_produced, false),
                        CASE WHEN a.imported THEN NULL
                             ELSE a.submitted_at < ((a.month + interval '1 month 10 days')::timestamp AT TIME ZONE 'UTC') END,
                        a.submitted_at
                    FROM assessments a
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    JOIN (SELECT framework_version_id, min(value) AS min_value, max(value) AS max_value
                          FROM scale_points GROUP BY framework_version_id) s ON s.framework_version_id = a.framework_version_id
                    LEFT JOIN (SELECT assessment_id, avg(value) AS mean, count(value) AS applicable
                               FROM ratings WHERE NOT not_applicable AND assessment_id IN (SELECT unnest(targets))
                               GROUP BY assessment_id) r ON r.assessment_id = a.id
                    LEFT JOIN (SELECT assessment_id, bool_or(role = 'Staff') AND bool_or(role = 'ServiceUser') AS co_produced
                               FROM participants WHERE assessment_id IN (SELECT unnest(targets))
                               GROUP BY assessment_id) x ON x.assessment_id = a.id
                    WHERE a.status = 'Submitted' AND a.id IN (SELECT unnest(targets));

                    INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, collaborative_id, sector, security_level,
                        area_code, month, framework_identifier, value, not_applicable, staff_view, service_user_view, submitted_at)
                    SELECT r.assessment_id, r.standard_code, a.unit_id, a.network_id, u.collaborative_id, p.sector, u.security_level,
                        a.area_code, a.month, a.framework_identifier, r.value, r.not_applicable, r.staff_view, r.service_user_view, a.submitted_at
                    FROM ratings r
                    JOIN assessments a ON a.id = r.assessment_id
                    JOIN units u ON u.id = a.unit_id
                    JOIN providers p ON p.id = u.provider_id
                    WHERE a.status = 'Submitted' AND a.id IN (SELECT unnest(targets));
                END;
                $$;
                """);

            migrationBuilder.DropColumn(
                name: "confirmation",
                table: "assessments");

            migrationBuilder.DropColumn(
                name: "confirmation_reason",
                table: "assessments");

            migrationBuilder.DropColumn(
                name: "confirmed_at",
                table: "assessments");

            migrationBuilder.DropColumn(
                name: "confirmation",
                table: "area_results");
        }
    }
}
