using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Progress;
using SeQuIn.Api.Tests.Actions;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Progress;

public sealed class ProgressTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>Ten INV ratings whose mean is <paramref name="tenths"/> ÷ 10 (20 to 30: 2.0 to 3.0 on the 0–4 scale).</summary>
    private static IEnumerable<ImportRow> InvMean(UnitResponse unit, DateOnly month, int tenths) =>
        Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, "INV", Months.Format(month), $"INV-{i:00}", i <= tenths - 20 ? 3 : 2));

    private async Task<HttpClient> KeyAsync(Role role, ScopeInput scope) =>
        Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys", new CreateApiKeyRequest(role.ToString(), role, scope)))).Token);

    /// <summary>
    /// Four units over 2023: units 0 and 1 step up from 2.0 to 2.6 for the last seven months (sustained), unit 2 is flat
    /// at 2.0 with one 3.0 in December (a single good month), unit 3 flat at 2.2. In January 2024 only units 0 and 1 report.
    /// </summary>
    private async Task<(NetworkResponse Network, UnitResponse[] Units)> WorldAsync()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var units = new List<UnitResponse>();
        for (var i = 0; i < 4; i++)
        {
            units.Add(await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), $"Unit {i}", SecurityLevel.Low, provider.Id, network.Id))));
        }
        var start = new DateOnly(2023, 1, 1);
        var rows = Enumerable.Range(0, 12).SelectMany(m => new[]
            {
                InvMean(units[0], start.AddMonths(m), m < 5 ? 20 : 26),
                InvMean(units[1], start.AddMonths(m), m < 5 ? 20 : 26),
                InvMean(units[2], start.AddMonths(m), m < 11 ? 20 : 30),
                InvMean(units[3], start.AddMonths(m), 22),
            }.SelectMany(r => r))
            .Concat(InvMean(units[0], start.AddMonths(12), 26)).Concat(InvMean(units[1], start.AddMonths(12), 26));
        await ReadAsync<ImportReport>(await Client.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows.ToList()), JsonOptions));
        return (network, units.ToArray());
    }

    [Fact]
    public async Task Progress_names_a_members_own_sustained_improvement_counts_the_others_and_never_rewards_one_good_month()
    {
        var (network, units) = await WorldAsync();
        var member = await KeyAsync(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [units[1].Id]));

        var progress = await ReadAsync<NetworkProgress>(await member.GetAsync($"/api/v1/networks/{network.Id}/progress?from=2023-01&to=2024-01"));

        var improved = Assert.Single(progress.MostImprovedUnits);
        // 2.0 of 4 is 50 %, 2.6 is 65 %; the run began in June.
        Assert.Equal((units[1].Id, "INV", "2023-06", 50m, 65m, 15m), (improved.UnitId, improved.AreaCode, improved.Since, improved.Before, improved.After, improved.Change));
        Assert.Equal(1, progress.ImprovementsNotNamed);          // unit 0; unit 2's December is noise
        var inv = progress.Areas.Single(a => a.AreaCode == "INV");
        Assert.Equal(13, inv.Months.Count);
        Assert.Equal(new ProgressMonth("2023-01", 4, 50m), inv.Months[0]);
        // Two units only in January 2024: fewer than the minimum group, so no median.
        Assert.Equal(new ProgressMonth("2024-01", 2, null), inv.Months[12]);
        // INV-01 to INV-06 went from 2 to 3 for units 0 and 1: the network's median of INV-03 moved from 2 to 2.5 from June,
        // and 3 in December (unit 2's good month), a run of 7 above its centre; January 2024's median is withheld, a gap.
        var standard = progress.MostImprovedStandards.Single(s => s.StandardCode == "INV-03");
        Assert.Equal(("2023-06", 2m, 2.57m), (standard.Since, standard.Before, standard.After));
        Assert.DoesNotContain(progress.MostImprovedStandards, s => s.StandardCode == "INV-08");
    }

    [Fact]
    public async Task Where_the_network_allows_ranks_every_sustained_improvement_is_named_largest_first()
    {
        var (network, units) = await WorldAsync();
        await ReadAsync<NetworkResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/networks/{network.Id}",
            new UpdateNetworkRequest(network.Name, true, network.Region, AllowRanks: true, network.PublishSummaries)));
        var analyst = await KeyAsync(Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id));

        var progress = await ReadAsync<NetworkProgress>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/progress?from=2023-01&to=2023-12"));

        Assert.Equal(new[] { units[0].Code, units[1].Code }.Order(StringComparer.Ordinal), progress.MostImprovedUnits.Select(u => u.UnitCode));
        Assert.Equal(0, progress.ImprovementsNotNamed);
        Assert.Equal(("2023-01", "2023-12"), (progress.From, progress.To));
    }

    [Fact]
    public async Task Actions_achieved_are_counted_where_at_least_three_units_achieved_them_and_withheld_below()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var members = new List<AssessmentDriver>();
        for (var i = 0; i < 3; i++)
        {
            var unit = await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), $"Unit {i}", SecurityLevel.Low, provider.Id, network.Id)));
            members.Add(new AssessmentDriver(await KeyAsync(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id])), unit.Id));
        }
        var lead = await KeyAsync(Role.InvolvementLead, new ScopeInput(ScopeKind.Network, network.Id));
        // Every unit rates INV at 1 in January 2022 and plans on INV-03; unit 0 also on INV-05, unit 2 also on INV-06 aiming for 4.
        foreach (var (member, i) in members.Select((m, i) => (m, i)))
        {
            var baseline = await ActionPlanTests.SubmitAsync(member, "2022-01", 1);
            await ActionPlanTests.CreateAsync(member.Client, baseline.Id, "INV-03");
            if (i == 0)
            {
                await ActionPlanTests.CreateAsync(member.Client, baseline.Id, "INV-05");
            }
            if (i == 2)
            {
                await ActionPlanTests.CreateAsync(member.Client, baseline.Id, "INV-06", target: 4);
            }
        }
        // March: every unit rates 3 — four actions achieved by three units. May: unit 2 rates 4 — its INV-06 too.
        foreach (var member in members)
        {
            await ActionPlanTests.SubmitAsync(member, "2022-03", 3);
        }
        await ActionPlanTests.SubmitAsync(members[2], "2022-05", 4);

        var half = await ReadAsync<NetworkProgress>(await lead.GetAsync($"/api/v1/networks/{network.Id}/progress?from=2022-01&to=2022-06"));
        var spring = await ReadAsync<NetworkProgress>(await lead.GetAsync($"/api/v1/networks/{network.Id}/progress?from=2022-04&to=2022-06"));

        Assert.Equal(((int?)5, 3), (half.ActionsAchieved.Total, half.ActionsAchieved.Units));
        Assert.Equal(["2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06"], half.ActionsAchieved.Months.Select(m => m.Month));
        Assert.Equal(new AchievedMonth("2022-03", 4, 3), half.ActionsAchieved.Months[2]);
        // One unit in May: a count about one unit is withheld, the number of units is not.
        Assert.Equal(new AchievedMonth("2022-05", null, 1), half.ActionsAchieved.Months[4]);
        Assert.Equal(new AchievedMonth("2022-01", null, 0), half.ActionsAchieved.Months[0]);
        Assert.Equal(((int?)null, 1), (spring.ActionsAchieved.Total, spring.ActionsAchieved.Units));
    }

    [Fact]
    public async Task A_progress_window_that_is_backwards_or_longer_than_twenty_years_is_refused_naming_from()
    {
        var (network, _) = await WorldAsync();

        var backwards = await Client.GetAsync($"/api/v1/networks/{network.Id}/progress?from=2024-01&to=2023-01");
        var tooLong = await Client.GetAsync($"/api/v1/networks/{network.Id}/progress?from=2003-01&to=2023-01");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("from", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooLong.StatusCode);
    }
}
