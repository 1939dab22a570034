using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Data;

public sealed class MigrationAndReferenceDataTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Migrations_build_an_empty_database_that_matches_the_model()
    {
        await using var db = await EmptyDatabaseAsync();

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes no migration captures: run dotnet ef migrations add.");
    }

    [Fact]
    public async Task Migrating_twice_with_the_demo_loads_the_framework_fifteen_units_and_their_history_once()
    {
        await using var db = await EmptyDatabaseAsync();
        var migrator = new DatabaseMigrator(db, new FrameworkDocumentValidator(), TimeProvider.System, NullLogger<DatabaseMigrator>.Instance);

        await migrator.MigrateAsync(loadDemo: true);
        await migrator.MigrateAsync(loadDemo: true);

        // The demo adds one draft open for comment, with its comments, once (ADR 0030).
        var versions = await db.FrameworkVersions.AsNoTracking().OrderBy(v => v.Identifier).Select(v => new { v.Identifier, v.Status }).ToListAsync();
        Assert.Equal([("2021.1", FrameworkStatus.Active), (DemoRevision.DraftIdentifier, FrameworkStatus.Draft)], versions.Select(v => (v.Identifier, v.Status)));
        Assert.Equal(120, await db.Standards.CountAsync(s => db.FrameworkVersions.Any(v => v.Id == s.FrameworkVersionId && v.Identifier == "2021.1")));
        Assert.Equal(5, await db.Set<FrameworkComment>().CountAsync());
        var units = await db.Units.AsNoTracking().Include(u => u.Provider).ToListAsync();
        Assert.Equal(15, units.Count);
        Assert.Equal(5, units.Count(u => u.SecurityLevel == SecurityLevel.Medium));
        Assert.Equal(10, units.Count(u => u.SecurityLevel == SecurityLevel.Low));
        Assert.Equal([ProviderSector.Nhs, ProviderSector.Independent], units.Select(u => u.Provider!.Sector).Distinct().Order());
        Assert.Single(await db.Networks.ToListAsync());
        var assessments = await db.Assessments.CountAsync();
        Assert.InRange(assessments, 15 * 12 * 22, 15 * 12 * 24);
        Assert.Equal(assessments, await db.AreaResults.CountAsync());
        Assert.True(await db.Evidence.AnyAsync(e => e.Shared));
        // Families: YH-M01 is published with its documented share code, with responses in every state (loaded once).
        var published = await db.Units.AsNoTracking().Include(u => u.Network).SingleAsync(u => u.Code == Api.Data.DemoFamilies.UnitCode);
        Assert.True(published.PublishToFamilies && published.Network!.PublishToFamilies);
        Assert.Equal(Api.Families.ShareCodes.Hash(Api.Families.ShareCodes.Normalise(Api.Data.DemoFamilies.ShareCode)!),
            (await db.FamilyShareCodes.SingleAsync()).CodeHash);
        Assert.Equal(3, await db.FamilyResponses.Select(r => r.Status).Distinct().CountAsync());
        Assert.InRange(await db.FamilyResponses.CountAsync(), 20, 60);
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_active_framework_version()
    {
        await using var db = await EmptyDatabaseAsync();
        await new DatabaseMigrator(db, new FrameworkDocumentValidator(), TimeProvider.System, NullLogger<DatabaseMigrator>.Instance)
            .MigrateAsync(loadDemo: false);

        var exception = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("""
            INSERT INTO framework_versions (id, identifier, title, status, scoring_rule, allow_not_applicable, created_at, updated_at)
            VALUES (gen_random_uuid(), 'second', 'Second', 'Active', 'MeanOfApplicable', true, now(), now())
            """));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, exception.SqlState);
    }

    [Fact]
    public async Task The_set_wise_summary_rebuild_writes_the_rows_the_per_assessment_trigger_wrote()
    {
        await using var db = await EmptyDatabaseAsync();
        await new DatabaseMigrator(db, new FrameworkDocumentValidator(), TimeProvider.System, NullLogger<DatabaseMigrator>.Instance)
            .MigrateAsync(loadDemo: true);
        // Edge cases the demo lacks: an imported assessment, a submitted one without ratings, one without a staff participant.
        await db.Database.ExecuteSqlRawAsync("""
            UPDATE assessments SET imported = true WHERE id = (SELECT id FROM assessments WHERE status = 'Submitted' ORDER BY id LIMIT 1);
            DELETE FROM ratings WHERE assessment_id = (SELECT id FROM assessments WHERE status = 'Submitted' ORDER BY id OFFSET 1 LIMIT 1);
            DELETE FROM participants WHERE role = 'Staff' AND assessment_id = (SELECT id FROM assessments WHERE status = 'Submitted' ORDER BY id OFFSET 2 LIMIT 1);
            UPDATE assessments SET revision = revision + 1 WHERE id IN (SELECT id FROM assessments WHERE status = 'Submitted' ORDER BY id LIMIT 3);
            """);

        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE trigger_area_results AS SELECT * FROM area_results;
            CREATE TEMP TABLE trigger_standard_results AS SELECT * FROM standard_results;
            SELECT refresh_benchmark_summaries(NULL);
            """);
        // Rows rebuilt are rows written again: each carries the rebuild's transaction, not the trigger's (ADR 0027).
        Assert.Equal(0, await db.Database.SqlQueryRaw<long>("""
            SELECT count(*) AS "Value" FROM standard_results s WHERE s.transaction_id = ANY(SELECT transaction_id FROM trigger_standard_results)
            """).SingleAsync());
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE rebuilt_standard_results AS SELECT * FROM standard_results;
            ALTER TABLE trigger_standard_results DROP COLUMN transaction_id;
            ALTER TABLE rebuilt_standard_results DROP COLUMN transaction_id;
            """);

        var differences = await db.Database.SqlQueryRaw<long>("""
            SELECT (SELECT count(*) FROM (SELECT * FROM trigger_area_results EXCEPT ALL SELECT * FROM area_results) d)
                 + (SELECT count(*) FROM (SELECT * FROM area_results EXCEPT ALL SELECT * FROM trigger_area_results) d)
                 + (SELECT count(*) FROM (SELECT * FROM trigger_standard_results EXCEPT ALL SELECT * FROM rebuilt_standard_results) d)
                 + (SELECT count(*) FROM (SELECT * FROM rebuilt_standard_results EXCEPT ALL SELECT * FROM trigger_standard_results) d) AS "Value"
            """).SingleAsync();
        Assert.Equal(0, differences);
        var submitted = await db.Assessments.CountAsync(a => a.Status == AssessmentStatus.Submitted);
        Assert.True(submitted > 0);
        Assert.Equal(submitted, await db.AreaResults.CountAsync());
        Assert.Equal(1, await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM area_results WHERE on_time IS NULL").SingleAsync());
        Assert.Equal(1, await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM area_results WHERE applicable_standards = 0").SingleAsync());
    }

    private async Task<SeQuInDbContext> EmptyDatabaseAsync()
    {
        var name = $"sequin_empty_{Guid.NewGuid():N}"[..30];
        await Fixture.Postgres.CreateDatabaseAsync(name);
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, Fixture.Postgres.ConnectionString(name));
        return new SeQuInDbContext(options.Options);
    }
}
