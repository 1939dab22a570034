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
/// <param name="AssessmentId">The assessment the rating belongs to: a copy kept in step with changedAfter and the change feed replaces an assessment's rows as a whole.</param>
/// <param name="AgreedRating">The overall area rating the participants agreed for the assessment (the same on every standard of it); null when none was recorded.</param>
/// <param name="AreaMean">The computed mean of the assessment's applicable standard ratings (the same on every standard of it).</param>
/// <param name="StaffView">The staff participant's view of this standard, when recorded.</param>
/// <param name="ServiceUserView">The service-user participant's view of this standard, when recorded.</param>
/// <param name="Confirmation">The service-user participant's own confirmation of the submission: agreed, disagreed, or null (not confirmed).</param>
public sealed record RatingExportRow(string Network, string? Collaborative, string Provider,
    [property: EnumText(typeof(Organisations.ProviderSector))] string Sector, string Unit, [property: EnumText(typeof(Organisations.SecurityLevel))] string SecurityLevel,
    string Month, string FrameworkVersion, string Area, string Standard, int? Value, bool NotApplicable, DateTimeOffset SubmittedAt, Guid AssessmentId,
    int? AgreedRating = null, decimal? AreaMean = null, int? StaffView = null, int? ServiceUserView = null,
    string? Confirmation = null);

/// <param name="from">First month, YYYY-MM.</param>
/// <param name="to">Last month, YYYY-MM.</param>
/// <param name="unitCode">Only these units (repeat the parameter for several).</param>
/// <param name="areaCode">Only these areas (repeat the parameter for several).</param>
/// <param name="updatedSince">Only ratings of assessments submitted at or after this time. Approximate: a submission is stamped before it commits, so one that commits during a pull can be older than the next pull's updatedSince and be missed, and a return or reopening is never seen. Use changedAfter for an exact incremental copy.</param>
/// <param name="limit">Page size for JSON, 1 to 10000 (default 1000).</param>
/// <param name="cursor">The nextCursor of the previous page (JSON only).</param>
/// <param name="confirmedOnly">Only the ratings of submissions the service-user participant confirmed they agree with (default false).</param>
/// <param name="changedAfter">A change-feed position: the SeQuIn-Changes-Position of an earlier export, or a next of GET /api/v1/changes. Only the ratings of assessments whose ratings were written (submitted, resubmitted, imported) after it and before this answer's own SeQuIn-Changes-Position. With the tombstones of GET /api/v1/changes?after={changedAfter}&amp;until={that position}, replace each assessment's rows: the copy is then exactly the source as of that position.</param>
public sealed record ExportQuery(string? from, string? to, string[]? unitCode, string[]? areaCode, DateTimeOffset? updatedSince, int? limit, string? cursor,
    string? changedAfter, bool? confirmedOnly = null) : IConfirmedQuery;

