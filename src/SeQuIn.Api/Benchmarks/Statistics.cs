namespace SeQuIn.Api.Benchmarks;

/// <summary>Summary of a group's values for one measure.</summary>
/// <remarks>
/// Every figure is computed from the exact values and rounded to 2 decimal places
/// (<see cref="MidpointRounding.AwayFromZero"/>) only at the end; see <see cref="Statistics.Describe"/>.
/// </remarks>
/// <param name="Count">How many values the group has.</param>
/// <param name="Minimum">The smallest value.</param>
/// <param name="LowerQuartile">The 25th percentile, <c>percentile_cont(0.25)</c>.</param>
/// <param name="Median">The 50th percentile, <c>percentile_cont(0.5)</c>.</param>
/// <param name="UpperQuartile">The 75th percentile, <c>percentile_cont(0.75)</c>.</param>
/// <param name="Maximum">The largest value.</param>
/// <param name="Mean">The arithmetic mean.</param>
public sealed record Distribution(
    int Count, decimal Minimum, decimal LowerQuartile, decimal Median, decimal UpperQuartile, decimal Maximum, decimal Mean);

/// <summary>Descriptive statistics used to compare a unit's score with its comparison group.</summary>
public static class Statistics
{
    /// <summary>
    /// Summarises a group: count, minimum, quartiles, median, maximum and mean.
    /// </summary>
    /// <remarks>
    /// Quartiles and the median are <see cref="Percentile"/> at 0.25, 0.5 and 0.75: linear interpolation between
    /// order statistics, the same definition as PostgreSQL's <c>percentile_cont</c>, R's quantile type 7 and
    /// Excel's <c>PERCENTILE.INC</c> (so 1, 2, 3, 4 give 1.75, 2.5, 3.25). The order of the input does not matter.
    /// All figures are computed from the exact values and rounded to 2 decimal places, midpoints away from zero,
    /// only at the end.
    /// </remarks>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static Distribution Describe(IReadOnlyList<decimal> values)
    {
        var sorted = Sorted(values);
        return new Distribution(
            sorted.Length,
            Round2(sorted[0]),
            Round2(Interpolate(sorted, 0.25m)),
            Round2(Interpolate(sorted, 0.5m)),
            Round2(Interpolate(sorted, 0.75m)),
            Round2(sorted[^1]),
            Round2(sorted.Sum() / sorted.Length));
    }

    /// <summary>
    /// The <paramref name="p"/>-th percentile by PostgreSQL's <c>percentile_cont(p)</c> definition
    /// (R type 7, Excel <c>PERCENTILE.INC</c>).
    /// </summary>
    /// <remarks>
    /// With the n values sorted ascending as x[0] … x[n−1], let h = (n − 1) × p; the result is
    /// x[⌊h⌋] + (h − ⌊h⌋) × (x[⌈h⌉] − x[⌊h⌋]). So p = 0 is the minimum and p = 1 the maximum.
    /// The result is exact (not rounded); round it where it is presented.
    /// </remarks>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public static decimal Percentile(IReadOnlyList<decimal> values, decimal p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1m);
        return Interpolate(Sorted(values), p);
    }

    /// <summary>
    /// A value's percentile rank in a group, 0 to 100, by the mid-rank definition.
    /// </summary>
    /// <remarks>
    /// (number of values strictly below + half the number equal) ÷ n × 100, rounded to 1 decimal place,
    /// midpoints away from zero. Ties therefore share a rank: in 1, 2, 2, 3 the value 2 is at 50.0.
    /// The value need not be one of the group's (then nothing is equal to it).
    /// </remarks>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static decimal PercentileRank(IReadOnlyList<decimal> values, decimal value)
    {
        RequireValues(values);
        var below = 0;
        var equal = 0;
        foreach (var v in values)
        {
            if (v < value)
            {
                below++;
            }
            else if (v == value)
            {
                equal++;
            }
        }

        var rank = (below + equal / 2m) / values.Count * 100m;
        return Math.Round(rank, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// A value's competition rank in a group, 1 being the highest.
    /// </summary>
    /// <remarks>
    /// 1 + the number of values strictly greater. Ties share the best rank and leave a gap after them
    /// ("1224" ranking): in 9, 8, 8, 7 the ranks are 1, 2, 2, 4. A value that is not one of the group's gets the
    /// rank it would take if it were added.
    /// </remarks>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static int Rank(IReadOnlyList<decimal> values, decimal value)
    {
        RequireValues(values);
        var greater = 0;
        foreach (var v in values)
        {
            if (v > value)
            {
                greater++;
            }
        }

        return greater + 1;
    }

    private static decimal Interpolate(decimal[] sorted, decimal p)
    {
        var h = (sorted.Length - 1) * p;
        var lower = (int)decimal.Floor(h);
        var upper = (int)decimal.Ceiling(h);
        return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
    }

    /// <summary>The values ascending; a copy, so the caller's list is never reordered. Input already in order (the benchmark reads ask the database for it) is not sorted again.</summary>
    private static decimal[] Sorted(IReadOnlyList<decimal> values)
    {
        RequireValues(values);
        var sorted = values.ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] < sorted[i - 1])
            {
                Array.Sort(sorted);
                break;
            }
        }
        return sorted;
    }

    private static void RequireValues(IReadOnlyList<decimal> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("A group needs at least one value.", nameof(values));
        }
    }

    private static decimal Round2(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}

