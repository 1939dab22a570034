using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Replica;

namespace SeQuIn.Api.Progress;

public sealed class ProgressQueryValidator : AbstractValidator<ProgressQuery>
{
    /// <summary>The longest window, as for trends.</summary>
    public const int MaxMonths = 240;

    /// <param name="clock">A lone 'from' must not be after the current month.</param>
    public ProgressQueryValidator(TimeProvider clock)
    {
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
        RuleFor(q => q).Must(q => q.from is null || !Months.TryParse(q.from, out var f) || (q.to is null ? Months.Current(clock) : Months.TryParse(q.to, out var t) ? t : f) is var to
                                  && f <= to && to.AddMonths(-MaxMonths) < f)
            .WithMessage("'from' must not be after 'to' (default: the current month), and a window covers at most 20 years.").OverridePropertyName("from");
    }
}

/// <summary>
/// Where a network stands over time and what has really improved in it: the celebration at a network meeting.
/// Aggregates follow disclosure control (ADR 0009); improvements count only when sustained (ADR 0035).
/// </summary>
public static class ProgressApi
{
    public static IEndpointRouteBuilder MapProgressApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/networks/{networkId:guid}/progress", GetProgress)
            .WithTags("Progress")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .ReadsFromReplica()
            .Compressible()
            .WithName(nameof(GetProgress))
            .WithSummary("A network's progress over a window: area medians month by month, and sustained improvements")
            .WithDescription("Per area of the active framework version, the network's median percentage score each month (null when fewer " +
                "units reported than the minimum group size, 3 by default). Most improved: unit areas and standards (the network's monthly " +
                "median rating) whose latest months form a Making Data Count shift upwards — 7 or more months in a row above their own " +
                "centre line — largest change first; a single good month never counts. Units are named only where the network allows " +
                "named comparisons (its ranks setting) or the unit is the caller's own; the others are counted. Actions achieved: the " +
                "units' actions that a submitted assessment showed achieved, by month and in all, shown over at least the minimum group " +
                "size of units.");
        return routes;
    }

    public static async Task<Results<Ok<NetworkProgress>, NotFoundProblem>> GetProgress(
        Guid networkId, [AsParameters] ProgressQuery query, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var caller = services.Caller;
        var network = caller.Scope.SeesNetworkResults(networkId)
            ? await db.Networks.AsNoTracking().Where(n => n.Id == networkId).Select(n => new { n.AllowRanks }).SingleOrDefaultAsync(ct)
            : null;
        if (network is null)
        {
            return ApiProblems.NotFound($"There is no network {networkId} whose results you may see.");
        }
        var from = query.from is null ? (DateOnly?)null : Months.Parse(query.from);
        var to = query.to is not null
            ? Months.Parse(query.to)
            : await db.AreaResults.AsNoTracking().Where(r => r.NetworkId == networkId).MaxAsync(r => (DateOnly?)r.Month, ct) ?? Months.Current(services.Clock);
        if (from is { } f && f > to)
        {
            to = f;
        }
        var first = from ?? to.AddMonths(-11);
        var months = Enumerable.Range(0, (to.Year - first.Year) * 12 + to.Month - first.Month + 1).Select(i => first.AddMonths(i)).ToList();
        var position = months.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i);

        var areaRows = await db.AreaResults.AsNoTracking()
            .Where(r => r.NetworkId == networkId && r.Month >= first && r.Month <= to && r.Percentage != null)
            .Select(r => new { r.UnitId, r.AreaCode, r.Month, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, r.ProviderId, Value = r.Percentage!.Value })
            .ToListAsync(ct);
        var standardRows = await db.StandardResults.AsNoTracking()
            .Where(r => r.NetworkId == networkId && r.Month >= first && r.Month <= to && r.Value != null)
            .Select(r => new { r.StandardCode, r.AreaCode, r.Month, r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, Value = r.Value!.Value })
            .ToListAsync(ct);

        var viewer = Viewer.Of(caller);
        var minimum = BenchmarksApi.MinimumGroupSize(services.Configuration);
        var today = DateOnly.FromDateTime(services.Clock.GetUtcNow().UtcDateTime);
        decimal? Median(IEnumerable<Contributor> group, DateOnly month) =>
            group.ToList() is { Count: > 0 } list ? Disclosure.Median(list, viewer, minimum, Disclosure.IsClosed(month, today)) : null;

        var areaGroups = areaRows.ToLookup(r => (r.AreaCode, r.Month),
            r => new Contributor(r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, r.Value, r.ProviderId));
        var active = (await services.Frameworks.ActiveAsync(db, ct))?.AreaCodes ?? [];
        var areaCodes = active.Concat(areaRows.Select(r => r.AreaCode).Distinct().Except(active).Order(StringComparer.Ordinal)).ToList();
        var areas = areaCodes.Select(code => new AreaProgress(code, months.Select(m =>
            new ProgressMonth(Months.Format(m), areaGroups[(code, m)].Count(), Median(areaGroups[(code, m)], m))).ToList())).ToList();

        // Each unit's own series per area: visible to the caller as a member of the network's results (the heat map's rows).
        var improvedAreas = areaRows.GroupBy(r => (r.UnitId, r.AreaCode)).Select(g =>
        {
            var series = new decimal?[months.Count];
            foreach (var row in g)
            {
                series[position[row.Month]] = row.Value;
            }
            return (g.Key.UnitId, g.Key.AreaCode, Shift: ProgressFigures.SustainedImprovement(series));
        }).Where(x => x.Shift is not null).ToList();
        var unitIds = improvedAreas.Select(x => x.UnitId).Distinct().ToList();
        var codes = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Code, ct);
        bool Named(Guid unitId) => network.AllowRanks || caller.Scope.MemberUnits.Contains(unitId);
        var mostImprovedUnits = improvedAreas.Where(x => Named(x.UnitId) && codes.ContainsKey(x.UnitId))
            .Select(x => new ImprovedUnitArea(x.UnitId, codes[x.UnitId], x.AreaCode, Months.Format(months[x.Shift!.Start]),
                Two(x.Shift.Before), Two(x.Shift.After), Two(x.Shift.Change)))
            .OrderByDescending(x => x.Change).ThenBy(x => x.UnitCode, StringComparer.Ordinal).ThenBy(x => x.AreaCode, StringComparer.Ordinal).ToList();

        var standardGroups = standardRows.ToLookup(r => (r.StandardCode, r.Month),
            r => new Contributor(r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, r.Value));
        var mostImprovedStandards = standardRows.Select(r => (r.StandardCode, r.AreaCode)).Distinct().Select(s =>
            (s.StandardCode, s.AreaCode, Shift: ProgressFigures.SustainedImprovement(months.Select(m => Median(standardGroups[(s.StandardCode, m)], m)).ToList())))
            .Where(x => x.Shift is not null)
            .Select(x => new ImprovedStandard(x.StandardCode, x.AreaCode, Months.Format(months[x.Shift!.Start]), Two(x.Shift.Before), Two(x.Shift.After), Two(x.Shift.Change)))
            .OrderByDescending(x => x.Change).ThenBy(x => x.StandardCode, StringComparer.Ordinal).ToList();

        var achieved = await db.Set<Actions.ImprovementAction>().AsNoTracking()
            .Where(a => a.NetworkId == networkId && a.AchievedMonth != null && a.AchievedMonth >= first && a.AchievedMonth <= to)
            .Select(a => new { a.UnitId, Month = a.AchievedMonth!.Value }).ToListAsync(ct);
        // Counts of a unit's achievements are figures about it: shown over the minimum group of units only.
        int? Counted(int actions, int units) => units >= minimum ? actions : null;
        var byMonth = achieved.ToLookup(a => a.Month);
        AchievedMonth InMonth(DateOnly month)
        {
            var units = byMonth[month].Select(a => a.UnitId).Distinct().Count();
            return new AchievedMonth(Months.Format(month), Counted(byMonth[month].Count(), units), units);
        }
        var achievingUnits = achieved.Select(a => a.UnitId).Distinct().Count();
        var actionsAchieved = new ActionsAchieved(Counted(achieved.Count, achievingUnits), achievingUnits, months.Select(InMonth).ToList());

        return TypedResults.Ok(new NetworkProgress(networkId, Months.Format(first), Months.Format(to), areas, mostImprovedUnits,
            improvedAreas.Count - mostImprovedUnits.Count, mostImprovedStandards, actionsAchieved));
    }

    private static decimal Two(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
