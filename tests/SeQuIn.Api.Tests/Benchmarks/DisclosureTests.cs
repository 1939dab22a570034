using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Tests.Benchmarks;

/// <summary>The disclosure rule on its own (ADR 0009): pure, no database.</summary>
public sealed class DisclosureTests
{
    private static readonly Guid Mine = Guid.NewGuid();
    private static readonly Guid Theirs = Guid.NewGuid();
    private static readonly Guid Published = Guid.NewGuid();
    private static readonly Viewer Analyst = new(false, [Mine], []);

    private static Contributor Unit(Guid network, SecurityLevel level, decimal value, ProviderSector sector = ProviderSector.Nhs,
        Guid? collaborative = null) =>
        new(Guid.NewGuid(), network, collaborative, level, sector, value);

    [Fact]
    public void Units_the_caller_can_see_do_not_count_towards_the_minimum()
    {
        var group = new[] { Unit(Mine, SecurityLevel.Medium, 1), Unit(Mine, SecurityLevel.Medium, 2), Unit(Theirs, SecurityLevel.Medium, 4) };

        var disclosed = Disclosure.Describe(group, Analyst, 3, meanPublishable: true, monthClosed: true, allowRanks: true);

        Assert.Equal((3, null, null), (disclosed.Figures.Units, disclosed.Figures.Mean, disclosed.Figures.Maximum));
        Assert.NotNull(disclosed.Figures.Suppressed);
        Assert.False(disclosed.RanksAllowed);
    }

    [Fact]
    public void A_group_the_caller_sees_entirely_is_shown_in_full()
    {
        var group = new[] { Unit(Mine, SecurityLevel.Low, 1), Unit(Mine, SecurityLevel.Low, 2), Unit(Mine, SecurityLevel.Low, 4) };

        var figures = Disclosure.Describe(group, Analyst, 3, meanPublishable: false, monthClosed: false, allowRanks: false).Figures;

        Assert.Equal((1m, 4m, 2.33m), (figures.Minimum, figures.Maximum, figures.Mean));
    }

    [Fact]
    public void Three_or_four_hidden_units_give_a_rounded_mean_only_and_five_add_the_quartiles_but_never_the_extremes()
    {
        var four = Enumerable.Range(0, 4).Select(i => Unit(Theirs, SecurityLevel.Low, i + 0.33m)).ToList();
        var five = four.Append(Unit(Theirs, SecurityLevel.Low, 4)).ToList();

        var few = Disclosure.Describe(four, Analyst, 3, true, true, false).Figures;
        var more = Disclosure.Describe(five, Analyst, 3, true, true, false).Figures;

        Assert.Equal((1.8m, null, null, null), (few.Mean, few.Median, few.Minimum, few.Maximum));
        Assert.Equal((2.3m, 1.3m, 2.3m, 3.3m, null, null), (more.Mean, more.LowerQuartile, more.Median, more.UpperQuartile, more.Minimum, more.Maximum));
    }

