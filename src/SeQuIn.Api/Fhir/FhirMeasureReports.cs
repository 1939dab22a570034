using FluentValidation;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// A unit's benchmark as MeasureReports (<see cref="MeasureReports"/>), computed on request from
/// GET /api/v1/benchmarks/units/{unitId} (network group, mean figure) so they pass the same visibility and disclosure
/// control: for each area and month the unit has a score, an individual report (`{unitId}-{area}-{yyyy-mm}-individual`)
/// and a summary of its network (`…-summary`).
/// </summary>
public static class FhirMeasureReports
{
    public const string Type = "MeasureReport";

    public static readonly FhirResourceDefinition Definition = new(
        Type, Policies.UnitLevelReader, AllowedRoles.UnitLevelReaders,
        "A unit's benchmark for an area and month as two MeasureReports against the area's Measure, computed from the REST unit benchmark " +
        "(network group): individual (the unit's score; id {unitId}-{area}-{yyyy-mm}-individual) and summary (its network's units reporting, " +
        "mean, quartiles and median; id …-summary). A figure disclosure control withholds is absent, with the suppressed extension saying why. " +
        "pending while the month is open, complete once closed. A unit's reports month by month are its trend.",
        [
            new("subject", SearchParamType.Reference, "The unit, Organization/{unitId}; without it, every unit whose results you read."),
            new("period", SearchParamType.Date, $"The month reported, at month precision: {FhirMonthSearch.Rule}."),
            new("measure", SearchParamType.Reference, $"The area's Measure by canonical url, {FhirNames.Base}/Measure/sequin-area-{{area}}."),
        ],
        ReadMeasureReport, SearchMeasureReports, Example, Exported);

