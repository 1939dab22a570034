using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Replica;

namespace SeQuIn.Api.Benchmarks;

public sealed class BenchmarkQueryValidator : AbstractValidator<BenchmarkQuery>
{
    public BenchmarkQueryValidator()
    {
        RuleFor(q => q.month).IsMonth();
        RuleFor(q => q.group).IsEnumName<BenchmarkQuery, ComparisonGroup>();
        RuleFor(q => q.figure).IsEnumName<BenchmarkQuery, AreaFigure>();
    }
}

public sealed class StandardsQueryValidator : AbstractValidator<StandardsQuery>
{
    public StandardsQueryValidator()
    {
        RuleFor(q => q.month).IsMonth();
        RuleFor(q => q.group).IsEnumName<StandardsQuery, ComparisonGroup>();
    }
}

public sealed class TrendQueryValidator : AbstractValidator<TrendQuery>
{
    /// <param name="clock">'to' defaults to the current month, so a lone 'from' is checked against it.</param>
    public TrendQueryValidator(TimeProvider clock)
    {
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
        RuleFor(q => q.group).IsEnumName<TrendQuery, ComparisonGroup>();
        RuleFor(q => q.figure).IsEnumName<TrendQuery, AreaFigure>();
        RuleFor(q => q).Must(q => q.from is null || !Months.TryParse(q.from, out var f) || (q.to is null ? Months.Current(clock) : Months.TryParse(q.to, out var t) ? t : f) is var to
                                  && f <= to && to.AddMonths(-240) < f)
            .WithMessage("'from' must not be after 'to' (default: the current month), and a trend covers at most 20 years.").OverridePropertyName("from");
        RuleFor(q => q.runLength).InclusiveBetween(SpcRules.Shortest, SpcRules.Longest);
        RuleFor(q => q.trendLength).InclusiveBetween(SpcRules.Shortest, SpcRules.Longest);
        RuleFor(q => q.target).InclusiveBetween(-1000m, 1000m);
        RuleFor(q => q.RebaseMonths).Must(m => m.Count() <= MaxRebaseMonths)
            .WithMessage($"'rebaseAt' holds at most {MaxRebaseMonths} months.").OverridePropertyName("rebaseAt");
        RuleFor(q => q).Must(q => q.RebaseMonths.Take(MaxRebaseMonths + 1).All(m => Months.TryParse(m, out var month) && Window(q, clock) is var (from, to)
                                  && month > from && month <= to))
            .WithMessage("Each 'rebaseAt' month is YYYY-MM, after 'from' (default: 23 months before 'to') and not after 'to' (default: the current month).")
            .OverridePropertyName("rebaseAt");
    }

    /// <summary>The most change points a caller may ask for.</summary>
    public const int MaxRebaseMonths = 24;

    /// <summary>The trend's months as the handler will read them (invalid months stand in as the defaults; their own rules report them).</summary>
    private static (DateOnly From, DateOnly To) Window(TrendQuery q, TimeProvider clock)
    {
        var to = Months.TryParse(q.to, out var t) ? t : Months.Current(clock);
        return (Months.TryParse(q.from, out var f) ? f : to.AddMonths(-23), to);
    }
}

