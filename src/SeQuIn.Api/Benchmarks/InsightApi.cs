using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Replica;

namespace SeQuIn.Api.Benchmarks;

public sealed class GapsQueryValidator : AbstractValidator<GapsQuery>
{
    public GapsQueryValidator()
    {
        RuleFor(q => q.month).IsMonth();
        RuleFor(q => q.threshold).InclusiveBetween(0, 10);
        RuleFor(q => q.minimumUnits).InclusiveBetween(1, 1000);
        RuleFor(q => q.figure).IsEnumName<GapsQuery, AreaFigure>();
    }
}

public sealed class FigureMonthQueryValidator : AbstractValidator<FigureMonthQuery>
{
    public FigureMonthQueryValidator()
    {
        RuleFor(q => q.month).IsMonth();
        RuleFor(q => q.figure).IsEnumName<FigureMonthQuery, AreaFigure>();
    }
}

public sealed class MonthQueryValidator : AbstractValidator<MonthQuery>
{
    public MonthQueryValidator() =>
        RuleFor(q => q.month).IsMonth();
}

public sealed class BestPracticeQueryValidator : AbstractValidator<BestPracticeQuery>
{
    public BestPracticeQueryValidator()
    {
        RuleFor(q => q.standardCode).NotEmpty().MaximumLength(12);
        RuleFor(q => q.month).IsMonth();
    }
}

public sealed class ParticipationQueryValidator : AbstractValidator<ParticipationQuery>
{
    public ParticipationQueryValidator() =>
        RuleFor(q => q.month).IsMonth();
}

public sealed class AgreementQueryValidator : AbstractValidator<AgreementQuery>
{
    public AgreementQueryValidator()
    {
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
    }
}

