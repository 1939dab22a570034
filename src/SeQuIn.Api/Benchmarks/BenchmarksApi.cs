using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Benchmarks;

public sealed class BenchmarkQueryValidator : AbstractValidator<BenchmarkQuery>
{
    public BenchmarkQueryValidator()
    {
        RuleFor(q => q.month).Must(m => m is null || Months.TryParse(m, out _)).WithMessage("'month' must be a month written YYYY-MM.");
        RuleFor(q => q.group).IsEnumName<BenchmarkQuery, ComparisonGroup>();
    }
}

public sealed class TrendQueryValidator : AbstractValidator<TrendQuery>
{
    public TrendQueryValidator()
    {
        RuleFor(q => q.from).Must(m => m is null || Months.TryParse(m, out _)).WithMessage("'from' must be a month written YYYY-MM.");
        RuleFor(q => q.to).Must(m => m is null || Months.TryParse(m, out _)).WithMessage("'to' must be a month written YYYY-MM.");
        RuleFor(q => q.group).IsEnumName<TrendQuery, ComparisonGroup>();
        RuleFor(q => q).Must(q => q.from is null || q.to is null || !Months.TryParse(q.from, out var f) || !Months.TryParse(q.to, out var t)
                                  || (f <= t && t.AddMonths(-240) < f))
            .WithMessage("'from' must not be after 'to', and a trend covers at most 20 years.").OverridePropertyName("from");
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
        var group = routes.MapGroup("/api/v1/benchmarks/units/{unitId:guid}").WithTags("Benchmarks").WithValidation()
            .RequireAuthorization(Policies.SignedIn).WithRoles(AllowedRoles.Everyone);
        group.MapGet("/", GetUnitBenchmark).WithName(nameof(GetUnitBenchmark))
            .WithSummary("A unit's month across every area beside its comparison group")
            .WithDescription("Per area: the unit's score and change since the previous month; the group's units reporting, minimum, quartiles, median, maximum and mean; the unit's percentile (and rank where its network allows ranks). Groups smaller than the configured minimum (3 units by default) are suppressed with a reason.");
        group.MapGet("/areas/{areaCode}", GetAreaBenchmark).WithName(nameof(GetAreaBenchmark))
            .WithSummary("A unit's month across the standards of one area beside its comparison group")
            .WithDescription("The same figures per standard; not-applicable ratings are left out.");
        group.MapGet("/areas/{areaCode}/trend", GetTrend).WithName(nameof(GetTrend))
            .WithSummary("A unit's monthly series for one area with its group's median and process control")
            .WithDescription("XmR chart as NHS England's Making Data Count uses it: centre line = mean of the unit's months; process limits = centre ± 2.66 × average moving range, clamped to the scale; signals: a point beyond a limit, a run of 7 or more on one side of the centre (a point on it breaks the run), 7 or more rising or falling (an equal value breaks it). Months without a submission are gaps, skipped by the calculation.");
        return routes;
    }

    public static async Task<Results<Ok<UnitBenchmark>, NotFoundProblem>> GetUnitBenchmark(
        Guid unitId, [AsParameters] BenchmarkQuery query, ClaimsPrincipal user, SeQuInDbContext db, IConfiguration configuration, CancellationToken ct)
    {
        if (await VisibleUnitAsync(db, unitId, user, ct) is not { } unit)
        {
            return UnitNotFound(unitId);
        }
        if (await MonthOrLatestAsync(db, unit.Id, query.month, ct) is not { } month)
        {
            return ApiProblems.NotFound($"Unit {unit.Code} has no submitted assessment yet.");
        }
        var previous = month.AddMonths(-1);
        var own = await db.AreaResults.AsNoTracking().Where(r => r.UnitId == unit.Id && (r.Month == month || r.Month == previous))
            .Select(r => new { r.AreaCode, r.Month, r.Mean, r.Percentage }).ToListAsync(ct);
        var peers = await InGroup(db.AreaResults.AsNoTracking(), query.Group, unit).Where(r => r.Month == month && r.Mean != null)
            .Select(r => new { r.AreaCode, Mean = r.Mean!.Value }).ToListAsync(ct);
        var areaCodes = await AreaOrderAsync(db, own.Select(o => o.AreaCode).Concat(peers.Select(p => p.AreaCode)), ct);
        var minimum = MinimumGroupSize(configuration);
        var areas = areaCodes.Select(code =>
        {
            var now = own.SingleOrDefault(o => o.AreaCode == code && o.Month == month);
            var before = own.SingleOrDefault(o => o.AreaCode == code && o.Month == previous);
            var values = peers.Where(p => p.AreaCode == code).Select(p => p.Mean).ToList();
            return Compare(code, now?.Mean, now?.Percentage, before?.Mean, values, query.Group, unit, minimum);
        }).ToList();
        return TypedResults.Ok(new UnitBenchmark(unit.Id, unit.Code, Months.Format(month), query.Group, areas));
    }

