using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Replica;
using SeQuIn.Api.Observability;

namespace SeQuIn.Api.Benchmarks;

/// <summary>One standard rating of a submitted assessment, in long format for analysts.</summary>
/// <param name="Sector">The sector of the unit's provider.</param>
/// <param name="SecurityLevel">The unit's level of security.</param>
public sealed record RatingExportRow(string Network, string? Collaborative, string Provider,
    [property: EnumText(typeof(Organisations.ProviderSector))] string Sector, string Unit, [property: EnumText(typeof(Organisations.SecurityLevel))] string SecurityLevel,
    string Month, string FrameworkVersion, string Area, string Standard, int? Value, bool NotApplicable, DateTimeOffset SubmittedAt);

/// <param name="from">First month, YYYY-MM.</param>
/// <param name="to">Last month, YYYY-MM.</param>
/// <param name="unitCode">Only these units (repeat the parameter for several).</param>
/// <param name="areaCode">Only these areas (repeat the parameter for several).</param>
/// <param name="updatedSince">Only ratings of assessments submitted at or after this time (incremental sync).</param>
/// <param name="limit">Page size for JSON, 1 to 10000 (default 1000).</param>
/// <param name="cursor">The nextCursor of the previous page (JSON only).</param>
public sealed record ExportQuery(string? from, string? to, string[]? unitCode, string[]? areaCode, DateTimeOffset? updatedSince, int? limit, string? cursor);

public sealed class ExportQueryValidator : AbstractValidator<ExportQuery>
{
    public ExportQueryValidator()
    {
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
        RuleFor(q => q.limit).InclusiveBetween(1, ExportsApi.MaxPage);
        RuleFor(q => q.cursor).Must(c => c is null || ExportsApi.TryDecode(c, out _)).WithMessage("'cursor' is not a cursor this service issued.");
        RuleFor(q => q.unitCode).Must(u => u is null || u.Length <= 1000).WithMessage("At most 1000 unit codes.");
        // No code holds a control character, and PostgreSQL text cannot hold NUL at all.
        RuleFor(q => q.unitCode).Must(NoControlCharacters).WithMessage("'unitCode' must not contain control characters.");
        RuleFor(q => q.areaCode).Must(NoControlCharacters).WithMessage("'areaCode' must not contain control characters.");
    }

    private static bool NoControlCharacters(string[]? codes) => codes is null || !codes.Any(code => code.Any(char.IsControl));
}

