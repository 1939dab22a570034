using System.Globalization;
using System.Text.Json;
using FluentValidation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Fhir;

/// <summary>Which step of a bulk export an endpoint is (the contract and content negotiation differ per step).</summary>
public enum FhirExportStep
{
    KickOff,
    Status,
    Delete,
    File,
}

/// <summary>
/// FHIR Bulk Data export at system level (FHIR Bulk Data Access IG; ADR 0039), over every resource type of the facade:
/// <c>GET /fhir/$export</c> with <c>Prefer: respond-async</c> answers 202 and the status URL in Content-Location; the
/// status answers 202 with X-Progress while the worker plans, then the manifest: one NDJSON file per type and range of
/// at most FileSize resources. Files are computed when read, from the same matches and mapping as the searches, with
/// the reader's grants; only the caller who asked may poll, read or delete an export.
/// </summary>
public static class FhirExports
{
    public const string KickOffPath = "/$export";
    public const string OperationDefinition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export";
    public const string BulkDataCapabilities = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data";
    public const string NdjsonMediaType = "application/fhir+ndjson";
    public static readonly string[] OutputFormats = [NdjsonMediaType, "application/ndjson", "ndjson"];
    private const int PageSize = 200;
    private const string RetryAfterSeconds = "2";

    public static void MapFhirExports(this RouteGroupBuilder fhir)
    {
        fhir.MapGet(KickOffPath, StartFhirExport)
            .WithName(nameof(StartFhirExport))
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone)
            .WithMetadata(new FhirEndpointMetadata(new HashSet<string> { "_outputFormat", "_since", "_type", FhirSearch.Format }, null, FhirExportStep.KickOff))
            .WithSummary("FHIR bulk export: start a system-level $export (asynchronous)")
            .WithDescription("FHIR Bulk Data Access: asks for NDJSON of every resource of the facade the caller may see (or the types in _type), " +
                "changed after _since if given. Needs Prefer: respond-async. Answers 202 at once with the status URL in Content-Location; poll it. " +
                "A type the caller may not read (QuestionnaireResponse and MeasureReport for commissioners) is refused with 403 when named in _type " +
                "and left out otherwise. Each caller may have a few exports alive at once (429 beyond). Every request is audited.");
        fhir.MapGet("/$export-status/{jobId:guid}", GetFhirExportStatus)
            .WithName(nameof(GetFhirExportStatus))
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone)
            .WithMetadata(new FhirEndpointMetadata(new HashSet<string> { FhirSearch.Format }, null, FhirExportStep.Status))
            .WithSummary("FHIR bulk export: poll the status of an export")
            .WithDescription("202 with X-Progress and Retry-After while the export is planned; 200 with the manifest (application/json: " +
                "transactionTime, request, requiresAccessToken, output with each file's type, url and count) once complete, until it expires " +
                "(Expires); 500 with an OperationOutcome if it failed. An export that is not the caller's, expired or deleted answers 404.");
        fhir.MapDelete("/$export-status/{jobId:guid}", DeleteFhirExport)
            .WithName(nameof(DeleteFhirExport))
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone)
            .WithIdempotency()
            .WithMetadata(new FhirEndpointMetadata(new HashSet<string> { FhirSearch.Format }, null, FhirExportStep.Delete))
            .WithSummary("FHIR bulk export: cancel an export, or delete a finished one and its files")
            .WithDescription("Answers 202; the status and file URLs then answer 404. Audited.");
        fhir.MapGet("/$export-file/{jobId:guid}/{fileNumber:int}", GetFhirExportFile)
            .WithName(nameof(GetFhirExportFile))
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone)
            .WithMetadata(new FhirEndpointMetadata(new HashSet<string>(), null, FhirExportStep.File))
            .WithSummary("FHIR bulk export: one file of a complete export, as NDJSON")
            .WithDescription("application/fhir+ndjson: one resource per line, in the order of the type's search. Computed as it is read, with the " +
                "reader's grants of the moment and the export's window (changed after _since, not after transactionTime).");
    }

    public static async Task<IResult> StartFhirExport([AsParameters] FhirExportRequest query, [FromHeader(Name = "Prefer")] string? prefer,
        HttpContext http, Caller caller, SeQuInDbContext db, AuditTrail audit, IAuthorizationService authorization, FhirExportOptions options,
        TimeProvider clock, CancellationToken ct)
    {
        if (prefer is null || !prefer.Split(',').Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)))
        {
            return FhirResult.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid,
                "A bulk export runs asynchronously: send the header 'Prefer: respond-async'.");
        }
        var named = query._type?.Split(',').Select(t => t.Trim()).ToHashSet(StringComparer.Ordinal);
        var types = new List<string>();
        foreach (var resource in FhirResources.All)
        {
            var readable = (await authorization.AuthorizeAsync(http.User, resource.Policy)).Succeeded;
            if (named is not null && named.Contains(resource.Type) && !readable)
            {
                return FhirResult.Error(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden,
                    $"Your grants do not let you read {resource.Type} resources; leave it out of _type.");
            }
            if (readable && (named is null || named.Contains(resource.Type)))
            {
                types.Add(resource.Type);
            }
        }
        var now = clock.Now();
        var alive = await db.FhirExportJobs.CountAsync(j => j.Actor == caller.Actor && j.ExpiresAt > now, ct);
        if (alive >= options.MaxJobsPerCaller)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Retention.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return FhirResult.Error(StatusCodes.Status429TooManyRequests, OperationOutcome.IssueType.Throttled,
                $"You have {alive} exports alive, the most one caller may have: delete one you have read (DELETE its status URL), or wait for one to expire.");
        }
        var job = new FhirExportJob
        {
            Actor = caller.Actor,
            Grants = JsonSerializer.Serialize(caller.Grants, Json.Options),
            // Without scheme and host: the manifest puts in front of it the base URL the status is asked through.
            Request = KickOffPath + http.Request.QueryString,
            Types = [.. types],
            Since = query._since is null ? null : ParseInstant(query._since),
            TransactionTime = FhirSearch.Instant(now),
            ExpiresAt = now + options.Retention,
        };
        db.FhirExportJobs.Add(job);
        audit.Record("fhir-export.requested", "fhir-export", job.Id, null, new { types = job.Types, since = job.Since, query._outputFormat });
        await db.SaveChangesAsync(ct);
        http.Response.Headers.ContentLocation = StatusUrl(http.Request, job.Id);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<IResult> GetFhirExportStatus(Guid jobId, HttpContext http, Caller caller, SeQuInDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        var job = await FindAsync(db, caller, clock, jobId, ct);
        if (job is null)
        {
            return NotFound(jobId);
        }
        switch (job.Status)
        {
            case FhirExportStatus.Failed:
                return FhirResult.Error(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception, job.Error ?? "The export failed.");
            case FhirExportStatus.Complete:
                http.Response.Headers.Expires = job.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
                http.Response.Headers.CacheControl = "no-store";
                var files = FilesOf(job);
                var baseUrl = FhirApi.BaseUrl(http.Request);
                return TypedResults.Json(new FhirExportManifest(
                    job.TransactionTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    baseUrl + job.Request, true,
                    files.Select((f, i) => new FhirExportOutput(f.Type, $"{baseUrl}/$export-file/{job.Id:D}/{i + 1}", f.Count)).ToList(),
                    []), contentType: "application/json");
            default:
                http.Response.Headers["X-Progress"] = job.Progress ?? "Waiting to be planned";
                http.Response.Headers.RetryAfter = RetryAfterSeconds;
                return TypedResults.Accepted((string?)null);
        }
    }

    public static async Task<IResult> DeleteFhirExport(Guid jobId, Caller caller, SeQuInDbContext db, AuditTrail audit, TimeProvider clock,
        CancellationToken ct)
    {
        var job = await FindAsync(db, caller, clock, jobId, ct);
        if (job is null)
        {
            return NotFound(jobId);
        }
        db.FhirExportJobs.Remove(job);
        audit.Record("fhir-export.deleted", "fhir-export", job.Id, null, new { status = job.Status });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted by a concurrent request (or expired) in between: gone either way.
            return NotFound(jobId);
        }
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<IResult> GetFhirExportFile(Guid jobId, int fileNumber, HttpContext http, Caller caller, SeQuInDbContext db,
        TimeProvider clock, CancellationToken ct)
    {
        var job = await FindAsync(db, caller, clock, jobId, ct);
        var files = job is { Status: FhirExportStatus.Complete } ? FilesOf(job) : [];
        if (job is null || fileNumber < 1 || fileNumber > files.Count)
        {
            return FhirResult.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound,
                $"There is no file {fileNumber} of a complete export '{jobId:D}' of yours.");
        }
        var file = files[fileNumber - 1];
        var scope = new FhirExportScope(db, caller, http.RequestServices, job.Since, job.TransactionTime);
        return new NdjsonFile(FhirResources.All.Single(r => r.Type == file.Type).Export(scope), file);
    }

    private static Task<FhirExportJob?> FindAsync(SeQuInDbContext db, Caller caller, TimeProvider clock, Guid jobId, CancellationToken ct)
    {
        var now = clock.Now();
        return db.FhirExportJobs.SingleOrDefaultAsync(j => j.Id == jobId && j.Actor == caller.Actor && j.ExpiresAt > now, ct);
    }

    private static List<FhirExportFile> FilesOf(FhirExportJob job) =>
        job.Files is null ? [] : JsonSerializer.Deserialize<List<FhirExportFile>>(job.Files, Json.Options)!;

    private static FhirResult NotFound(Guid jobId) =>
        FhirResult.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"There is no export '{jobId:D}' of yours (it may have expired or been deleted).");

    private static string StatusUrl(HttpRequest request, Guid jobId) => $"{FhirApi.BaseUrl(request)}/$export-status/{jobId:D}";

    /// <summary>A FHIR instant: a date and time to the second or finer, with Z or an offset.</summary>
    public static DateTimeOffset? ParseInstant(string value) =>
        value.Length is >= 20 and <= 40 && value[10] == 'T' && (value.EndsWith('Z') || value[^6] is '+' or '-')
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    /// <summary>One file, written as it is read: a page of resources at a time, one compact JSON resource per line.</summary>
    private sealed class NdjsonFile(IFhirMatches matches, FhirExportFile file) : IResult
    {
        private static readonly byte[] NewLine = "\n"u8.ToArray();

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var ct = httpContext.RequestAborted;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = NdjsonMediaType;
            response.Headers.CacheControl = "no-store";
            var after = file.After;
            while (true)
            {
                var page = await matches.ReadAsync(after, file.UpTo, PageSize, ct);
                foreach (var resource in page.Resources)
                {
                    await response.Body.WriteAsync(FhirJsonSerializer.Default.SerializeToBytes(resource), ct);
                    await response.Body.WriteAsync(NewLine, ct);
                }
                if (!page.More)
                {
                    return;
                }
                after = page.LastKey;
            }
        }
    }
}