/// <summary>
/// Where a unit stands: its scores beside its comparison group's distribution, per area, per standard and over
/// time. Only submitted assessments count. Figures come from the trigger-maintained summaries, so they are
/// fresh as soon as a submission commits; statistics are computed by the pure <see cref="Statistics"/>.
/// </summary>
public static class BenchmarksApi
{
    public static IEndpointRouteBuilder MapBenchmarksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/benchmarks/units/{unitId:guid}")
            .WithTags("Benchmarks")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .ReadsFromReplica()
            .Compressible();
        group.MapGet("/", GetUnitBenchmark)
            .WithName(nameof(GetUnitBenchmark))
            .WithSummary("A unit's month across every area beside its comparison group")
            .WithDescription("Per area: the unit's score and change since the previous month; the group's units reporting, minimum, " +
                "quartiles, median, maximum and mean; the unit's percentile (and rank where its network allows ranks). Groups " +
                "smaller than the configured minimum (3 units by default) are suppressed with a reason.")
            .WithCsvAlternative(BenchmarkCsv.UnitColumns);
        group.MapGet("/areas/{areaCode}", GetAreaBenchmark)
            .WithName(nameof(GetAreaBenchmark))
            .WithSummary("A unit's month across the standards of one area beside its comparison group")
            .WithDescription("The same figures per standard; not-applicable ratings are left out.")
            .WithCsvAlternative(BenchmarkCsv.AreaColumns);
        group.MapGet("/areas/{areaCode}/trend", GetTrend)
            .WithName(nameof(GetTrend))
            .WithSummary("A unit's monthly series for one area with its group's median and process control")
            .WithDescription("XmR chart as NHS England's Making Data Count uses it: centre line = mean of the unit's months; process limits = " +
                "centre ± 2.66 × average moving range, clamped to the scale; signals: a point beyond a limit, a run of 7 or more " +
                "on one side of the centre (a point on it breaks the run), 7 or more rising or falling (an equal value breaks " +
                "it), two of three in a row beyond 2 sigma on one side (not beyond the limit); run lengths are configurable. Months without a " +
                "submission are gaps, skipped by the calculation. Limits are recomputed from each change point: a change of framework " +
                "version between months, and each month in rebaseAt. The variation verdict reads the latest month (higher is better); the " +
                "assurance verdict places the target against the latest limits.")
            .WithCsvAlternative(BenchmarkCsv.TrendColumns);
        return routes;
    }

    public static async Task<Results<Ok<UnitBenchmark>, ContentHttpResult, NotFoundProblem>> GetUnitBenchmark(
        HttpRequest request, Guid unitId, [AsParameters] BenchmarkQuery query,
        [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var (benchmark, problem) = await UnitBenchmarkAsync(unitId, query, services, db, ct);
        return benchmark is null ? problem! : Answer(request, benchmark, BenchmarkCsv.Of);
    }

    /// <summary>
    /// A unit's month across every area, as <see cref="GetUnitBenchmark"/> answers it (the FHIR MeasureReports are made
    /// from this too, so both pass the same disclosure control); or why there is none for the caller.
    /// </summary>
    internal static async Task<(UnitBenchmark? Benchmark, NotFoundProblem? Problem)> UnitBenchmarkAsync(Guid unitId, BenchmarkQuery query,
        BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var viewer = Viewer.Of(services.Caller);
        var (figure, confirmedOnly) = (query.Figure(), query.confirmedOnly ?? false);
        var read = await BenchmarkReads.AreasAsync(db, unitId, MonthOrNull(query.month), query.Group, ct, figure, confirmedOnly);
        if (Visible(read.Unit, services.Caller) is not { } unit)
        {
            return (null, UnitNotFound(unitId));
        }
        if (unit.Month is not { } month)
        {
            return (null, ApiProblems.NotFound($"Unit {unit.Code} has no submitted assessment yet."));
        }
        if (query.Group != ComparisonGroup.National && HidesAny(read, viewer))
        {
            read = await BenchmarkReads.AreasAsync(db, unitId, month, group: null, ct, figure, confirmedOnly);
        }
        var order = unit.ActiveVersionId is { } version ? (await services.Frameworks.OfAsync(db, version, ct)).AreaCodes : [];
        var areaCodes = InOrder(order, read.Own.Select(o => o.Key).Concat(read.Peers.Keys));
        var context = new DisclosureContext(viewer, MinimumGroupSize(services.Configuration), read.PublishingNetworks,
            Disclosure.IsClosed(month, DateOnly.FromDateTime(services.Clock.GetUtcNow().UtcDateTime)), confirmedOnly);
        var areas = areaCodes.Select(code =>
        {
            var (now, before) = NowAndBefore(read.Own, code, month);
            return Compare(code, now?.Value, now?.Percentage, before?.Value, read.Peers.GetValueOrDefault(code) ?? [], query.Group, unit, context);
        }).ToList();
        return (new UnitBenchmark(unit.Id, unit.Code, Months.Format(month), query.Group, areas, figure, confirmedOnly), null);
    }

    public static async Task<Results<Ok<AreaBenchmark>, ContentHttpResult, NotFoundProblem>> GetAreaBenchmark(
        HttpRequest request, Guid unitId, string areaCode, [AsParameters] StandardsQuery query,
        [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var viewer = Viewer.Of(services.Caller);
        var confirmedOnly = query.confirmedOnly ?? false;
        var read = await BenchmarkReads.StandardsAsync(db, unitId, MonthOrNull(query.month), areaCode, query.Group, ct, confirmedOnly);
        if (Visible(read.Unit, services.Caller) is not { } unit)
        {
            return UnitNotFound(unitId);
        }
        if (unit.Month is not { } month)
        {
            return ApiProblems.NotFound($"Unit {unit.Code} has no submitted assessment yet.");
        }
        if (query.Group != ComparisonGroup.National && HidesAny(read, viewer))
        {
            read = await BenchmarkReads.StandardsAsync(db, unitId, month, areaCode, group: null, ct, confirmedOnly);
        }
        var codes = read.Own.Select(o => o.Key).Concat(read.Peers.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        if (codes.Count == 0)
        {
            return ApiProblems.NotFound($"No unit has submitted area {areaCode} for {Months.Format(month)}.");
        }
        var context = new DisclosureContext(viewer, MinimumGroupSize(services.Configuration), read.PublishingNetworks,
            Disclosure.IsClosed(month, DateOnly.FromDateTime(services.Clock.GetUtcNow().UtcDateTime)), confirmedOnly);
        var standards = codes.Select(code =>
        {
            var (now, before) = NowAndBefore(read.Own, code, month);
            return Compare(code, now?.Value, null, before?.Value, read.Peers.GetValueOrDefault(code) ?? [], query.Group, unit, context);
        }).ToList();
        return Answer(request, new AreaBenchmark(unit.Id, unit.Code, Months.Format(month), areaCode, query.Group, standards, confirmedOnly), BenchmarkCsv.Of);
    }

    public static async Task<Results<Ok<Trend>, ContentHttpResult, NotFoundProblem>> GetTrend(
        HttpRequest request, Guid unitId, string areaCode, [AsParameters] TrendQuery query,
        [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(services.Clock.GetUtcNow().UtcDateTime);
        var to = query.to is null ? Months.Current(services.Clock) : Months.Parse(query.to);
        var from = query.from is null ? to.AddMonths(-23) : Months.Parse(query.from);
        var (figure, confirmedOnly) = (query.Figure(), query.confirmedOnly ?? false);
        var read = await BenchmarkReads.TrendAsync(db, unitId, from, to, areaCode, query.Group, ct, figure, confirmedOnly);
        if (Visible(read.Unit, services.Caller) is not { } unit)
        {
            return UnitNotFound(unitId);
        }
        var own = read.Own.ToDictionary(o => o.Key);
        var months = Enumerable.Range(0, (to.Year - from.Year) * 12 + to.Month - from.Month + 1).Select(i => from.AddMonths(i)).ToList();
        var (series, floor, ceiling) = await OnOneScaleAsync(db, services.Frameworks, unit,
            months.Select(m => own.TryGetValue(m, out var o) ? o : (OwnFigure<DateOnly>?)null).ToList(), ct);
        var actions = query.rebaseAtActions == true && services.Caller.Scope.SeesActionsOf(new UnitPlace(unit.Id, unit.NetworkId, unit.CollaborativeId))
            ? (await DoneActionsAsync(db, unit.Id, areaCode, from, to, ct)).ToLookup(a => months.IndexOf(a.Month))
            : Array.Empty<(DateOnly Month, ChangePointAction Action)>().ToLookup(a => 0);
        var changes = ChangePoints.Of(months.Select(m => own.TryGetValue(m, out var o) && o.Value is not null ? o.Framework : null).ToList(),
            query.RebaseMonths.Select(Months.Parse).Select(m => months.IndexOf(m)), actions.Select(a => a.Key));
        var rules = query.Rules;
        var analysis = ProcessControl.Analyse(series, changes.Keys, rules, query.target, floor, ceiling);
        var viewer = Viewer.Of(services.Caller);
        var minimum = MinimumGroupSize(services.Configuration);
        var medians = read.Peers.ToDictionary(g => g.Key, g => Disclosure.Median(confirmedOnly ? g.Value.Where(c => c.Confirmed).ToList() : g.Value,
            viewer, minimum, Disclosure.IsClosed(g.Key, today)));
        var points = months.Select((m, i) => new TrendPoint(Months.Format(m), own.TryGetValue(m, out var o) ? o.Value : null, medians.GetValueOrDefault(m),
            analysis.Points[i].Signals)).ToList();
        static decimal? Two(decimal? value) => value is { } v ? Math.Round(v, 2, MidpointRounding.AwayFromZero) : null;
        var segments = analysis.Segments.Select(s => new TrendSegment(Months.Format(months[s.Start]), Months.Format(months[s.End]), s.Chart.PointsUsed,
            Two(s.Chart.Centre), Two(s.Chart.UpperProcessLimit), Two(s.Chart.LowerProcessLimit))).ToList();
        var latest = segments[^1];
        return Answer(request, new Trend(unit.Id, unit.Code, areaCode, query.Group, latest.Centre, latest.UpperProcessLimit, latest.LowerProcessLimit,
            points, figure, confirmedOnly, analysis.Variation, analysis.Assurance, query.target, rules.RunLength, rules.TrendLength,
            changes.Select(c => new TrendChangePoint(Months.Format(months[c.Key]), c.Value, actions[c.Key].Select(a => a.Action).ToList())).ToList(),
            segments), BenchmarkCsv.Of);
    }

    /// <summary>
    /// The unit's actions on the area's standards marked done from <paramref name="from"/> to <paramref name="to"/>,
    /// with the month each took effect (<see cref="ActionRules.InterventionMonth"/>), oldest first.
    /// </summary>
    private static async Task<List<(DateOnly Month, ChangePointAction Action)>> DoneActionsAsync(SeQuInDbContext db, Guid unitId, string areaCode,
        DateOnly from, DateOnly to, CancellationToken ct)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddMonths(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var done = await db.Set<ImprovementAction>().AsNoTracking()
            .Where(a => a.UnitId == unitId && a.AreaCode == areaCode && a.Status == ActionStatus.Done && a.ClosedAt >= start && a.ClosedAt < end)
            .OrderBy(a => a.ClosedAt).ThenBy(a => a.Id)
            .Select(a => new { a.Id, a.StandardCode, a.Status, a.ClosedAt })
            .ToListAsync(ct);
        return done.Select(a => (Month: ActionRules.InterventionMonth(a.Status, a.ClosedAt), Action: new ChangePointAction(a.Id, a.StandardCode)))
            .Where(a => a.Month is not null).Select(a => (a.Month!.Value, a.Action)).ToList();
    }

    /// <summary>
    /// The unit's series on one scale, with that scale's ends. Each month was rated against its own framework
    /// version: when every month's version has the same scale that scale is used as it is (not the active
    /// version's); when scales differ, each month's score is carried onto the latest month's scale through its
    /// percentage of its own scale, so that limits and signals compare like with like.
    /// </summary>
    private static async Task<(List<decimal?> Series, decimal? Floor, decimal? Ceiling)> OnOneScaleAsync(SeQuInDbContext db, FrameworkShapes frameworks,
        UnitFacts unit, List<OwnFigure<DateOnly>?> figures, CancellationToken ct)
    {
        var shapes = await frameworks.ByIdentifierAsync(db, figures.Where(f => f?.Framework is not null).Select(f => f!.Value.Framework!), ct);
        var latest = figures.LastOrDefault(f => f?.Value is not null && f.Value.Framework is not null && shapes.ContainsKey(f.Value.Framework));
        if (latest is not { } last)
        {
            var active = unit.ActiveVersionId is { } version ? await frameworks.OfAsync(db, version, ct) : null;
            return (figures.Select(f => f?.Value).ToList(), active?.Min, active?.Max);
        }
        var target = shapes[last.Framework!];
        var series = figures.Select(f =>
        {
            if (f is not { Value: { } value } figure)
            {
                return (decimal?)null;
            }
            if (figure.Framework is not { } id || !shapes.TryGetValue(id, out var shape) || (shape.Min == target.Min && shape.Max == target.Max))
            {
                return value;
            }
            return figure.Percentage is { } percentage ? target.Min + percentage / 100m * (target.Max - target.Min) : null;
        }).ToList();
        return (series, target.Min, target.Max);
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    /// <summary>The figures as JSON, or as a CSV table when the client prefers text/csv.</summary>
    internal static Results<Ok<T>, ContentHttpResult, NotFoundProblem> Answer<T>(HttpRequest request, T figures, Func<T, CsvTable> table) =>
        CsvTables.WantsCsv(request) ? CsvTables.Csv(table(figures)) : TypedResults.Ok(figures);

    /// <summary>Benchmarks are about submitted results: whoever reads a unit's network (or, as an analyst, its collaborative) sees them.</summary>
    private static UnitFacts? Visible(UnitFacts? unit, Caller caller)
    {
        return unit is not null && caller.Scope.SeesSubmittedResultsOf(new UnitPlace(unit.Id, unit.NetworkId, unit.CollaborativeId))
            ? unit
            : null;
    }

    private static DateOnly? MonthOrNull(string? month) => month is null ? null : Months.Parse(month);

    private static (OwnFigure<string>? Now, OwnFigure<string>? Before) NowAndBefore(List<OwnFigure<string>> own, string code, DateOnly month)
    {
        OwnFigure<string>? now = null, before = null;
        foreach (var figure in own)
        {
            if (figure.Key == code)
            {
                if (figure.Month == month)
                {
                    now = figure;
                }
                else if (figure.Month == month.AddMonths(-1))
                {
                    before = figure;
                }
            }
        }
        return (now, before);
    }

    /// <summary>
    /// Whether the asked group holds units the caller cannot see. Only then does a figure depend on every other group
    /// the caller could ask for (ADR 0009), and only then is every unit of the month read: reading them all for every
    /// request made a unit's month 7 times slower for the callers (a network's own, a national administrator) who see
    /// the whole group anyway (measured in the harness). The national group is every unit already.
    /// </summary>
    private static bool HidesAny<TKey>(BenchmarkRead<TKey> read, Viewer viewer) where TKey : notnull =>
        read.Peers.Values.Any(members => Disclosure.Hidden(members, viewer) > 0);

    /// <summary>Who asks and about which month: what disclosure control needs besides the figures.</summary>
    /// <param name="ConfirmedOnly">Whether the asked group holds only confirmed submissions (a group of its own: ADR 0032).</param>
    private sealed record DisclosureContext(Viewer Viewer, int Minimum, IReadOnlySet<Guid> PublishingNetworks, bool MonthClosed, bool ConfirmedOnly);

    /// <param name="everyone">Every unit's value for the measure and month, nationally; the asked group is picked from it.</param>
    private static Benchmark Compare(string code, decimal? score, decimal? percentage, decimal? previous, IReadOnlyList<Contributor> everyone,
        ComparisonGroup group, UnitFacts unit, DisclosureContext context)
    {
        var change = score is { } now && previous is { } before ? now - before : (decimal?)null;
        if (GroupKey.Of(group, unit.NetworkId, unit.CollaborativeId, unit.SecurityLevel, unit.Sector, unit.ProviderId, context.ConfirmedOnly) is not { } key)
        {
            return new Benchmark(code, score, percentage, change, null, null,
                new GroupFigures(0, null, null, null, null, null, null, "The unit belongs to no provider collaborative."));
        }
        var members = everyone.Where(c => key.Holds(c)).ToList();
        // Weighing every group the caller could ask for costs a little; it is only needed when some member is hidden.
        var meanPublishable = Disclosure.Hidden(members, context.Viewer) == 0
                              || Disclosure.PublishableMeans(everyone, context.Viewer, context.PublishingNetworks, context.Minimum).Contains(key);
        var disclosed = Disclosure.Describe(members, context.Viewer, context.Minimum, meanPublishable, context.MonthClosed, unit.AllowRanks);
        var values = members.Select(m => m.Value).ToList();
        var ranked = disclosed.RanksAllowed && values.Count > 0;
        return new Benchmark(code, score, percentage, change,
            score is { } s && ranked ? Statistics.PercentileRank(values, s) : null,
            score is { } r && ranked ? Statistics.Rank(values, r) : null,
            disclosed.Figures);
    }

    /// <summary>Every area of the active version in its order (those without figures too), then any other area present (from an older version) by code.</summary>
    private static List<string> InOrder(IReadOnlyList<string> order, IEnumerable<string> present) =>
        order.Concat(present.Distinct().Except(order).Order(StringComparer.Ordinal)).ToList();

    internal static int MinimumGroupSize(IConfiguration configuration) => Math.Max(1, configuration.GetValue("SeQuIn:Benchmarks:MinimumGroupSize", 3));

    private static NotFoundProblem UnitNotFound(Guid id) => ApiProblems.NotFound($"There is no unit {id} whose results you may see.");
}