public sealed class ExportQueryValidator : AbstractValidator<ExportQuery>
{
    public ExportQueryValidator()
    {
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
        RuleFor(q => q.limit).InclusiveBetween(1, ExportsApi.MaxPage);
        RuleFor(q => q.cursor).Must(c => c is null || ExportsApi.TryDecode(c, out _, out _)).WithMessage("'cursor' is not a cursor this service issued.");
        RuleFor(q => q.changedAfter).Must(p => Changes.ChangesApi.TryDecode(p, out _)).WithMessage("'changedAfter' is not a position this service issued.");
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
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .AddEndpointFilter(ExportLimits.TakeSlot)
            .ReadsFromReplica()
            .Compressible()
            .WithMetadata(new ExportPositionMetadata());
        group.MapGet("/ratings", ExportRatings)
            .WithName(nameof(ExportRatings))
            .WithSummary("Submitted standard ratings in long format, as JSON pages")
            .WithDescription("Network, collaborative, provider, sector, unit, security level, month, framework version, area, standard, " +
                "value, not applicable, submission time and assessment, then the area's agreed rating and mean, the staff and service-user " +
                "views and the service user's confirmation; within your scope; ordered by assessment and standard. Follow " +
                "nextCursor to the end: there is no other cap. Every page states in SeQuIn-Changes-Position the change-feed position the " +
                "pull is consistent with (the same on every page of one pull): keep a copy with one bulk pull, then changedAfter={that position} " +
                "and the change feed's tombstones up to the next answer's position. updatedSince is the older, approximate incremental pull.");
        group.MapGet("/ratings.csv", ExportRatingsCsv)
            .WithName(nameof(ExportRatingsCsv))
            .WithSummary("Submitted standard ratings in long format, as CSV streamed at any size")
            .WithDescription("The same rows and filters as the JSON export, one CSV stream with a header row, written as it is read, " +
                "from one snapshot whose change-feed position SeQuIn-Changes-Position states.")
            .Produces<byte[]>(StatusCodes.Status200OK, CsvContract.MediaType)
            .WithCsvRows<RatingExportRow>(
                RatingsCsv.HeaderColumns,
                "The columns come in this order; the rows in the order the database reads them, not the JSON export's: sort on your side.",
                "limit",
                "cursor");
        return routes;
    }

