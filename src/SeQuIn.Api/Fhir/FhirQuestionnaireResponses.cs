using FluentValidation;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// Assessments as QuestionnaireResponses (<see cref="QuestionnaireResponses"/>): read and search with exactly the
/// visibility of GET /api/v1/assessments (drafts to the unit and its network's reviewers, submissions across the
/// network and to analysts in scope; commissioners see no unit-level data).
/// </summary>
public static class FhirQuestionnaireResponses
{
    public const string Type = "QuestionnaireResponse";

    public static readonly FhirResourceDefinition Definition = new(
        Type, Policies.UnitLevelReader, AllowedRoles.UnitLevelReaders,
        "Each assessment (one unit, area and month) as a QuestionnaireResponse to its framework version's Questionnaire: " +
        "authored is the month assessed; one group item per area with the standards' agreed ratings, participants by role only, " +
        "evidence by reference. Status: draft in-progress, submitted completed, or amended when it was returned or reopened before.",
        [
            new("subject", SearchParamType.Reference, "The unit: Organization/{unitId}."),
            new("authored", SearchParamType.Date, $"The month assessed, at month precision: {FhirMonthSearch.Rule}."),
            new("status", SearchParamType.Token, "in-progress, completed or amended; several separated by commas."),
            new("questionnaire", SearchParamType.Reference, $"The framework version's Questionnaire: {FhirNames.QuestionnaireUrl}|{{version}}, or the url alone for any version."),
        ],
        ReadQuestionnaireResponse, SearchQuestionnaireResponses, Example,
        scope => Matches(scope.Db, scope.Caller, scope.Changed(Visible(scope.Db, scope.Caller), a => a.UpdatedAt)));

    public static async Task<FhirResult> ReadQuestionnaireResponse(string id, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParseExact(id, "D", out var assessmentId))
        {
            return FhirResult.NotFound(Type, id);
        }
        var assessment = await AssessmentsApi.Load(db, caller).AsNoTracking().SingleOrDefaultAsync(a => a.Id == assessmentId, ct);
        if (assessment is null)
        {
            return FhirResult.NotFound(Type, id);
        }
        return FhirResult.Ok((await ToResourcesAsync(db, caller, [assessment], ct))[0]);
    }

    public static Task<FhirResult> SearchQuestionnaireResponses([AsParameters] QuestionnaireResponseSearch query, HttpContext http, Caller caller,
        SeQuInDbContext db, CancellationToken ct)
    {
        var assessments = Visible(db, caller);
        if (query.subject is not null)
        {
            var unit = Guid.TryParseExact(FhirSearch.ReferencedId(query.subject, "Organization"), "D", out var u) ? u : Guid.Empty;
            assessments = assessments.Where(a => a.UnitId == unit);
        }
        if (query.authored is not null)
        {
            var (from, to) = FhirMonthSearch.Range(query.authored);
            assessments = assessments.WhereIf(from is not null, a => a.Month >= from).WhereIf(to is not null, a => a.Month <= to);
        }
        if (query.status is not null)
        {
            var statuses = query.status.Split(',').Select(s => FhirSearch.Token(s).Code).ToHashSet(StringComparer.Ordinal);
            var (draft, completed, amended) = (statuses.Contains("in-progress"), statuses.Contains("completed"), statuses.Contains("amended"));
            assessments = assessments.Where(a =>
                (draft && a.Status == AssessmentStatus.Draft)
                || (a.Status == AssessmentStatus.Submitted
                    && (a.Comments.Any(c => c.Kind == CommentKind.Question || c.Kind == CommentKind.Reopening) ? amended : completed)));
        }
        if (query.questionnaire is not null)
        {
            var (url, version) = Canonical(query.questionnaire);
            assessments = url != FhirNames.QuestionnaireUrl ? assessments.Where(a => false)
                : assessments.WhereIf(version is not null, a => a.FrameworkIdentifier == version);
        }
        return FhirApi.SearchSetAsync(http, Type, Matches(db, caller, assessments), query, ct);
    }

    private static IQueryable<Assessment> Visible(SeQuInDbContext db, Caller caller) =>
        db.Assessments.AsNoTracking().Where(AssessmentAccess.Visible(caller, db));

    private static FhirMatches<Assessment> Matches(SeQuInDbContext db, Caller caller, IQueryable<Assessment> assessments) =>
        new(assessments, a => a.SortKey, async (page, token) =>
        {
            var ids = page.Select(a => a.Id).ToList();
            var full = await AssessmentsApi.Load(db, caller).AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, token);
            return [.. await ToResourcesAsync(db, caller, ids.Select(id => full[id]).ToList(), token)];
        });

    /// <summary>A canonical reference: url, and the version after '|' if any.</summary>
    public static (string Url, string? Version) Canonical(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (value, null) : (value[..bar], value[(bar + 1)..]);
    }

    /// <summary>The REST API's own answers for a page of assessments, as QuestionnaireResponses: a fixed number of queries
    /// per page (details, areas, scales), never one per assessment.</summary>
    private static async Task<List<QuestionnaireResponse>> ToResourcesAsync(SeQuInDbContext db, Caller caller, List<Assessment> assessments,
        CancellationToken ct)
    {
        var details = await AssessmentsApi.DetailsAsync(db, assessments, caller, ct);
        var areaIds = assessments.Select(a => a.AreaId).Distinct().ToList();
        var versionIds = assessments.Select(a => a.FrameworkVersionId).Distinct().ToList();
        var areas = await db.Areas.AsNoTracking().Where(a => areaIds.Contains(a.Id))
            .Select(a => new { a.Id, a.Name, Standards = a.Standards.OrderBy(s => s.Order).Select(s => new { s.Code, s.Statement }).ToList() })
            .ToDictionaryAsync(a => a.Id, ct);
        var scales = (await db.FrameworkVersions.AsNoTracking().Where(v => versionIds.Contains(v.Id))
                .SelectMany(v => v.Scale.Select(p => new { VersionId = v.Id, p.Value, p.Label })).ToListAsync(ct))
            .GroupBy(p => p.VersionId).ToDictionary(g => g.Key, g => g.ToDictionary(p => p.Value, p => p.Label));
        return assessments.Select((a, i) =>
        {
            var area = areas[a.AreaId];
            return QuestionnaireResponses.From(details[i], new AssessedArea(a.FrameworkIdentifier, area.Name,
                area.Standards.Select(s => (s.Code, s.Statement)).ToList(), scales.GetValueOrDefault(a.FrameworkVersionId) ?? []));
        }).ToList();
    }

    private static Resource Example() => QuestionnaireResponses.From(Common.ContractExamples.ExampleOf<AssessmentDetail>(),
        new AssessedArea("2021.1", "Involvement", [("INV-01", "Service users take part in ward meetings.")],
            new Dictionary<int, string> { [1] = "Not yet", [2] = "Partly", [3] = "Mostly", [4] = "Fully" }));
}

