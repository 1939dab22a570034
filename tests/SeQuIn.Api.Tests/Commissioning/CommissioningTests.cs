using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Commissioning;
using SeQuIn.Api.Families;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Commissioning;

/// <summary>
/// Commissioners' roll-ups over a small world: one network, a collaborative holding provider P1's three units and
/// provider P2's one, and a fifth unit (P2's) outside the collaborative. All submit the involvement area in a closed month.
/// </summary>
public sealed class CommissioningTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static readonly string Closed = Months.Format(Months.Current(TimeProvider.System).AddMonths(-3));

    private sealed record World(NetworkResponse Network, CollaborativeResponse Collaborative, ProviderResponse P1, ProviderResponse P2,
        UnitResponse[] Units, HttpClient Member, HttpClient Admin, HttpClient NetworkCommissioner, HttpClient CollaborativeCommissioner);

    private async Task<World> WorldAsync()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));
        var collaborative = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "Collaborative")));
        var p1 = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "One", ProviderSector.Nhs)));
        var p2 = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Two", ProviderSector.Independent)));
        var units = new List<UnitResponse>();
        foreach (var (provider, collaborativeId) in new[] { (p1, (Guid?)collaborative.Id), (p1, collaborative.Id), (p1, collaborative.Id), (p2, collaborative.Id), (p2, null) })
        {
            units.Add(await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units",
                new CreateUnitRequest(UniqueCode("U"), "Unit", SecurityLevel.Low, provider.Id, network.Id, collaborativeId))));
        }
        async Task<HttpClient> Key(Role role, ScopeInput scope) =>
            Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys", new CreateApiKeyRequest("Test", role, scope)))).Token);
        return new World(network, collaborative, p1, p2, [.. units],
            await Key(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [.. units.Select(u => u.Id)])),
            await Key(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, network.Id)),
            await Key(Role.Commissioner, new ScopeInput(ScopeKind.Network, network.Id)),
            await Key(Role.Commissioner, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: collaborative.Id)));
    }

    /// <summary>Submits INV for the unit in the month (staff and service user together): every standard rated <paramref name="rating"/>, agreed rating the same.</summary>
    private static async Task<AssessmentDetail> SubmitAsync(World world, UnitResponse unit, string month, int rating)
    {
        var driver = new AssessmentDriver(world.Member, unit.Id);
        return await driver.SubmitAsync(await driver.AgreeAsync(await driver.RateAllAsync(await driver.CreateAsync(month: month), rating), rating));
    }

    /// <summary>Until the confirmation flow is merged: the service user's answer set as the owner, and the summaries refreshed.</summary>
    private async Task ConfirmAsync(AssessmentDetail assessment, ServiceUserConfirmation answer)
    {
        await using var db = Fixture.App.CreateDbContext();
        await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE assessments SET confirmation = {answer.ToString()}, confirmed_at = now() WHERE id = {assessment.Id}");
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT refresh_benchmark_summaries({assessment.Id})");
    }

    private static async Task<CommissioningSummary> SummaryAsync(HttpClient client, string url) =>
        await ReadAsync<CommissioningSummary>(await client.GetAsync(url));

    [Fact]
    public async Task A_commissioner_is_granted_only_a_network_or_collaborative_scope_and_a_collaborative_one_only_nationally()
    {
        var world = await WorldAsync();

        Assert.Contains("commissioner network or collaborative", await ReadFieldErrorAsync(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Units", Role.Commissioner, new ScopeInput(ScopeKind.Units, UnitIds: [world.Units[0].Id]))), "scope.kind"));
        await ReadFieldErrorAsync(await PostAsync("/api/v1/keys", new CreateApiKeyRequest("National", Role.Commissioner, new ScopeInput(ScopeKind.National))), "scope.kind");
        await ReadFieldErrorAsync(await PostAsync("/api/v1/memberships", new CreateMembershipRequest(TestIdentityProvider.Issuer, "s", "National",
            Role.Commissioner, new ScopeInput(ScopeKind.National))), "scope.kind");

        var ofNetwork = await world.Admin.PostAsJsonAsync("/api/v1/keys",
            new CreateApiKeyRequest("Commissioner", Role.Commissioner, new ScopeInput(ScopeKind.Network, world.Network.Id)), JsonOptions);
        Assert.Equal(HttpStatusCode.Created, ofNetwork.StatusCode);
        await ReadProblemAsync(await world.Admin.PostAsJsonAsync("/api/v1/keys",
            new CreateApiKeyRequest("Commissioner", Role.Commissioner, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: world.Collaborative.Id)), JsonOptions),
            HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Commissioner", Role.Commissioner, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: world.Collaborative.Id)))).StatusCode);
    }

    [Fact]
    public async Task A_collaborative_commissioner_reads_its_collaboratives_rates_and_means_with_small_providers_withheld()
    {
        var world = await WorldAsync();
        var submitted = new List<AssessmentDetail>();
        for (var i = 0; i < 4; i++)
        {
            submitted.Add(await SubmitAsync(world, world.Units[i], Closed, rating: i + 1));
        }
        await SubmitAsync(world, world.Units[4], Closed, rating: 4);
        await ConfirmAsync(submitted[0], ServiceUserConfirmation.Agreed);
        await ConfirmAsync(submitted[1], ServiceUserConfirmation.Disagreed);

        var summary = await SummaryAsync(world.CollaborativeCommissioner, $"/api/v1/commissioning/collaboratives/{world.Collaborative.Id}/summary?from={Closed}&to={Closed}");

        var row = Assert.Single(summary.Rows);
        Assert.Equal((4, 4, 2.5m, 2.5m, 100m, 25m, 25m, 100m), (summary.Units, row.UnitsReporting, row.Mean!.Value, row.AgreedMean!.Value,
            row.CoProductionRate!.Value, row.ConfirmationRate!.Value, row.DisagreementRate!.Value, row.ParticipationRate!.Value));
        Assert.Null(row.Suppressed);
        // P1's three units differ from the collaborative's four by one unit: their figures would give P2's unit away.
        var p1 = Assert.Single(summary.Providers, p => p.ProviderId == world.P1.Id).Rows.Single();
        Assert.Equal(3, p1.UnitsReporting);
        Assert.Null(p1.Mean);
        Assert.Null(p1.CoProductionRate);
        Assert.Contains("single out", p1.Suppressed);
        var p2 = Assert.Single(summary.Providers, p => p.ProviderId == world.P2.Id).Rows.Single();
        Assert.Equal(1, p2.UnitsReporting);
        Assert.Null(p2.Mean);
        Assert.Contains("Fewer than 3 units", p2.Suppressed);
        // The provider summary over its units in the collaborative is the same withheld figure, asked another way.
        Assert.Null((await SummaryAsync(world.CollaborativeCommissioner, $"/api/v1/commissioning/providers/{world.P1.Id}/summary?from={Closed}&to={Closed}")).Rows.Single().Mean);
    }

    [Fact]
    public async Task The_networks_own_readers_see_every_figure_over_the_minimum_and_commissioners_of_others_get_404()
    {
        var world = await WorldAsync();
        for (var i = 0; i < 5; i++)
        {
            await SubmitAsync(world, world.Units[i], Closed, rating: 3);
        }
        var url = $"/api/v1/commissioning/networks/{world.Network.Id}/summary?from={Closed}&to={Closed}";

        // The network admin reads every unit anyway: P1's three units are shown, P2's two are too few.
        var admin = await SummaryAsync(world.Admin, url);
        Assert.Equal(3m, admin.Providers.Single(p => p.ProviderId == world.P1.Id).Rows.Single().Mean);
        Assert.Null(admin.Providers.Single(p => p.ProviderId == world.P2.Id).Rows.Single().Mean);
        var commissioner = await SummaryAsync(world.NetworkCommissioner, url);
        Assert.Equal((5, 3m), (commissioner.Rows.Single().UnitsReporting, commissioner.Rows.Single().Mean!.Value));

        var other = await WorldAsync();
        await ReadProblemAsync(await other.NetworkCommissioner.GetAsync(url), HttpStatusCode.NotFound);
        await ReadProblemAsync(await other.CollaborativeCommissioner.GetAsync($"/api/v1/commissioning/collaboratives/{world.Collaborative.Id}/summary"), HttpStatusCode.NotFound);
        await ReadProblemAsync(await other.CollaborativeCommissioner.GetAsync($"/api/v1/commissioning/providers/{world.P1.Id}/summary"), HttpStatusCode.NotFound);
        await ReadProblemAsync(await world.CollaborativeCommissioner.GetAsync(url), HttpStatusCode.NotFound);
        await ReadProblemAsync(await world.Member.GetAsync(url), HttpStatusCode.Forbidden);
    }

    /// <summary>
    /// Families' responses to the unit's month and area, as the public pages take them and the lead moderates them
    /// (both tested over HTTP in Families/); written here directly, since each unit would need its own share code.
    /// </summary>
    private async Task RespondAsync(UnitResponse unit, string month, FamilyVerdict verdict, FamilyResponseStatus status, int times)
    {
        await using var db = Fixture.App.CreateDbContext();
        for (var i = 0; i < times; i++)
        {
            var response = new FamilyResponse
            {
                UnitId = unit.Id, NetworkId = unit.Network.Id, Month = Months.Parse(month), AreaCode = "INV", Verdict = verdict,
                ReceivedIn = Months.Parse(month), Status = status,
            };
            response.SortKey = $"{month}|INV|{response.Id:N}";
            db.FamilyResponses.Add(response);
        }
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Family_concurrence_rolls_up_over_approved_responses_of_enough_units_and_is_withheld_like_every_rate()
    {
        var world = await WorldAsync();
        for (var i = 0; i < 4; i++)
        {
            await SubmitAsync(world, world.Units[i], Closed, rating: 3);
        }
        await RespondAsync(world.Units[0], Closed, FamilyVerdict.Concur, FamilyResponseStatus.Approved, 3);
        await RespondAsync(world.Units[0], Closed, FamilyVerdict.Disagree, FamilyResponseStatus.Approved, 1);
        await RespondAsync(world.Units[0], Closed, FamilyVerdict.Concur, FamilyResponseStatus.Pending, 5);
        await RespondAsync(world.Units[1], Closed, FamilyVerdict.Partly, FamilyResponseStatus.Approved, 2);
        await RespondAsync(world.Units[1], Closed, FamilyVerdict.Concur, FamilyResponseStatus.Rejected, 4);
        await RespondAsync(world.Units[2], Closed, FamilyVerdict.Concur, FamilyResponseStatus.Pending, 1);
        var url = $"/api/v1/commissioning/collaboratives/{world.Collaborative.Id}/summary?from={Closed}&to={Closed}";

        // Only units 0 and 1 have approved responses: two units are too few for any family figure.
        var tooFew = (await SummaryAsync(world.CollaborativeCommissioner, url)).Rows.Single();
        Assert.Equal((null, null), (tooFew.FamilyResponses, tooFew.FamilyConcurrenceRate));
        Assert.Contains("Fewer than 3 units", tooFew.Suppressed);
        Assert.Equal(3m, tooFew.Mean);

        await RespondAsync(world.Units[2], Closed, FamilyVerdict.Concur, FamilyResponseStatus.Approved, 1);
        var summary = await SummaryAsync(world.CollaborativeCommissioner, url);

        // 3 + 1 + 2 + 1 approved responses, 4 of them concurring; pending and rejected ones count nowhere.
        var row = summary.Rows.Single();
        Assert.Equal((7, 57.1m), (row.FamilyResponses, row.FamilyConcurrenceRate));
        Assert.Null(row.Suppressed);
        // P1's three units are the collaborative's units with responses: its family figure singles out nobody, though its mean would.
        var p1 = summary.Providers.Single(p => p.ProviderId == world.P1.Id).Rows.Single();
        Assert.Equal((7, 57.1m, null), (p1.FamilyResponses, p1.FamilyConcurrenceRate, p1.Mean));
        var p2 = summary.Providers.Single(p => p.ProviderId == world.P2.Id).Rows.Single();
        Assert.Equal((null, null), (p2.FamilyResponses, p2.FamilyConcurrenceRate));
    }

    [Fact]
    public async Task A_commissioner_sees_no_figure_of_an_open_month_and_no_single_unit_at_all()
    {
        var world = await WorldAsync();
        var open = Months.Format(Months.Current(TimeProvider.System));
        var submitted = new List<AssessmentDetail>();
        for (var i = 0; i < 4; i++)
        {
            submitted.Add(await SubmitAsync(world, world.Units[i], open, rating: 2));
        }
        var url = $"/api/v1/commissioning/collaboratives/{world.Collaborative.Id}/summary?from={open}";

        var row = (await SummaryAsync(world.CollaborativeCommissioner, url)).Rows.Single();
        Assert.Equal(4, row.UnitsReporting);
        Assert.Null(row.Mean);
        Assert.Contains("still open", row.Suppressed);
        Assert.Equal(2m, (await SummaryAsync(world.Admin, url)).Rows.Single().Mean);

        foreach (var refused in new[] { "/api/v1/assessments", $"/api/v1/assessments/{submitted[0].Id}", "/api/v1/exports/ratings", "/api/v1/changes",
                     $"/api/v1/benchmarks/units/{world.Units[0].Id}", $"/api/v1/networks/{world.Network.Id}/insight/heatmap", "/api/v1/audit-events" })
        {
            await ReadProblemAsync(await world.NetworkCommissioner.GetAsync(refused), HttpStatusCode.Forbidden);
        }
    }

    [Theory]
    [InlineData("from=2026-13", "from")]
    [InlineData("to=26-01", "to")]
    [InlineData("from=2026-05&to=2026-04", "from")]
    [InlineData("from=2020-01&to=2023-01", "from")]
    public async Task Bad_months_are_refused_naming_the_field(string query, string field)
    {
        var world = await WorldAsync();

        await ReadFieldErrorAsync(await world.NetworkCommissioner.GetAsync($"/api/v1/commissioning/networks/{world.Network.Id}/summary?{query}"), field);
    }
}
