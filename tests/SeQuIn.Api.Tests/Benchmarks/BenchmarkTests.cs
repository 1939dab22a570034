using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Benchmarks;

public sealed class BenchmarkTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>A network of four units whose INV ratings for two months are known, loaded through the import.</summary>
    private async Task<(NetworkResponse Network, UnitResponse[] Units, HttpClient Admin, HttpClient Analyst)> WorldAsync(bool allowRanks = false, int units = 4)
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network", AllowRanks: allowRanks)));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var made = new List<UnitResponse>();
        for (var i = 0; i < units; i++)
        {
            made.Add(await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), $"Unit {i}", SecurityLevel.Low, provider.Id, network.Id))));
        }
        var admin = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Admin", Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, network.Id))))).Token);
        var analyst = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Analyst", Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id))))).Token);
        return (network, made.ToArray(), admin, analyst);
    }

    private static IEnumerable<ImportRow> Inv(UnitResponse unit, string month, int value, int? na = null) =>
        Enumerable.Range(1, 10).Select(i => i == na
            ? new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", NotApplicable: true, NotApplicableReason: "Not in place here")
            : new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", value));

    private async Task ImportAsync(HttpClient admin, IEnumerable<ImportRow> rows) =>
        await ReadAsync<ImportReport>(await admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows.ToList()), JsonOptions));

    [Fact]
    public async Task A_units_area_score_sits_beside_its_networks_quartiles_and_change_without_a_percentile_where_ranks_are_hidden()
    {
        var (_, units, admin, analyst) = await WorldAsync();
        await ImportAsync(admin, units.SelectMany((u, i) => Inv(u, "2026-04", i + 1))           // 1, 2, 3, 4
            .Concat(Inv(units[2], "2026-03", 1)));

        var benchmark = await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[2].Id}?month=2026-04"));

        var inv = benchmark.Areas.Single(a => a.Code == "INV");
        Assert.Equal((3m, 75.0m, 2m), (inv.Score, inv.Percentage, inv.Change));
        Assert.Equal((4, 1m, 1.75m, 2.5m, 3.25m, 4m, 2.5m), (inv.Group.Units, inv.Group.Minimum, inv.Group.LowerQuartile, inv.Group.Median,
            inv.Group.UpperQuartile, inv.Group.Maximum, inv.Group.Mean));
        Assert.Null(inv.Percentile);
        Assert.Null(inv.Rank);
        Assert.Null(inv.Group.Suppressed);
        Assert.Equal("2026-04", benchmark.Month);
    }

    [Fact]
    public async Task Ranks_appear_only_where_the_network_allows_them()
    {
        var (_, units, admin, analyst) = await WorldAsync(allowRanks: true);
        await ImportAsync(admin, units.SelectMany((u, i) => Inv(u, "2026-04", i + 1)));

        var benchmark = await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[1].Id}?month=2026-04"));

        Assert.Equal((37.5m, 3), (benchmark.Areas.Single(a => a.Code == "INV").Percentile, benchmark.Areas.Single(a => a.Code == "INV").Rank));
    }

    [Fact]
    public async Task A_group_smaller_than_the_minimum_is_suppressed_with_a_reason()
    {
        var (_, units, admin, analyst) = await WorldAsync(units: 2);
        await ImportAsync(admin, units.SelectMany(u => Inv(u, "2026-04", 2)));

        var inv = (await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}?month=2026-04"))).Areas.Single(a => a.Code == "INV");

        Assert.Equal(2m, inv.Score);
        Assert.Equal(2, inv.Group.Units);
        Assert.Null(inv.Group.Median);
        Assert.Null(inv.Percentile);
        Assert.Contains("Fewer than 3 units", inv.Group.Suppressed);
        var collaborative = (await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}?month=2026-04&group=collaborative"))).Areas.First();
        Assert.Contains("no provider collaborative", collaborative.Group.Suppressed);
    }

    [Fact]
    public async Task Each_comparison_group_holds_exactly_the_units_it_names()
    {
        // Five units across two networks, two security levels, two sectors and one collaborative, alone in a month
        // no other test uses, so the national groups hold only them.
        var collaborative = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "C")));
        var nhs = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "NHS", ProviderSector.Nhs)));
        var independent = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Ind", ProviderSector.Independent)));
        var first = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "First")));
        var second = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Second")));
        async Task<UnitResponse> UnitAsync(SecurityLevel level, ProviderResponse provider, NetworkResponse network, bool inCollaborative) =>
            await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Unit", level, provider.Id, network.Id,
                inCollaborative ? collaborative.Id : null)));
        var a = await UnitAsync(SecurityLevel.Low, nhs, first, inCollaborative: true);
        var b = await UnitAsync(SecurityLevel.Low, independent, first, inCollaborative: true);
        var c = await UnitAsync(SecurityLevel.Medium, nhs, first, inCollaborative: false);
        var d = await UnitAsync(SecurityLevel.Low, nhs, second, inCollaborative: false);
        var e = await UnitAsync(SecurityLevel.Medium, independent, second, inCollaborative: true);
        const string month = "2001-06";
        await ImportAsync(Client, new[] { (a, 1), (b, 2), (c, 3), (d, 4), (e, 0) }.SelectMany(u => Inv(u.Item1, month, u.Item2)));

        async Task<GroupFigures> GroupAsync(string group) =>
            (await ReadAsync<UnitBenchmark>(await Client.GetAsync($"/api/v1/benchmarks/units/{a.Id}?month={month}&group={group}"))).Areas.Single(x => x.Code == "INV").Group;

        Assert.Equal((3, 1m, 3m), await MinMaxAsync("network"));               // a, b, c
        Assert.Equal((3, 1m, 4m), await MinMaxAsync("security-level"));        // a, b, d
        Assert.Equal((3, 1m, 4m, 3m), await WithMedianAsync("sector"));        // a, c, d
        Assert.Equal((3, 0m, 2m), await MinMaxAsync("collaborative"));         // a, b, e
        Assert.Equal((5, 0m, 4m), await MinMaxAsync("national"));              // all five
        async Task<(int, decimal?, decimal?)> MinMaxAsync(string group) => (await GroupAsync(group)) is var g ? (g.Units, g.Minimum, g.Maximum) : default;
        async Task<(int, decimal?, decimal?, decimal?)> WithMedianAsync(string group) => (await GroupAsync(group)) is var g ? (g.Units, g.Minimum, g.Maximum, g.Median) : default;

        var standards = await ReadAsync<AreaBenchmark>(await Client.GetAsync($"/api/v1/benchmarks/units/{a.Id}/areas/INV?month={month}&group=sector"));
        Assert.Equal((3, 1m, 4m), standards.Standards.Select(s => (s.Group.Units, s.Group.Minimum, s.Group.Maximum)).Distinct().Single());
        var trend = await ReadAsync<Trend>(await Client.GetAsync($"/api/v1/benchmarks/units/{a.Id}/areas/INV/trend?from={month}&to={month}&group=collaborative"));
        Assert.Equal((1m, 1m), (trend.Points.Single().Score, trend.Points.Single().GroupMedian));
    }

    [Fact]
    public async Task Standards_are_benchmarked_leaving_not_applicable_out()
    {
        var (_, units, admin, analyst) = await WorldAsync();
        await ImportAsync(admin, units.SelectMany((u, i) => Inv(u, "2026-04", i + 1, na: i == 0 ? 5 : null)));

        var area = await ReadAsync<AreaBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[3].Id}/areas/INV?month=2026-04"));

        Assert.Equal(10, area.Standards.Count);
        Assert.Equal(4, area.Standards.Single(s => s.Code == "INV-01").Group.Units);
        var five = area.Standards.Single(s => s.Code == "INV-05");
        Assert.Equal((3, 2m, 4m), (five.Group.Units, five.Group.Minimum, five.Score));
    }

    [Fact]
    public async Task A_submission_shows_in_the_benchmarks_as_soon_as_it_commits_and_a_reopening_takes_it_out()
    {
        var (network, units, admin, analyst) = await WorldAsync();
        await ImportAsync(admin, units.Take(3).SelectMany(u => Inv(u, AssessmentDriver.FreshMonth(), 2)));
        var member = new AssessmentDriver(Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Member", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [units[3].Id]))))).Token), units[3].Id);
        var (submitted, _) = await member.CreateSubmittedAsync();
        var month = submitted.Month;

        var after = await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[3].Id}?month={month}"));
        Assert.Equal(3m, after.Areas.Single(a => a.Code == "INV").Score);

        using var reopen = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/reopen")
        {
            Content = JsonContent.Create(new CommentRequest("Entered against the wrong month."), options: JsonOptions),
        };
        reopen.Headers.IfMatch.Add(new EntityTagHeaderValue(AssessmentDriver.ETagOf(submitted)));
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(reopen)).StatusCode);

        var reopened = await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[3].Id}?month={month}"));
        Assert.Null(reopened.Areas.Single(a => a.Code == "INV").Score);
        _ = network;
    }

    [Fact]
    public async Task A_trend_carries_process_limits_and_signals_on_the_server()
    {
        var (_, units, admin, analyst) = await WorldAsync();
        // Nine months rising from 0 to 4 then flat, for one unit; the others flat at 2.
        var months = Enumerable.Range(0, 12).Select(i => Months.Format(new DateOnly(2025, 1, 1).AddMonths(i))).ToList();
        var values = new[] { 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4 };
        await ImportAsync(admin, months.SelectMany((m, i) => Inv(units[0], m, values[i])
            .Concat(units.Skip(1).SelectMany(u => Inv(u, m, 2)))));

        var trend = await ReadAsync<Trend>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}/areas/INV/trend?from=2025-01&to=2025-12"));

        Assert.Equal(12, trend.Points.Count);
        Assert.Equal(values.Select(v => (decimal?)v), trend.Points.Select(p => p.Score));
        Assert.All(trend.Points, p => Assert.Equal(2m, p.GroupMedian));
        // Centre 28/12 = 2.33; average moving range 4/11 = 0.36; limits 2.33 ± 2.66 × 0.36 = 1.37 and 3.30.
        Assert.Equal((2.33m, 3.30m, 1.37m), (trend.Centre, trend.UpperProcessLimit, trend.LowerProcessLimit));
        Assert.Contains(SpcSignal.BelowLowerLimit, trend.Points[0].Signals);
        Assert.Contains(SpcSignal.AboveUpperLimit, trend.Points[11].Signals);
        Assert.Empty(trend.Points[4].Signals);
    }

    /// <summary>Ten INV ratings whose mean is <paramref name="tenths"/> ÷ 10 (20 to 30: 2.0 to 3.0).</summary>
    private static IEnumerable<ImportRow> InvMean(UnitResponse unit, string month, int tenths) =>
        Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", i <= tenths - 20 ? 3 : 2));

    [Fact]
    public async Task A_trend_says_what_its_latest_month_means_against_a_target_and_rebases_where_asked()
    {
        var (_, units, admin, analyst) = await WorldAsync();
        // A year alternating 2.0 and 2.2, then a year alternating 2.6 and 2.8: one chart sees a shift up, two charts see steady processes.
        var tenths = Enumerable.Range(0, 24).Select(i => (i < 12 ? 20 : 26) + i % 2 * 2).ToList();
        await ImportAsync(admin, tenths.SelectMany((t, i) => InvMean(units[0], Months.Format(new DateOnly(2024, 1, 1).AddMonths(i)), t)));
        var url = $"/api/v1/benchmarks/units/{units[0].Id}/areas/INV/trend?from=2024-01&to=2025-12";

        var whole = await ReadAsync<Trend>(await analyst.GetAsync(url + "&target=2.9"));
        var rebased = await ReadAsync<Trend>(await analyst.GetAsync(url + "&target=2.9&rebaseAt=2025-01"));
        var passes = await ReadAsync<Trend>(await analyst.GetAsync(url + "&target=2&rebaseAt=2025-01,2025-01"));

        Assert.Equal((SpcVariation.SpecialCauseImprovement, SpcAssurance.HitAndMiss, 2.9m), (whole.Variation, whole.Assurance, whole.Target));
        Assert.All(whole.Points.Skip(12), p => Assert.Contains(SpcSignal.RunAboveCentre, p.Signals));
        Assert.Empty(whole.ChangePoints);
        Assert.Equal((7, 7), (whole.RunLength, whole.TrendLength));
        // Rebased: 2.1 ± 2.66 × 0.2 and 2.7 ± 2.66 × 0.2; the latest segment's figures lead the answer.
        Assert.Equal(SpcVariation.CommonCause, rebased.Variation);
        Assert.All(rebased.Points, p => Assert.Empty(p.Signals));
        Assert.Equal([new TrendChangePoint("2025-01", [ChangePointReason.Requested], [])], rebased.ChangePoints, new ChangePointComparer());
        Assert.Equal([new TrendSegment("2024-01", "2024-12", 12, 2.1m, 2.63m, 1.57m), new TrendSegment("2025-01", "2025-12", 12, 2.7m, 3.23m, 2.17m)], rebased.Segments);
        Assert.Equal((2.7m, 3.23m, 2.17m), (rebased.Centre, rebased.UpperProcessLimit, rebased.LowerProcessLimit));
        Assert.Equal(SpcAssurance.HitAndMiss, rebased.Assurance);
        Assert.Equal(SpcAssurance.ConsistentlyPasses, passes.Assurance);
        Assert.Single(passes.ChangePoints);
    }

    private sealed class ChangePointComparer : IEqualityComparer<TrendChangePoint>
    {
        public bool Equals(TrendChangePoint? x, TrendChangePoint? y) => x!.Month == y!.Month && x.Reasons.SequenceEqual(y.Reasons);
        public int GetHashCode(TrendChangePoint obj) => obj.Month.GetHashCode(StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runLength=4", "runLength")]
    [InlineData("trendLength=13", "trendLength")]
    [InlineData("rebaseAt=2024-01", "rebaseAt")]          // the first month: nothing to rebase from
    [InlineData("rebaseAt=2026-01", "rebaseAt")]          // after 'to'
    [InlineData("rebaseAt=2024-06,June", "rebaseAt")]
    [InlineData("target=1001", "target")]
    public async Task A_trend_refuses_rule_lengths_change_points_and_targets_it_cannot_use_naming_them(string query, string field)
    {
        var (_, units, _, analyst) = await WorldAsync(units: 1);

        var response = await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}/areas/INV/trend?from=2024-01&to=2025-12&{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_export_pages_every_rating_once_and_recomputes_the_benchmark()
    {
        var (network, units, admin, analyst) = await WorldAsync();
        await ImportAsync(admin, units.SelectMany((u, i) => Inv(u, "2026-02", i + 1, na: i == 1 ? 3 : null)));

        var rows = new List<RatingExportRow>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ReadAsync<Page<RatingExportRow>>(await analyst.GetAsync("/api/v1/exports/ratings?from=2026-02&to=2026-02&limit=7" + (cursor is null ? "" : $"&cursor={cursor}")));
            rows.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(40, rows.Count);
        Assert.Equal(6, pages);
        Assert.Equal(40, rows.Select(r => (r.Unit, r.Standard)).Distinct().Count());
        Assert.All(rows, r => Assert.Equal((network.Code, "nhs", "low", "2021.1"), (r.Network, r.Sector, r.SecurityLevel, r.FrameworkVersion)));
        var recomputed = rows.GroupBy(r => r.Unit)
            .Select(g => Math.Round((decimal)g.Where(r => !r.NotApplicable).Average(r => r.Value!.Value), 2, MidpointRounding.AwayFromZero)).ToList();
        var benchmark = await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}?month=2026-02"));
        Assert.Equal(Statistics.Describe(recomputed).Median, benchmark.Areas.Single(a => a.Code == "INV").Group.Median);

        var csv = await analyst.GetStringAsync("/api/v1/exports/ratings.csv?from=2026-02&to=2026-02");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("network,collaborative,provider,sector,unit,securityLevel,month,frameworkVersion,area,standard,value,notApplicable,submittedAt,assessmentId," +
            "agreedRating,areaMean,staffView,serviceUserView,confirmation", lines[0]);
        Assert.Equal(41, lines.Length);
    }

    [Fact]
    public async Task An_export_is_limited_to_the_callers_scope_and_filters()
    {
        var (_, units, admin, analyst) = await WorldAsync();
        var (_, otherUnits, otherAdmin, _) = await WorldAsync();
        await ImportAsync(admin, Inv(units[0], "2026-01", 2));
        await ImportAsync(otherAdmin, Inv(otherUnits[0], "2026-01", 2));

        var mine = await ReadAsync<Page<RatingExportRow>>(await analyst.GetAsync($"/api/v1/exports/ratings?unitCode={otherUnits[0].Code}&unitCode={units[0].Code}"));

        Assert.Equal([units[0].Code], mine.Items.Select(r => r.Unit).Distinct());
    }

    [Fact]
    public async Task Network_insight_finds_gaps_fills_the_grid_and_measures_participation()
    {
        var (network, units, admin, analyst) = await WorldAsync();
        var months = new[] { "2026-01", "2026-02", "2026-03" };
        await ImportAsync(admin, months.SelectMany(m => units.SelectMany((u, i) => Inv(u, m, i == 3 ? 4 : 1))));

        var gaps = await ReadAsync<GapsReport>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/insight/gaps?month=2026-03&threshold=1&minimumUnits=3"));
        var heatmap = await ReadAsync<Heatmap>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/insight/heatmap?month=2026-03"));
        var participation = await ReadAsync<Participation>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/insight/participation?month=2026-03"));
        var best = await ReadAsync<BestPractice>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/insight/best-practice?standardCode=INV-01&month=2026-03"));

        var first = gaps.Standards[0];
        Assert.Equal((3, 4, 3), (first.UnitsAtOrBelow, first.UnitsReporting, first.ConsecutiveMonths));
        Assert.Equal(10, gaps.Standards.Count);
        Assert.Equal(4, heatmap.Units.Count);
        Assert.Equal(12, heatmap.AreaCodes.Count);
        // The network hides ranks: no row is named, and the best-scoring row comes first whatever its code.
        Assert.All(heatmap.Units, u => Assert.Equal((null, null, null), (u.UnitId, u.UnitCode, u.UnitName)));
        Assert.Equal(100.0m, heatmap.Units[0].Areas["INV"]);
        Assert.Null(heatmap.Units[0].Areas["TEC"]);
        Assert.Equal((4, 12, 4, 0.083m), (participation.Units, participation.Areas, participation.Submissions, participation.ReportingRate));
        Assert.Equal([units[3].Id], best.Units.Select(u => u.UnitId));
        Assert.Equal(4, best.TopValue);
    }

    [Fact]
    public async Task Agreement_between_staff_and_service_user_views_is_measured_per_area_and_unit()
    {
        var (network, units, _, analyst) = await WorldAsync(units: 1);
        var member = new AssessmentDriver(Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Member", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [units[0].Id]))))).Token), units[0].Id);
        var views = new (int Staff, int ServiceUser)[] { (3, 3), (2, 3), (4, 4), (1, 1), (0, 2), (3, 3), (2, 2), (4, 3), (1, 1), (2, 2) };
        var draft = await member.CreateAsync(month: "2026-06");
        var rated = await ReadAsync<AssessmentDetail>(await member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings",
            new RatingsRequest(views.Select((v, i) => new RatingInput($"INV-{i + 1:00}", v.Staff, StaffView: v.Staff, ServiceUserView: v.ServiceUser)).ToList()),
            AssessmentDriver.ETagOf(draft)));
        await member.SubmitAsync(await member.AgreeAsync(rated, 2));

        var report = await ReadAsync<AgreementReport>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/insight/agreement?from=2026-06&to=2026-06"));

        var expected = Agreement.Measure(views, 0, 4);
        var inv = Assert.Single(report.ByArea);
        Assert.Equal(("INV", 10, 0.7m), (inv.Key, inv.Pairs, inv.ExactAgreement));
        Assert.Equal(expected.WeightedKappa, inv.WeightedKappa);
        Assert.Equal(units[0].Code, Assert.Single(report.ByUnit).Key);
    }

    [Fact]
    public async Task Agreement_reads_each_rating_on_the_scale_it_was_made_on_after_a_version_with_a_shorter_scale_is_activated()
    {
        // Activation is global: an isolated database. Views of 3 and 4 lie outside the new 0–2 scale; read on it, they were a 500.
        await using var app = await Fixture.CreateIsolatedAppAsync();
        using var client = app.CreateClient(Fixture.NationalAdminToken);
        var network = await ReadAsync<NetworkResponse>(await client.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"), JsonOptions));
        var provider = await ReadAsync<ProviderResponse>(await client.PostAsJsonAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs), JsonOptions));
        var unit = await ReadAsync<UnitResponse>(await client.PostAsJsonAsync("/api/v1/units",
            new CreateUnitRequest(UniqueCode("U"), "U", SecurityLevel.Low, provider.Id, network.Id), JsonOptions));
        var member = new AssessmentDriver(app.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await client.PostAsJsonAsync("/api/v1/keys",
            new CreateApiKeyRequest("Member", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id])), JsonOptions))).Token), unit.Id);
        var views = new (int Staff, int ServiceUser)[] { (3, 3), (2, 3), (4, 4), (1, 1), (0, 2), (3, 3), (2, 2), (4, 3), (1, 1), (2, 2) };
        var draft = await member.CreateAsync(month: "2026-06");
        var rated = await ReadAsync<AssessmentDetail>(await member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings",
            new RatingsRequest(views.Select((v, i) => new RatingInput($"INV-{i + 1:00}", v.Staff, StaffView: v.Staff, ServiceUserView: v.ServiceUser)).ToList()),
            AssessmentDriver.ETagOf(draft)));
        await member.SubmitAsync(await member.AgreeAsync(rated, 2));
        var identifier = SeQuIn.Api.Tests.Framework.FrameworkDocuments.UniqueIdentifier();
        await ReadAsync<object>(await client.PostAsJsonAsync("/api/v1/frameworks", SeQuIn.Api.Tests.Framework.FrameworkDocuments.Small(identifier), JsonOptions));
        await ReadAsync<object>(await client.PostAsync($"/api/v1/frameworks/{identifier}/activate", null));

        var report = await ReadAsync<AgreementReport>(await client.GetAsync($"/api/v1/networks/{network.Id}/insight/agreement?from=2026-06&to=2026-06"));

        var inv = Assert.Single(report.ByArea);
        Assert.Equal((10, 0.7m, Agreement.Measure(views, 0, 4).WeightedKappa), (inv.Pairs, inv.ExactAgreement, inv.WeightedKappa));
    }

    [Fact]
    public async Task A_network_that_publishes_shows_its_area_summaries_to_anyone_without_naming_units()
    {
        var (network, units, admin, _) = await WorldAsync();
        await ImportAsync(admin, units.SelectMany((u, i) => Inv(u, "2026-05", i + 1)));
        await ReadProblemAsync(await Anonymous.GetAsync($"/api/v1/networks/{network.Id}/public-summary"), HttpStatusCode.NotFound);

        await ReadAsync<NetworkResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/networks/{network.Id}",
            new UpdateNetworkRequest(network.Name, true, network.Region, network.AllowRanks, PublishSummaries: true)));
        var response = await Anonymous.GetAsync($"/api/v1/networks/{network.Id}/public-summary");

        var summary = await ReadAsync<PublicSummary>(response);
        Assert.Equal("2026-05", summary.Month);
        // Four units, none of them the reader's: a rounded mean, but no minimum, maximum or middle values (ADR 0009).
        var inv = summary.Areas.Single(a => a.AreaCode == "INV").Figures;
        Assert.Equal((4, 2.5m), (inv.Units, inv.Mean));
        Assert.Equal([null, null, null, null, null], new[] { inv.Minimum, inv.LowerQuartile, inv.Median, inv.UpperQuartile, inv.Maximum });
        Assert.NotNull(summary.Areas.Single(a => a.AreaCode == "TEC").Figures.Suppressed);
        var body = await response.Content.ReadAsStringAsync();
        Assert.All(units, u => Assert.DoesNotContain(u.Code, body));
    }

    [Fact]
    public async Task A_public_summary_leaves_out_the_open_month_so_that_polling_it_shows_no_single_submission()
    {
        var (network, units, admin, _) = await WorldAsync();
        await ReadAsync<NetworkResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/networks/{network.Id}",
            new UpdateNetworkRequest(network.Name, true, network.Region, network.AllowRanks, PublishSummaries: true)));
        var current = Months.Format(Months.Current(TimeProvider.System));
        await ImportAsync(admin, units.SelectMany((u, i) => Inv(u, "2026-05", i + 1).Concat(Inv(u, current, i))));

        var latest = await ReadAsync<PublicSummary>(await Anonymous.GetAsync($"/api/v1/networks/{network.Id}/public-summary"));
        var open = await ReadAsync<PublicSummary>(await Anonymous.GetAsync($"/api/v1/networks/{network.Id}/public-summary?month={current}"));

        Assert.Equal("2026-05", latest.Month);
        var figures = open.Areas.Single(a => a.AreaCode == "INV").Figures;
        Assert.Null(figures.Mean);
        Assert.Contains("still open", figures.Suppressed);
    }

    [Theory]
    [InlineData("from=2099-01")]                    // after the default 'to', the current month
    [InlineData("from=2000-01")]                    // more than 20 years before it
    [InlineData("from=2026-05&to=2026-04")]
    [InlineData("from=2000-01&to=2099-12")]
    [InlineData("to=2000-01&from=2099-01")]
    public async Task A_trend_range_that_is_backwards_or_too_long_is_refused_naming_from(string range)
    {
        var (_, units, _, analyst) = await WorldAsync(units: 1);

        var response = await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}/areas/INV/trend?{range}");

        await ReadFieldErrorAsync(response, "from");
    }

    [Theory]
    [InlineData("to=2000-01")]                      // far past: two years of empty months
    [InlineData("from=2099-01&to=2099-12")]         // far future
    [InlineData("from=2000-01&to=2000-01&group=collaborative")]
    public async Task A_trend_over_months_without_results_is_an_empty_series(string range)
    {
        var (_, units, _, analyst) = await WorldAsync(units: 1);

        var trend = await ReadAsync<Trend>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}/areas/INV/trend?{range}"));

        Assert.All(trend.Points, p => Assert.Equal((null, null), (p.Score, p.GroupMedian)));
        Assert.Null(trend.Centre);
    }

    [Fact]
    public async Task The_heatmap_names_units_only_where_the_network_allows_named_comparisons_or_for_the_callers_own()
    {
        var (network, units, admin, analyst) = await WorldAsync();
        await ImportAsync(admin, units.SelectMany((u, i) => Inv(u, "2026-03", i)));
        var member = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Member", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [units[1].Id]))))).Token);

        var hidden = await ReadAsync<Heatmap>(await member.GetAsync($"/api/v1/networks/{network.Id}/insight/heatmap?month=2026-03"));
        await ReadAsync<NetworkResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/networks/{network.Id}",
            new UpdateNetworkRequest(network.Name, true, network.Region, AllowRanks: true, network.PublishSummaries)));
        var named = await ReadAsync<Heatmap>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/insight/heatmap?month=2026-03"));

        Assert.Equal([units[1].Id], hidden.Units.Where(u => u.UnitId is not null).Select(u => u.UnitId!.Value));
        Assert.Equal(units.Select(u => u.Code).Order(StringComparer.Ordinal), named.Units.Select(u => u.UnitCode));
    }

    [Fact]
    public async Task A_trend_rated_on_an_older_versions_scale_keeps_that_scale_after_a_version_with_a_shorter_one_is_activated()
    {
        // Activation is global: an isolated database, so no other test rates against the 0–2 scale.
        await using var app = await Fixture.CreateIsolatedAppAsync();
        using var client = app.CreateClient(Fixture.NationalAdminToken);
        var network = await ReadAsync<NetworkResponse>(await client.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"), JsonOptions));
        var provider = await ReadAsync<ProviderResponse>(await client.PostAsJsonAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs), JsonOptions));
        var unit = await ReadAsync<UnitResponse>(await client.PostAsJsonAsync("/api/v1/units",
            new CreateUnitRequest(UniqueCode("U"), "U", SecurityLevel.Low, provider.Id, network.Id), JsonOptions));
        var values = new[] { 3, 3, 4, 3, 3, 4, 3, 3, 4, 3, 3, 4 };     // on the 0–4 scale of 2021.1
        await ReadAsync<ImportReport>(await client.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(values.SelectMany((v, i) =>
            Inv(unit, Months.Format(new DateOnly(2025, 1, 1).AddMonths(i)), v)).ToList()), JsonOptions));
        var identifier = SeQuIn.Api.Tests.Framework.FrameworkDocuments.UniqueIdentifier();
        await ReadAsync<object>(await client.PostAsJsonAsync("/api/v1/frameworks", SeQuIn.Api.Tests.Framework.FrameworkDocuments.Small(identifier), JsonOptions));
        await ReadAsync<object>(await client.PostAsync($"/api/v1/frameworks/{identifier}/activate", null));

        var trend = await ReadAsync<Trend>(await client.GetAsync($"/api/v1/benchmarks/units/{unit.Id}/areas/INV/trend?from=2025-01&to=2025-12"));

        // Centre 3.33, average moving range 0.64: limits 1.64 and 5.02, clamped to 4 — not to the new version's 2.
        Assert.Equal((3.33m, 4m), (trend.Centre, trend.UpperProcessLimit));
        Assert.All(trend.Points, p => Assert.DoesNotContain(SpcSignal.AboveUpperLimit, p.Signals));
    }
}
