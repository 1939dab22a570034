using System.Globalization;
using System.Net.Http.Json;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Benchmarks;

/// <summary>
/// The agreed overall area rating as a figure of its own (figure=agreed), the confirmedOnly filter with its
/// differencing protection, and the provider comparison group (issue #13, ADR 0032).
/// </summary>
public sealed class AreaFigureTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private sealed record World(NetworkResponse Network, ProviderResponse Provider, UnitResponse[] Units, HttpClient Admin, HttpClient Analyst);

    /// <summary>
    /// A publishing network of four units in one provider; each rates every INV standard 2 and agrees the overall
    /// rating 1, 2, 3, 4: the mean figure is 2 for all, the agreed figure is spread.
    /// </summary>
    private async Task<World> WorldAsync(string month = "2026-04")
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network", PublishSummaries: true)));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var units = new List<UnitResponse>();
        for (var i = 0; i < 4; i++)
        {
            units.Add(await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), $"Unit {i}", SecurityLevel.Low, provider.Id, network.Id))));
        }
        var admin = await KeyAsync(Role.NetworkAdmin, network.Id);
        await ImportAsync(admin, units.SelectMany((u, i) => Inv(u, month, 2, agreed: i + 1)));
        return new World(network, provider, units.ToArray(), admin, await KeyAsync(Role.Analyst, network.Id));
    }

    private async Task<HttpClient> KeyAsync(Role role, Guid networkId) =>
        Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest(role.ToString(), role, new ScopeInput(ScopeKind.Network, networkId))))).Token);

    private static IEnumerable<ImportRow> Inv(UnitResponse unit, string month, int value, int? agreed = null) =>
        Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", value, AgreedRating: agreed));

    private async Task ImportAsync(HttpClient client, IEnumerable<ImportRow> rows) =>
        await ReadAsync<ImportReport>(await client.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows.ToList()), JsonOptions));

    /// <summary>The service-user participant agrees with these units' submissions (as the confirmation flow records it).</summary>
    private async Task ConfirmAsync(IEnumerable<UnitResponse> units, string confirmation = "Agreed")
    {
        await using var connection = new NpgsqlConnection(Fixture.App.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE assessments SET confirmation = @c, confirmed_at = now() WHERE unit_id = ANY(@units)", connection);
        command.Parameters.AddWithValue("c", confirmation);
        command.Parameters.AddWithValue("units", units.Select(u => u.Id).ToArray());
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_agreed_rating_is_benchmarked_as_its_own_figure_and_the_mean_stays_the_default()
    {
        var w = await WorldAsync();

        var agreed = await ReadAsync<UnitBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[2].Id}?month=2026-04&figure=agreed"));
        var mean = await ReadAsync<UnitBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[2].Id}?month=2026-04"));

        var inv = agreed.Areas.Single(a => a.Code == "INV");
        Assert.Equal(AreaFigure.Agreed, agreed.Figure);
        Assert.Equal((3m, 75.0m), (inv.Score, inv.Percentage));             // 3 on the 0-4 scale
        Assert.Equal((4, 1m, 1.75m, 2.5m, 3.25m, 4m, 2.5m), (inv.Group.Units, inv.Group.Minimum, inv.Group.LowerQuartile, inv.Group.Median,
            inv.Group.UpperQuartile, inv.Group.Maximum, inv.Group.Mean));
        var byMean = mean.Areas.Single(a => a.Code == "INV");
        Assert.Equal(AreaFigure.Mean, mean.Figure);
        Assert.Equal((2m, 50.0m, 2m, 2m, 2m), (byMean.Score, byMean.Percentage, byMean.Group.Minimum, byMean.Group.Maximum, byMean.Group.Mean));

        var trend = await ReadAsync<Trend>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[3].Id}/areas/INV/trend?from=2026-04&to=2026-04&figure=agreed"));
        Assert.Equal((AreaFigure.Agreed, 4m, 2.5m), (trend.Figure, trend.Points.Single().Score, trend.Points.Single().GroupMedian));
    }

    [Fact]
    public async Task The_heatmap_gaps_and_public_summary_use_the_agreed_rating_when_asked()
    {
        var w = await WorldAsync();

        var heatmap = await ReadAsync<Heatmap>(await w.Analyst.GetAsync($"/api/v1/networks/{w.Network.Id}/insight/heatmap?month=2026-04&figure=agreed"));
        Assert.Equal(AreaFigure.Agreed, heatmap.Figure);
        Assert.Equal([25.0m, 50.0m, 75.0m, 100.0m], heatmap.Units.Select(u => u.Areas["INV"]!.Value).Order());
        var byMean = await ReadAsync<Heatmap>(await w.Analyst.GetAsync($"/api/v1/networks/{w.Network.Id}/insight/heatmap?month=2026-04"));
        Assert.All(byMean.Units, u => Assert.Equal(50.0m, u.Areas["INV"]));

        var gaps = await ReadAsync<GapsReport>(await w.Analyst.GetAsync($"/api/v1/networks/{w.Network.Id}/insight/gaps?month=2026-04&threshold=2&minimumUnits=1&figure=agreed"));
        Assert.Equal(("INV", 2, 4, 1), gaps.Areas.Select(a => (a.AreaCode, a.UnitsAtOrBelow, a.UnitsReporting, a.ConsecutiveMonths)).Single());
        Assert.Equal(4, gaps.Standards.First().UnitsAtOrBelow);             // standards keep their own ratings
        var meanGaps = await ReadAsync<GapsReport>(await w.Analyst.GetAsync($"/api/v1/networks/{w.Network.Id}/insight/gaps?month=2026-04&threshold=1&minimumUnits=1"));
        Assert.Equal((AreaFigure.Mean, 0), (meanGaps.Figure, meanGaps.Areas.Single().UnitsAtOrBelow));

        var summary = await ReadAsync<PublicSummary>(await Anonymous.GetAsync($"/api/v1/networks/{w.Network.Id}/public-summary?month=2026-04&figure=agreed"));
        Assert.Equal((AreaFigure.Agreed, 4, 2.5m), (summary.Figure, summary.Areas.Single(a => a.AreaCode == "INV").Figures.Units,
            summary.Areas.Single(a => a.AreaCode == "INV").Figures.Mean));
        var meanSummary = await ReadAsync<PublicSummary>(await Anonymous.GetAsync($"/api/v1/networks/{w.Network.Id}/public-summary?month=2026-04"));
        Assert.Equal(2.0m, meanSummary.Areas.Single(a => a.AreaCode == "INV").Figures.Mean);
    }

    [Fact]
    public async Task Confirmed_only_counts_the_submissions_the_service_user_agreed_with()
    {
        var w = await WorldAsync();
        await ConfirmAsync(w.Units[1..]);                      // agreed ratings 2, 3, 4
        await ConfirmAsync(w.Units[..1], "Disagreed");         // 1: disagreed is not confirmed

        var confirmed = await ReadAsync<UnitBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[2].Id}?month=2026-04&figure=agreed&confirmedOnly=true"));
        var inv = confirmed.Areas.Single(a => a.Code == "INV");
        Assert.True(confirmed.ConfirmedOnly);
        Assert.Equal((3, 2m, 4m, 3m), (inv.Group.Units, inv.Group.Minimum, inv.Group.Maximum, inv.Group.Mean));
        var unconfirmedOwn = await ReadAsync<UnitBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[0].Id}?month=2026-04&confirmedOnly=true"));
        Assert.Null(unconfirmedOwn.Areas.Single(a => a.Code == "INV").Score);
        var standards = await ReadAsync<AreaBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[2].Id}/areas/INV?month=2026-04&confirmedOnly=true"));
        Assert.All(standards.Standards, s => Assert.Equal(3, s.Group.Units));

        var best = await ReadAsync<BestPractice>(await w.Analyst.GetAsync($"/api/v1/networks/{w.Network.Id}/insight/best-practice?standardCode=INV-01&month=2026-04&confirmedOnly=true"));
        Assert.Equal(w.Units[1..].Select(u => u.Id).Order(), best.Units.Select(u => u.UnitId).Order());
        Assert.True(best.ConfirmedOnly);
        var heatmap = await ReadAsync<Heatmap>(await w.Analyst.GetAsync($"/api/v1/networks/{w.Network.Id}/insight/heatmap?month=2026-04&confirmedOnly=true"));
        Assert.Equal(3, heatmap.Units.Count(u => u.Areas["INV"] is not null));
        var exported = await ReadAsync<Page<RatingExportRow>>(await w.Analyst.GetAsync("/api/v1/exports/ratings?confirmedOnly=true&limit=1000"));
        Assert.Equal(30, exported.Items.Count);
        Assert.All(exported.Items, r => Assert.Equal("agreed", r.Confirmation));
        var csv = await (await w.Analyst.GetAsync("/api/v1/exports/ratings.csv?confirmedOnly=true")).Content.ReadAsStringAsync();
        Assert.Equal(31, csv.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public async Task Exports_carry_the_agreed_rating_the_mean_both_views_and_the_confirmation_in_columns_at_the_end()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var assessment = await world.Member.CreateAsync();
        var ratings = AssessmentDriver.InvolvementStandards.Select((code, i) => new RatingInput(code, i < 5 ? 2 : 3, StaffView: 3, ServiceUserView: i < 5 ? 1 : 3)).ToList();
        assessment = await AssessmentDriver.ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{assessment.Id}/ratings",
            new RatingsRequest(ratings), AssessmentDriver.ETagOf(assessment)));
        await world.Member.SubmitAsync(await world.Member.AgreeAsync(assessment, 3));
        await ConfirmAsync([world.Unit]);

        var rows = (await ReadAsync<Page<RatingExportRow>>(await Client.GetAsync($"/api/v1/exports/ratings?unitCode={world.Unit.Code}&limit=1000"))).Items;
        var first = rows.Single(r => r.Standard == "INV-01");
        Assert.Equal((3, 2.5m, 3, 1, "agreed"), (first.AgreedRating, first.AreaMean, first.StaffView, first.ServiceUserView, first.Confirmation));

        var csv = (await (await Client.GetAsync($"/api/v1/exports/ratings.csv?unitCode={world.Unit.Code}")).Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.EndsWith(",submittedAt,assessmentId,agreedRating,areaMean,staffView,serviceUserView,confirmation", csv[0], StringComparison.Ordinal);
        Assert.EndsWith(string.Create(CultureInfo.InvariantCulture, $",{assessment.Id:D},3,2.50,3,1,agreed"), csv.Single(l => l.Contains(",INV-01,", StringComparison.Ordinal)),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_group_holds_the_units_of_the_units_provider_and_is_suppressed_below_the_minimum()
    {
        var w = await WorldAsync();
        var other = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Q", ProviderSector.Nhs)));
        var lone = await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Lone", SecurityLevel.Low, other.Id, w.Network.Id)));
        await ImportAsync(w.Admin, Inv(lone, "2026-04", 0, agreed: 0));

        var provider = (await ReadAsync<UnitBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[0].Id}?month=2026-04&group=provider&figure=agreed")))
            .Areas.Single(a => a.Code == "INV");
        Assert.Equal((4, 1m, 4m), (provider.Group.Units, provider.Group.Minimum, provider.Group.Maximum));
        var network = (await ReadAsync<UnitBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[0].Id}?month=2026-04&figure=agreed")))
            .Areas.Single(a => a.Code == "INV");
        Assert.Equal((5, 0m), (network.Group.Units, network.Group.Minimum));
        var alone = (await ReadAsync<UnitBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{lone.Id}?month=2026-04&group=provider")))
            .Areas.Single(a => a.Code == "INV");
        Assert.Equal((1, null), (alone.Group.Units, alone.Group.Mean));
        Assert.Contains("Fewer than 3 units", alone.Group.Suppressed);
        var standards = await ReadAsync<AreaBenchmark>(await w.Analyst.GetAsync($"/api/v1/benchmarks/units/{w.Units[0].Id}/areas/INV?month=2026-04&group=provider"));
        Assert.All(standards.Standards, s => Assert.Equal(4, s.Group.Units));
    }

    [Theory]
    [InlineData("figure=median", "figure")]
    [InlineData("confirmedOnly=maybe", "confirmedOnly")]
    [InlineData("group=prov", "group")]
    public async Task A_bad_figure_filter_or_group_is_refused_naming_the_parameter(string query, string field)
    {
        var unit = Guid.NewGuid();
        Assert.NotEmpty(await ReadFieldErrorAsync(await Client.GetAsync($"/api/v1/benchmarks/units/{unit}?{query}"), field));
        Assert.NotEmpty(await ReadFieldErrorAsync(await Client.GetAsync($"/api/v1/benchmarks/units/{unit}/areas/INV/trend?{query}"), field));
        if (field != "group")
        {
            Assert.NotEmpty(await ReadFieldErrorAsync(await Client.GetAsync($"/api/v1/networks/{unit}/insight/heatmap?{query}"), field));
            Assert.NotEmpty(await ReadFieldErrorAsync(await Client.GetAsync($"/api/v1/networks/{unit}/insight/gaps?{query}"), field));
            Assert.NotEmpty(await ReadFieldErrorAsync(await Anonymous.GetAsync($"/api/v1/networks/{unit}/public-summary?{query}"), field));
        }
    }

    /// <summary>
    /// Network A's analyst sees its four units; five units of another provider, level and sector are hidden from it,
    /// four of them confirmed. The national mean over all nine and the national mean over the eight confirmed would
    /// differ by the one unconfirmed hidden unit: its score. Every mean the analyst can read, with and without the
    /// filter, for both figures, must leave every hidden value undetermined.
    /// </summary>
    [Fact]
    public async Task A_group_with_and_without_the_confirmed_filter_cannot_be_subtracted_to_single_out_a_unit()
    {
        const string month = "2002-07";   // no other test uses it, long closed: the national group holds only these units
        var nhs = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "NHS", ProviderSector.Nhs)));
        var independent = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Ind", ProviderSector.Independent)));
        var a = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Attacker's")));
        var b = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Other")));
        async Task<UnitResponse> UnitAsync(NetworkResponse network, ProviderResponse provider, SecurityLevel level) =>
            await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Unit", level, provider.Id, network.Id)));
        var visible = new List<UnitResponse>();
        var hidden = new List<UnitResponse>();
        for (var i = 0; i < 4; i++)
        {
            visible.Add(await UnitAsync(a, nhs, SecurityLevel.Low));
        }
        for (var i = 0; i < 5; i++)
        {
            hidden.Add(await UnitAsync(b, independent, SecurityLevel.Medium));
        }
        var values = visible.Concat(hidden).Select((u, i) => (Unit: u, Value: i % 4 + 1)).ToList();
        await ImportAsync(Client, values.SelectMany(v => Inv(v.Unit, month, v.Value, agreed: 4 - v.Value)));
        await ConfirmAsync(visible.Concat(hidden.Take(4)));
        var analyst = await KeyAsync(Role.Analyst, a.Id);

        var equations = new List<double[]>();
        foreach (var unit in visible)
        {
            foreach (var group in new[] { "network", "security-level", "sector", "provider", "national" })
            {
                foreach (var filter in new[] { "", "&confirmedOnly=true" })
                {
                    foreach (var figure in new[] { "", "&figure=agreed" })
                    {
                        var area = (await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{unit.Id}?month={month}&group={group}{filter}{figure}")))
                            .Areas.Single(x => x.Code == "INV");
                        var members = group == "national" ? hidden.Where((_, i) => filter == "" || i < 4).ToList() : [];
                        Assert.Equal(group == "national" ? 4 + members.Count : 4, area.Group.Units);
                        if (area.Group.Mean is not null && members.Count > 0)
                        {
                            equations.Add(hidden.Select(h => members.Contains(h) ? 1.0 : 0.0).ToArray());
                        }
                    }
                }
            }
        }

        Assert.NotEmpty(equations);     // the unfiltered national mean is published: the test is not vacuous
        for (var i = 0; i < hidden.Count; i++)
        {
            var target = new double[hidden.Count];
            target[i] = 1;
            Assert.True(Rank(equations) < Rank([.. equations, target]), $"The means published determine hidden unit #{i}'s value.");
        }
    }

    private static int Rank(List<double[]> source)
    {
        var m = source.Select(r => (double[])r.Clone()).ToList();
        var width = m.Count == 0 ? 0 : m[0].Length;
        var rank = 0;
        for (var col = 0; col < width && rank < m.Count; col++)
        {
            var pivot = Enumerable.Range(rank, m.Count - rank).OrderByDescending(r => Math.Abs(m[r][col])).First();
            if (Math.Abs(m[pivot][col]) < 1e-9)
            {
                continue;
            }
            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            for (var r = 0; r < m.Count; r++)
            {
                if (r != rank && Math.Abs(m[r][col]) > 1e-9)
                {
                    var factor = m[r][col] / m[rank][col];
                    for (var c = 0; c < width; c++)
                    {
                        m[r][c] -= factor * m[rank][c];
                    }
                }
            }
            rank++;
        }
        return rank;
    }
}
