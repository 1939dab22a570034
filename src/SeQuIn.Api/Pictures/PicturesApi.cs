using System.Diagnostics;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Replica;

namespace SeQuIn.Api.Pictures;

/// <param name="labels">professional (default: the framework's area names) or easy-read (its easy-read names and plain wording).</param>
public sealed record PictureQuery([property: EnumQuery(typeof(PictureLabels))] string? labels)
{
    public PictureWords Words(IReadOnlyDictionary<string, AreaName> areas) => new(areas, EnumQuery.Parse<PictureLabels>(labels) ?? PictureLabels.Professional);
}

public sealed class PictureQueryValidator : AbstractValidator<PictureQuery>
{
    public PictureQueryValidator() =>
        RuleFor(q => q.labels).IsEnumName<PictureQuery, PictureLabels>();
}

/// <summary>
/// Pictures a front end can embed and a person can read without charting code, and the network meeting's pack (ADR 0037).
/// Each picture route is the sibling of a JSON route (…/trend and …/trend.svg) and calls that route's own handler with
/// the same parameters, so it draws exactly the figures the JSON answers, after the same authorisation and disclosure
/// control; a unit or network the caller may not see is the same 404.
/// </summary>
public static class PicturesApi
{
    public static IEndpointRouteBuilder MapPicturesApi(this IEndpointRouteBuilder routes)
    {
        // The readers of the figures the pictures draw, with the conventions of the Benchmarks and Insight groups.
        RouteGroupBuilder Readers(string prefix) => routes.MapGroup(prefix)
            .WithTags("Pictures")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .ReadsFromReplica()
            .Compressible();
        var units = Readers("/api/v1/benchmarks/units/{unitId:guid}");
        units.MapGet("/radar.svg", GetRadarPicture)
            .WithName(nameof(GetRadarPicture))
            .WithSummary("A unit's month as a radar of its areas beside its group's median and quartiles (SVG)")
            .WithDescription("The figures of GET /api/v1/benchmarks/units/{unitId} with the same parameters, drawn: one spoke per area, the " +
                "unit as a solid line with circles, the group's median dashed with squares, its lower to upper quartile as a band. " +
                "Suppressed group figures are left out and the picture says so. labels=easy-read uses the framework's easy-read names.");
        units.MapGet("/areas/{areaCode}/trend.svg", GetTrendPicture)
            .WithName(nameof(GetTrendPicture))
            .WithSummary("An area's trend as a Making Data Count process control chart with its variation icon (SVG)")
            .WithDescription("The figures of GET …/areas/{areaCode}/trend with the same parameters, drawn: centre line, process limits, the " +
                "group's median, the unit's months marked by shape and colour (circle common cause, triangle up an improvement signal, " +
                "triangle down a concern signal, diamond both). Variation icon, for now read from the latest month's signals: a high-side " +
                "signal and no low-side one is special cause improvement, the reverse concern, otherwise common cause; no process limits is " +
                "not enough data. Assurance needs a target, which the trend does not take yet: the picture says no target.");
        // A priority's progress is read from the primary, as its JSON is (PrioritiesApi): a priority just set is drawn at once.
        routes.MapGroup("/api/v1/priorities/{priorityId:guid}")
            .WithTags("Pictures")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .Compressible()
            .MapGet("/progress.svg", GetPriorityPicture)
            .WithName(nameof(GetPriorityPicture))
            .WithSummary("A network priority's progress month by month: the median against the target, units below it, actions (SVG)")
            .WithDescription("The figures of GET /api/v1/priorities/{priorityId}/progress with the same parameters, drawn in three panels over " +
                "one month axis: the network median (blue line, circles) against the target (dark dashed line); the units below target " +
                "(orange bars) within the units reporting (pale bars); the linked actions open (grey squares) and achieved (green " +
                "triangles). A month whose figures are withheld is hatched and says \"not shown\"; a month nobody reported has a dash; the " +
                "review month is a purple dashed line. labels=easy-read uses the framework's easy-read names and plain words.");
        var networks = Readers("/api/v1/networks/{networkId:guid}");
        networks.MapGet("/insight/heatmap.svg", GetHeatmapPicture)
            .WithName(nameof(GetHeatmapPicture))
            .WithSummary("The network's units × areas grid for a month as a heat map (SVG)")
            .WithDescription("The figures of GET …/insight/heatmap with the same parameters, drawn: each cell's percentage written in it and " +
                "shaded in one of five bands; a unit that did not submit an area is hatched with a dash. Rows the network does not name " +
                "stay unnamed.");
        networks.MapGet("/meeting-pack", GetMeetingPack)
            .WithName(nameof(GetMeetingPack))
            .WithSummary("A printable HTML pack for the network's meeting: headline figures, heat map, gaps and priorities")
            .WithDescription("One HTML document with print styles (A4) and its pictures inline: participation, the heat map and the ten largest " +
                "gaps in provision of the month (default: the latest with submissions), from the same handlers as the JSON insight " +
                "endpoints. No script and nothing loaded from elsewhere; print it from a browser for a PDF.");
        return routes;
    }

