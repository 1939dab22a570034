using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Buddying;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Buddying;

public sealed class DemoBuddyingTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_demo_has_a_pairing_that_came_before_improvement_one_that_ended_and_one_still_open()
    {
        var clock = new DemoDatabase.FixedClock(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        await using var db = await DemoDatabase.CreateAsync(Fixture, "sequin_buddy", clock);
        await DemoDatabase.MigrateAsync(db, clock);

        var pairings = await db.Set<BuddyPairing>().AsNoTracking().OrderBy(p => p.Id).ToListAsync();
        // Made in one go, their ids (version 7, the same millisecond) say nothing of their order.
        Assert.Equal([null, BuddyOutcome.Improved, BuddyOutcome.Ended], pairings.Select(p => p.Outcome).Order());
        var improved = pairings.Single(p => p.Outcome == BuddyOutcome.Improved);
        var ratings = await db.StandardResults.AsNoTracking()
            .Where(r => r.UnitId == improved.UnitId && r.StandardCode == improved.StandardCode && r.Value != null)
            .Select(r => new MonthRating(r.Month, r.Value!.Value)).ToListAsync();
        Assert.True(Buddies.Compare(ratings, improved.StartedMonth).Improved);
        Assert.Null(pairings.Single(p => p.Outcome is null).StandardCode);
        Assert.All(pairings, p => Assert.NotEqual(p.UnitId, p.BuddyUnitId));
    }
}
