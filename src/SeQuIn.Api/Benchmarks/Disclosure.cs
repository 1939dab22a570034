using SeQuIn.Api.Access;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Benchmarks;

/// <summary>
/// The units whose results a caller can already read one by one (in exports, in its network's insight, by asking
/// each unit's benchmark). Figures about them protect nothing from this caller, so they do not count towards a
/// group's minimum: the caller can subtract them (ADR 0009).
/// </summary>
public sealed class Viewer
{
    /// <summary>Someone who signed in as nobody: sees no unit on its own.</summary>
    public static readonly Viewer Public = new(false, [], []);

    public Viewer(bool all, IEnumerable<Guid> networks, IEnumerable<Guid> collaboratives)
    {
        All = all;
        Networks = networks.ToHashSet();
        Collaboratives = collaboratives.ToHashSet();
    }

    public bool All { get; }
    public IReadOnlySet<Guid> Networks { get; }
    public IReadOnlySet<Guid> Collaboratives { get; }

    /// <summary>
    /// Who sees which units' results on their own, as the one scope rule says (<see cref="Scope.ResultNetworks"/>,
    /// <see cref="Scope.ResultCollaboratives"/>): the same reach the benchmark, insight and export checks use.
    /// </summary>
    public static Viewer Of(Caller caller) => caller.IsAuthenticated
        ? new Viewer(caller.Scope.ResultNetworks.All, caller.Scope.ResultNetworks.Ids, caller.Scope.ResultCollaboratives.Ids)
        : Public;

    public bool Sees(Guid networkId, Guid? collaborativeId) =>
        All || Networks.Contains(networkId) || (collaborativeId is { } c && Collaboratives.Contains(c));

    public bool Sees(in Contributor contributor) => Sees(contributor.NetworkId, contributor.CollaborativeId);
}

/// <summary>One unit's value in a group figure, with the groupings it was submitted under.</summary>
/// <param name="ProviderId">The unit's provider at submission (the provider group).</param>
/// <param name="Confirmed">Whether the service-user participant confirmed they agree with the submission (the confirmedOnly filter).</param>
public readonly record struct Contributor(Guid UnitId, Guid NetworkId, Guid? CollaborativeId, SecurityLevel Level, ProviderSector Sector, decimal Value,
    Guid ProviderId = default, bool Confirmed = false);

/// <summary>
/// A comparison group as a set: its kind and which network, collaborative, level, sector or provider (<see cref="Id"/>),
/// and whether it holds only confirmed submissions (a filtered group is a group of its own: ADR 0032).
/// </summary>
public readonly record struct GroupKey(ComparisonGroup Kind, Guid? Id, SecurityLevel? Level, ProviderSector? Sector, bool ConfirmedOnly = false)
{
    public static GroupKey National { get; } = new(ComparisonGroup.National, null, null, null);

    /// <summary>The group of this kind a unit with these groupings belongs to; null when it belongs to none (no collaborative).</summary>
    public static GroupKey? Of(ComparisonGroup kind, Guid networkId, Guid? collaborativeId, SecurityLevel level, ProviderSector sector, Guid providerId = default,
        bool confirmedOnly = false) => kind switch
    {
        ComparisonGroup.Network => new GroupKey(kind, networkId, null, null, confirmedOnly),
        ComparisonGroup.Collaborative => collaborativeId is { } c ? new GroupKey(kind, c, null, null, confirmedOnly) : null,
        ComparisonGroup.SecurityLevel => new GroupKey(kind, null, level, null, confirmedOnly),
        ComparisonGroup.Sector => new GroupKey(kind, null, null, sector, confirmedOnly),
        ComparisonGroup.Provider => new GroupKey(kind, providerId, null, null, confirmedOnly),
        _ => National with { ConfirmedOnly = confirmedOnly },
    };

    public bool Holds(in Contributor c) => (!ConfirmedOnly || c.Confirmed) && Kind switch
    {
        ComparisonGroup.Network => c.NetworkId == Id,
        ComparisonGroup.Collaborative => c.CollaborativeId == Id,
        ComparisonGroup.SecurityLevel => c.Level == Level,
        ComparisonGroup.Sector => c.Sector == Sector,
        ComparisonGroup.Provider => c.ProviderId == Id,
        _ => true,
    };
}

