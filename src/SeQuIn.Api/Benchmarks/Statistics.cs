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

/// <summary>A special-cause signal on an XmR chart (Making Data Count rules).</summary>
public enum SpcSignal
{
    /// <summary>The value is strictly above the upper process limit.</summary>
    AboveUpperLimit,

    /// <summary>The value is strictly below the lower process limit.</summary>
    BelowLowerLimit,

    /// <summary>The value is one of a run of 7 or more consecutive present values strictly above the centre line.</summary>
    RunAboveCentre,

    /// <summary>The value is one of a run of 7 or more consecutive present values strictly below the centre line.</summary>
    RunBelowCentre,

    /// <summary>The value is one of 7 or more consecutive present values, each strictly greater than the one before.</summary>
    TrendUp,

    /// <summary>The value is one of 7 or more consecutive present values, each strictly less than the one before.</summary>
    TrendDown,
}

/// <summary>One period of an XmR chart.</summary>
/// <param name="Index">The period's zero-based position in the series given, missing periods included.</param>
/// <param name="Value">The value, or null for a missing period.</param>
/// <param name="MovingRange">
/// |value − previous present value|; null for a missing period and for the first present value.
/// </param>
/// <param name="Signals">The special-cause signals on this point, in <see cref="SpcSignal"/> order; empty for a missing period.</param>
public sealed record SpcPoint(int Index, decimal? Value, decimal? MovingRange, IReadOnlyList<SpcSignal> Signals);

/// <summary>An XmR (individuals and moving range) chart, as NHS England's "Making Data Count" draws it.</summary>
/// <param name="Centre">The mean of the present values; null when there are none.</param>
/// <param name="UpperProcessLimit">Centre + 2.66 × average moving range, clamped to the ceiling if one was given; null with fewer than 2 present values.</param>
/// <param name="LowerProcessLimit">Centre − 2.66 × average moving range, clamped to the floor if one was given; null with fewer than 2 present values.</param>
/// <param name="AverageMovingRange">The mean of the moving ranges; null with fewer than 2 present values.</param>
/// <param name="PointsUsed">How many present (non-null) values the chart was computed from.</param>
/// <param name="Points">One point per period of the series, in order, missing periods included.</param>
public sealed record SpcChart(
    decimal? Centre,
    decimal? UpperProcessLimit,
    decimal? LowerProcessLimit,
    decimal? AverageMovingRange,
    int PointsUsed,
    IReadOnlyList<SpcPoint> Points);

/// <summary>Statistical process control for trends, following NHS England's "Making Data Count".</summary>
public static class ProcessControl
{
    /// <summary>The XmR scaling constant: 3 ÷ d2, with d2 = 1.128 for moving ranges of two, as Making Data Count rounds it.</summary>
    public const decimal LimitFactor = 2.66m;

    /// <summary>How many consecutive present values make a run (shift) or a trend.</summary>
    public const int SignalLength = 7;

