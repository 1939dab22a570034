using SeQuIn.Api.Common;

namespace SeQuIn.Api.Benchmarks;

/// <summary>Who a unit is compared with.</summary>
public enum ComparisonGroup
{
    /// <summary>The units of its network.</summary>
    Network,
    /// <summary>Units of the same security level, nationally.</summary>
    SecurityLevel,
    /// <summary>Units whose providers are of the same sector (NHS or independent), nationally.</summary>
    Sector,
    /// <summary>Units of the same provider collaborative.</summary>
    Collaborative,
    /// <summary>Every unit in every network.</summary>
    National,
    /// <summary>The units of the same provider (as recorded at submission).</summary>
    Provider,
}

/// <summary>Which figure stands for a unit's area: the computed mean of its standards, or the overall rating its participants agreed.</summary>
public enum AreaFigure
{
    /// <summary>The mean of the area's applicable standard ratings (the default).</summary>
    Mean,
    /// <summary>The agreed overall area rating the staff and service-user participants arrived at together.</summary>
    Agreed,
}

/// <summary>What the area-level figure endpoints share: which figure, and whether only confirmed submissions count.</summary>
public interface IFigureQuery
{
    string? figure { get; }
    bool? confirmedOnly { get; }
}

/// <summary>Only submissions the service user may have confirmed.</summary>
public interface IConfirmedQuery
{
    bool? confirmedOnly { get; }
}

public static class FigureQueries
{
    public static AreaFigure Figure(this IFigureQuery query) => EnumQuery.Parse<AreaFigure>(query.figure) ?? AreaFigure.Mean;
}

/// <param name="month">The month, YYYY-MM; the latest month the unit submitted when omitted.</param>
/// <param name="group">Who to compare with (default network).</param>
/// <param name="figure">The area figure: mean (default: the mean of the area's standard ratings) or agreed (the participants' agreed overall area rating).</param>
/// <param name="confirmedOnly">Only submissions the service-user participant confirmed they agree with (default false).</param>
public sealed record BenchmarkQuery(string? month, [property: EnumQuery(typeof(ComparisonGroup))] string? group,
    [property: EnumQuery(typeof(AreaFigure))] string? figure, bool? confirmedOnly) : IFigureQuery
{
    public ComparisonGroup Group => EnumQuery.Parse<ComparisonGroup>(group) ?? ComparisonGroup.Network;
}

/// <param name="month">The month, YYYY-MM; the latest month the unit submitted when omitted.</param>
/// <param name="group">Who to compare with (default network).</param>
/// <param name="confirmedOnly">Only submissions the service-user participant confirmed they agree with (default false).</param>
/// <remarks>No figure parameter: a standard has only its own ratings; the agreed rating is the area's.</remarks>
public sealed record StandardsQuery(string? month, [property: EnumQuery(typeof(ComparisonGroup))] string? group, bool? confirmedOnly) : IConfirmedQuery
{
    public ComparisonGroup Group => EnumQuery.Parse<ComparisonGroup>(group) ?? ComparisonGroup.Network;
}

/// <param name="from">First month, YYYY-MM (default: 24 months before to).</param>
/// <param name="to">Last month, YYYY-MM (default: the current month).</param>
/// <param name="group">Whose median to show beside the unit (default network).</param>
/// <param name="figure">The area figure: mean (default) or agreed (the participants' agreed overall area rating).</param>
/// <param name="confirmedOnly">Only submissions the service-user participant confirmed they agree with (default false).</param>
/// <param name="runLength">How many months in a row on one side of the centre make a shift signal, 5 to 12 (default 7, as Making Data Count).</param>
/// <param name="trendLength">How many months in a row, each above (below) the one before, make a trend signal, 5 to 12 (default 7, as Making Data Count).</param>
/// <param name="target">A target score on the series' scale: the answer says whether the process consistently passes it, fails it or hits and misses.</param>
/// <param name="rebaseAt">Months (YYYY-MM, repeat the parameter or separate by commas, at most 24) from which the process limits are recomputed, after 'from' and not after 'to'. A change of framework version between months always rebases.</param>
/// <param name="rebaseAtActions">true: also recompute the limits from the month each of the unit's actions on the area's standards was marked done (reason action; the change point names the actions). Only actions you may see count: the unit's members and its network's leads and administrators see them, analysts do not. Default false.</param>
public sealed record TrendQuery(string? from, string? to, [property: EnumQuery(typeof(ComparisonGroup))] string? group,
    [property: EnumQuery(typeof(AreaFigure))] string? figure, bool? confirmedOnly,
    int? runLength = null, int? trendLength = null, decimal? target = null, string[]? rebaseAt = null, bool? rebaseAtActions = null) : IFigureQuery
{
    public ComparisonGroup Group => EnumQuery.Parse<ComparisonGroup>(group) ?? ComparisonGroup.Network;

    /// <summary>The rule lengths asked for, defaults filled in.</summary>
    public SpcRules Rules => new(runLength ?? ProcessControl.SignalLength, trendLength ?? ProcessControl.SignalLength);

    /// <summary>Every rebaseAt value, comma lists split, as given (the validator checks them).</summary>
    public IEnumerable<string> RebaseMonths => (rebaseAt ?? []).SelectMany(r => (r ?? "").Split(','));
}

/// <summary>The group a unit is compared with, as it stood that month.</summary>
/// <param name="Units">How many units reported.</param>
/// <param name="Suppressed">Why the group's figures are withheld (too few units to compare without identifying them); null when shown.</param>
public sealed record GroupFigures(int Units, decimal? Minimum, decimal? LowerQuartile, decimal? Median, decimal? UpperQuartile, decimal? Maximum,
    decimal? Mean, string? Suppressed);

