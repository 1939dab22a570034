using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Observability;

namespace SeQuIn.Api.Assessments;

/// <summary>One standard's rating in one historical assessment (long format: one row per standard).</summary>
/// <param name="AgreedRating">The area's agreed overall rating; give it on every row of the assessment, or on none.</param>
/// <param name="FrameworkVersion">The version the rating was made against; the active one when omitted.</param>
public sealed record ImportRow(string UnitCode, string AreaCode, string Month, string StandardCode, int? Value = null,
    bool NotApplicable = false, string? NotApplicableReason = null, int? AgreedRating = null, string? FrameworkVersion = null);

/// <summary>Historical assessments as rows; CSV with the same column names is accepted too.</summary>
public sealed record ImportDocument(IReadOnlyList<ImportRow> Rows);

/// <summary>What an import did (or, on a dry run, would do).</summary>
public sealed record ImportReport(bool DryRun, bool Applied, int Rows, int Assessments, IReadOnlyList<Guid> AssessmentIds);

/// <summary>
/// Bulk import of history, streamed: each row is checked as it arrives and copied into a staging table of the
/// import's transaction (<see cref="ImportStaging"/>); once the document has ended, the rules that need other rows
/// are checked there, and a clean document is stored in the same transaction. Any problem refuses the whole document
/// with every bad row named — never partly applied. There is no row cap: a document costs time in proportion to its
/// length, and memory only for the row being read (and for the problems named, up to <see cref="MaxProblems"/>).
/// </summary>
public static class AssessmentImport
{
    /// <summary>Problems named in one answer; past these the document is plainly not the history it was meant to be.</summary>
    public const int MaxProblems = 250_000;

    /// <summary>Bytes one document may have unless <c>SeQuIn:Import:MaxBodyBytes</c> says otherwise.</summary>
    public const long DefaultMaxBodyBytes = 4L * 1024 * 1024 * 1024;

    public static IEndpointRouteBuilder MapAssessmentImportApi(this IEndpointRouteBuilder routes)
    {
        var maxBytes = routes.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<long?>("SeQuIn:Import:MaxBodyBytes") ?? DefaultMaxBodyBytes;
        routes.MapPost("/api/v1/assessments/import", ImportAssessments)
            .WithTags("Assessments")
            .WithName(nameof(ImportAssessments))
            .WithIdempotency()
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin)
            .WithSummary("Import historical assessments from one JSON or CSV document, all or nothing")
            .WithDescription(
                "One row per standard rating (JSON {\"rows\": [...]} or CSV with the columns unitCode, areaCode, month, standardCode, value, " +
                "notApplicable, notApplicableReason, agreedRating, frameworkVersion). The document is read as it arrives, with no row cap: " +
                "ten years of a network's history is one request. Every row is checked; any problem refuses the whole document with each bad row " +
                $"named (422; at most {MaxProblems:N0} problems are named in one answer). With dryRun=true nothing is stored either way. " +
                "A document that cannot be read as rows (malformed JSON or CSV, a cell that is not a number) is refused with 400 naming the row.")
            .Accepts<ImportDocument>("application/json", CsvContract.MediaType)
            .WithCsvRows<ImportRow>(ImportReading.CsvColumns,
                "The columns may come in any order; unitCode, areaCode, month and standardCode are required, the others may be left out.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(maxBytes))
            .WithMetadata(new StreamedRequestBody());
        return routes;
    }

    /// <param name="dryRun">Check only: report what would be imported, store nothing.</param>
    public static async Task<Results<Ok<ImportReport>, ValidationProblem, UnprocessableProblem>> ImportAssessments(
        bool? dryRun, [AsParameters] AssessmentServices services, SeQuInMetrics metrics, CancellationToken ct)
    {
        var (caller, http, db, audit, clock) = services;
        var request = http.Request;
        var rows = (request.ContentType?.Split(';')[0].Trim().ToLowerInvariant()) switch
        {
            "application/json" => ImportReading.ReadJsonAsync(request.Body, ct),
            "text/csv" => ImportReading.ReadCsvAsync(request.Body, ct),
            _ => throw new BadHttpRequestException("Send JSON or CSV.", StatusCodes.Status415UnsupportedMediaType),
        };
        var checks = await ImportChecks.LoadAsync(db, caller, clock, ct);
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        var problems = new List<ImportProblem>();
        var networks = new HashSet<Guid>();
        int count;
        await using (var staging = await ImportStaging.OpenAsync((NpgsqlConnection)db.Database.GetDbConnection(), ct))
        {
            try
            {
                await foreach (var row in rows)
                {
                    var index = staging.Rows;
                    if (checks.Check(row, index, problems) is { } line)
                    {
                        networks.Add(line.NetworkId);
                        await staging.AddAsync(line, ct);
                    }
                    else
                    {
                        await staging.AddBadAsync(index, row, ct);
                    }
                    if (problems.Count >= MaxProblems)
                    {
                        break;
                    }
                }
            }
            catch (ImportDocumentProblem problem)
            {
                return ApiProblems.Invalid(problem.Field, problem.Message);
            }
            count = staging.Rows;
            if (count == 0)
            {
                return ApiProblems.Invalid("rows", "The document must hold at least one row.");
            }
            if (problems.Count < MaxProblems)
            {
                problems.AddRange(await staging.CheckAsync(MaxProblems - problems.Count, ct));
            }
            if (problems.Count > 0)
            {
                return new UnprocessableProblem(ApiProblems.Unprocessable(Named(problems)));
            }
            var ids = await staging.PlanAssessmentsAsync(ct);
            if (dryRun == true)
            {
                metrics.RowsImported(count, dryRun: true);
                return TypedResults.Ok(new ImportReport(true, false, count, ids.Count, ids));
            }
            var now = clock.Now();
            await staging.StoreAsync(caller.Actor, now, ct);
            // History closes actions by evidence like a submission does, in the same transaction (ADR 0034).
            await Actions.ClosedByEvidence.ApplyToImportAsync(db, audit, ids, now, ct);
            audit.Record("assessments.imported", "assessment-import", Guid.CreateVersion7(), networks.Count == 1 ? networks.Single() : null,
                new { rows = count, assessments = ids.Count, assessmentIds = ids });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            metrics.RowsImported(count, dryRun: false);
            return TypedResults.Ok(new ImportReport(false, true, count, ids.Count, ids));
        }
    }

    /// <summary>Problems by the field a sender would fix, in the order of the document.</summary>
    private static Dictionary<string, string[]> Named(List<ImportProblem> problems) =>
        problems.OrderBy(p => p.Index)
            .GroupBy(p => $"rows[{p.Index}].{p.Field}")
            .ToDictionary(g => g.Key, g => g.Select(p => $"Row {p.Index + 1}: {p.Message}").ToArray());
}