/// <summary>What the rule lets a caller see of one group.</summary>
/// <param name="Figures">The published figures (null members are withheld) with the reason when any are withheld.</param>
/// <param name="RanksAllowed">Whether the caller may be told where a unit stands in the group (percentile, rank).</param>
public sealed record Disclosed(GroupFigures Figures, bool RanksAllowed);

/// <summary>
/// Statistical disclosure control: ONE rule through which every figure about a group of units passes (ADR 0009).
/// Pure: no database, no HTTP.
/// <list type="number">
/// <item>Contributors the caller can see one by one are not protected from it and do not count. Of the rest (the
/// hidden ones): none → every figure is shown (the caller could compute it); fewer than k → nothing is shown.</item>
/// <item>Figures that involve hidden units are shown only for closed months (past the 10th of the next month), so
/// polling an open month does not reveal each submission as it arrives.</item>
/// <item>A mean (with the count, a sum: a linear equation) is shown only if, together with every other mean the
/// caller can obtain for the same month and measure, it determines no single hidden unit's value and no nested
/// pair of groups differs by fewer than k hidden units (<see cref="PublishableMeans"/>).</item>
/// <item>Order statistics (quartiles, median) need at least <see cref="OrderStatisticMinimum"/> hidden units; the
/// minimum and maximum of a group with hidden units are never shown (they are one unit's value).</item>
/// <item>Figures involving hidden units are rounded to 1 decimal place; a unit's place in a group (percentile,
/// rank) only where its network allows ranks.</item>
/// </list>
/// </summary>
public static class Disclosure
{
    /// <summary>Hidden units a median or quartile needs: with fewer, a middle value is nearly one unit's.</summary>
    public const int OrderStatisticMinimum = 5;

    public const string OpenMonthReason = "The month is still open: figures that include other networks' units are shown once it closes on the 10th of the next month.";

    public static string TooFewReason(int minimum) => $"Fewer than {minimum} units reported: figures are withheld so that no unit can be identified.";

    public static string DifferencingReason(int minimum) =>
        $"Withheld: together with other groups' figures it would single out fewer than {minimum} units.";

    /// <summary>Whether a month is closed on a day: submissions are due by the 10th of the following month.</summary>
    public static bool IsClosed(DateOnly month, DateOnly today) => today >= new DateOnly(month.Year, month.Month, 1).AddMonths(1).AddDays(10);

    /// <summary>How many of the group's contributors the viewer cannot see one by one.</summary>
    public static int Hidden(IReadOnlyList<Contributor> group, Viewer viewer)
    {
        var hidden = 0;
        foreach (var c in group)
        {
            if (!viewer.Sees(c))
            {
                hidden++;
            }
        }
        return hidden;
    }

    /// <summary>The figures of one group for one viewer.</summary>
    /// <param name="meanPublishable">Whether <see cref="PublishableMeans"/> let this group's mean through.</param>
    /// <param name="monthClosed">See <see cref="IsClosed"/>.</param>
    /// <param name="allowRanks">The network's setting for the unit being compared (false for public summaries).</param>
    public static Disclosed Describe(IReadOnlyList<Contributor> group, Viewer viewer, int minimum, bool meanPublishable, bool monthClosed,
        bool allowRanks)
    {
        var values = group.Select(c => c.Value).ToList();
        if (values.Count == 0)
        {
            return new Disclosed(Withheld(0, TooFewReason(minimum)), false);
        }
        var hidden = Hidden(group, viewer);
        if (hidden == 0)
        {
            // The caller can read every one of these values: the rule protects nothing here, but a group smaller
            // than the minimum is still not summarised (one's own unit against one other would be a named comparison).
            if (values.Count < minimum)
            {
                return new Disclosed(Withheld(values.Count, TooFewReason(minimum)), false);
            }
            var all = Statistics.Describe(values);
            return new Disclosed(new GroupFigures(all.Count, all.Minimum, all.LowerQuartile, all.Median, all.UpperQuartile, all.Maximum, all.Mean, null),
                allowRanks);
        }
        if (hidden < minimum)
        {
            return new Disclosed(Withheld(values.Count, TooFewReason(minimum)), false);
        }
        if (!monthClosed)
        {
            return new Disclosed(Withheld(values.Count, OpenMonthReason), false);
        }
        var d = Statistics.Describe(values);
        var order = hidden >= OrderStatisticMinimum;
        decimal? mean = meanPublishable ? One(d.Mean) : null;
        if (mean is null && !order)
        {
            return new Disclosed(Withheld(values.Count, DifferencingReason(minimum)), false);
        }
        return new Disclosed(new GroupFigures(values.Count, null, order ? One(Statistics.Percentile(values, 0.25m)) : null,
            order ? One(Statistics.Percentile(values, 0.5m)) : null, order ? One(Statistics.Percentile(values, 0.75m)) : null, null,
            mean, null), allowRanks && order);
    }

