namespace SeQuIn.Api.Benchmarks;

/// <summary>A special-cause signal on an XmR chart (Making Data Count rules). More values may be added: ignore those you do not know.</summary>
public enum SpcSignal
{
    /// <summary>The value is strictly above the upper process limit.</summary>
    AboveUpperLimit,

    /// <summary>The value is strictly below the lower process limit.</summary>
    BelowLowerLimit,

    /// <summary>The value is one of a run of consecutive present values (7 by default) strictly above the centre line.</summary>
    RunAboveCentre,

    /// <summary>The value is one of a run of consecutive present values (7 by default) strictly below the centre line.</summary>
    RunBelowCentre,

    /// <summary>The value is one of consecutive present values (7 by default), each strictly greater than the one before.</summary>
    TrendUp,

    /// <summary>The value is one of consecutive present values (7 by default), each strictly less than the one before.</summary>
    TrendDown,

    /// <summary>
    /// The value is close to the upper limit (above centre + 2 sigma, not beyond the limit) and one of at least two such
    /// values among three consecutive present values all above the centre line.
    /// </summary>
    TwoOfThreeNearUpperLimit,

    /// <summary>The mirror of <see cref="TwoOfThreeNearUpperLimit"/> below the centre line.</summary>
    TwoOfThreeNearLowerLimit,
}

/// <summary>What the latest point says about the process, higher being better (the Making Data Count variation icon).</summary>
public enum SpcVariation
{
    /// <summary>The latest point carries no special-cause signal.</summary>
    CommonCause,

    /// <summary>The latest point carries a signal in the direction of improvement (up).</summary>
    SpecialCauseImprovement,

    /// <summary>The latest point carries a signal in the direction of concern (down).</summary>
    SpecialCauseConcern,

    /// <summary>The latest point's segment has too few present values for its limits to be trusted (<see cref="ProcessControl.MinimumPointsForVerdict"/>).</summary>
    NotEnoughData,
}

/// <summary>Whether the process, as its limits stand, will meet a target, higher being better (the Making Data Count assurance icon).</summary>
public enum SpcAssurance
{
    /// <summary>The target is below the lower process limit: every value the process produces meets it.</summary>
    ConsistentlyPasses,

    /// <summary>The target is above the upper process limit: no value the process produces meets it.</summary>
    ConsistentlyFails,

    /// <summary>The target lies within the process limits: the process will sometimes meet it and sometimes not.</summary>
    HitAndMiss,
}

/// <summary>Run lengths of the Making Data Count rules.</summary>
/// <param name="RunLength">How many consecutive present values on one side of the centre make a shift (7 by default).</param>
/// <param name="TrendLength">How many consecutive present values, each above (below) the one before, make a trend (7 by default: 6 rises).</param>
public sealed record SpcRules(int RunLength = ProcessControl.SignalLength, int TrendLength = ProcessControl.SignalLength)
{
    /// <summary>The rules NHS England's tools and NHSRplotthedots use: runs and trends of 7.</summary>
    public static readonly SpcRules Default = new();

    /// <summary>The shortest run or trend a caller may ask for.</summary>
    public const int Shortest = 5;

    /// <summary>The longest run or trend a caller may ask for.</summary>
    public const int Longest = 12;
}

/// <summary>One period of an XmR chart.</summary>
/// <param name="Index">The period's zero-based position in the series given, missing periods included.</param>
/// <param name="Value">The value, or null for a missing period.</param>
/// <param name="MovingRange">
/// |value − previous present value|; null for a missing period and for the first present value (of its segment).
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

/// <summary>The periods between two change points, with limits of their own.</summary>
/// <param name="Start">Index of the segment's first period in the whole series.</param>
/// <param name="End">Index of the segment's last period (inclusive).</param>
/// <param name="Chart">The segment's chart; its points' indices are those of the whole series.</param>
public sealed record SpcSegment(int Start, int End, SpcChart Chart);