    /// <summary>
    /// Builds an XmR chart for a series of periods (e.g. months) in time order.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>A missing period (null) is skipped: it has no value, no moving range and no signals, and the next
    /// present value's moving range is taken against the previous present one. Runs and trends also run across it.</item>
    /// <item>Centre line = mean of the present values. Moving range = |x − previous present x|.
    /// Average moving range = mean of the moving ranges (one fewer than the present values).</item>
    /// <item>Process limits = centre ± 2.66 × average moving range; the lower limit is raised to
    /// <paramref name="floor"/> and the upper lowered to <paramref name="ceiling"/> when they are given and the
    /// limit lies beyond them (scores live on a bounded scale).</item>
    /// <item>With fewer than 2 present values the centre is their mean (null if none) and the limits, the average
    /// moving range and all signals are absent.</item>
    /// <item>AboveUpperLimit / BelowLowerLimit: the value is strictly beyond the (clamped) limit.</item>
    /// <item>RunAboveCentre / RunBelowCentre: the value belongs to a run of 7 or more consecutive present values
    /// strictly on one side of the centre line; a value exactly on the centre line breaks the run. Every point of
    /// the run carries the signal.</item>
    /// <item>TrendUp / TrendDown: the value belongs to 7 or more consecutive present values, each strictly greater
    /// (less) than the one before — 7 points, 6 rises (falls); an equal value breaks the trend. Every point of the
    /// trend carries the signal.</item>
    /// </list>
    /// Figures are exact (not rounded) so that signals agree with them; round them where they are presented.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="floor"/> is greater than <paramref name="ceiling"/>.</exception>
    public static SpcChart XmR(IReadOnlyList<decimal?> series, decimal? floor = null, decimal? ceiling = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (floor is { } f && ceiling is { } c && f > c)
        {
            throw new ArgumentException("The floor must not be above the ceiling.", nameof(floor));
        }

        // Positions (in the series) of the present values, in order.
        var present = new List<int>();
        for (var i = 0; i < series.Count; i++)
        {
            if (series[i].HasValue)
            {
                present.Add(i);
            }
        }

        var values = present.Select(i => series[i]!.Value).ToArray();
        var movingRanges = new decimal?[series.Count];
        for (var k = 1; k < values.Length; k++)
        {
            movingRanges[present[k]] = Math.Abs(values[k] - values[k - 1]);
        }

        var signals = new SortedSet<SpcSignal>[series.Count];
        for (var i = 0; i < signals.Length; i++)
        {
            signals[i] = [];
        }

        decimal? centre = values.Length == 0 ? null : values.Sum() / values.Length;
        decimal? averageMovingRange = null;
        decimal? upper = null;
        decimal? lower = null;

        if (values.Length >= 2)
        {
            var mean = centre!.Value;
            var amr = movingRanges.Sum(r => r ?? 0m) / (values.Length - 1);
            var ucl = mean + LimitFactor * amr;
            var lcl = mean - LimitFactor * amr;
            if (ceiling is { } top && ucl > top)
            {
                ucl = top;
            }

            if (floor is { } bottom && lcl < bottom)
            {
                lcl = bottom;
            }

            averageMovingRange = amr;
            upper = ucl;
            lower = lcl;

            for (var k = 0; k < values.Length; k++)
            {
                if (values[k] > ucl)
                {
                    signals[present[k]].Add(SpcSignal.AboveUpperLimit);
                }

                if (values[k] < lcl)
                {
                    signals[present[k]].Add(SpcSignal.BelowLowerLimit);
                }
            }

            // Runs: each value is above (+1), below (−1) or on (0) the centre line; a value on it belongs to no run.
            MarkRuns(values.Select(v => Math.Sign(v - mean)).ToArray(), present, signals);

            // Trends: every step from the previous present value has a direction; a stretch of 6 steps the same
            // way is 7 points. The first value of a trend is the one the first step starts from.
            MarkTrends(values, present, signals);
        }

        var points = new SpcPoint[series.Count];
        for (var i = 0; i < series.Count; i++)
        {
            points[i] = new SpcPoint(i, series[i], movingRanges[i], signals[i].ToArray());
        }

        return new SpcChart(centre, upper, lower, averageMovingRange, values.Length, points);
    }

    private static void MarkRuns(int[] sides, List<int> present, SortedSet<SpcSignal>[] signals)
    {
        var start = 0;
        while (start < sides.Length)
        {
            var side = sides[start];
            var end = start + 1;
            while (end < sides.Length && sides[end] == side)
            {
                end++;
            }

            // Values start..end−1 are all on one side.
            if (side != 0 && end - start >= SignalLength)
            {
                for (var k = start; k < end; k++)
                {
                    signals[present[k]].Add(side > 0 ? SpcSignal.RunAboveCentre : SpcSignal.RunBelowCentre);
                }
            }

            start = end;
        }
    }

    private static void MarkTrends(decimal[] values, List<int> present, SortedSet<SpcSignal>[] signals)
    {
        // step[k] is the direction from value k − 1 to value k, for k ≥ 1.
        var start = 1;
        while (start < values.Length)
        {
            var direction = Math.Sign(values[start] - values[start - 1]);
            var end = start + 1;
            while (end < values.Length && Math.Sign(values[end] - values[end - 1]) == direction)
            {
                end++;
            }

            // Steps start..end−1 go the same way: points start−1 .. end−1.
            var points = end - start + 1;
            if (direction != 0 && points >= SignalLength)
            {
                for (var k = start - 1; k < end; k++)
                {
                    signals[present[k]].Add(direction > 0 ? SpcSignal.TrendUp : SpcSignal.TrendDown);
                }
            }

            start = end;
        }
    }
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