    /// <summary>A median alone (the trend's group line): every unit seen, or enough hidden units in a closed month.</summary>
    public static decimal? Median(IReadOnlyList<Contributor> group, Viewer viewer, int minimum, bool monthClosed)
    {
        var values = group.Select(c => c.Value).ToList();
        if (values.Count < minimum)
        {
            return null;
        }
        var hidden = Hidden(group, viewer);
        if (hidden == 0)
        {
            return Math.Round(Statistics.Percentile(values, 0.5m), 2, MidpointRounding.AwayFromZero);
        }
        return hidden >= Math.Max(minimum, OrderStatisticMinimum) && monthClosed ? One(Statistics.Percentile(values, 0.5m)) : null;
    }

    /// <summary>
    /// The groups a viewer can obtain a figure for, for one month and measure, in the order their means are
    /// decided: published networks first (anyone can read them, so they are decided the same way for everyone),
    /// then the viewer's networks, every collaborative, security level and sector present, national, every provider
    /// present, and then each of those again holding only confirmed submissions (ADR 0032). A
    /// superset of what the caller can ask for is safe (it can only withhold more); it must not depend on which
    /// unit is asked about, so that every request answers the same.
    /// </summary>
    public static List<GroupKey> Candidates(IReadOnlyList<Contributor> all, Viewer viewer, IReadOnlySet<Guid> publishedNetworks)
    {
        var keys = new List<GroupKey>();
        keys.AddRange(all.Select(c => c.NetworkId).Where(publishedNetworks.Contains).Distinct().Order()
            .Select(n => new GroupKey(ComparisonGroup.Network, n, null, null)));
        // A collaborative analyst can ask about its units' networks, whatever they are.
        var networks = viewer.Collaboratives.Count > 0 ? all.Select(c => c.NetworkId) : all.Select(c => c.NetworkId).Where(viewer.Networks.Contains);
        keys.AddRange(networks.Where(n => !publishedNetworks.Contains(n)).Distinct().Order().Select(n => new GroupKey(ComparisonGroup.Network, n, null, null)));
        keys.AddRange(all.Where(c => c.CollaborativeId is not null).Select(c => c.CollaborativeId!.Value).Distinct().Order()
            .Select(c => new GroupKey(ComparisonGroup.Collaborative, c, null, null)));
        keys.AddRange(Enum.GetValues<SecurityLevel>().Select(l => new GroupKey(ComparisonGroup.SecurityLevel, null, l, null)));
        keys.AddRange(Enum.GetValues<ProviderSector>().Select(s => new GroupKey(ComparisonGroup.Sector, null, null, s)));
        keys.Add(GroupKey.National);
        // Added later than the groups above (ADR 0032), and decided after them, so that what they show is unchanged:
        // a group's decision depends only on the groups before it.
        keys.AddRange(all.Select(c => c.ProviderId).Distinct().Order().Select(p => new GroupKey(ComparisonGroup.Provider, p, null, null)));
        // Every group again, holding only confirmed submissions: the same hidden values, fewer of them. Weighed with the
        // unfiltered groups, so that a group's mean with and without the filter cannot be subtracted to single out the
        // units the filter removed (5 units against the 4 confirmed of them).
        keys.AddRange(keys.ToList().Select(k => k with { ConfirmedOnly = true }));
        return keys;
    }