/// <summary>A rebased XmR chart with the Making Data Count verdicts.</summary>
/// <param name="Segments">One per stretch between change points, in order; at least one.</param>
/// <param name="Points">Every period of the series, in order, each with the signals of its own segment's limits.</param>
/// <param name="Variation">What the latest present value says, higher being better.</param>
/// <param name="Assurance">Where the target sits against the latest segment's limits; null without a target or without enough data.</param>
public sealed record SpcAnalysis(IReadOnlyList<SpcSegment> Segments, IReadOnlyList<SpcPoint> Points, SpcVariation Variation, SpcAssurance? Assurance)
{
    /// <summary>The segment holding the latest periods (whose limits the verdicts use).</summary>
    public SpcSegment Latest => Segments[^1];
}

/// <summary>Statistical process control for trends, following NHS England's "Making Data Count".</summary>
public static class ProcessControl
{
    /// <summary>The XmR scaling constant: 3 ÷ d2, with d2 = 1.128 for moving ranges of two, as Making Data Count rounds it.</summary>
    public const decimal LimitFactor = 2.66m;

    /// <summary>How many consecutive present values make a run (shift) or a trend, by default.</summary>
    public const int SignalLength = 7;

    /// <summary>
    /// The fewest present values a segment needs before its verdicts are given: fewer and the variation is
    /// notEnoughData (NHSRplotthedots warns on groups shorter than 12 points).
    /// </summary>
    public const int MinimumPointsForVerdict = 12;

    /// <summary>
    /// Builds an XmR chart for a series of periods (e.g. months) in time order.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>A missing period (null) is skipped: it has no value, no moving range and no signals, and the next
    /// present value's moving range is taken against the previous present one. Runs, trends and the two-of-three
    /// rule also run across it.</item>
    /// <item>Centre line = mean of the present values. Moving range = |x − previous present x|.
    /// Average moving range = mean of the moving ranges (one fewer than the present values).</item>
    /// <item>Process limits = centre ± 2.66 × average moving range; the lower limit is raised to
    /// <paramref name="floor"/> and the upper lowered to <paramref name="ceiling"/> when they are given and the
    /// limit lies beyond them (scores live on a bounded scale).</item>
    /// <item>With fewer than 2 present values the centre is their mean (null if none) and the limits, the average
    /// moving range and all signals are absent.</item>
    /// <item>AboveUpperLimit / BelowLowerLimit: the value is strictly beyond the (clamped) limit.</item>
    /// <item>RunAboveCentre / RunBelowCentre: the value belongs to a run of <see cref="SpcRules.RunLength"/> or more
    /// consecutive present values strictly on one side of the centre line; a value exactly on the centre line breaks
    /// the run. Every point of the run carries the signal.</item>
    /// <item>TrendUp / TrendDown: the value belongs to <see cref="SpcRules.TrendLength"/> or more consecutive present
    /// values, each strictly greater (less) than the one before — 7 points, 6 rises (falls); an equal value breaks the
    /// trend. Every point of the trend carries the signal.</item>
    /// <item>TwoOfThreeNearUpperLimit / …LowerLimit: a value is close to a limit when it is strictly beyond
    /// centre ± 2 sigma (2 × 2.66 ÷ 3 × average moving range) but not beyond the limit itself. When three
    /// consecutive present values lie strictly on one side of the centre and at least two of them are close to that
    /// side's limit, those close values carry the signal (NHSRplotthedots' definition: the third point need not be
    /// close, and a point beyond the limit is signalled by that rule instead).</item>
    /// </list>
    /// Figures are exact (not rounded) so that signals agree with them; round them where they are presented.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="floor"/> is greater than <paramref name="ceiling"/>.</exception>
    public static SpcChart XmR(IReadOnlyList<decimal?> series, decimal? floor = null, decimal? ceiling = null, SpcRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        rules ??= SpcRules.Default;
        if (floor is { } f && ceiling is { } c && f > c)
        {
            throw new ArgumentException("The floor must not be above the ceiling.", nameof(floor));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(rules.RunLength, 2, nameof(rules));
        ArgumentOutOfRangeException.ThrowIfLessThan(rules.TrendLength, 2, nameof(rules));

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
            var sides = values.Select(v => Math.Sign(v - mean)).ToArray();
            MarkRuns(sides, present, signals, rules.RunLength);

            // Trends: every step from the previous present value has a direction; a stretch of n − 1 steps the same
            // way is n points. The first value of a trend is the one the first step starts from.
            MarkTrends(values, present, signals, rules.TrendLength);

            // Two of three: 2 sigma is two thirds of the way from the centre to the (unclamped) limit.
            var twoSigma = 2m * LimitFactor / 3m * amr;
            var close = values.Select(v => v > ucl || v < lcl ? 0 : v > mean + twoSigma ? 1 : v < mean - twoSigma ? -1 : 0).ToArray();
            MarkTwoOfThree(sides, close, present, signals);
        }

        var points = new SpcPoint[series.Count];
        for (var i = 0; i < series.Count; i++)
        {
            points[i] = new SpcPoint(i, series[i], movingRanges[i], signals[i].ToArray());
        }

        return new SpcChart(centre, upper, lower, averageMovingRange, values.Length, points);
    }