    [Fact]
    public void Figures_with_hidden_units_wait_until_the_month_closes_on_the_tenth_of_the_next()
    {
        var group = Enumerable.Range(0, 6).Select(i => Unit(Theirs, SecurityLevel.Low, i)).ToList();

        Assert.Contains("still open", Disclosure.Describe(group, Analyst, 3, true, monthClosed: false, false).Figures.Suppressed);
        Assert.False(Disclosure.IsClosed(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 10)));
        Assert.True(Disclosure.IsClosed(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 11)));
    }

    [Fact]
    public void A_national_mean_that_differs_from_a_security_level_mean_by_one_hidden_unit_is_withheld()
    {
        // Hidden: four low units of another network and one lone medium unit. National − low = the medium unit.
        var units = Enumerable.Range(0, 4).Select(i => Unit(Theirs, SecurityLevel.Low, i))
            .Append(Unit(Guid.NewGuid(), SecurityLevel.Medium, 4, ProviderSector.Independent))
            .Append(Unit(Mine, SecurityLevel.Medium, 2)).ToList();

        var means = Disclosure.PublishableMeans(units, Analyst, new HashSet<Guid>(), 3);

        Assert.Contains(new GroupKey(ComparisonGroup.SecurityLevel, null, SecurityLevel.Low, null), means);
        Assert.DoesNotContain(GroupKey.National, means);
        Assert.DoesNotContain(new GroupKey(ComparisonGroup.SecurityLevel, null, SecurityLevel.Medium, null), means);
    }

    [Fact]
    public void Overlapping_groups_that_together_isolate_a_hidden_unit_are_not_all_published()
    {
        // Hidden cells (level × sector): low-nhs 3, low-independent 1 (the target), medium-nhs 3, medium-independent 3.
        // The caller's own low NHS unit shares a collaborative with the target and the medium NHS units. Each group the
        // caller may ask for (low, nhs, the collaborative, national) holds at least 3 hidden units, yet
        // low − nhs + collaborative = 2 × target: published together they would give the target away.
        var collaborative = Guid.NewGuid();
        var units = new List<Contributor>();
        units.AddRange(Enumerable.Range(0, 3).Select(i => Unit(Theirs, SecurityLevel.Low, i)));
        units.Add(Unit(Theirs, SecurityLevel.Low, 4, ProviderSector.Independent, collaborative));
        units.AddRange(Enumerable.Range(0, 3).Select(i => Unit(Theirs, SecurityLevel.Medium, i, collaborative: collaborative)));
        units.AddRange(Enumerable.Range(0, 3).Select(i => Unit(Theirs, SecurityLevel.Medium, i, ProviderSector.Independent)));
        units.Add(Unit(Mine, SecurityLevel.Low, 2, collaborative: collaborative));
        var cells = new Func<Contributor, bool>[]
        {
            c => c.Level == SecurityLevel.Low && c.Sector == ProviderSector.Nhs, c => c.Level == SecurityLevel.Low && c.Sector == ProviderSector.Independent,
            c => c.Level == SecurityLevel.Medium && c.Sector == ProviderSector.Nhs, c => c.Level == SecurityLevel.Medium && c.Sector == ProviderSector.Independent,
        };
        List<double[]> Rows(IEnumerable<GroupKey> groups) => groups.Where(k => units.Any(u => u.NetworkId != Mine && k.Holds(u)))
            .Select(k => cells.Select(cell => units.Any(u => u.NetworkId != Mine && cell(u) && k.Holds(u)) ? 1.0 : 0.0).ToArray()).ToList();
        var askable = new[] { ComparisonGroup.SecurityLevel, ComparisonGroup.Sector, ComparisonGroup.Collaborative, ComparisonGroup.National }
            .Select(kind => GroupKey.Of(kind, Mine, collaborative, SecurityLevel.Low, ProviderSector.Nhs)!.Value);
        Assert.True(Disclosure.Isolates(Rows(askable), [3, 1, 3, 3], 2), "The example must single the target out when every group is published.");

        var means = Disclosure.PublishableMeans(units, Analyst, new HashSet<Guid>(), 3);

        Assert.NotEmpty(Rows(means));
        Assert.False(Disclosure.Isolates(Rows(means), [3, 1, 3, 3], 2), string.Join(", ", means));
    }

    [Fact]
    public void A_published_networks_mean_is_decided_before_the_callers_own_groups()
    {
        var units = Enumerable.Range(0, 4).Select(i => Unit(Published, SecurityLevel.Low, i)).Append(Unit(Mine, SecurityLevel.Low, 1)).ToList();

        var forAnalyst = Disclosure.PublishableMeans(units, Analyst, new HashSet<Guid> { Published }, 3);
        var forAnyone = Disclosure.PublishableMeans(units.Where(u => u.NetworkId == Published).ToList(), Viewer.Public, new HashSet<Guid> { Published }, 3);

        var network = new GroupKey(ComparisonGroup.Network, Published, null, null);
        Assert.Contains(network, forAnalyst);
        Assert.Contains(network, forAnyone);
    }
}