/// <summary>How two raters (staff and service user) agree on ordinal ratings.</summary>
/// <param name="Pairs">How many pairs of ratings were compared.</param>
/// <param name="ExactAgreement">The share of pairs rated identically, 0 to 1, 3 decimal places; null when there are no pairs.</param>
/// <param name="WeightedKappa">
/// Cohen's kappa with quadratic weights, 3 decimal places; null when there are no pairs or when chance-expected
/// agreement is 1 (both raters gave one and the same rating throughout, so there is no variation to agree on).
/// </param>
public sealed record AgreementResult(int Pairs, decimal? ExactAgreement, decimal? WeightedKappa);

/// <summary>Agreement between staff and service users' views of the same standards.</summary>
public static class Agreement
{
    /// <summary>
    /// Measures how staff and service user ratings agree, each on the ordinal scale [<paramref name="minimum"/>, <paramref name="maximum"/>].
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>ExactAgreement = identical pairs ÷ pairs, rounded to 3 decimal places (midpoints away from zero).</item>
    /// <item>WeightedKappa = (Po − Pe) ÷ (1 − Pe), Cohen's weighted kappa with quadratic weights
    /// w(i, j) = 1 − ((i − j) ÷ (k − 1))², k = maximum − minimum + 1 scale points, where
    /// Po = Σ w(i, j) × p(i, j) is the observed weighted agreement (p the share of pairs rated i by staff and j by
    /// the service user) and Pe = Σ w(i, j) × r(i) × c(j) the chance-expected one (r, c the two raters' marginal
    /// shares). Computed exactly and rounded to 3 decimal places (midpoints away from zero); null when there are no
    /// pairs or Pe = 1. With quadratic weights k cancels out of the ratio, so the result does not depend on the
    /// width of the scale, only on the ratings.</item>
    /// </list>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="minimum"/> is not below <paramref name="maximum"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rating lies outside the scale.</exception>
    public static AgreementResult Measure(IReadOnlyList<(int Staff, int ServiceUser)> pairs, int minimum, int maximum)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (minimum >= maximum)
        {
            throw new ArgumentException("A scale needs at least two points: minimum must be below maximum.", nameof(minimum));
        }

        var k = maximum - minimum + 1;
        var n = pairs.Count;
        if (n == 0)
        {
            return new AgreementResult(0, null, null);
        }

        var cells = new long[k, k];
        var rows = new long[k];
        var columns = new long[k];
        var identical = 0;
        foreach (var (staff, serviceUser) in pairs)
        {
            if (staff < minimum || staff > maximum || serviceUser < minimum || serviceUser > maximum)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(pairs), $"The ratings ({staff}, {serviceUser}) are not both on the scale {minimum} to {maximum}.");
            }

            var i = staff - minimum;
            var j = serviceUser - minimum;
            cells[i, j]++;
            rows[i]++;
            columns[j]++;
            if (i == j)
            {
                identical++;
            }
        }

        // Scale the weights by (k − 1)² so they are integers: W(i, j) = (k − 1)² − (i − j)².
        // Then Po = ΣW·n(i,j) ÷ ((k−1)²·n) and Pe = ΣW·r(i)·c(j) ÷ ((k−1)²·n²), and
        // kappa = (n·ΣW·n(i,j) − ΣW·r·c) ÷ ((k−1)²·n² − ΣW·r·c), all in exact integer (decimal) arithmetic.
        decimal span = (k - 1) * (k - 1);
        decimal observed = 0m;
        decimal expected = 0m;
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                decimal weight = span - (i - j) * (i - j);
                observed += weight * cells[i, j];
                expected += weight * rows[i] * columns[j];
            }
        }

        decimal total = (decimal)n * n * span;
        decimal? kappa = expected == total
            ? null
            : Math.Round((n * observed - expected) / (total - expected), 3, MidpointRounding.AwayFromZero);

        var exact = Math.Round((decimal)identical / n, 3, MidpointRounding.AwayFromZero);
        return new AgreementResult(n, exact, kappa);
    }
}
