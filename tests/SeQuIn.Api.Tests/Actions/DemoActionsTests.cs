using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Actions;

/// <summary>The demo shows the whole cycle: actions in every status and evidence state, and two priorities with linked actions.</summary>
public sealed class DemoActionsTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_demo_has_actions_in_every_state_and_two_priorities_with_linked_actions()
    {
        var name = $"sequin_demo_actions_{Guid.NewGuid():N}"[..30];
        await Fixture.Postgres.CreateDatabaseAsync(name);
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, Fixture.Postgres.ConnectionString(name));
        await using var db = new SeQuInDbContext(options.Options);
        var migrator = new DatabaseMigrator(db, new FrameworkDocumentValidator(), TimeProvider.System, NullLogger<DatabaseMigrator>.Instance);

        await migrator.MigrateAsync(loadDemo: true);
        await migrator.MigrateAsync(loadDemo: true);   // a second start adds nothing

        var actions = await db.Set<ImprovementAction>().AsNoTracking().ToListAsync();
        Assert.Equal(Enum.GetValues<ActionStatus>(), actions.Select(a => a.Status).Distinct().Order());
        Assert.Equal(Enum.GetValues<ActionEvidence>(), actions.Select(a => a.Evidence).Distinct().Order());
        Assert.All(actions.Where(a => a.Evidence == ActionEvidence.Achieved), a => Assert.True(a.AchievedMonth > a.BaselineMonth));
        var priorities = await db.Set<NetworkPriority>().AsNoTracking().ToListAsync();
        Assert.Equal(2, priorities.Count);
        var links = await db.Set<PriorityAction>().AsNoTracking().ToListAsync();
        Assert.All(priorities, p => Assert.Contains(links, l => l.PriorityId == p.Id));
        Assert.Equal(actions.Count, links.Count);
    }
}
