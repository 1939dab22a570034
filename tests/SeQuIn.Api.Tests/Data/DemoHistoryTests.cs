using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Data;

public sealed class DemoHistoryTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>
    /// Everything the demo history writes that a client can see (ids are new at every load, so rows are named by
    /// unit code, area, month and standard), as one digest. Computed on main before the demo's parameters moved from
    /// code to Data/Seed/demo-history.json: moving data out of code must not change the demo.
    /// </summary>
    private const string DemoOn2026_12_01 = "55487:d278750a782d2e92de544c67b25320f7";

    [Fact]
    public async Task The_demo_history_for_a_given_day_is_the_same_rows_as_before_its_parameters_became_data()
    {
        await using var db = await DemoDatabase.CreateAsync(Fixture, "sequin_demo", new DemoDatabase.FixedClock(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero)));

        var digest = await db.Database.SqlQueryRaw<string>("""
            WITH a AS (SELECT a.*, u.code AS unit FROM assessments a JOIN units u ON u.id = a.unit_id),
            lines AS (
                SELECT concat_ws('|', 'A', unit, area_code, month, status, framework_identifier, imported, revision, agreed_rating,
                                 agreed_rating_note, created_at, created_by, submitted_at, submitted_by, updated_at) AS line FROM a
                UNION ALL
                SELECT concat_ws('|', 'R', a.unit, a.area_code, a.month, r.standard_code, r.value, r.not_applicable, r.not_applicable_reason,
                                 r.staff_view, r.service_user_view, r.note)
                FROM ratings r JOIN a ON a.id = r.assessment_id
                UNION ALL
                SELECT concat_ws('|', 'P', a.unit, a.area_code, a.month, p.role, p.label) FROM participants p JOIN a ON a.id = p.assessment_id
                UNION ALL
                SELECT concat_ws('|', 'E', a.unit, a.area_code, a.month, e.standard_code, e.kind, e.title, e.description, e.link, e.shared,
                                 e.created_at, e.created_by)
                FROM evidence e JOIN a ON a.id = e.assessment_id)
            SELECT count(*) || ':' || md5(string_agg(line, E'\n' ORDER BY line COLLATE "C")) AS "Value" FROM lines
            """).SingleAsync();

        Assert.Equal(DemoOn2026_12_01, digest);
    }
}