    /// <summary>
    /// Which of the candidate groups' means may be shown. A mean and a count give the group's sum; the caller
    /// subtracts the units it sees, leaving the sum of the hidden ones: one linear equation. Groups are taken in
    /// order and a mean is kept only if, with those kept before it, (a) no single hidden unit's value follows from
    /// the equations (its unit vector is not in their row space: Gaussian elimination to reduced row echelon
    /// form, where a determined unit shows as a row with one non-zero) and no row of that form sums fewer than
    /// <paramref name="minimum"/> hidden units, and (b) it does not differ from a kept group nested in it (or
    /// holding it) by fewer than <paramref name="minimum"/> hidden units. Hidden units with the same groupings are
    /// one column (the equations cannot tell them apart), which keeps this cheap.
    /// </summary>
    public static HashSet<GroupKey> PublishableMeans(IReadOnlyList<Contributor> all, Viewer viewer, IReadOnlySet<Guid> publishedNetworks, int minimum)
    {
        var candidates = Candidates(all, viewer, publishedNetworks);
        var publishable = new HashSet<GroupKey>();
        // Cells: hidden units with the same groupings, hence the same memberships (finer than needed is still exact:
        // columns that every row treats alike always count together), and how many units each holds.
        var cellOf = new Dictionary<(Guid, Guid?, SecurityLevel, ProviderSector, Guid, bool), int>();
        var cells = new List<Contributor>();
        var cellSizes = new List<int>();
        foreach (var c in all)
        {
            if (viewer.Sees(c))
            {
                continue;
            }
            var key = (c.NetworkId, c.CollaborativeId, c.Level, c.Sector, c.ProviderId, c.Confirmed);
            if (!cellOf.TryGetValue(key, out var cell))
            {
                cellOf[key] = cell = cells.Count;
                cells.Add(c);
                cellSizes.Add(0);
            }
            cellSizes[cell]++;
        }
        var echelon = new Echelon(cellSizes, minimum);
        var kept = new List<HashSet<int>>();
        foreach (var group in candidates)
        {
            var members = new HashSet<int>();
            for (var i = 0; i < cells.Count; i++)
            {
                if (group.Holds(cells[i]))
                {
                    members.Add(i);
                }
            }
            var count = members.Sum(i => cellSizes[i]);
            if (count == 0)
            {
                publishable.Add(group);
                continue;
            }
            if (count < minimum || kept.Any(k => Nested(k, members) && Math.Abs(k.Sum(i => cellSizes[i]) - count) is > 0 and var d && d < minimum))
            {
                continue;
            }
            if (!echelon.TryAdd(members))
            {
                continue;
            }
            kept.Add(members);
            publishable.Add(group);
        }
        return publishable;
    }

    private static bool Nested(HashSet<int> a, HashSet<int> b) => a.IsSubsetOf(b) || b.IsSubsetOf(a);