/// <summary>What a network learns from its units' submissions: gaps, the grid, best practice, participation, agreement.</summary>
public static class InsightApi
{
    public static IEndpointRouteBuilder MapInsightApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/networks/{networkId:guid}/insight")
            .WithTags("Insight")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .ReadsFromReplica()
            .Compressible();
        group.MapGet("/gaps", GetGaps)
            .WithName(nameof(GetGaps))
            .WithSummary("Gaps in provision: standards many units rate low, and for how long")
            .WithDescription("Standards ranked by how many units rate them at or below the threshold this month, then by how many " +
                "consecutive months at least the minimum number of units did — where joint action would help most.");
        group.MapGet("/heatmap", GetHeatmap)
            .WithName(nameof(GetHeatmap))
            .WithSummary("Units × areas grid of percentage scores for a month")
            .WithDescription("Heat-map data: every active unit of the network, every area, null where a unit did not submit. Units " +
                "are named only where the network allows named comparisons (its ranks setting) or the unit is the " +
                "caller's own; other rows carry no id, code or name and are ordered by score.")
            .WithCsvAlternative(BenchmarkCsv.HeatmapColumns);
        group.MapGet("/best-practice", GetBestPractice)
            .WithName(nameof(GetBestPractice))
            .WithSummary("Who rates a standard highest, with the evidence they share")
            .WithDescription("The units whose rating of the standard is the network's highest that month, " +
                "with their shared evidence: candidates for buddying up. confirmedOnly=true counts confirmed submissions only.");
        group.MapGet("/participation", GetParticipation)
            .WithName(nameof(GetParticipation))
            .WithSummary("Which units submitted which areas, how promptly and how co-produced")
            .WithDescription("Reporting rate (submitted unit-areas over active units × areas), on-time rate (submitted by the 10th of the " +
                "following month), the number of submissions with both a staff and a service-user participant (the unit's claim), and " +
                "the number its service-user participant confirmed, or disagreed with, in their own right: the co-production rate is " +
                "the share confirmed by the service user. confirmedOnly=true counts confirmed submissions only.");
        group.MapGet("/agreement", GetAgreement)
            .WithName(nameof(GetAgreement))
            .WithSummary("How often staff and service-user views agreed, per area and per unit")
            .WithDescription("Exact agreement and Cohen's kappa with quadratic weights over ratings where both views were recorded; " +
                "confirmedOnly=true keeps only submissions their service-user participant confirmed (agreed) in their own right.");
        routes.MapGet("/api/v1/networks/{networkId:guid}/public-summary", GetPublicSummary)
            .WithTags("Insight")
            .WithValidation()
            .WithName(nameof(GetPublicSummary))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .ReadsFromReplica()
            .WithSummary("A network's published area summaries, readable without signing in")
            .WithDescription("Only for networks that choose to publish: per area, the distribution of unit scores for the month; " +
                "no unit is named, and small groups are suppressed. Other networks answer 404.");
        return routes;
    }

    public static async Task<Results<Ok<PublicSummary>, NotFoundProblem>> GetPublicSummary(
        Guid networkId, [AsParameters] FigureMonthQuery query, SeQuInDbContext db, [AsParameters] BenchmarkServices services, CancellationToken ct)
    {
        var network = await db.Networks.AsNoTracking().SingleOrDefaultAsync(n => n.Id == networkId && n.PublishSummaries, ct);
        if (network is null)
        {
            return ApiProblems.NotFound($"Network {networkId} publishes no summaries.");
        }
        var (figure, confirmedOnly) = (query.Figure(), query.confirmedOnly ?? false);
        var today = DateOnly.FromDateTime(services.Clock.GetUtcNow().UtcDateTime);
        // By default the latest closed month: an open month's summary would change with each submission and give it away.
        var lastClosed = Months.Current(services.Clock).AddMonths(Disclosure.IsClosed(Months.Current(services.Clock).AddMonths(-1), today) ? -1 : -2);
        var month = query.month is not null
            ? Months.Parse(query.month)
            : await db.AreaResults.AsNoTracking().Where(r => r.NetworkId == networkId && r.Month <= lastClosed).MaxAsync(r => (DateOnly?)r.Month, ct);
        if (month is null)
        {
            return ApiProblems.NotFound($"Network {network.Code} has no results for a closed month yet.");
        }
        // Every submission of the network, confirmed or not: the filtered group is weighed with the unfiltered one (ADR 0032).
        var rows = (await AreaFigures.Of(db.AreaResults.AsNoTracking().Where(r => r.NetworkId == networkId && r.Month == month), figure)
                .Select(r => new { r.AreaCode, r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, r.ProviderId, r.Confirmation,
                    Value = figure == AreaFigure.Agreed ? (decimal?)r.AgreedRating : r.Mean })
                .ToListAsync(ct))
            .Select(r => (r.AreaCode, Contributor: new Contributor(r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, r.Value!.Value, r.ProviderId,
                r.Confirmation == ServiceUserConfirmation.Agreed)))
            .ToList();
        var minimum = BenchmarksApi.MinimumGroupSize(services.Configuration);
        var closed = Disclosure.IsClosed(month.Value, today);
        var published = new HashSet<Guid> { networkId };
        var key = new GroupKey(ComparisonGroup.Network, networkId, null, null, confirmedOnly);
        // The same for every caller, signed in or not: a public figure is decided as if nobody could see any unit.
        var areas = (await ActiveAreaCodesAsync(db, services.Frameworks, ct)).Select(code =>
        {
            var everyone = rows.Where(r => r.AreaCode == code).Select(r => r.Contributor).ToList();
            var values = everyone.Where(c => key.Holds(c)).ToList();
            return new PublicAreaSummary(code, Disclosure.Describe(values, Viewer.Public, minimum,
                Disclosure.PublishableMeans(everyone, Viewer.Public, published, minimum).Contains(key), closed, allowRanks: false).Figures);
        }).ToList();
        return TypedResults.Ok(new PublicSummary(network.Code, network.Name, Months.Format(month.Value), areas, figure, confirmedOnly));
    }

    public static async Task<Results<Ok<GapsReport>, NotFoundProblem>> GetGaps(
        Guid networkId, [AsParameters] GapsQuery query, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        if (await MonthAsync(db, networkId, services.Caller, services.Clock, query.month, ct) is not { } month)
        {
            return NotVisible(networkId);
        }
        var (figure, confirmedOnly) = (query.Figure(), query.confirmedOnly ?? false);
        var threshold = query.threshold ?? 1;
        var minimumUnits = query.minimumUnits ?? 3;
        var since = month.AddMonths(-120);
        var ratings = db.StandardResults.AsNoTracking()
            .Where(r => r.NetworkId == networkId && r.Month <= month && r.Month > since && r.Value != null);
        if (confirmedOnly)
        {
            // A standard's row joins its area result by the key: the confirmation is the submission's.
            ratings = ratings.Where(r => db.AreaResults.Any(a => a.AssessmentId == r.AssessmentId && a.Confirmation == ServiceUserConfirmation.Agreed));
        }
        var counts = await ratings
            .GroupBy(r => new { r.StandardCode, r.AreaCode, r.Month })
            .Select(g => new { g.Key.StandardCode, g.Key.AreaCode, g.Key.Month, Low = g.Count(r => r.Value <= threshold), Reporting = g.Count() })
            .ToListAsync(ct);
        var gaps = counts.GroupBy(c => (c.StandardCode, c.AreaCode)).Select(g =>
        {
            var (low, reporting, run) = Run(g.Select(c => (c.Month, c.Low, c.Reporting)), month, minimumUnits);
            return new Gap(g.Key.StandardCode, g.Key.AreaCode, low, reporting, run);
        })
        .Where(g => g.UnitsReporting > 0)
        .OrderByDescending(g => g.UnitsAtOrBelow).ThenByDescending(g => g.ConsecutiveMonths).ThenBy(g => g.StandardCode, StringComparer.Ordinal)
        .ToList();
        var areaRows = AreaFigures.Of(db.AreaResults.AsNoTracking().Where(r => r.NetworkId == networkId && r.Month <= month && r.Month > since), figure);
        if (confirmedOnly)
        {
            areaRows = areaRows.Where(r => r.Confirmation == ServiceUserConfirmation.Agreed);
        }
        var areaCounts = figure == AreaFigure.Agreed
            ? await areaRows.GroupBy(r => new { r.AreaCode, r.Month })
                .Select(g => new { g.Key.AreaCode, g.Key.Month, Low = g.Count(r => r.AgreedRating <= threshold), Reporting = g.Count() }).ToListAsync(ct)
            : await areaRows.GroupBy(r => new { r.AreaCode, r.Month })
                .Select(g => new { g.Key.AreaCode, g.Key.Month, Low = g.Count(r => r.Mean <= threshold), Reporting = g.Count() }).ToListAsync(ct);
        var areas = areaCounts.GroupBy(c => c.AreaCode).Select(g =>
        {
            var (low, reporting, run) = Run(g.Select(c => (c.Month, c.Low, c.Reporting)), month, minimumUnits);
            return new AreaGap(g.Key, low, reporting, run);
        })
        .Where(g => g.UnitsReporting > 0)
        .OrderByDescending(g => g.UnitsAtOrBelow).ThenByDescending(g => g.ConsecutiveMonths).ThenBy(g => g.AreaCode, StringComparer.Ordinal)
        .ToList();
        return TypedResults.Ok(new GapsReport(networkId, Months.Format(month), threshold, minimumUnits, gaps, areas, figure, confirmedOnly));
    }

    /// <summary>This month's count at or below the threshold and reporting, and how many months in a row up to it reached the minimum.</summary>
    private static (int Low, int Reporting, int Run) Run(IEnumerable<(DateOnly Month, int Low, int Reporting)> months, DateOnly month, int minimumUnits)
    {
        var byMonth = months.ToDictionary(c => c.Month);
        var current = byMonth.GetValueOrDefault(month);
        var run = 0;
        while (byMonth.TryGetValue(month.AddMonths(-run), out var m) && m.Low >= minimumUnits)
        {
            run++;
        }
        return (current.Low, current.Reporting, run);
    }

    public static async Task<Results<Ok<Heatmap>, ContentHttpResult, NotFoundProblem>> GetHeatmap(
        HttpRequest request, Guid networkId, [AsParameters] FigureMonthQuery query,
        [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        if (await MonthAsync(db, networkId, services.Caller, services.Clock, query.month, ct) is not { } month)
        {
            return NotVisible(networkId);
        }
        var (figure, confirmedOnly) = (query.Figure(), query.confirmedOnly ?? false);
        var areaCodes = await ActiveAreaCodesAsync(db, services.Frameworks, ct);
        var named = await db.Networks.AsNoTracking().Where(n => n.Id == networkId).Select(n => n.AllowRanks).SingleAsync(ct);
        var own = services.Caller.Scope.MemberUnits;
        var units = await db.Units.AsNoTracking().Where(u => u.NetworkId == networkId && u.Active).OrderBy(u => u.Code)
            .Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct);
        var cells = await db.AreaResults.AsNoTracking()
            .Where(r => r.NetworkId == networkId && r.Month == month && (!confirmedOnly || r.Confirmation == ServiceUserConfirmation.Agreed))
            .Select(r => new { r.UnitId, r.AreaCode, r.Percentage, r.AgreedRating, r.FrameworkIdentifier }).ToListAsync(ct);
        // The agreed rating on the same 0-100 basis as the mean's percentage, on the scale of the version it was rated against.
        var scales = figure == AreaFigure.Agreed
            ? await services.Frameworks.ByIdentifierAsync(db, cells.Select(c => c.FrameworkIdentifier), ct)
            : [];
        var byCell = cells.ToDictionary(c => (c.UnitId, c.AreaCode), c => figure == AreaFigure.Agreed
            ? AreaFigures.Percentage(c.AgreedRating, scales.GetValueOrDefault(c.FrameworkIdentifier))
            : c.Percentage);
        var all = units.Select(u => (Unit: u, Named: named || own.Contains(u.Id),
            Areas: (IReadOnlyDictionary<string, decimal?>)areaCodes.ToDictionary(a => a, a => byCell.TryGetValue((u.Id, a), out var percentage) ? percentage : null)))
            .ToList();
        // A grid of named scores is a league table: only where the network allows named comparisons, or for the
        // caller's own units. The others are rows without a name, ordered by their scores so that the order says
        // nothing of who they are.
        var rows = all.Where(r => r.Named).Select(r => new HeatmapRow(r.Unit.Id, r.Unit.Code, r.Unit.Name, r.Areas))
            .Concat(all.Where(r => !r.Named)
                .OrderByDescending(r => r.Areas.Values.Select(v => v ?? -1m).DefaultIfEmpty().Average())
                .ThenBy(r => string.Join(',', r.Areas.Values.Select(v => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")), StringComparer.Ordinal)
                .Select(r => new HeatmapRow(null, null, null, r.Areas)))
            .ToList();
        return BenchmarksApi.Answer(request, new Heatmap(networkId, Months.Format(month), areaCodes, rows, figure, confirmedOnly), BenchmarkCsv.Of);
    }

    public static async Task<Results<Ok<BestPractice>, NotFoundProblem>> GetBestPractice(
        Guid networkId, [AsParameters] BestPracticeQuery query, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        if (await MonthAsync(db, networkId, services.Caller, services.Clock, query.month, ct) is not { } month)
        {
            return NotVisible(networkId);
        }
        var ratings = await db.StandardResults.AsNoTracking()
            .Where(r => r.NetworkId == networkId && r.Month == month && r.StandardCode == query.standardCode && r.Value != null)
            .WhereIf(query.confirmedOnly == true, r => db.AreaResults.Any(a => a.AssessmentId == r.AssessmentId && a.Confirmation == ServiceUserConfirmation.Agreed))
            .Select(r => new { r.AssessmentId, r.UnitId, Value = r.Value!.Value }).ToListAsync(ct);
        var top = ratings.Count == 0 ? (int?)null : ratings.Max(r => r.Value);
        var best = ratings.Where(r => r.Value == top).ToList();
        var evidence = await SharedEvidenceAsync(db, best.Select(b => b.AssessmentId).ToList(), query.standardCode, ct);
        var unitIds = best.Select(b => b.UnitId).ToList();
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        var result = best.OrderBy(b => units[b.UnitId].Code, StringComparer.Ordinal).Select(b => new BestPracticeUnit(b.UnitId, units[b.UnitId].Code,
            units[b.UnitId].Name, b.Value, evidence[b.AssessmentId].ToList())).ToList();
        return TypedResults.Ok(new BestPractice(networkId, query.standardCode, Months.Format(month), top, result, query.confirmedOnly == true));
    }

    public static async Task<Results<Ok<Participation>, NotFoundProblem>> GetParticipation(
        Guid networkId, [AsParameters] ParticipationQuery query, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        if (await MonthAsync(db, networkId, services.Caller, services.Clock, query.month, ct) is not { } month)
        {
            return NotVisible(networkId);
        }
        var confirmedOnly = query.confirmedOnly == true;
        var areaCount = (await ActiveAreaCodesAsync(db, services.Frameworks, ct)).Count;
        var units = await db.Units.AsNoTracking().Where(u => u.NetworkId == networkId && u.Active).OrderBy(u => u.Code)
            .Select(u => new { u.Id, u.Code }).ToListAsync(ct);
        var rows = await db.AreaResults.AsNoTracking().Where(r => r.NetworkId == networkId && r.Month == month)
            .WhereIf(confirmedOnly, r => r.Confirmation == ServiceUserConfirmation.Agreed)
            .Select(r => new { r.UnitId, r.AreaCode, r.OnTime, r.CoProduced, r.Confirmation }).ToListAsync(ct);
        var byUnit = units.Select(u =>
        {
            var mine = rows.Where(r => r.UnitId == u.Id).ToList();
            return new UnitParticipation(u.Id, u.Code, mine.Count, mine.Count(r => r.OnTime == true), mine.Count(r => r.CoProduced),
                mine.Select(r => r.AreaCode).Order(StringComparer.Ordinal).ToList(),
                mine.Count(r => r.Confirmation == ServiceUserConfirmation.Agreed), mine.Count(r => r.Confirmation == ServiceUserConfirmation.Disagreed));
        }).ToList();
        var timed = rows.Where(r => r.OnTime is not null).ToList();
        var confirmed = rows.Count(r => r.Confirmation == ServiceUserConfirmation.Agreed);
        return TypedResults.Ok(new Participation(networkId, Months.Format(month), units.Count, areaCount, rows.Count,
            Rate(rows.Count, units.Count * areaCount) ?? 0,
            Rate(timed.Count(r => r.OnTime == true), timed.Count),
            rows.Count(r => r.CoProduced), byUnit,
            confirmed, rows.Count(r => r.Confirmation == ServiceUserConfirmation.Disagreed), Rate(confirmed, rows.Count), confirmedOnly));
    }

    private static decimal? Rate(int part, int whole) =>
        whole == 0 ? null : Math.Round((decimal)part / whole, 3, MidpointRounding.AwayFromZero);

    public static async Task<Results<Ok<AgreementReport>, NotFoundProblem>> GetAgreement(
        Guid networkId, [AsParameters] AgreementQuery query, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        if (await MonthAsync(db, networkId, services.Caller, services.Clock, query.to, ct) is not { } to)
        {
            return NotVisible(networkId);
        }
        var from = query.from is null ? to.AddMonths(-11) : Months.Parse(query.from);
        var confirmedOnly = query.confirmedOnly == true;
        var pairs = await db.StandardResults.AsNoTracking()
            .Where(r => r.NetworkId == networkId && r.Month >= from && r.Month <= to && r.StaffView != null && r.ServiceUserView != null)
            .WhereIf(confirmedOnly, r => db.AreaResults.Any(a => a.AssessmentId == r.AssessmentId && a.Confirmation == ServiceUserConfirmation.Agreed))
            .Select(r => new { r.AreaCode, r.UnitId, r.FrameworkIdentifier, Staff = r.StaffView!.Value, ServiceUser = r.ServiceUserView!.Value })
            .ToListAsync(ct);
        // Each rating is read on the scale of the version it was made against, not the active one's.
        // Ratings are pinned to active or retired versions, which are never deleted: each has its scale.
        var scales = await services.Frameworks.ByIdentifierAsync(db, pairs.Select(p => p.FrameworkIdentifier), ct);
        pairs = pairs.Where(p => scales.ContainsKey(p.FrameworkIdentifier)).ToList();
        var unitCodes = await db.Units.AsNoTracking().Where(u => u.NetworkId == networkId).ToDictionaryAsync(u => u.Id, u => u.Code, ct);
        AgreementFigures Figures(string key, IEnumerable<(int Staff, int ServiceUser, string Framework)> set)
        {
            var list = set.ToList();
            var ends = list.Select(p => (scales[p.Framework].Min, scales[p.Framework].Max)).Distinct().ToList();
            var measured = Agreement.Measure(list.Select(p => (p.Staff, p.ServiceUser)).ToList(), ends.Min(e => e.Min), ends.Max(e => e.Max));
            // Kappa's weights depend on the scale's length: over ratings on different scales it has no meaning, exact agreement still has.
            return new AgreementFigures(key, measured.Pairs, measured.ExactAgreement, ends.Count == 1 ? measured.WeightedKappa : null);
        }
        var byArea = pairs.GroupBy(p => p.AreaCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Figures(g.Key, g.Select(p => (p.Staff, p.ServiceUser, p.FrameworkIdentifier)))).ToList();
        var byUnit = pairs.GroupBy(p => unitCodes.GetValueOrDefault(p.UnitId, p.UnitId.ToString())).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Figures(g.Key, g.Select(p => (p.Staff, p.ServiceUser, p.FrameworkIdentifier)))).ToList();
        return TypedResults.Ok(new AgreementReport(networkId, Months.Format(from), Months.Format(to), byArea, byUnit, confirmedOnly));
    }

    /// <summary>
    /// What a unit shows others of a submitted assessment: only the evidence it chose to share — for a standard, the
    /// evidence of that standard and of the whole assessment; for a whole area (no standard), all of it. By assessment,
    /// in the order it was added. The one rule for best practice and buddy suggestions.
    /// </summary>
    internal static async Task<ILookup<Guid, SharedEvidence>> SharedEvidenceAsync(SeQuInDbContext db, IReadOnlyCollection<Guid> assessmentIds,
        string? standardCode, CancellationToken ct) =>
        (await db.Evidence.AsNoTracking()
            .Where(e => e.Shared && assessmentIds.Contains(e.AssessmentId))
            .WhereIf(standardCode is not null, e => e.StandardCode == standardCode || e.StandardCode == null)
            .OrderBy(e => e.Id)
            .ToListAsync(ct))
        .ToLookup(e => e.AssessmentId, e => new SharedEvidence(e.Id, e.AssessmentId, EnumQuery.NameOf(e.Kind), e.Title, e.Description, e.Link));

    /// <summary>The month asked for, or the network's latest; null when the caller may not see the network's results.</summary>
    internal static async Task<DateOnly?> MonthAsync(SeQuInDbContext db, Guid networkId, Caller caller, TimeProvider clock, string? month,
        CancellationToken ct)
    {
        if (!caller.Scope.SeesNetworkResults(networkId))
        {
            return null;
        }
        if (!await db.Networks.AnyAsync(n => n.Id == networkId, ct))
        {
            return null;
        }
        return month is not null
            ? Months.Parse(month)
            : await db.AreaResults.AsNoTracking().Where(r => r.NetworkId == networkId).MaxAsync(r => (DateOnly?)r.Month, ct) ?? Months.Current(clock);
    }

    private static async Task<IReadOnlyList<string>> ActiveAreaCodesAsync(SeQuInDbContext db, FrameworkShapes frameworks, CancellationToken ct) =>
        (await frameworks.ActiveAsync(db, ct))?.AreaCodes ?? [];

    private static NotFoundProblem NotVisible(Guid networkId) => ApiProblems.NotFound($"There is no network {networkId} whose results you may see.");
}