/// <summary>
/// Analyst pulls of submitted standard ratings in long format: JSON pages with a keyset cursor and no hidden
/// cap, or CSV streamed row by row at any size. Hand-written SQL over the summaries: this is the hot path for
/// national-scale pulls, so it reads with one forward-only cursor and never materialises the result. The CSV
/// stream is <see cref="RatingsCsv"/>: a binary COPY of the narrow columns, codes resolved in the service.
/// </summary>
public static class ExportsApi
{
    public const int MaxPage = 10_000;

    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/exports")
            .WithTags("Exports")
            .WithValidation()
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone)
            .AddEndpointFilter(ExportLimits.TakeSlot)
            .ReadsFromReplica()
            .Compressible();
        group.MapGet("/ratings", ExportRatings)
            .WithName(nameof(ExportRatings))
            .WithSummary("Submitted standard ratings in long format, as JSON pages")
            .WithDescription("Network, collaborative, provider, sector, unit, security level, month, framework version, area, standard, " +
                "value, not applicable and submission time; within your scope; ordered by assessment and standard. Follow " +
                "nextCursor to the end: there is no other cap. updatedSince gives an incremental sync.");
        group.MapGet("/ratings.csv", ExportRatingsCsv)
            .WithName(nameof(ExportRatingsCsv))
            .WithSummary("Submitted standard ratings in long format, as CSV streamed at any size")
            .WithDescription("The same rows and filters as the JSON export, one CSV stream with a header row, written as it is read.")
            .Produces<byte[]>(StatusCodes.Status200OK, CsvContract.MediaType)
            .WithCsvRows<RatingExportRow>(
                RatingsCsv.HeaderColumns,
                "The columns come in this order; the rows in the order the database reads them, not the JSON export's: sort on your side.",
                "limit",
                "cursor");
        return routes;
    }

    public static async Task<Ok<Page<RatingExportRow>>> ExportRatings(
        [AsParameters] ExportQuery query, Caller caller, SeQuInDbContext db, SeQuInMetrics metrics, CancellationToken ct)
    {
        var limit = query.limit ?? 1000;
        TryDecode(query.cursor, out var after);
        var rows = new List<RatingExportRow>(limit + 1);
        var keys = new List<(Guid, string)>(limit + 1);
        await foreach (var (key, row) in ReadAsync(db, caller, query, after, limit + 1, ct))
        {
            rows.Add(row);
            keys.Add(key);
        }
        // The page is written after this returns, as fast as the client reads it: not while holding a pooled connection.
        await db.Database.CloseConnectionAsync();
        var more = rows.Count > limit;
        metrics.RowsExported(more ? limit : rows.Count, "json");
        return TypedResults.Ok(new Page<RatingExportRow>(more ? rows[..limit] : rows, more ? Encode(keys[limit - 1]) : null, limit));
    }

    public static async Task ExportRatingsCsv(
        [AsParameters] ExportQuery query, [AsParameters] ExportServices services, SeQuInDbContext db, CancellationToken ct)
    {
        services.Http.Response.ContentType = "text/csv; charset=utf-8";
        services.Http.Response.Headers.ContentDisposition = "attachment; filename=\"sequin-ratings.csv\"";
        var (networks, collaboratives, all) = Scope(services.Caller);
        // Opened through EF so that it is closed when the pooled context is returned, not left open inside it.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var rows = await RatingsCsv.WriteAsync((NpgsqlConnection)db.Database.GetDbConnection(), new RatingScope(all, networks, collaboratives),
                query with { cursor = null }, services.Http.Response.BodyWriter, services.Limits.WriteTimeout, ct);
            services.Metrics.RowsExported(rows, "csv");
        }
        catch (ClientStalledException stalled)
        {
            // The answer has begun: all that is left to tell the client is to drop the connection.
            services.Logger.LogInformation("CSV export abandoned: {Reason}", stalled.Message);
            services.Http.Abort();
        }
        catch (Exception fault) when (services.Http.Response.HasStarted && ApiExceptionHandler.DatabaseUnavailable(fault))
        {
            // The database went away mid-file (a restart, a failover): a 503 can no longer be sent, so the connection
            // is dropped and the client sees a cut-off file, never one that looks complete. A fault of the database,
            // not of the code: a warning without a stack, as the 503s are logged.
            services.Logger.LogWarning("CSV export cut off by the database: {Reason}", fault.Message);
            TransientRetry.ForgetBrokenConnectionsIfLost(services.Http, fault);
            services.Http.Abort();
        }
    }

    private static async IAsyncEnumerable<((Guid, string) Key, RatingExportRow Row)> ReadAsync(SeQuInDbContext db, Caller caller, ExportQuery query,
        (Guid Assessment, string Standard)? after, int take, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var (networks, collaboratives, all) = Scope(caller);
        var sql = new System.Text.StringBuilder("""
            SELECT s.assessment_id, s.standard_code, n.code, c.code, p.code, s.sector, u.code, s.security_level, s.month,
                   s.framework_identifier, s.area_code, s.value, s.not_applicable, s.submitted_at
            FROM standard_results s
            JOIN units u ON u.id = s.unit_id
            JOIN providers p ON p.id = u.provider_id
            JOIN networks n ON n.id = s.network_id
            LEFT JOIN collaboratives c ON c.id = s.collaborative_id
            WHERE (@all OR s.network_id = ANY(@networks) OR s.collaborative_id = ANY(@collaboratives))
            """);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand { Connection = connection };
        command.Parameters.AddWithValue("all", all);
        command.Parameters.AddWithValue("networks", networks);
        command.Parameters.AddWithValue("collaboratives", collaboratives);
        if (query.from is not null)
        {
            sql.Append(" AND s.month >= @from");
            command.Parameters.AddWithValue("from", Months.Parse(query.from));
        }
        if (query.to is not null)
        {
            sql.Append(" AND s.month <= @to");
            command.Parameters.AddWithValue("to", Months.Parse(query.to));
        }
        if (query.unitCode is { Length: > 0 })
        {
            sql.Append(" AND u.code = ANY(@units)");
            command.Parameters.AddWithValue("units", query.unitCode);
        }
        if (query.areaCode is { Length: > 0 })
        {
            sql.Append(" AND s.area_code = ANY(@areas)");
            command.Parameters.AddWithValue("areas", query.areaCode);
        }
        if (query.updatedSince is { } since)
        {
            sql.Append(" AND s.submitted_at >= @since");
            command.Parameters.AddWithValue("since", since.ToUniversalTime());
        }
        if (after is { } key)
        {
            sql.Append(" AND (s.assessment_id, s.standard_code) > (@afterAssessment, @afterStandard)");
            command.Parameters.AddWithValue("afterAssessment", key.Assessment);
            command.Parameters.AddWithValue("afterStandard", key.Standard);
        }
        // A page follows the primary key's order: a keyset the index serves directly.
        sql.Append(" ORDER BY s.assessment_id, s.standard_code LIMIT @take");
        command.Parameters.AddWithValue("take", take);
        command.CommandText = sql.ToString();
        // Opened through EF so that it is closed when the pooled context is returned, not left open inside it.
        await db.Database.OpenConnectionAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            var assessment = reader.GetGuid(0);
            var standard = reader.GetString(1);
            yield return ((assessment, standard), new RatingExportRow(
                reader.GetString(2), await reader.IsDBNullAsync(3, ct) ? null : reader.GetString(3), reader.GetString(4),
                Kebab(reader.GetString(5)), reader.GetString(6), Kebab(reader.GetString(7)),
                Months.Format(reader.GetFieldValue<DateOnly>(8)), reader.GetString(9), reader.GetString(10), standard,
                await reader.IsDBNullAsync(11, ct) ? null : reader.GetInt32(11), reader.GetBoolean(12), reader.GetFieldValue<DateTimeOffset>(13)));
        }
    }

    /// <summary>
    /// Submitted results are read across a caller's networks, and by collaborative analysts for their collaborative:
    /// exactly the units disclosure control treats as seen by the caller (<see cref="Viewer"/>), so no export row is
    /// about a unit whose figures the benchmarks protect from it.
    /// </summary>
    private static (Guid[] Networks, Guid[] Collaboratives, bool All) Scope(Caller caller) =>
        (caller.Scope.ResultNetworks.Ids, caller.Scope.ResultCollaboratives.Ids, caller.Scope.ResultNetworks.All);

    // A handful of distinct enum names, converted once rather than once per exported row.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> KebabNames = new();

    internal static string Kebab(string enumName) =>
        KebabNames.GetOrAdd(enumName, static name => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(name));

    private static string Encode((Guid Assessment, string Standard) key) => Paging.Encode($"{key.Assessment:N}|{key.Standard}");

    internal static bool TryDecode(string? cursor, out (Guid Assessment, string Standard)? key)
    {
        key = null;
        if (!Paging.TryDecode(cursor, out var text) || text is null)
        {
            return cursor is null;
        }
        var parts = text.Split('|', 2);
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var assessment))
        {
            return false;
        }
        key = (assessment, parts[1]);
        return true;
    }
}