    /// <summary>Whether the reduced row echelon form of these rows has a row over fewer than <paramref name="minimum"/> hidden units.</summary>
    internal static bool Isolates(IReadOnlyList<double[]> rows, IReadOnlyList<int> cellSizes, int minimum)
    {
        var echelon = new Echelon(cellSizes, minimum);
        foreach (var row in rows)
        {
            if (!echelon.TryAdd(Enumerable.Range(0, row.Length).Where(c => Math.Abs(row[c]) > Epsilon).ToHashSet(), row))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// <see cref="PublishableMeans"/> for groups given as sets of units rather than comparison groups (the commissioning
    /// roll-ups: providers, collaboratives, networks and providers within them). Taken in the order given, a group is
    /// publishable when it holds no hidden unit, or at least <paramref name="minimum"/> of them and, with the groups kept
    /// before it, neither isolates fewer than that many hidden units by elimination nor differs by fewer from a kept group
    /// nested in it or holding it. Hidden units in the same groups are one column.
    /// </summary>
    public static bool[] PublishableSets(IReadOnlyList<IReadOnlySet<Guid>> groups, IReadOnlySet<Guid> hidden, int minimum)
    {
        // A hidden unit's column is the list of groups it is in: units with the same list are one cell.
        var cellOf = new Dictionary<string, int>();
        var unitCell = new Dictionary<Guid, int>();
        var cellSizes = new List<int>();
        foreach (var unit in hidden)
        {
            var signature = string.Concat(groups.Select(g => g.Contains(unit) ? '1' : '0'));
            if (!cellOf.TryGetValue(signature, out var cell))
            {
                cellOf[signature] = cell = cellSizes.Count;
                cellSizes.Add(0);
            }
            cellSizes[cell]++;
            unitCell[unit] = cell;
        }
        var echelon = new Echelon(cellSizes, minimum);
        var kept = new List<HashSet<int>>();
        var publishable = new bool[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            var members = groups[g].Where(unitCell.ContainsKey).Select(u => unitCell[u]).ToHashSet();
            var count = members.Sum(i => cellSizes[i]);
            if (count == 0)
            {
                publishable[g] = true;
                continue;
            }
            if (count < minimum || kept.Any(k => Nested(k, members) && Math.Abs(k.Sum(i => cellSizes[i]) - count) is > 0 and var d && d < minimum)
                || !echelon.TryAdd(members))
            {
                continue;
            }
            kept.Add(members);
            publishable[g] = true;
        }
        return publishable;
    }

    /// <summary>
    /// The published sums in reduced row echelon form, kept up to date one group at a time (each addition costs
    /// rows × cells, not a fresh elimination), refusing a group that would leave a row over fewer than the
    /// minimum of hidden units. A unit vector lies in the row space exactly when the reduced form has it as a row.
    /// </summary>
    private sealed class Echelon(IReadOnlyList<int> cellSizes, int minimum)
    {
        private readonly List<(double[] Row, int Pivot)> _rows = [];

        public bool TryAdd(HashSet<int> members, double[]? weights = null)
        {
            var v = new double[cellSizes.Count];
            foreach (var m in members)
            {
                v[m] = weights?[m] ?? 1;
            }
            foreach (var (row, pivot) in _rows)
            {
                if (Math.Abs(v[pivot]) > Epsilon)
                {
                    Subtract(v, row, v[pivot]);
                }
            }
            var lead = Array.FindIndex(v, x => Math.Abs(x) > Epsilon);
            if (lead < 0)
            {
                return true;    // nothing new: the caller could already work this sum out
            }
            var scale = v[lead];
            for (var c = 0; c < v.Length; c++)
            {
                v[c] /= scale;
            }
            var next = new List<(double[] Row, int Pivot)>(_rows.Count + 1);
            foreach (var (row, pivot) in _rows)
            {
                if (Math.Abs(row[lead]) > Epsilon)
                {
                    var copy = (double[])row.Clone();
                    Subtract(copy, v, copy[lead]);
                    next.Add((copy, pivot));
                }
                else
                {
                    next.Add((row, pivot));
                }
            }
            next.Add((v, lead));
            if (next.Any(r => Units(r.Row) < minimum))
            {
                return false;
            }
            _rows.Clear();
            _rows.AddRange(next);
            return true;
        }

        private int Units(double[] row)
        {
            var units = 0;
            for (var c = 0; c < row.Length; c++)
            {
                if (Math.Abs(row[c]) > Epsilon)
                {
                    units += cellSizes[c];
                }
            }
            return units;
        }

        private static void Subtract(double[] target, double[] row, double factor)
        {
            for (var c = 0; c < target.Length; c++)
            {
                target[c] -= factor * row[c];
            }
        }
    }

    private const double Epsilon = 1e-9;

    private static GroupFigures Withheld(int units, string reason) => new(units, null, null, null, null, null, null, reason);

    /// <summary>Rounded to 1 decimal place, so that figures differing by a fraction of one unit's weight cannot be differenced exactly.</summary>
    private static decimal One(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