    public static async Task<Results<SvgPicture, NotFoundProblem>> GetRadarPicture(Guid unitId, [AsParameters] BenchmarkQuery query,
        [AsParameters] PictureQuery picture, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var answer = await BenchmarksApi.GetUnitBenchmark(AsJson(), unitId, query, services, db, ct);
        if (Figures<UnitBenchmark>(answer.Result) is not { } benchmark)
        {
            return (NotFoundProblem)answer.Result;
        }
        var active = await services.Frameworks.ActiveAsync(db, ct);
        var highest = benchmark.Areas.Select(a => a.Score).OfType<decimal>().DefaultIfEmpty(1).Max();
        var words = picture.Words(await AreaNamesAsync(db, ct));
        return new SvgPicture(Svg.Write(RadarPicture.Draw(Id("radar", unitId), benchmark, active?.Min ?? 0, active?.Max ?? (int)Math.Ceiling(highest), words)));
    }

    public static async Task<Results<SvgPicture, NotFoundProblem>> GetTrendPicture(Guid unitId, string areaCode, [AsParameters] TrendQuery query,
        [AsParameters] PictureQuery picture, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var answer = await BenchmarksApi.GetTrend(AsJson(), unitId, areaCode, query, services, db, ct);
        if (Figures<Trend>(answer.Result) is not { } trend)
        {
            return (NotFoundProblem)answer.Result;
        }
        var active = await services.Frameworks.ActiveAsync(db, ct);
        var highest = trend.Points.Select(p => p.Score).OfType<decimal>().DefaultIfEmpty(1).Max();
        var words = picture.Words(await AreaNamesAsync(db, ct));
        return new SvgPicture(Svg.Write(SpcPicture.Draw(Id("trend", unitId), trend, active?.Min ?? 0, active?.Max ?? (int)Math.Ceiling(highest), words)));
    }

    public static async Task<Results<SvgPicture, NotFoundProblem>> GetHeatmapPicture(Guid networkId, [AsParameters] FigureMonthQuery query,
        [AsParameters] PictureQuery picture, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var answer = await InsightApi.GetHeatmap(AsJson(), networkId, query, services, db, ct);
        if (Figures<Heatmap>(answer.Result) is not { } heatmap)
        {
            return (NotFoundProblem)answer.Result;
        }
        var name = await db.Networks.AsNoTracking().Where(n => n.Id == networkId).Select(n => n.Name).SingleAsync(ct);
        var words = picture.Words(await AreaNamesAsync(db, ct));
        return new SvgPicture(Svg.Write(HeatmapPicture.Draw(Id("heatmap", networkId), heatmap, name, words)));
    }

    public static async Task<Results<SvgPicture, NotFoundProblem>> GetPriorityPicture(Guid priorityId, [AsParameters] PriorityProgressQuery query,
        [AsParameters] PictureQuery picture, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var answer = await PrioritiesApi.GetPriorityProgress(priorityId, query, services.Caller, db, services.Clock, services.Configuration, ct);
        if (Figures<PriorityProgressResponse>(answer.Result) is not { } progress)
        {
            return (NotFoundProblem)answer.Result;
        }
        var priority = Figures<PriorityResponse>((await PrioritiesApi.GetPriority(priorityId, services.Caller, AsJson().HttpContext, db, ct)).Result)!;
        var words = picture.Words(await AreaNamesAsync(db, ct));
        return new SvgPicture(Svg.Write(await DrawPriorityAsync(progress, priority.ReviewMonth, words, services, db, ct)));
    }

