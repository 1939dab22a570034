using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Benchmarks;

/// <summary>
/// An attacker (an analyst of network A, and anyone without a key) collects every figure it can get about two
/// months and tries to work out the scores of units it may not see, by linear algebra over the published means and
/// by reading order statistics of small sets (ADR 0009).
/// </summary>
public sealed class DifferencingAttackTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    // Months no other test uses, long closed, so that the national groups hold only this test's units.
    private static readonly string[] TestMonths = ["2002-03", "2002-04"];

    private sealed record Member(UnitResponse Unit, Guid Network, SecurityLevel Level, ProviderSector Sector, bool Visible, int[] Values);

    [Fact]
    public async Task An_analyst_and_the_public_cannot_work_out_a_hidden_units_score_from_every_figure_they_can_read()
    {
        var nhs = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "NHS", ProviderSector.Nhs)));
        var independent = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers",
            new CreateProviderRequest(UniqueCode("P"), "Ind", ProviderSector.Independent)));
        var a = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Attacker's")));
        var b = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Lone medium")));
        var p = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Publishing",
            PublishSummaries: true)));
        var members = new List<Member>();
        async Task AddAsync(NetworkResponse network, SecurityLevel level, ProviderResponse provider, bool visible, params int[] values)
        {
            var unit = await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Unit", level, provider.Id, network.Id)));
            members.Add(new Member(unit, network.Id, level, provider.Sector, visible, values));
        }
        await AddAsync(a, SecurityLevel.Low, nhs, true, 1, 2);
        await AddAsync(a, SecurityLevel.Low, nhs, true, 2, 2);
        await AddAsync(a, SecurityLevel.Medium, nhs, true, 3, 1);
        await AddAsync(a, SecurityLevel.Medium, nhs, true, 1, 3);
        await AddAsync(b, SecurityLevel.Medium, independent, false, 4, 0);     // alone in its network, level and sector
        foreach (var values in new[] { new[] { 0, 1 }, [1, 3], [3, 4], [4, 2] })  // four reporting units that publish
        {
            await AddAsync(p, SecurityLevel.Low, nhs, false, values);
        }
        await ReadAsync<ImportReport>(await Client.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(members.SelectMany(m =>
            TestMonths.SelectMany((month, i) => Enumerable.Range(1, 10).Select(s => new ImportRow(m.Unit.Code, "INV", month, $"INV-{s:00}", m.Values[i]))))
            .ToList()), JsonOptions));
        var analyst = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Analyst", Role.Analyst, new ScopeInput(ScopeKind.Network, a.Id))))).Token);

        var hidden = members.Where(m => !m.Visible).SelectMany(m => TestMonths.Select((_, i) => (m.Unit.Id, Month: i))).ToList();
        var equations = new List<double[]>();       // over the hidden (unit, month) values
        var leaks = new List<string>();

        void Collect(string source, GroupFigures figures, IReadOnlyList<Member> group, int month, decimal? percentile)
        {
            var hiddenMembers = group.Where(m => !m.Visible).ToList();
            if (hiddenMembers.Count == 0)
            {
                return;     // every value is the caller's to read
            }
            if (figures.Mean is not null)
            {
                Assert.Equal(group.Count, figures.Units);
                var row = new double[hidden.Count];
                foreach (var m in hiddenMembers)
                {
                    row[hidden.IndexOf((m.Unit.Id, month))] = 1;
                }
                equations.Add(row);
            }
            // An order statistic of a set with one hidden unit is that unit's value whenever the visible ones cannot explain it.
            var visibleValues = group.Where(m => m.Visible).Select(m => (decimal)m.Values[month]).ToList();
            foreach (var (name, value) in new[] { ("minimum", figures.Minimum), ("maximum", figures.Maximum), ("median", figures.Median),
                         ("lower quartile", figures.LowerQuartile), ("upper quartile", figures.UpperQuartile) })
            {
                if (value is { } v && hiddenMembers.Count < 3 && (visibleValues.Count == 0 || !visibleValues.Contains(v) || name is "minimum" or "maximum"))
                {
                    leaks.Add($"{source}: the {name} {v} of a group with {hiddenMembers.Count} hidden unit(s)");
                }
            }
            if (percentile is not null)
            {
                leaks.Add($"{source}: a percentile ({percentile}) places the unit among hidden units though its network hides ranks");
            }
            if (hiddenMembers.Count == group.Count && figures.Minimum is not null)
            {
                // Every contributor hidden: min, quartiles, median, max and mean are equations over the sorted values.
                if (SortedValuesDetermined(figures) is { } determined)
                {
                    leaks.Add($"{source}: the published summary of {group.Count} units gives away sorted value #{determined + 1}");
                }
            }
        }

        string[] groups = ["network", "security-level", "sector", "collaborative", "national"];
        foreach (var unit in members.Where(m => m.Visible))
        {
            foreach (var group in groups)
            {
                var inGroup = members.Where(m => InGroup(group, unit, m)).ToList();
                for (var month = 0; month < TestMonths.Length; month++)
                {
                    var areas = await ReadAsync<UnitBenchmark>(await analyst.GetAsync(
                        $"/api/v1/benchmarks/units/{unit.Unit.Id}?month={TestMonths[month]}&group={group}"));
                    var inv = areas.Areas.Single(x => x.Code == "INV");
                    Collect($"{group} areas of {unit.Unit.Code} {TestMonths[month]}", inv.Group, inGroup, month, inv.Percentile);
                    var standards = await ReadAsync<AreaBenchmark>(await analyst.GetAsync(
                        $"/api/v1/benchmarks/units/{unit.Unit.Id}/areas/INV?month={TestMonths[month]}&group={group}"));
                    foreach (var standard in standards.Standards)
                    {
                        Collect($"{group} {standard.Code} of {unit.Unit.Code} {TestMonths[month]}", standard.Group, inGroup, month, standard.Percentile);
                    }
                }
                var trend = await ReadAsync<Trend>(await analyst.GetAsync(
                    $"/api/v1/benchmarks/units/{unit.Unit.Id}/areas/INV/trend?from={TestMonths[0]}&to={TestMonths[^1]}&group={group}"));
                for (var month = 0; month < TestMonths.Length; month++)
                {
                    Collect($"{group} trend of {unit.Unit.Code} {TestMonths[month]}",
                        new GroupFigures(inGroup.Count, null, null, trend.Points[month].GroupMedian, null, null, null, null), inGroup, month, null);
                }
            }
        }
        var published = members.Where(m => m.Network == p.Id).ToList();
        for (var month = 0; month < TestMonths.Length; month++)
        {
            foreach (var caller in new[] { Anonymous, analyst })
            {
                var summary = await ReadAsync<PublicSummary>(await caller.GetAsync($"/api/v1/networks/{p.Id}/public-summary?month={TestMonths[month]}"));
                Collect($"public summary {TestMonths[month]}", summary.Areas.Single(x => x.AreaCode == "INV").Figures, published, month, null);
            }
        }

        // The attacker's known values come from its export, which must hold its own units and nothing else.
        var exported = await ReadAsync<Page<RatingExportRow>>(await analyst.GetAsync($"/api/v1/exports/ratings?from={TestMonths[0]}&to={TestMonths[^1]}&limit=10000"));
        Assert.Equal(members.Where(m => m.Visible).Select(m => m.Unit.Code).Order(StringComparer.Ordinal),
            exported.Items.Select(r => r.Unit).Distinct().Order(StringComparer.Ordinal));

        for (var i = 0; i < hidden.Count; i++)
        {
            if (InRowSpace(equations, i, hidden.Count))
            {
                var unit = members.Single(m => m.Unit.Id == hidden[i].Id);
                leaks.Add($"the means published determine {unit.Unit.Code}'s score for {TestMonths[hidden[i].Month]} ({unit.Values[hidden[i].Month]})");
            }
        }
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Distinct()));
        Assert.NotEmpty(equations);     // the attacker did get figures about hidden units: the test is not vacuous
    }

    private static bool InGroup(string group, Member unit, Member other) => group switch
    {
        "network" => other.Network == unit.Network,
        "security-level" => other.Level == unit.Level,
        "sector" => other.Sector == unit.Sector,
        "collaborative" => false,
        _ => true,
    };

    /// <summary>
    /// For a summary of n values all hidden: which sorted value s[j] (if any) follows from the published figures,
    /// each being linear in the sorted values (percentile_cont interpolation; the mean is their sum over n).
    /// </summary>
    private static int? SortedValuesDetermined(GroupFigures figures)
    {
        var n = figures.Units;
        var rows = new List<double[]>();
        void Quantile(decimal? value, double q)
        {
            if (value is null)
            {
                return;
            }
            var row = new double[n];
            var h = (n - 1) * q;
            var lo = (int)Math.Floor(h);
            row[lo] += 1 - (h - lo);
            row[Math.Min(lo + 1, n - 1)] += h - lo;
            rows.Add(row);
        }
        Quantile(figures.Minimum, 0);
        Quantile(figures.LowerQuartile, 0.25);
        Quantile(figures.Median, 0.5);
        Quantile(figures.UpperQuartile, 0.75);
        Quantile(figures.Maximum, 1);
        if (figures.Mean is not null)
        {
            rows.Add(Enumerable.Repeat(1.0, n).ToArray());
        }
        for (var j = 0; j < n; j++)
        {
            if (InRowSpace(rows, j, n))
            {
                return j;
            }
        }
        return null;
    }

    /// <summary>Whether the unit vector e[index] is a linear combination of the rows: adding it leaves the rank unchanged.</summary>
    private static bool InRowSpace(List<double[]> rows, int index, int width)
    {
        var unit = new double[width];
        unit[index] = 1;
        return Rank(rows, width) == Rank([.. rows, unit], width);
    }

    private static int Rank(List<double[]> source, int width)
    {
        var m = source.Select(r => (double[])r.Clone()).ToList();
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