/// <summary>QuestionnaireResponse search (FHIR names; each at most once).</summary>
/// <param name="subject">The unit: Organization/{unitId}.</param>
/// <param name="authored">The month assessed, with an optional prefix: ge2026-01; twice for a range (ge2026-01 and le2026-06).</param>
/// <param name="status">in-progress, completed or amended (comma-separated for any of several).</param>
/// <param name="questionnaire">The Questionnaire's canonical url, optionally with |version.</param>
/// <param name="_count">Page size, 0 to 500 (default 50); 0 answers only the total.</param>
/// <param name="_cursor">Opaque; taken from the Bundle's next link.</param>
public sealed record QuestionnaireResponseSearch(string? subject, string[]? authored, string? status, string? questionnaire, int? _count, string? _cursor)
    : IFhirSearch;

public sealed class QuestionnaireResponseSearchValidator : AbstractValidator<QuestionnaireResponseSearch>
{
    private static readonly string[] Statuses = ["in-progress", "completed", "amended", "entered-in-error", "stopped"];

    public QuestionnaireResponseSearchValidator()
    {
        this.AddFhirSearchRules();
        RuleFor(q => q.subject).IsSearchValue()
            .Must(s => s is null || Guid.TryParseExact(FhirSearch.ReferencedId(s, "Organization"), "D", out _))
            .WithMessage("'subject' must name a unit as Organization/{id}.");
        RuleForEach(q => q.authored).IsSearchValue()
            .Must(a => FhirMonthSearch.TryParse(a, out _, out _)).WithMessage($"'authored' {FhirMonthSearch.Rule}.");
        RuleFor(q => q.status).IsSearchValue()
            .Must(s => s is null || s.Split(',').All(v => FhirSearch.Token(v) is var (system, code)
                && system is null or "http://hl7.org/fhir/questionnaire-answers-status" && Statuses.Contains(code)))
            .WithMessage("'status' must be in-progress, completed, amended, entered-in-error or stopped (several separated by commas).");
        RuleFor(q => q.questionnaire).IsSearchValue();
    }
}
