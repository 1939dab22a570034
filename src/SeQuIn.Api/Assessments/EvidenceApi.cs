using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Assessments;

/// <summary>A piece of shared evidence in the network's library of good practice.</summary>
/// <param name="Evidence">The evidence as its assessment shows it, with its file when one is attached.</param>
public sealed record LibraryEntry(Guid AssessmentId, Guid UnitId, string UnitCode, string Month, string AreaCode, int? AgreedRating,
    EvidenceResponse Evidence);

/// <param name="areaCode">Only evidence from assessments of this area.</param>
/// <param name="standardCode">Only evidence for this standard.</param>
/// <param name="unitId">Only this unit's evidence.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record LibraryQuery(string? areaCode, string? standardCode, Guid? unitId, int? limit, string? cursor) : IPagedQuery
{
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

public sealed class LibraryQueryValidator : FluentValidation.AbstractValidator<LibraryQuery>
{
    public LibraryQueryValidator() => this.AddPagingRules();
}

/// <summary>Evidence behind ratings: metadata, files checked by content, and the network's library of shared evidence.</summary>
public static class EvidenceApi
{
    public static IEndpointRouteBuilder MapEvidenceLibraryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/evidence-library")
            .WithTags("Evidence")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .MapGet("/", ListSharedEvidence)
            .WithName(nameof(ListSharedEvidence))
            .WithSummary("The library of good practice: evidence units chose to share")
            .WithDescription("Shared evidence from submitted assessments you may see, in the order it was added, " +
                "by area, standard or unit — the starting point for buddying up.");
        return routes;
    }

    public static Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> AddEvidence(
        Guid assessmentId, EvidenceInput request, [AsParameters] AssessmentServices services, CancellationToken ct) =>
        AssessmentsApi.ChangeDraftAsync(assessmentId, services, ct, "assessment.evidence-added", async (assessment, token) =>
        {
            if (request.StandardCode is not null
                && !(await FrameworkRules.LoadAsync(services.Db, assessment, token)).StandardIds.ContainsKey(request.StandardCode))
            {
                return ApiProblems.Invalid("standardCode", $"'{request.StandardCode}' is not a standard of area {assessment.AreaCode}.");
            }
            var evidence = new Evidence
            {
                AssessmentId = assessment.Id,
                StandardCode = request.StandardCode,
                Kind = request.Kind,
                Title = request.Title,
                Description = request.Description,
                Link = request.Link,
                Shared = request.Shared,
                CreatedAt = services.Clock.Now(),
                CreatedBy = services.Caller.Actor,
            };
            assessment.Evidence.Add(evidence);
            services.Db.Evidence.Add(evidence);
            return DraftChange.Applied(new { evidence.Id, evidence.Kind, evidence.StandardCode, evidence.Shared });
        });

    public static async Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> UploadEvidenceFile(
        Guid assessmentId, Guid evidenceId, string fileName, HttpRequest request, [AsParameters] AssessmentServices services,
        IConfiguration configuration, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(fileName) || fileName.Length > 200 || fileName.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            return ApiProblems.Invalid("fileName", "'fileName' must be a plain file name of at most 200 characters.");
        }
        var today = DateOnly.FromDateTime(services.Clock.GetUtcNow().UtcDateTime);
        if (PrivacyScreen.Find(fileName, today) is { } kind)
        {
            return ApiProblems.Unprocessable("fileName", $"'fileName' seems to contain {PrivacyScreen.Describe(kind)}. Rename the file and send it again.");
        }
        var declared = request.ContentType?.Split(';')[0].Trim();
        if (declared is null || !EvidenceFiles.Allowed.Contains(declared))
        {
            throw new BadHttpRequestException("Unsupported evidence file type.", StatusCodes.Status415UnsupportedMediaType);
        }
        if (EvidenceFiles.TypeOfName(fileName) is not { } named)
        {
            return ApiProblems.Unprocessable("fileName", $"'fileName' must end in one of {EvidenceFiles.Extensions}.");
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var content = buffer.ToArray();
        var detected = EvidenceFiles.Detect(content, declared);
        if (detected != declared)
        {
            return ApiProblems.Unprocessable("body", detected is null
                ? "The file's content is not one of the accepted kinds (PDF, PNG, JPEG, plain text, CSV, Office document)."
                : $"The file's content is {detected}, not the {declared} it was sent as.");
        }
        if (named != detected)
        {
            return ApiProblems.Unprocessable("fileName", $"'fileName' ends in {Path.GetExtension(fileName)}, which does not fit the file's content ({detected}).");
        }
        // A text file is free text like any other the service stores; its contents are never echoed.
        if (EvidenceFiles.IsText(detected) && PrivacyScreen.Find(EvidenceFiles.Text(content), today) is { } inFile)
        {
            return ApiProblems.Unprocessable("file", $"The file seems to contain {PrivacyScreen.Describe(inFile)}. SeQuIn keeps no personal data: remove it and send again.");
        }
        var limit = configuration.GetValue<long?>(EvidenceFiles.MaxBytesPerAssessmentKey) ?? EvidenceFiles.DefaultMaxBytesPerAssessment;

        // One transaction for the file, the revision and the audit row, with the assessment's row locked first:
        // a rival upload waits, then reads the new revision and answers 412, instead of deleting the winner's file.
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        await services.Db.Database.ExecuteSqlAsync($"SELECT 1 FROM assessments WHERE id = {assessmentId} FOR UPDATE", ct);
        var result = await AssessmentsApi.ChangeDraftAsync(assessmentId, services, ct, "assessment.evidence-file-attached", async (assessment, token) =>
        {
            if (assessment.Evidence.SingleOrDefault(e => e.Id == evidenceId) is not { } evidence)
            {
                return ApiProblems.Invalid("evidenceId", $"The assessment has no evidence {evidenceId}.");
            }
            var stored = assessment.Evidence.Where(e => e.Id != evidenceId).Sum(e => e.FileSize ?? 0);
            if (stored + content.LongLength > limit)
            {
                return ApiProblems.Unprocessable("file", $"The assessment's evidence files may take {limit} bytes together; {stored} are used, and this file has {content.LongLength}.");
            }
            await services.Db.EvidenceFiles.Where(f => f.EvidenceId == evidenceId).ExecuteDeleteAsync(token);
            services.Db.EvidenceFiles.Add(new EvidenceFile { EvidenceId = evidenceId, Content = content });
            (evidence.FileName, evidence.FileContentType, evidence.FileSize) = (fileName, detected, content.LongLength);
            return DraftChange.Applied(new { evidenceId, fileName, contentType = detected, size = content.LongLength });
        });
        if (result.Result is Ok<AssessmentDetail>)
        {
            await transaction.CommitAsync(ct);
        }
        return result;
    }

    public static Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> DeleteEvidence(
        Guid assessmentId, Guid evidenceId, [AsParameters] AssessmentServices services, CancellationToken ct) =>
        AssessmentsApi.ChangeDraftAsync(assessmentId, services, ct, "assessment.evidence-removed", (assessment, _) =>
        {
            if (assessment.Evidence.SingleOrDefault(e => e.Id == evidenceId) is not { } evidence)
            {
                return Task.FromResult<DraftChange>(ApiProblems.Invalid("evidenceId", $"The assessment has no evidence {evidenceId}."));
            }
            assessment.Evidence.Remove(evidence);
            services.Db.Evidence.Remove(evidence);
            return Task.FromResult(DraftChange.Applied(new { evidenceId, evidence.Title }));
        });

    public static async Task<Results<FileContentHttpResult, NotFoundProblem>> DownloadEvidenceFile(
        Guid assessmentId, Guid evidenceId, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var assessment = await db.Assessments.AsNoTracking().Where(AssessmentAccess.Visible(caller, db)).SingleOrDefaultAsync(a => a.Id == assessmentId, ct);
        var evidence = assessment is null ? null : await db.Evidence.AsNoTracking().SingleOrDefaultAsync(e => e.Id == evidenceId && e.AssessmentId == assessmentId, ct);
        if (assessment is null || evidence?.FileName is null || (!evidence.Shared && !AssessmentAccess.SeesUnsharedEvidence(caller, assessment)))
        {
            return ApiProblems.NotFound($"There is no evidence file {evidenceId} that you may see.");
        }
        var file = await db.EvidenceFiles.AsNoTracking().SingleOrDefaultAsync(f => f.EvidenceId == evidenceId, ct);
        if (file is null)
        {
            return ApiProblems.NotFound($"There is no evidence file {evidenceId} that you may see.");
        }
        return TypedResults.File(file.Content, evidence.FileContentType, evidence.FileName);
    }

    public static async Task<Ok<Page<LibraryEntry>>> ListSharedEvidence(
        [AsParameters] LibraryQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var visible = db.Assessments.Where(AssessmentAccess.Visible(caller, db))
            .Where(a => a.Status == AssessmentStatus.Submitted)
            .WhereIf(query.areaCode is not null, a => a.AreaCode == query.areaCode)
            .WhereIf(query.unitId is not null, a => a.UnitId == query.unitId);
        var rows = db.Evidence.AsNoTracking()
            .Where(e => e.Shared && visible.Any(a => a.Id == e.AssessmentId))
            .WhereIf(query.standardCode is not null, e => e.StandardCode == query.standardCode);
        var page = await rows.ToPageAsync(query, e => e.Id.ToString(), e => e, ct);
        var assessmentIds = page.Items.Select(e => e.AssessmentId).Distinct().ToList();
        var assessments = await db.Assessments.AsNoTracking().Where(a => assessmentIds.Contains(a.Id))
            .Select(a => new { a.Id, a.UnitId, UnitCode = db.Units.Single(u => u.Id == a.UnitId).Code, a.Month, a.AreaCode, a.AgreedRating })
            .ToDictionaryAsync(a => a.Id, ct);
        return TypedResults.Ok(new Page<LibraryEntry>(page.Items.Select(e =>
        {
            var a = assessments[e.AssessmentId];
            return new LibraryEntry(a.Id, a.UnitId, a.UnitCode, Months.Format(a.Month), a.AreaCode, a.AgreedRating, ToResponse(a.Id, e));
        }).ToList(), page.NextCursor, page.Limit));
    }

    internal static EvidenceResponse ToResponse(Guid assessmentId, Evidence e) => new(
        e.Id, e.StandardCode, e.Kind, e.Title, e.Description, e.Link, e.Shared,
        e.FileName is null ? null : new EvidenceFileResponse(e.FileName, e.FileContentType!, e.FileSize ?? 0,
            $"/api/v1/assessments/{assessmentId}/evidence/{e.Id}/file"),
        e.CreatedAt, e.CreatedBy);
}