    public static async Task<Ok<Page<RatingExportRow>>> ExportRatings(
        [AsParameters] ExportQuery query, Caller caller, SeQuInDbContext db, SeQuInMetrics metrics, HttpContext http, CancellationToken ct)
    {
        var limit = query.limit ?? 1000;
        TryDecode(query.cursor, out var after, out var carried);
        var rows = new List<RatingExportRow>(limit + 1);
        var keys = new List<(Guid, string)>(limit + 1);
        // Opened through EF so that it is closed when the pooled context is returned, not left open inside it.
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        ulong bound;
        await using (var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct))
        {
            // The bound and the rows from one snapshot; the first page's bound is carried in the cursor to the last.
            bound = Position(http, query, await ExportPosition.ReadAsync(connection, transaction, ct), carried);
            await foreach (var (key, row) in ReadAsync(connection, transaction, caller, query, Window(query, bound), after, limit + 1, ct))
            {
                rows.Add(row);
                keys.Add(key);
            }
            await transaction.CommitAsync(ct);
        }
        // The page is written after this returns, as fast as the client reads it: not while holding a pooled connection.
        await db.Database.CloseConnectionAsync();
        var more = rows.Count > limit;
        metrics.RowsExported(more ? limit : rows.Count, "json");
        return TypedResults.Ok(new Page<RatingExportRow>(more ? rows[..limit] : rows, more ? Encode(keys[limit - 1], bound) : null, limit));
    }

    public static async Task ExportRatingsCsv(
        [AsParameters] ExportQuery query, [AsParameters] ExportServices services, SeQuInDbContext db, CancellationToken ct)
    {
        var (networks, collaboratives, all) = Scope(services.Caller);
        // Opened through EF so that it is closed when the pooled context is returned, not left open inside it.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var rows = await RatingsCsv.WriteAsync((NpgsqlConnection)db.Database.GetDbConnection(), new RatingScope(all, networks, collaboratives),
                query with { cursor = null }, xmin =>
                {
                    // Before the first byte of the body: the position is a header.
                    var bound = Position(services.Http, query, xmin, carried: null);
                    services.Http.Response.ContentType = "text/csv; charset=utf-8";
                    services.Http.Response.Headers.ContentDisposition = "attachment; filename=\"sequin-ratings.csv\"";
                    return Window(query, bound);
                }, services.Http.Response.BodyWriter, services.Limits.WriteTimeout, ct);
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

    /// <summary>
    /// The position an answer states (ADR 0027): the xmin of its snapshot, or the bound the pull's first page took. A
    /// replica that has not yet replayed every transaction before that bound (a later page of a pull that began on the
    /// primary or another replica), or that is behind the caller's changedAfter, would answer wrongly or uselessly: the
    /// primary answers instead (<see cref="ReplicaBehindException"/>).
    /// </summary>
    private static ulong Position(HttpContext http, ExportQuery query, ulong xmin, ulong? carried)
    {
        // A feed position inside a transaction's entries (position > 0) says that transaction has finished: a server
        // whose xmin is not past it has not replayed it. An export's position (bound, 0) needs the bound itself.
        Changes.ChangesApi.TryDecode(query.changedAfter, out var changedAfter);
        var reached = changedAfter.Position > 0 ? changedAfter.Transaction + 1 : changedAfter.Transaction;
        if (ReplicaReads.AnsweredByReplica(http) && (xmin < (carried ?? 0) || xmin < reached))
        {
            throw new ReplicaBehindException();
        }
        var bound = carried ?? xmin;
        http.Response.Headers[Changes.ChangesApi.PositionHeader] = Changes.ChangesApi.Encode((bound, 0));
        return bound;
    }

    /// <summary>
    /// Which rows' transactions an answer covers: from changedAfter's transaction (included: a feed position can stand in
    /// the middle of a transaction's entries, and resending a transaction's rows is harmless) up to the bound (excluded:
    /// those rows are the next pull's). A pull by updatedSince alone keeps its old meaning and has no upper bound, since
    /// its next pull would not look back for rows held over.
    /// </summary>
    private static ExportWindow Window(ExportQuery query, ulong bound)
    {
        ulong? from = query.changedAfter is not null && Changes.ChangesApi.TryDecode(query.changedAfter, out var after) ? after.Transaction : null;
        return new ExportWindow(from, query.updatedSince is not null && from is null ? null : bound);
    }

    private static async IAsyncEnumerable<((Guid, string) Key, RatingExportRow Row)> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Caller caller, ExportQuery query, ExportWindow window, (Guid Assessment, string Standard)? after, int take,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var (networks, collaboratives, all) = Scope(caller);
        var sql = new System.Text.StringBuilder("""
            SELECT s.assessment_id, s.standard_code, n.code, c.code, p.code, s.sector, u.code, s.security_level, s.month,
                   s.framework_identifier, s.area_code, s.value, s.not_applicable, s.submitted_at,
                   a.agreed_rating, a.mean, s.staff_view, s.service_user_view, a.confirmation
            FROM standard_results s
            LEFT JOIN area_results a ON a.assessment_id = s.assessment_id
            JOIN units u ON u.id = s.unit_id
            JOIN providers p ON p.id = u.provider_id
            JOIN networks n ON n.id = s.network_id
            LEFT JOIN collaboratives c ON c.id = s.collaborative_id
            WHERE (@all OR s.network_id = ANY(@networks) OR s.collaborative_id = ANY(@collaboratives))
            """);
        await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
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
        if (query.confirmedOnly == true)
        {
            sql.Append(" AND a.confirmation = 'Agreed'");
        }
        if (query.updatedSince is { } since)
        {
            sql.Append(" AND s.submitted_at >= @since");
            command.Parameters.AddWithValue("since", since.ToUniversalTime());
        }
        if (window.From is { } changedFrom)
        {
            sql.Append(" AND s.transaction_id >= @changedFrom::text::xid8");
            command.Parameters.AddWithValue("changedFrom", changedFrom.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (window.Below is { } below)
        {
            sql.Append(" AND s.transaction_id < @below::text::xid8");
            command.Parameters.AddWithValue("below", below.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            var assessment = reader.GetGuid(0);
            var standard = reader.GetString(1);
            yield return ((assessment, standard), new RatingExportRow(
                reader.GetString(2), await reader.IsDBNullAsync(3, ct) ? null : reader.GetString(3), reader.GetString(4),
                Kebab(reader.GetString(5)), reader.GetString(6), Kebab(reader.GetString(7)),
                Months.Format(reader.GetFieldValue<DateOnly>(8)), reader.GetString(9), reader.GetString(10), standard,
                await reader.IsDBNullAsync(11, ct) ? null : reader.GetInt32(11), reader.GetBoolean(12), reader.GetFieldValue<DateTimeOffset>(13),
                assessment,
                await reader.IsDBNullAsync(14, ct) ? null : reader.GetInt32(14), await reader.IsDBNullAsync(15, ct) ? null : reader.GetDecimal(15),
                await reader.IsDBNullAsync(16, ct) ? null : reader.GetInt32(16), await reader.IsDBNullAsync(17, ct) ? null : reader.GetInt32(17),
                await reader.IsDBNullAsync(18, ct) ? null : Kebab(reader.GetString(18))));
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

    /// <summary>The last row's key and the pull's bound: <c>x{bound}|{assessment}|{standard}</c>.</summary>
    private static string Encode((Guid Assessment, string Standard) key, ulong bound) =>
        Paging.Encode(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"x{bound}|{key.Assessment:N}|{key.Standard}"));

    /// <summary>Reads a cursor; one issued before exports stated positions (<c>{assessment}|{standard}</c>) carries no bound.</summary>
    internal static bool TryDecode(string? cursor, out (Guid Assessment, string Standard)? key, out ulong? bound)
    {
        key = null;
        bound = null;
        if (!Paging.TryDecode(cursor, out var text) || text is null)
        {
            return cursor is null;
        }
        if (text.StartsWith('x'))
        {
            var split = text.IndexOf('|', StringComparison.Ordinal);
            if (split < 0 || !ulong.TryParse(text.AsSpan(1, split - 1), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var carried))
            {
                return false;
            }
            bound = carried;
            text = text[(split + 1)..];
        }
        var parts = text.Split('|', 2);
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var assessment))
        {
            bound = null;
            return false;
        }
        key = (assessment, parts[1]);
        return true;
    }
}

