using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeQuIn.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class PictureKeywordsForAreasAndScalePoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "picture_keywords",
                table: "scale_points",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<string[]>(
                name: "picture_keywords",
                table: "areas",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            // A database that already holds the first version (loaded before areas and scale points had key words)
            // gets the key words the seed now carries, where it has none: symbols, not wording, so the version's
            // content is unchanged. A fresh database has no rows yet; the seed loads them with their key words.
            migrationBuilder.Sql("""
                UPDATE areas a SET picture_keywords = k.words
                FROM (VALUES
                    ('INV', ARRAY['talk', 'together', 'meeting', 'voice']),
                    ('RPW', ARRAY['path', 'step', 'goal', 'home']),
                    ('RCO', ARRAY['college', 'learn', 'teach', 'together']),
                    ('RRP', ARRAY['safe', 'rule', 'less', 'together']),
                    ('CPA', ARRAY['meeting', 'plan', 'care', 'voice']),
                    ('FFC', ARRAY['family', 'friend', 'carer', 'visit']),
                    ('MDT', ARRAY['team', 'doctor', 'nurse', 'listen']),
                    ('DHW', ARRAY['food', 'eat', 'menu', 'health']),
                    ('MAC', ARRAY['things', 'group', 'hobby', 'choose']),
                    ('SRA', ARRAY['safe', 'plan', 'talk', 'together']),
                    ('RAS', ARRAY['staff', 'interview', 'choose', 'welcome']),
                    ('TEC', ARRAY['computer', 'phone', 'internet', 'tablet'])
                ) AS k(code, words), framework_versions v
                WHERE v.identifier = '2021.1' AND a.framework_version_id = v.id AND a.code = k.code
                  AND cardinality(a.picture_keywords) = 0;
                UPDATE scale_points p SET picture_keywords = k.words
                FROM (VALUES
                    (0, ARRAY['no', 'not yet']),
                    (1, ARRAY['start', 'step']),
                    (2, ARRAY['getting there', 'step', 'more']),
                    (3, ARRAY['good', 'happening']),
                    (4, ARRAY['star', 'every day'])
                ) AS k(value, words), framework_versions v
                WHERE v.identifier = '2021.1' AND p.framework_version_id = v.id AND p.value = k.value
                  AND cardinality(p.picture_keywords) = 0;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "picture_keywords",
                table: "scale_points");

            migrationBuilder.DropColumn(
                name: "picture_keywords",
                table: "areas");
        }
    }
}