/// <summary>A bulk export request (FHIR Bulk Data Access IG, system level).</summary>
/// <param name="_outputFormat">application/fhir+ndjson (the default), application/ndjson or ndjson.</param>
/// <param name="_since">Only resources changed after this FHIR instant, e.g. 2026-11-01T00:00:00Z (the transactionTime of an earlier export).</param>
/// <param name="_type">Only these resource types, separated by commas: Organization, Questionnaire, QuestionnaireResponse, Measure, MeasureReport.</param>
public sealed record FhirExportRequest(string? _outputFormat, string? _since, string? _type);

public sealed class FhirExportRequestValidator : AbstractValidator<FhirExportRequest>
{
    public FhirExportRequestValidator()
    {
        RuleFor(q => q._outputFormat).MaximumLength(100).Must(f => f is null || FhirExports.OutputFormats.Contains(f.Trim(), StringComparer.OrdinalIgnoreCase))
            .WithMessage("'_outputFormat' must be application/fhir+ndjson, application/ndjson or ndjson: SeQuIn exports NDJSON only.");
        RuleFor(q => q._since).MaximumLength(40)
            .Must(s => s is null || FhirExports.ParseInstant(s) is not null)
            .WithMessage("'_since' must be a FHIR instant with a time zone, e.g. 2026-11-01T00:00:00Z.");
        RuleFor(q => q._type).MaximumLength(200)
            .Must(t => t is null || t.Split(',').All(type => FhirResources.All.Any(r => r.Type == type.Trim())))
            .WithMessage($"'_type' must name resource types SeQuIn serves, separated by commas: {string.Join(", ", FhirResources.All.Select(r => r.Type))}.");
    }
}

/// <summary>The complete status of a bulk export (FHIR Bulk Data Access IG): where each file is.</summary>
/// <param name="TransactionTime">The kick-off time: resources changed after it are not in the files; give it as _since to the next export.</param>
/// <param name="Request">The kick-off URL.</param>
/// <param name="RequiresAccessToken">Always true: files are read with the same credentials as the kick-off.</param>
/// <param name="Output">One entry per file: its resource type, url and the number of resources planned (a resource changed since the plan is left out).</param>
/// <param name="Error">Files of OperationOutcomes for resources that could not be exported: always empty.</param>
public sealed record FhirExportManifest(string TransactionTime, string Request, bool RequiresAccessToken, IReadOnlyList<FhirExportOutput> Output,
    IReadOnlyList<FhirExportOutput> Error);

/// <param name="Type">The resource type of every line of the file.</param>
/// <param name="Url">Where to read it (GET, same credentials, Accept: application/fhir+ndjson).</param>
/// <param name="Count">How many resources it held when planned.</param>
public sealed record FhirExportOutput(string Type, string Url, int Count);