    /// <summary>
    /// A chart whose limits are recomputed from each change point on, with the variation and assurance verdicts.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Change points are indices into the series: the period at the index starts a new segment. Indices at or
    /// before 0, past the end, or repeated are ignored; the order does not matter. Each segment is an
    /// <see cref="XmR"/> chart of its own periods (its first present value has no moving range), and so are its
    /// signals: a run does not continue across a change point.</item>
    /// <item>Variation (higher is better) is read from the latest present value: notEnoughData when there is none or
    /// its segment has fewer than <see cref="MinimumPointsForVerdict"/> present values; commonCause without signals;
    /// specialCauseImprovement when all its signals point up (above a limit, a run above the centre, a trend up,
    /// two of three near the upper limit), specialCauseConcern when all point down; with signals both ways, the side
    /// of the centre it lies on decides (as NHSRplotthedots does).</item>
    /// <item>Assurance compares <paramref name="target"/> with the latest segment's limits (as clamped): above the
    /// upper limit, consistentlyFails; below the lower, consistentlyPasses; otherwise (a limit itself included),
    /// hitAndMiss. Null without a target, or when the variation is notEnoughData.</item>
    /// </list>
    /// </remarks>
    public static SpcAnalysis Analyse(IReadOnlyList<decimal?> series, IReadOnlyCollection<int> changePoints, SpcRules? rules = null,
        decimal? target = null, decimal? floor = null, decimal? ceiling = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(changePoints);
        var starts = changePoints.Where(i => i > 0 && i < series.Count).Append(0).Distinct().Order().ToList();
        var segments = new List<SpcSegment>();
        var points = new List<SpcPoint>(series.Count);
        for (var s = 0; s < starts.Count; s++)
        {
            var start = starts[s];
            var end = s + 1 < starts.Count ? starts[s + 1] - 1 : Math.Max(series.Count - 1, 0);
            var part = series.Skip(start).Take(end - start + 1).ToList();
            var chart = XmR(part, floor, ceiling, rules);
            var shifted = chart.Points.Select(p => p with { Index = p.Index + start }).ToList();
            segments.Add(new SpcSegment(start, end, chart with { Points = shifted }));
            points.AddRange(shifted);
        }

        var latest = points.LastOrDefault(p => p.Value is not null);
        var segment = latest is null ? segments[^1] : segments.Last(g => g.Start <= latest.Index);
        var variation = latest is null || segment.Chart.PointsUsed < MinimumPointsForVerdict
            ? SpcVariation.NotEnoughData
            : VariationOf(latest, segment.Chart.Centre!.Value);
        SpcAssurance? assurance = target is not { } goal || variation == SpcVariation.NotEnoughData
                                  || segment.Chart.UpperProcessLimit is not { } upper || segment.Chart.LowerProcessLimit is not { } lower
            ? null
            : AssuranceOf(goal, lower, upper);
        return new SpcAnalysis(segments, points, variation, assurance);
    }

    /// <summary>
    /// Where a target sits against process limits, higher being better: above the upper limit the process consistently
    /// fails it, below the lower limit it consistently passes, otherwise (on a limit too) it hits and misses.
    /// </summary>
    public static SpcAssurance AssuranceOf(decimal target, decimal lower, decimal upper) =>
        target > upper ? SpcAssurance.ConsistentlyFails
        : target < lower ? SpcAssurance.ConsistentlyPasses
        : SpcAssurance.HitAndMiss;