    public static async Task<Results<HtmlDocument, NotFoundProblem>> GetMeetingPack(Guid networkId, [AsParameters] MonthQuery query,
        [AsParameters] PictureQuery picture, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var participation = await InsightApi.GetParticipation(networkId, new ParticipationQuery(query.month), services, db, ct);
        if (Figures<Participation>(participation.Result) is not { } figures)
        {
            return (NotFoundProblem)participation.Result;
        }
        // The month the participation answer settled on, so that every section is about the same month.
        var month = new FigureMonthQuery(figures.Month, null, null);
        var heatmap = Figures<Heatmap>((await InsightApi.GetHeatmap(AsJson(), networkId, month, services, db, ct)).Result)!;
        var gaps = Figures<GapsReport>((await InsightApi.GetGaps(networkId, new GapsQuery(figures.Month, null, null, null, null), services, db, ct)).Result)!;
        var name = await db.Networks.AsNoTracking().Where(n => n.Id == networkId).Select(n => n.Name).SingleAsync(ct);
        var words = picture.Words(await AreaNamesAsync(db, ct));
        var statements = await db.Standards.AsNoTracking().Where(s => FrameworkShapes.ActiveVersionId(db).Contains(s.FrameworkVersionId))
            .ToDictionaryAsync(s => s.Code, s => words.EasyRead ? s.EasyReadStatement : s.Statement, ct);
        var svg = HeatmapPicture.Draw(Id("heatmap", networkId), heatmap, name, words);
        var priorities = await PrioritiesOfTheMonthAsync(networkId, figures.Month, statements, words, services, db, ct);
        return new HtmlDocument(MeetingPack.Write(name, figures.Month, figures, heatmap, svg, gaps, statements, words, priorities), MeetingPack.StyleHash);
    }

    /// <summary>
    /// The priorities the meeting discusses: the network's active ones and any due for review in the month, oldest first,
    /// each with its progress up to the month and its chart, from the priorities' own handlers (so the same figures, withheld
    /// where the JSON withholds them). Null when the caller may not read the network's priorities.
    /// </summary>
    private static async Task<List<MeetingPack.PriorityLine>?> PrioritiesOfTheMonthAsync(Guid networkId, string month, IReadOnlyDictionary<string, string> statements,
        PictureWords words, BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var lines = new List<MeetingPack.PriorityLine>();
        string? cursor = null;
        do
        {
            var list = await PrioritiesApi.ListPriorities(networkId, new PriorityListQuery(null, Paging.MaxLimit, cursor), services.Caller, db, ct);
            if (Figures<Page<PriorityResponse>>(list.Result) is not { } page)
            {
                return null;
            }
            foreach (var priority in page.Items.Where(p => p.Status == PriorityStatus.Active || p.ReviewMonth == month))
            {
                var answer = await PrioritiesApi.GetPriorityProgress(priority.Id, new PriorityProgressQuery(null, month), services.Caller, db, services.Clock,
                    services.Configuration, ct);
                var progress = Figures<PriorityProgressResponse>(answer.Result)!;
                var what = priority.StandardCode is { } code ? statements.GetValueOrDefault(code) : null;
                lines.Add(new MeetingPack.PriorityLine(priority, what ?? words.Area(priority.AreaCode), progress.Months[^1],
                    await DrawPriorityAsync(progress, priority.ReviewMonth, words, services, db, ct)));
            }
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return lines;
    }

    /// <summary>
    /// The request the JSON handlers are given: a blank one, so that they answer their JSON figures (they look at the
    /// request only to choose CSV when Accept prefers it), whatever this request's Accept says.
    /// </summary>
    private static HttpRequest AsJson() => new DefaultHttpContext().Request;

    /// <summary>The figures of a JSON handler's 200 answer; null when it answered otherwise (its 404).</summary>
    private static T? Figures<T>(IResult result) where T : class => result switch
    {
        Ok<T> ok => ok.Value,
        NotFoundProblem => null,
        _ => throw new UnreachableException($"A figures handler answered {result.GetType().Name} to a request for JSON."),
    };

    private static async Task<System.Xml.Linq.XElement> DrawPriorityAsync(PriorityProgressResponse progress, string reviewMonth, PictureWords words,
        BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var active = await services.Frameworks.ActiveAsync(db, ct);
        // The whole id: the pack inlines several charts, and priorities made together share the time-ordered start of theirs.
        return PriorityPicture.Draw($"priority-{progress.PriorityId:N}", progress, reviewMonth, active?.Min ?? 0, active?.Max ?? Math.Max(progress.TargetRating, 1), words);
    }

    private static string Id(string kind, Guid id) => $"{kind}-{id.ToString("N")[..8]}";

    /// <summary>The active version's area names; an area of an older version shows its code.</summary>
    private static async Task<Dictionary<string, AreaName>> AreaNamesAsync(SeQuInDbContext db, CancellationToken ct) =>
        await db.Areas.AsNoTracking().Where(a => FrameworkShapes.ActiveVersionId(db).Contains(a.FrameworkVersionId))
            .Select(a => new AreaName(a.Code, a.Name, a.EasyReadName)).ToDictionaryAsync(a => a.Code, ct);
}