    public static async Task<Results<Ok<AreaBenchmark>, NotFoundProblem>> GetAreaBenchmark(
        Guid unitId, string areaCode, [AsParameters] BenchmarkQuery query, ClaimsPrincipal user, SeQuInDbContext db, IConfiguration configuration,
        CancellationToken ct)
    {
        if (await VisibleUnitAsync(db, unitId, user, ct) is not { } unit)
        {
            return UnitNotFound(unitId);
        }
        if (await MonthOrLatestAsync(db, unit.Id, query.month, ct) is not { } month)
        {
            return ApiProblems.NotFound($"Unit {unit.Code} has no submitted assessment yet.");
        }
        var previous = month.AddMonths(-1);
        var own = await db.StandardResults.AsNoTracking()
            .Where(r => r.UnitId == unit.Id && r.AreaCode == areaCode && (r.Month == month || r.Month == previous))
            .Select(r => new { r.StandardCode, r.Month, r.Value }).ToListAsync(ct);
        var peers = await InGroup(db.StandardResults.AsNoTracking(), query.Group, unit)
            .Where(r => r.Month == month && r.AreaCode == areaCode && r.Value != null)
            .Select(r => new { r.StandardCode, Value = r.Value!.Value }).ToListAsync(ct);
        var codes = own.Select(o => o.StandardCode).Concat(peers.Select(p => p.StandardCode)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (codes.Count == 0)
        {
            return ApiProblems.NotFound($"No unit has submitted area {areaCode} for {Months.Format(month)}.");
        }
        var minimum = MinimumGroupSize(configuration);
        var standards = codes.Select(code =>
        {
            var now = own.SingleOrDefault(o => o.StandardCode == code && o.Month == month)?.Value;
            var before = own.SingleOrDefault(o => o.StandardCode == code && o.Month == previous)?.Value;
            var values = peers.Where(p => p.StandardCode == code).Select(p => (decimal)p.Value).ToList();
            return Compare(code, now, null, before, values, query.Group, unit, minimum);
        }).ToList();
        return TypedResults.Ok(new AreaBenchmark(unit.Id, unit.Code, Months.Format(month), areaCode, query.Group, standards));
    }

    public static async Task<Results<Ok<Trend>, NotFoundProblem>> GetTrend(
        Guid unitId, string areaCode, [AsParameters] TrendQuery query, ClaimsPrincipal user, SeQuInDbContext db, IConfiguration configuration,
        TimeProvider clock, CancellationToken ct)
    {
        if (await VisibleUnitAsync(db, unitId, user, ct) is not { } unit)
        {
            return UnitNotFound(unitId);
        }
        var to = query.to is null ? Months.Current(clock) : Months.Parse(query.to);
        var from = query.from is null ? to.AddMonths(-23) : Months.Parse(query.from);
        var own = await db.AreaResults.AsNoTracking()
            .Where(r => r.UnitId == unit.Id && r.AreaCode == areaCode && r.Month >= from && r.Month <= to)
            .ToDictionaryAsync(r => r.Month, r => r.Mean, ct);
        var peers = await InGroup(db.AreaResults.AsNoTracking(), query.Group, unit)
            .Where(r => r.AreaCode == areaCode && r.Month >= from && r.Month <= to && r.Mean != null)
            .Select(r => new { r.Month, Mean = r.Mean!.Value }).ToListAsync(ct);
        var scale = await db.FrameworkVersions.AsNoTracking().Where(v => v.Status == FrameworkStatus.Active)
            .Select(v => new { Min = v.Scale.Min(p => p.Value), Max = v.Scale.Max(p => p.Value) }).SingleOrDefaultAsync(ct);
        var minimum = MinimumGroupSize(configuration);
        var months = Enumerable.Range(0, (to.Year - from.Year) * 12 + to.Month - from.Month + 1).Select(i => from.AddMonths(i)).ToList();
        var chart = ProcessControl.XmR(months.Select(m => own.GetValueOrDefault(m)).ToList(), scale?.Min, scale?.Max);
        var medians = peers.GroupBy(p => p.Month).ToDictionary(g => g.Key,
            g => g.Count() < minimum ? (decimal?)null : Math.Round(Statistics.Percentile(g.Select(p => p.Mean).ToList(), 0.5m), 2, MidpointRounding.AwayFromZero));
        var points = months.Select((m, i) => new TrendPoint(Months.Format(m), own.GetValueOrDefault(m), medians.GetValueOrDefault(m), chart.Points[i].Signals)).ToList();
        static decimal? Two(decimal? value) => value is { } v ? Math.Round(v, 2, MidpointRounding.AwayFromZero) : null;
        return TypedResults.Ok(new Trend(unit.Id, unit.Code, areaCode, query.Group, Two(chart.Centre), Two(chart.UpperProcessLimit),
            Two(chart.LowerProcessLimit), points));
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    internal sealed record UnitFacts(Guid Id, string Code, Guid NetworkId, Guid? CollaborativeId, SecurityLevel SecurityLevel,
        ProviderSector Sector, bool AllowRanks);

    /// <summary>Benchmarks are about submitted results: whoever reads a unit's network (or, as an analyst, its collaborative) sees them.</summary>
    internal static async Task<UnitFacts?> VisibleUnitAsync(SeQuInDbContext db, Guid unitId, ClaimsPrincipal user, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId)
            .Select(u => new UnitFacts(u.Id, u.Code, u.NetworkId, u.CollaborativeId, u.SecurityLevel, u.Provider!.Sector, u.Network!.AllowRanks))
            .SingleOrDefaultAsync(ct);
        var caller = Caller.From(user);
        return unit is not null && (caller.IsNationalAdmin || caller.Grants.Any(g => g.NetworkId == unit.NetworkId
                                                                                  || (g.CollaborativeId is not null && g.CollaborativeId == unit.CollaborativeId)))
            ? unit
            : null;
    }

    private static async Task<DateOnly?> MonthOrLatestAsync(SeQuInDbContext db, Guid unitId, string? month, CancellationToken ct) =>
        month is not null
            ? Months.Parse(month)
            : await db.AreaResults.AsNoTracking().Where(r => r.UnitId == unitId).MaxAsync(r => (DateOnly?)r.Month, ct);

    /// <summary>The rows of the unit's comparison group, as recorded at submission.</summary>
    internal static IQueryable<AreaResultRow> InGroup(IQueryable<AreaResultRow> rows, ComparisonGroup group, UnitFacts unit) => group switch
    {
        ComparisonGroup.Network => rows.Where(r => r.NetworkId == unit.NetworkId),
        ComparisonGroup.SecurityLevel => rows.Where(r => r.SecurityLevel == unit.SecurityLevel),
        ComparisonGroup.Sector => rows.Where(r => r.Sector == unit.Sector),
        ComparisonGroup.Collaborative => rows.Where(r => unit.CollaborativeId != null && r.CollaborativeId == unit.CollaborativeId),
        _ => rows,
    };

    internal static IQueryable<StandardResultRow> InGroup(IQueryable<StandardResultRow> rows, ComparisonGroup group, UnitFacts unit) => group switch
    {
        ComparisonGroup.Network => rows.Where(r => r.NetworkId == unit.NetworkId),
        ComparisonGroup.SecurityLevel => rows.Where(r => r.SecurityLevel == unit.SecurityLevel),
        ComparisonGroup.Sector => rows.Where(r => r.Sector == unit.Sector),
        ComparisonGroup.Collaborative => rows.Where(r => unit.CollaborativeId != null && r.CollaborativeId == unit.CollaborativeId),
        _ => rows,
    };

    private static Benchmark Compare(string code, decimal? score, decimal? percentage, decimal? previous, List<decimal> values, ComparisonGroup group,
        UnitFacts unit, int minimum)
    {
        var change = score is { } now && previous is { } before ? now - before : (decimal?)null;
        if (group == ComparisonGroup.Collaborative && unit.CollaborativeId is null)
        {
            return new Benchmark(code, score, percentage, change, null, null,
                new GroupFigures(0, null, null, null, null, null, null, "The unit belongs to no provider collaborative."));
        }
        if (values.Count < minimum)
        {
            return new Benchmark(code, score, percentage, change, null, null, new GroupFigures(values.Count, null, null, null, null, null, null,
                $"Fewer than {minimum} units reported: figures are withheld so that no unit can be identified."));
        }
        var d = Statistics.Describe(values);
        return new Benchmark(code, score, percentage, change,
            score is { } s ? Statistics.PercentileRank(values, s) : null,
            score is { } r && unit.AllowRanks ? Statistics.Rank(values, r) : null,
            new GroupFigures(d.Count, d.Minimum, d.LowerQuartile, d.Median, d.UpperQuartile, d.Maximum, d.Mean, null));
    }

    private static async Task<List<string>> AreaOrderAsync(SeQuInDbContext db, IEnumerable<string> present, CancellationToken ct)
    {
        var order = await db.Areas.AsNoTracking()
            .Where(a => db.FrameworkVersions.Any(v => v.Id == a.FrameworkVersionId && v.Status == FrameworkStatus.Active))
            .OrderBy(a => a.Order).Select(a => a.Code).ToListAsync(ct);
        return order.Concat(present.Distinct().Except(order).Order(StringComparer.Ordinal)).Where(c => order.Contains(c) || present.Contains(c)).ToList();
    }

    internal static int MinimumGroupSize(IConfiguration configuration) => Math.Max(1, configuration.GetValue("SeQuIn:Benchmarks:MinimumGroupSize", 3));

    private static NotFoundProblem UnitNotFound(Guid id) => ApiProblems.NotFound($"There is no unit {id} whose results you may see.");
}