    /// <summary>Whether a signal points up (better) or down (worse).</summary>
    public static bool IsUpward(SpcSignal signal) => signal is SpcSignal.AboveUpperLimit or SpcSignal.RunAboveCentre or SpcSignal.TrendUp
        or SpcSignal.TwoOfThreeNearUpperLimit;

    private static SpcVariation VariationOf(SpcPoint point, decimal centre)
    {
        if (point.Signals.Count == 0)
        {
            return SpcVariation.CommonCause;
        }
        var up = point.Signals.All(IsUpward) || (!point.Signals.All(s => !IsUpward(s)) && point.Value > centre);
        return up ? SpcVariation.SpecialCauseImprovement : SpcVariation.SpecialCauseConcern;
    }

    private static void MarkRuns(int[] sides, List<int> present, SortedSet<SpcSignal>[] signals, int length)
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
            if (side != 0 && end - start >= length)
            {
                for (var k = start; k < end; k++)
                {
                    signals[present[k]].Add(side > 0 ? SpcSignal.RunAboveCentre : SpcSignal.RunBelowCentre);
                }
            }

            start = end;
        }
    }

    private static void MarkTrends(decimal[] values, List<int> present, SortedSet<SpcSignal>[] signals, int length)
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
            if (direction != 0 && points >= length)
            {
                for (var k = start - 1; k < end; k++)
                {
                    signals[present[k]].Add(direction > 0 ? SpcSignal.TrendUp : SpcSignal.TrendDown);
                }
            }

            start = end;
        }
    }

    /// <param name="close">+1 close to the upper limit, −1 close to the lower, 0 neither (or beyond a limit).</param>
    private static void MarkTwoOfThree(int[] sides, int[] close, List<int> present, SortedSet<SpcSignal>[] signals)
    {
        for (var k = 0; k + 2 < sides.Length; k++)
        {
            var side = sides[k];
            if (side == 0 || sides[k + 1] != side || sides[k + 2] != side)
            {
                continue;
            }
            var near = Enumerable.Range(k, 3).Where(j => close[j] == side).ToList();
            if (near.Count >= 2)
            {
                foreach (var j in near)
                {
                    signals[present[j]].Add(side > 0 ? SpcSignal.TwoOfThreeNearUpperLimit : SpcSignal.TwoOfThreeNearLowerLimit);
                }
            }
        }
    }
}

/// <summary>Where a series' process limits are recomputed, and why.</summary>
public static class ChangePoints
{
    /// <summary>
    /// The change points of a series, by position, in order: each period rated against another framework version
    /// than the previous period that has one (periods without a version are passed over), each requested position, and
    /// each position where a recorded action took effect. A position with several reasons lists them in that order.
    /// </summary>
    /// <param name="versions">Per period, the framework version its value was rated against; null for a period without a value.</param>
    /// <param name="requested">Positions asked for; those at or before 0 or past the end are ignored (the first period starts the chart anyway).</param>
    /// <param name="actions">Positions of the periods in which recorded actions took effect (one per action; repeats are one change point); ignored like <paramref name="requested"/>.</param>
    public static SortedDictionary<int, IReadOnlyList<ChangePointReason>> Of(IReadOnlyList<string?> versions, IEnumerable<int> requested,
        IEnumerable<int>? actions = null)
    {
        var reasons = new SortedDictionary<int, IReadOnlyList<ChangePointReason>>();
        void Add(int index, ChangePointReason reason)
        {
            var before = reasons.GetValueOrDefault(index) ?? [];
            if (!before.Contains(reason))
            {
                reasons[index] = [.. before, reason];
            }
        }
        string? previous = null;
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i] is { } version)
            {
                if (previous is not null && previous != version)
                {
                    Add(i, ChangePointReason.FrameworkVersion);
                }
                previous = version;
            }
        }
        foreach (var index in requested.Where(i => i > 0 && i < versions.Count))
        {
            Add(index, ChangePointReason.Requested);
        }
        foreach (var index in (actions ?? []).Where(i => i > 0 && i < versions.Count))
        {
            Add(index, ChangePointReason.Action);
        }
        return reasons;
    }
}
