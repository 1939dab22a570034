using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SeQuIn.Api.Buddying;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Buddying;

public sealed class DemoBuddyingTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_demo_has_a_pairing_that_came_before_improvement_one_that_ended_and_one_still_open()
    {
        var name = $"sequin_buddy_{Guid.NewGuid():N}"[..30];
        await Fixture.Postgres.CreateDatabaseAsync(name);
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, Fixture.Postgres.ConnectionString(name));
        await using var db = new SeQuInDbContext(options.Options);
        var clock = new FixedClock(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));

        await new DatabaseMigrator(db, new FrameworkDocumentValidator(), clock, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(loadDemo: true);
        await new DatabaseMigrator(db, new FrameworkDocumentValidator(), clock, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(loadDemo: true);

        var pairings = await db.Set<BuddyPairing>().AsNoTracking().OrderBy(p => p.Id).ToListAsync();
        Assert.Equal([BuddyOutcome.Improved, BuddyOutcome.Ended, null], pairings.Select(p => p.Outcome));
        var improved = pairings[0];
        var ratings = await db.StandardResults.AsNoTracking()
            .Where(r => r.UnitId == improved.UnitId && r.StandardCode == improved.StandardCode && r.Value != null)
            .Select(r => new MonthRating(r.Month, r.Value!.Value)).ToListAsync();
        Assert.True(Buddies.Compare(ratings, improved.StartedMonth).Improved);
        Assert.Null(pairings[2].StandardCode);
        Assert.All(pairings, p => Assert.NotEqual(p.UnitId, p.BuddyUnitId));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