/// <summary>A unit's score for an area or standard beside its group's.</summary>
/// <param name="Score">The unit's area figure (its mean, or its agreed rating with figure=agreed) or standard rating; null when it has none that month.</param>
/// <param name="Percentage">The area score as a percentage of the scale of the version it was rated against (areas only).</param>
/// <param name="Change">Change in score since the previous month, when both months have one.</param>
/// <param name="Percentile">The unit's percentile rank in its group (mid-rank), 0 to 100.</param>
/// <param name="Rank">1 = highest; only where the network allows ranks.</param>
public sealed record Benchmark(string Code, decimal? Score, decimal? Percentage, decimal? Change, decimal? Percentile, int? Rank, GroupFigures Group);

/// <summary>A unit's month across every area.</summary>
/// <param name="Figure">Which area figure the scores and the group's figures are: mean or agreed.</param>
/// <param name="ConfirmedOnly">Whether only submissions the service user confirmed were counted.</param>
public sealed record UnitBenchmark(Guid UnitId, string UnitCode, string Month, ComparisonGroup Group, IReadOnlyList<Benchmark> Areas,
    AreaFigure Figure = AreaFigure.Mean, bool ConfirmedOnly = false);

/// <summary>A unit's month across the standards of one area (standards have only their own ratings: no agreed figure).</summary>
/// <param name="ConfirmedOnly">Whether only submissions the service user confirmed were counted.</param>
public sealed record AreaBenchmark(Guid UnitId, string UnitCode, string Month, string AreaCode, ComparisonGroup Group, IReadOnlyList<Benchmark> Standards,
    bool ConfirmedOnly = false);

/// <summary>One month of a trend.</summary>
/// <param name="Score">The unit's area figure (mean or agreed rating); null for a month it did not submit.</param>
/// <param name="GroupMedian">The group's median that month; null when suppressed or no data.</param>
/// <param name="Signals">Statistical process control signals on this point.</param>
public sealed record TrendPoint(string Month, decimal? Score, decimal? GroupMedian, IReadOnlyList<SpcSignal> Signals);

/// <summary>
/// A unit's monthly series for an area with an XmR chart (NHS England "Making Data Count"): centre line = mean;
/// process limits = mean ± 2.66 × average moving range (clamped to the scale), recomputed from each change point;
/// signals: a point beyond a limit, a run on one side of the centre, a run rising or falling, two of three points
/// close to a limit; the variation and assurance verdicts, higher being better.
/// </summary>
/// <param name="Centre">The latest segment's centre line (the whole series' when nothing rebased it).</param>
/// <param name="UpperProcessLimit">The latest segment's upper process limit.</param>
/// <param name="LowerProcessLimit">The latest segment's lower process limit.</param>
/// <param name="Figure">Which area figure the series is: mean or agreed.</param>
/// <param name="ConfirmedOnly">Whether only submissions the service user confirmed were counted.</param>
/// <param name="Variation">What the latest month says: common-cause, special-cause-improvement, special-cause-concern, or not-enough-data (fewer than 12 months in its segment).</param>
/// <param name="Assurance">Against the target: consistently-passes, consistently-fails or hit-and-miss; null without a target or without enough data.</param>
/// <param name="Target">The target asked for; null when none.</param>
/// <param name="RunLength">The run length the shift rule used.</param>
/// <param name="TrendLength">The run length the trend rule used.</param>
/// <param name="ChangePoints">Where the limits were recomputed, and why, in month order.</param>
/// <param name="Segments">The stretches between change points with their own centre and limits, in month order.</param>
public sealed record Trend(Guid UnitId, string UnitCode, string AreaCode, ComparisonGroup Group, decimal? Centre, decimal? UpperProcessLimit,
    decimal? LowerProcessLimit, IReadOnlyList<TrendPoint> Points, AreaFigure Figure, bool ConfirmedOnly,
    SpcVariation Variation, SpcAssurance? Assurance, decimal? Target, int RunLength, int TrendLength,
    IReadOnlyList<TrendChangePoint> ChangePoints, IReadOnlyList<TrendSegment> Segments);

/// <summary>Why a trend's limits were recomputed from a month on. More values may be added: ignore those you do not know.</summary>
public enum ChangePointReason
{
    /// <summary>The month was rated against another framework version than the month before it.</summary>
    FrameworkVersion,

    /// <summary>The caller asked for it (rebaseAt).</summary>
    Requested,

    /// <summary>The unit marked one of its actions on the area's standards done that month (rebaseAtActions=true).</summary>
    Action,
}

/// <summary>A month from which a trend's process limits are recomputed.</summary>
/// <param name="Month">The first month of the new segment.</param>
/// <param name="Reasons">Why, one or more.</param>
/// <param name="Actions">The unit's actions marked done that month (reason action), oldest first; empty for the other reasons.</param>
public sealed record TrendChangePoint(string Month, IReadOnlyList<ChangePointReason> Reasons, IReadOnlyList<ChangePointAction> Actions);

/// <summary>An action behind a change point: enough to link it (GET /api/v1/actions/{id}).</summary>
/// <param name="Id">The action.</param>
/// <param name="StandardCode">The standard it is about.</param>
public sealed record ChangePointAction(Guid Id, string StandardCode);

/// <summary>A stretch of a trend with its own process limits.</summary>
/// <param name="From">First month.</param>
/// <param name="To">Last month.</param>
/// <param name="MonthsUsed">How many of its months have a score.</param>
public sealed record TrendSegment(string From, string To, int MonthsUsed, decimal? Centre, decimal? UpperProcessLimit, decimal? LowerProcessLimit);
