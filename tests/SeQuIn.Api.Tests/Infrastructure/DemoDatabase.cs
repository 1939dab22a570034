using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>A database of its own, migrated with the demo data as <c>migrate --demo</c> loads it, on the day the clock says.</summary>
public static class DemoDatabase
{
    public static async Task<SeQuInDbContext> CreateAsync(SeQuInApiFixture fixture, string prefix, TimeProvider clock)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..30];
        await fixture.Postgres.CreateDatabaseAsync(name);
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, fixture.Postgres.ConnectionString(name));
        var db = new SeQuInDbContext(options.Options);
        await MigrateAsync(db, clock);
        return db;
    }

    /// <summary>Migrates again with the demo, as every start of <c>run-local.sh --demo</c> does.</summary>
    public static Task MigrateAsync(SeQuInDbContext db, TimeProvider clock) =>
        new DatabaseMigrator(db, new FrameworkDocumentValidator(), clock, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(loadDemo: true);

    /// <summary>A clock that always says the same time.</summary>
    public sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
