using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Actions;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Benchmarks;

/// <summary>A trend's limits recomputed where something known changed the process: a recorded action, a new framework version (ADR 0035).</summary>
public sealed class TrendChangePointTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>Ten INV ratings whose mean is <paramref name="tenths"/> ÷ 10 (20 to 30: 2.0 to 3.0), against the given version or the active one.</summary>
    private static IEnumerable<ImportRow> InvMean(UnitResponse unit, DateOnly month, int tenths, string? version = null) =>
        Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, "INV", Months.Format(month), $"INV-{i:00}", i <= tenths - 20 ? 3 : 2,
            FrameworkVersion: version));

    /// <summary>2024 alternates 2.0 and 2.2, 2025 alternates 2.6 and 2.8: one chart sees a shift up, two charts two steady processes.</summary>
    private static IEnumerable<ImportRow> StepUpIn2025(UnitResponse unit, string? before = null) =>
        Enumerable.Range(0, 24).SelectMany(i => InvMean(unit, new DateOnly(2024, 1, 1).AddMonths(i), (i < 12 ? 20 : 26) + i % 2 * 2, i < 12 ? before : null));

    private static readonly TrendSegment[] TwoSteadyYears =
    [
        new("2024-01", "2024-12", 12, 2.1m, 2.63m, 1.57m),
        new("2025-01", "2025-12", 12, 2.7m, 3.23m, 2.17m),
    ];

    private const string Window = "from=2024-01&to=2025-12";

    [Fact]
    public async Task Limits_are_recomputed_from_the_month_the_unit_marked_its_actions_done_for_callers_who_see_its_plan()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var report = await ReadAsync<ImportReport>(await world.Admin.PostAsJsonAsync("/api/v1/assessments/import",
            new ImportDocument(StepUpIn2025(world.Unit).ToList()), JsonOptions));
        var baseline = report.AssessmentIds[0];
        var first = await ActionPlanTests.CreateAsync(world.Member.Client, baseline, "INV-03");
        var second = await ActionPlanTests.CreateAsync(world.Lead, baseline, "INV-05");
        var dropped = await ActionPlanTests.CreateAsync(world.Member.Client, baseline, "INV-07");
        var open = await ActionPlanTests.CreateAsync(world.Member.Client, baseline, "INV-08");
        await MoveAsync(world.Member.Client, first.Id, new ActionStatusRequest(ActionStatus.Done));
        await MoveAsync(world.Member.Client, second.Id, new ActionStatusRequest(ActionStatus.Done));
        await MoveAsync(world.Member.Client, dropped.Id, new ActionStatusRequest(ActionStatus.Dropped, "Replaced by ward forums."));
        // The service stamps "done" with today's date; the plan was carried out at the end of 2024 (the step the data shows).
        await using (var db = Fixture.App.CreateDbContext())
        {
            await SetClosedAsync(db, first.Id, new DateTimeOffset(2025, 1, 3, 9, 0, 0, TimeSpan.Zero));
            await SetClosedAsync(db, second.Id, new DateTimeOffset(2025, 1, 28, 16, 0, 0, TimeSpan.Zero));
            await SetClosedAsync(db, dropped.Id, new DateTimeOffset(2024, 7, 1, 9, 0, 0, TimeSpan.Zero));
        }
        var url = $"/api/v1/benchmarks/units/{world.Unit.Id}/areas/INV/trend?{Window}";

        var plain = await ReadAsync<Trend>(await world.Lead.GetAsync(url));
        var rebased = await ReadAsync<Trend>(await world.Lead.GetAsync(url + "&rebaseAtActions=true"));
        var member = await ReadAsync<Trend>(await world.Member.Client.GetAsync(url + "&rebaseAtActions=true&rebaseAt=2025-01,2024-07"));
        var analyst = await ReadAsync<Trend>(await world.Analyst.GetAsync(url + "&rebaseAtActions=true"));

        // Off by default: one chart over both years, the second a shift above its centre.
        Assert.Empty(plain.ChangePoints);
        Assert.Equal(SpcVariation.SpecialCauseImprovement, plain.Variation);
        // On: the two done actions start a segment in January 2025, named so that a front end can link them; the dropped and the open one do not.
        var change = Assert.Single(rebased.ChangePoints);
        Assert.Equal("2025-01 action", Described(change));
        Assert.Equal([new ChangePointAction(first.Id, "INV-03"), new ChangePointAction(second.Id, "INV-05")], change.Actions);
        Assert.DoesNotContain(change.Actions, a => a.Id == open.Id || a.Id == dropped.Id);
        Assert.Equal(TwoSteadyYears, rebased.Segments);
        Assert.Equal((2.7m, 3.23m, 2.17m, SpcVariation.CommonCause), (rebased.Centre, rebased.UpperProcessLimit, rebased.LowerProcessLimit, rebased.Variation));
        Assert.All(rebased.Points, p => Assert.Empty(p.Signals));
        // Asked-for months join the actions' month once, reasons in order.
        Assert.Equal(["2024-07 requested", "2025-01 requested,action"], member.ChangePoints.Select(Described));
        Assert.Empty(member.ChangePoints[0].Actions);
        Assert.Equal(2, member.ChangePoints[1].Actions.Count);
        // An analyst does not see the unit's plan, so its actions neither rebase nor appear.
        Assert.Empty(analyst.ChangePoints);
        Assert.Equal((plain.Centre, plain.UpperProcessLimit, plain.Variation), (analyst.Centre, analyst.UpperProcessLimit, analyst.Variation));
        // The CSV is one row per month with its own segment's limits, as before.
        var csv = await world.Lead.SendAsync(new HttpRequestMessage(HttpMethod.Get, url + "&rebaseAtActions=true") { Headers = { Accept = { new("text/csv") } } });
        var rows = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(BenchmarkCsv.TrendColumns, rows[0].TrimEnd('\r'));
        static (decimal, decimal, decimal) Limits(string row) =>
            row.Split(',')[8..11].Select(f => decimal.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray() is [var c, var u, var l] ? (c, u, l) : default;
        Assert.Equal((2.1m, 2.63m, 1.57m), Limits(rows[12]));     // 2024-12
        Assert.Equal((2.7m, 3.23m, 2.17m), Limits(rows[13]));     // 2025-01
    }

    [Fact]
    public async Task Months_rated_against_a_new_framework_version_start_a_segment_with_limits_of_their_own()
    {
        // Activation is global: an isolated database, so no other test rates against the new version.
        await using var app = await Fixture.CreateIsolatedAppAsync();
        using var national = app.CreateClient(Fixture.NationalAdminToken);
        async Task<T> Post<T>(string path, object body) => await ReadAsync<T>(await national.PostAsync(path, JsonContent.Create(body, body.GetType(), options: JsonOptions)));
        var network = await Post<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"));
        var provider = await Post<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs));
        var unit = await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "U", SecurityLevel.Low, provider.Id, network.Id));
        var identifier = FrameworkDocuments.UniqueIdentifier();
        await Post<object>("/api/v1/frameworks", FrameworkDocuments.Shipped(identifier));
        await ReadAsync<object>(await national.PostAsync($"/api/v1/frameworks/{identifier}/activate", null));
        // 2024 rated against the first version, 2025 against the new one (the active version, the import's default).
        await Post<ImportReport>("/api/v1/assessments/import", new ImportDocument(StepUpIn2025(unit, before: "2021.1").ToList()));

        var trend = await ReadAsync<Trend>(await national.GetAsync($"/api/v1/benchmarks/units/{unit.Id}/areas/INV/trend?{Window}"));

        var change = Assert.Single(trend.ChangePoints);
        Assert.Equal("2025-01 framework-version", Described(change));
        Assert.Empty(change.Actions);
        Assert.Equal(TwoSteadyYears, trend.Segments);
        Assert.Equal((2.7m, 3.23m, 2.17m, SpcVariation.CommonCause), (trend.Centre, trend.UpperProcessLimit, trend.LowerProcessLimit, trend.Variation));
        Assert.All(trend.Points, p => Assert.Empty(p.Signals));
    }

    private static string Described(TrendChangePoint change) =>
        $"{change.Month} {string.Join(',', change.Reasons.Select(r => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(r.ToString())))}";

    private static async Task SetClosedAsync(SeQuInDbContext db, Guid actionId, DateTimeOffset closedAt) =>
        Assert.Equal(1, await db.Set<ImprovementAction>().Where(a => a.Id == actionId).ExecuteUpdateAsync(s => s.SetProperty(a => a.ClosedAt, closedAt)));

    private static async Task MoveAsync(HttpClient client, Guid actionId, ActionStatusRequest body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/actions/{actionId}/status") { Content = JsonContent.Create(body, options: Json.Options) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        await ReadAsync<ActionResponse>(await client.SendAsync(request));
    }
}