    public static async Task<FhirResult> ReadMeasureReport(string id, [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        if (ReportId.TryParse(id) is not { } report)
        {
            return FhirResult.NotFound(Type, id);
        }
        var reports = await ReportsAsync(report.UnitId, report.Month, services, db, ct);
        return reports.SingleOrDefault(r => r.Id == id) is { } found ? FhirResult.Ok(found) : FhirResult.NotFound(Type, id);
    }

    public static async Task<FhirResult> SearchMeasureReports([AsParameters] MeasureReportSearch query, HttpContext http,
        [AsParameters] BenchmarkServices services, SeQuInDbContext db, CancellationToken ct)
    {
        // Each submitted assessment with a score, of a unit whose results the caller reads (as GET /assessments shows
        // submissions), is one individual and one summary report; keyed by its "YYYY-MM|unit|area".
        var scored = Scored(db, services.Caller);
        if (query.subject is not null)
        {
            var unitId = Guid.TryParseExact(FhirSearch.ReferencedId(query.subject, "Organization"), "D", out var u) ? u : Guid.Empty;
            scored = scored.Where(a => a.UnitId == unitId);
        }
        if (query.period is not null)
        {
            var (from, to) = FhirMonthSearch.Range(query.period);
            scored = scored.WhereIf(from is not null, a => a.Month >= from).WhereIf(to is not null, a => a.Month <= to);
        }
        if (query.measure is not null)
        {
            var code = AreaOf(query.measure);
            scored = scored.Where(a => a.AreaCode.ToLower() == code);
        }
        return await FhirApi.SearchSetAsync(http, Type, Matches(scored, services, db), query, ct);
    }

    /// <summary>Each submitted assessment with a score, of a unit whose results the caller reads (as GET /assessments shows submissions).</summary>
    private static IQueryable<Assessment> Scored(SeQuInDbContext db, Caller caller) =>
        db.Assessments.AsNoTracking().Where(AssessmentAccess.Visible(caller, db))
            .Where(a => a.Status == AssessmentStatus.Submitted && db.AreaResults.Any(r => r.AssessmentId == a.Id && r.Mean != null));

    /// <summary>Each scored assessment is one individual and one summary report, keyed "YYYY-MM|unit|area|kind".</summary>
    private static FhirMatches<string> Matches(IQueryable<Assessment> scored, BenchmarkServices services, SeQuInDbContext db) =>
        new(scored.Select(a => a.SortKey + "|" + IndividualKey).Concat(scored.Select(a => a.SortKey + "|" + SummaryKey)), k => k, async (page, token) =>
        {
            var resources = new List<Resource>();
            // One benchmark per unit and month on the page (a month's reports are next to each other in key order).
            foreach (var unitMonth in page.Select(Key.Of).GroupBy(k => (k.Unit, k.Month)))
            {
                var reports = (await ReportsAsync(unitMonth.Key.Unit, unitMonth.Key.Month, services, db, token)).ToDictionary(r => r.Id!);
                resources.AddRange(unitMonth.Select(k => k.Id.ToString()).Where(reports.ContainsKey).Select(id => (Resource)reports[id]));
            }
            return resources;
        });

    /// <summary>
    /// For a bulk export. Reports are computed, not stored: they are computed when the file is read, from the data as it
    /// is then. A unit's reports for a month change when any assessment of its network for that month changes (the
    /// summary's figures, and what disclosure control lets through) and when the month closes (pending → complete), so
    /// with _since the unit-months with either in the window are exported; reports of assessments changed after the
    /// window are left to the next export.
    /// </summary>
    private static IFhirMatches Exported(FhirExportScope scope)
    {
        var db = scope.Db;
        var provider = scope.Services;
        var services = new BenchmarkServices(scope.Caller, provider.GetRequiredService<IConfiguration>(),
            provider.GetRequiredService<FrameworkShapes>(), provider.GetRequiredService<TimeProvider>());
        var until = scope.Until;
        var scored = Scored(db, scope.Caller).Where(a => a.UpdatedAt <= until);
        if (scope.Since is { } since)
        {
            var (firstClosed, lastClosed) = MonthsClosingIn(since, until);
            scored = scored.Where(a => (a.Month >= firstClosed && a.Month <= lastClosed)
                || db.Assessments.Any(b => b.Month == a.Month && b.UpdatedAt > since && b.UpdatedAt <= until
                    && db.Units.Any(u => u.Id == b.UnitId && db.Units.Any(v => v.Id == a.UnitId && v.NetworkId == u.NetworkId))));
        }
        return Matches(scored, services, db);
    }

    /// <summary>The months that close (<see cref="Disclosure.IsClosed"/>: at the start of the day they close on, UTC)
    /// after <paramref name="since"/> and not after <paramref name="until"/>; an empty range (first after last) when none.</summary>
    internal static (DateOnly First, DateOnly Last) MonthsClosingIn(DateTimeOffset since, DateTimeOffset until)
    {
        static DateTimeOffset Closes(DateOnly month) => new(month.AddMonths(1).AddDays(10).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        static DateOnly MonthOf(DateTimeOffset at) => new(Math.Max(at.UtcDateTime.Year, 1900), at.UtcDateTime.Year < 1900 ? 1 : at.UtcDateTime.Month, 1);
        // A month closes between 41 and 42 days after it starts: start two months before and step to the first that closes after since.
        var first = MonthOf(since).AddMonths(-2);
        while (Closes(first) <= since)
        {
            first = first.AddMonths(1);
        }
        var last = MonthOf(until).AddMonths(-2);
        while (Closes(last.AddMonths(1)) <= until)
        {
            last = last.AddMonths(1);
        }
        return Closes(last) <= until ? (first, last) : (first, first.AddMonths(-1));
    }

    // Ordered after the sort key, so that a month's reports come area by area, individual before summary.
    private const string IndividualKey = "1";
    private const string SummaryKey = "2";

    /// <summary>A search key taken apart: "YYYY-MM|unit|area|kind".</summary>
    private sealed record Key(Guid Unit, DateOnly Month, ReportId Id)
    {
        public static Key Of(string key)
        {
            var parts = key.Split('|');
            var (unit, month) = (Guid.Parse(parts[1]), Months.Parse(parts[0]));
            return new Key(unit, month, new ReportId(unit, parts[2], month, parts[3] == IndividualKey ? ReportKind.Individual : ReportKind.Summary));
        }
    }

    /// <summary>The area code (lower case) a Measure's canonical url names; null for any other url.</summary>
    public static string? AreaOf(string measure)
    {
        const string prefix = FhirNames.Base + "/Measure/sequin-area-";
        var url = FhirQuestionnaireResponses.Canonical(measure).Url;
        return url.StartsWith(prefix, StringComparison.Ordinal) && url.Length > prefix.Length ? url[prefix.Length..].ToLowerInvariant() : null;
    }

    /// <summary>Every report of the unit's month the caller may see: what the REST unit benchmark answers, as MeasureReports.</summary>
    private static async Task<List<MeasureReport>> ReportsAsync(Guid unitId, DateOnly month, BenchmarkServices services, SeQuInDbContext db,
        CancellationToken ct)
    {
        var (benchmark, _) = await BenchmarksApi.UnitBenchmarkAsync(unitId, new BenchmarkQuery(Months.Format(month), null, null, null), services, db, ct);
        if (benchmark is null)
        {
            return [];
        }
        var closed = Disclosure.IsClosed(month, DateOnly.FromDateTime(services.Clock.GetUtcNow().UtcDateTime));
        return benchmark.Areas.Where(a => a.Score is not null)
            .SelectMany(a => new[] { MeasureReports.Individual(benchmark, a, closed)!, MeasureReports.Summary(benchmark, a, closed) })
            .ToList();
    }

    private static Resource Example()
    {
        var benchmark = Common.ContractExamples.ExampleOf<UnitBenchmark>();
        return MeasureReports.Summary(benchmark, benchmark.Areas[0], monthClosed: true);
    }
}

/// <summary>MeasureReport search (FHIR names; each at most once).</summary>
/// <param name="subject">The unit, Organization/{unitId}.</param>
/// <param name="period">The month reported, with an optional prefix: ge2026-01; twice for a range (ge2026-01 and le2026-06).</param>
/// <param name="measure">The area's Measure by canonical url.</param>
/// <param name="_count">Page size, 0 to 500 (default 50); 0 answers only the total.</param>
/// <param name="_cursor">Opaque; taken from the Bundle's next link.</param>
public sealed record MeasureReportSearch(string? subject, string[]? period, string? measure, int? _count, string? _cursor) : IFhirSearch;

public sealed class MeasureReportSearchValidator : AbstractValidator<MeasureReportSearch>
{
    public MeasureReportSearchValidator()
    {
        this.AddFhirSearchRules();
        RuleFor(q => q.subject).IsSearchValue()
            .Must(s => s is null || Guid.TryParseExact(FhirSearch.ReferencedId(s, "Organization"), "D", out _))
            .WithMessage("'subject' must name a unit as Organization/{id}.");
        RuleForEach(q => q.period).IsSearchValue()
            .Must(p => FhirMonthSearch.TryParse(p, out _, out _)).WithMessage($"'period' {FhirMonthSearch.Rule}.");
        RuleFor(q => q.measure).IsSearchValue()
            .Must(m => m is null || FhirMeasureReports.AreaOf(m) is not null)
            .WithMessage($"'measure' must be an area's Measure url, {FhirNames.Base}/Measure/sequin-area-{{area}}.");
    }
}
