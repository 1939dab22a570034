using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
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

        var version = await db.FrameworkVersions.AsNoTracking().SingleAsync();
        Assert.Equal(("2021.1", FrameworkStatus.Active), (version.Identifier, version.Status));
        Assert.Equal(120, await db.Standards.CountAsync());
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

    private async Task<SeQuInDbContext> EmptyDatabaseAsync()
    {
        var name = $"sequin_empty_{Guid.NewGuid():N}"[..30];
        await Fixture.Postgres.CreateDatabaseAsync(name);
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, Fixture.Postgres.ConnectionString(name));
        return new SeQuInDbContext(options.Options);
    }
}