/// <summary>The transactions whose rows an export answer holds: from <see cref="From"/> (when changedAfter is given) to below <see cref="Below"/>.</summary>
internal readonly record struct ExportWindow(ulong? From, ulong? Below);

/// <summary>Marks the endpoints whose answers state their change-feed position (documented in the contract).</summary>
public sealed class ExportPositionMetadata;

/// <summary>Where an export stands in the change feed (ADR 0027).</summary>
internal static class ExportPosition
{
    /// <summary>
    /// The first statements of an export's REPEATABLE READ transaction: make it read-only and take its snapshot, whose
    /// xmin is returned. Every transaction below it has finished, so the rows the snapshot shows with a transaction id
    /// below it are exactly those transactions' work, and any transaction that commits later has an id at or above it.
    /// </summary>
    public static async Task<ulong> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", connection, transaction);
        return ulong.Parse((string)(await command.ExecuteScalarAsync(ct))!, System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Declares <see cref="Changes.ChangesApi.PositionHeader"/> on the 200 answer of every export that states its position.</summary>
internal sealed class ExportPositionContract : Swashbuckle.AspNetCore.SwaggerGen.IOperationFilter
{
    public void Apply(Microsoft.OpenApi.OpenApiOperation operation, Swashbuckle.AspNetCore.SwaggerGen.OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ExportPositionMetadata>().Any()
            || operation.Responses?.TryGetValue("200", out var ok) != true || ok is not Microsoft.OpenApi.OpenApiResponse concrete)
        {
            return;
        }
        concrete.Headers ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiHeader>();
        concrete.Headers[Changes.ChangesApi.PositionHeader] = new Microsoft.OpenApi.OpenApiHeader
        {
            Description = "The change-feed position this answer is consistent with: every rating written before it is in the answer " +
                          "(within its filters), none written after it unless only updatedSince was given. The same encoding as the " +
                          "feed's next: GET /api/v1/changes?after={it} continues exactly from this answer, and changedAfter={it} is the " +
                          "next incremental pull. Every page of one JSON pull states the same position.",
            Required = true,
            Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, MaxLength = 200 },
        };
    }
}
