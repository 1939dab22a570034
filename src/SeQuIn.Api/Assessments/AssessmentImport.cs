using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;
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
/// Bulk import of history: the whole document is checked first, then applied in one transaction, or refused
/// with every bad row named — never partly applied. Imported assessments are submitted and marked imported.
/// </summary>
public static class AssessmentImport
{
    public const int MaxRows = 200_000;
    internal static readonly string[] CsvColumns =
        ["unitCode", "areaCode", "month", "standardCode", "value", "notApplicable", "notApplicableReason", "agreedRating", "frameworkVersion"];

    public static IEndpointRouteBuilder MapAssessmentImportApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/assessments/import", ImportAssessments).WithTags("Assessments").WithName(nameof(ImportAssessments))
            .WithIdempotency()
            .RequireAuthorization(Policies.NetworkAdmin).WithRoles(Role.NetworkAdmin)
            .WithSummary("Import historical assessments from one JSON or CSV document, all or nothing")
            .WithDescription("One row per standard rating (JSON {\"rows\": [...]} or CSV with the columns unitCode, areaCode, month, standardCode, value, notApplicable, notApplicableReason, agreedRating, frameworkVersion). Every row is checked first; any problem refuses the whole document with each bad row named (422). With dryRun=true nothing is stored either way.")
            .Accepts<ImportDocument>("application/json", CsvContract.MediaType)
            .WithCsvRows<ImportRow>(CsvColumns, "The columns may come in any order; unitCode, areaCode, month and standardCode are required, the others may be left out.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64 * 1024 * 1024));
        return routes;
    }

    /// <param name="dryRun">Check only: report what would be imported, store nothing.</param>
    public static async Task<Results<Ok<ImportReport>, ValidationProblem, UnprocessableProblem>> ImportAssessments(
        bool? dryRun, HttpRequest request, Caller caller, SeQuInDbContext db, AuditTrail audit, TimeProvider clock, SeQuInMetrics metrics,
        CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        List<ImportRow> rows;
        try
        {
            rows = mediaType switch
            {
                "application/json" => await ReadJsonAsync(request.Body, ct),
                "text/csv" => await ReadCsvAsync(request.Body, ct),
                _ => throw new BadHttpRequestException("Send JSON or CSV.", StatusCodes.Status415UnsupportedMediaType),
            };
        }
        catch (JsonException exception)
        {
            var (field, message) = JsonErrorTranslator.Translate(exception);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
        }
        catch (CsvProblem problem)
        {
            return ApiProblems.Invalid(problem.Field, problem.Message);
        }
        if (rows.Count == 0 || rows.Count > MaxRows)
        {
            return ApiProblems.Invalid("rows", $"The document must hold 1 to {MaxRows} rows.");
        }

        if (InputShape.Check(new ImportDocument(rows)) is { Count: > 0 } malformed)
        {
            return TypedResults.ValidationProblem(ValidationFilter.ToDictionary(malformed));
        }

        var plan = await ImportPlanner.PlanAsync(rows, caller, db, clock, ct);
        if (plan.Errors.Count > 0)
        {
            return new UnprocessableProblem(ApiProblems.Unprocessable(plan.Errors));
        }
        var ids = plan.Assessments.Select(a => a.Id).ToList();
        if (dryRun == true)
        {
            metrics.RowsImported(rows.Count, dryRun: true);
            return TypedResults.Ok(new ImportReport(true, false, rows.Count, ids.Count, ids));
        }
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        db.Assessments.AddRange(plan.Assessments);
        audit.Record("assessments.imported", "assessment-import", Guid.CreateVersion7(), plan.NetworkId,
            new { rows = rows.Count, assessments = ids.Count, assessmentIds = ids });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        metrics.RowsImported(rows.Count, dryRun: false);
        return TypedResults.Ok(new ImportReport(false, true, rows.Count, ids.Count, ids));
    }

    private static ImportRow ToRow(Dictionary<string, string?> cells, int index, int line)
    {
        int? Number(string column) => cells[column] is not { } value
            ? null
            : int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new CsvProblem($"rows[{index}].{column}", $"Row {index + 1} (line {line}): '{column}' must be a whole number.");
        var notApplicable = cells["notApplicable"]?.ToLowerInvariant() switch
        {
            null or "false" or "0" or "no" => false,
            "true" or "1" or "yes" => true,
            _ => throw new CsvProblem($"rows[{index}].notApplicable", $"Row {index + 1} (line {line}): 'notApplicable' must be true or false."),
        };
        return new ImportRow(cells["unitCode"] ?? "", cells["areaCode"] ?? "", cells["month"] ?? "", cells["standardCode"] ?? "",
            Number("value"), notApplicable, cells["notApplicableReason"], Number("agreedRating"), cells["frameworkVersion"]);
    }

    private sealed class CsvProblem(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    /// <summary>
    /// Reads the rows as the body arrives and stops at the first row past <see cref="MaxRows"/>: a 64 MB document
    /// of tiny rows is refused after its first few MB, not parsed (and held) whole.
    /// </summary>
    private static async Task<List<ImportRow>> ReadJsonAsync(Stream body, CancellationToken ct)
    {
        try
        {
            var document = await JsonSerializer.DeserializeAsync<CappedDocument>(body, Json.Options, ct);
            return document?.Rows is { } rows ? [.. rows] : [];
        }
        catch (RowCapReached reached)
        {
            return reached.Rows;
        }
    }

    /// <summary>The JSON document as read: the same shape as <see cref="ImportDocument"/>.</summary>
    private sealed class CappedDocument
    {
        public RowsUpToCap? Rows { get; init; }
    }

    /// <summary>Filled by the serializer element by element; the first row past the cap ends the reading.</summary>
    private sealed class RowsUpToCap : System.Collections.ObjectModel.Collection<ImportRow>
    {
        protected override void InsertItem(int index, ImportRow item)
        {
            base.InsertItem(index, item);
            if (Count > MaxRows)
            {
                throw new RowCapReached([.. this]);
            }
        }
    }

    /// <summary>Ends deserialization early: the serializer has no other way to be told to stop.</summary>
    private sealed class RowCapReached(List<ImportRow> rows) : Exception
    {
        public List<ImportRow> Rows { get; } = rows;
    }

    /// <summary>
    /// Reads the CSV as the body arrives, stopping at the first row past <see cref="MaxRows"/>. The header is read
    /// as an ordinary row, so that a column named twice is an answer naming it, not a parser's exception.
    /// </summary>
    private static async Task<List<ImportRow>> ReadCsvAsync(Stream body, CancellationToken ct)
    {
        using var reader = await Sep.Reader(o => o with { HasHeader = false, Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true })
            .FromAsync(body, ct);
        string[] header = [];
        if (await reader.MoveNextAsync(ct))
        {
            var first = reader.Current;
            header = new string[first.ColCount];
            for (var i = 0; i < header.Length; i++)
            {
                header[i] = first[i].ToString();
            }
        }
        var duplicate = header.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(names => names.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new CsvProblem("body", $"The CSV header names the column '{duplicate}' more than once.");
        }
        var missing = CsvColumns[..4].Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new CsvProblem("body", $"The CSV header must name the columns {string.Join(", ", CsvColumns)}; missing: {string.Join(", ", missing)}.");
        }
        var unknown = header.Except(CsvColumns).ToList();
        if (unknown.Count > 0)
        {
            throw new CsvProblem("body", $"Unknown CSV columns: {string.Join(", ", unknown)}.");
        }
        var rows = new List<ImportRow>();
        var indexOf = CsvColumns.ToDictionary(column => column, column => Array.IndexOf(header, column));
        while (rows.Count <= MaxRows && await reader.MoveNextAsync(ct))
        {
            var row = reader.Current;
            if (row.ColCount != header.Length)
            {
                throw new CsvProblem($"rows[{rows.Count}]",
                    $"Row {rows.Count + 1} (line {row.LineNumberFrom}) has {row.ColCount} columns where the header names {header.Length}; check for a missing value or an unclosed quote.");
            }
            var cells = new Dictionary<string, string?>();
            foreach (var (column, index) in indexOf)
            {
                cells[column] = index >= 0 && row[index].ToString() is { Length: > 0 } value ? value : null;
            }
            rows.Add(ToRow(cells, rows.Count, row.LineNumberFrom));
        }
        return rows;
    }
}

/// <summary>Checks every row against the database and builds the assessments, or lists every problem by row.</summary>
internal sealed class ImportPlanner
{
    public Dictionary<string, string[]> Errors { get; } = [];
    public List<Assessment> Assessments { get; } = [];
    public Guid? NetworkId { get; private set; }

    public static async Task<ImportPlanner> PlanAsync(List<ImportRow> rows, Caller caller, SeQuInDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var planner = new ImportPlanner();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var currentMonth = Months.Current(clock);

        var unitCodes = rows.Select(r => r.UnitCode).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => unitCodes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, ct);
        var versionNames = rows.Select(r => r.FrameworkVersion).OfType<string>().Distinct().ToList();
        var versions = await db.FrameworkVersions.AsNoTracking()
            .Where(v => versionNames.Contains(v.Identifier) || v.Status == FrameworkStatus.Active)
            .Select(v => new { v.Id, v.Identifier, v.Status, v.AllowNotApplicable, Min = v.Scale.Min(p => p.Value), Max = v.Scale.Max(p => p.Value) })
            .ToListAsync(ct);
        var active = versions.SingleOrDefault(v => v.Status == FrameworkStatus.Active);
        var versionIds = versions.Select(v => v.Id).ToList();
        var areas = await db.Areas.AsNoTracking().Include(a => a.Standards).Where(a => versionIds.Contains(a.FrameworkVersionId)).ToListAsync(ct);

        // Groups with a bad row are not checked for completeness: the bad row is the problem to report.
        var failedGroups = new HashSet<(string, string, string)>();
        void Fail(int index, string field, string message)
        {
            failedGroups.Add((rows[index].UnitCode, rows[index].AreaCode, rows[index].Month));
            var key = $"rows[{index}].{field}";
            planner.Errors[key] = [.. planner.Errors.GetValueOrDefault(key) ?? [], $"Row {index + 1}: {message}"];
        }

        var parsed = new List<(int Index, ImportRow Row, Organisations.Unit Unit, Area Area, Guid VersionId, string Version, DateOnly Month, Guid StandardId)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (!units.TryGetValue(row.UnitCode, out var unit))
            {
                Fail(i, "unitCode", $"there is no unit '{row.UnitCode}'.");
                continue;
            }
            if (!caller.Scope.AdministersUnit(new UnitPlace(unit.Id, unit.NetworkId, unit.CollaborativeId)))
            {
                Fail(i, "unitCode", $"unit '{row.UnitCode}' is not in a network you administer.");
                continue;
            }
            var version = row.FrameworkVersion is null ? active : versions.SingleOrDefault(v => v.Identifier == row.FrameworkVersion);
            if (version is null)
            {
                Fail(i, "frameworkVersion", row.FrameworkVersion is null ? "no framework version is active." : $"there is no framework version '{row.FrameworkVersion}'.");
                continue;
            }
            if (version.Status == FrameworkStatus.Draft)
            {
                Fail(i, "frameworkVersion", $"framework version '{version.Identifier}' is a draft: history is rated against an active or retired version.");
                continue;
            }
            if (!Months.TryParse(row.Month, out var month))
            {
                Fail(i, "month", $"'{row.Month}' is not a month written YYYY-MM.");
                continue;
            }
            if (month > currentMonth)
            {
                Fail(i, "month", $"{row.Month} is in the future.");
                continue;
            }
            var area = areas.SingleOrDefault(a => a.FrameworkVersionId == version.Id && a.Code == row.AreaCode);
            if (area is null)
            {
                Fail(i, "areaCode", $"framework {version.Identifier} has no area '{row.AreaCode}'.");
                continue;
            }
            var standard = area.Standards.SingleOrDefault(s => s.Code == row.StandardCode);
            if (standard is null)
            {
                Fail(i, "standardCode", $"'{row.StandardCode}' is not a standard of area {area.Code} in framework {version.Identifier}.");
                continue;
            }
            var ok = true;
            if (row.NotApplicable)
            {
                if (!version.AllowNotApplicable) { Fail(i, "notApplicable", $"framework {version.Identifier} does not allow 'not applicable'."); ok = false; }
                if (row.Value is not null) { Fail(i, "value", "'value' must be empty when the standard is not applicable."); ok = false; }
                if (string.IsNullOrWhiteSpace(row.NotApplicableReason)) { Fail(i, "notApplicableReason", "a reason is required when the standard is not applicable."); ok = false; }
            }
            else if (row.Value is not { } value || value < version.Min || value > version.Max)
            {
                Fail(i, "value", $"'value' must be a whole number from {version.Min} to {version.Max}.");
                ok = false;
            }
            if (row.AgreedRating is { } agreed && (agreed < version.Min || agreed > version.Max))
            {
                Fail(i, "agreedRating", $"'agreedRating' must be a whole number from {version.Min} to {version.Max}.");
                ok = false;
            }
            if (row.NotApplicableReason?.Length > 1000)
            {
                Fail(i, "notApplicableReason", "the reason may be at most 1000 characters.");
                ok = false;
            }
            else if (PrivacyScreen.Find(row.NotApplicableReason, today) is { } kind)
            {
                Fail(i, "notApplicableReason", $"the reason seems to contain {PrivacyScreen.Describe(kind)}.");
                ok = false;
            }
            if (ok)
            {
                parsed.Add((i, row, unit, area, version.Id, version.Identifier, month, standard.Id));
            }
        }

        var now = clock.Now();
        var groups = parsed.GroupBy(p => (p.Unit.Id, p.Area.Code, p.Month)).ToList();
        var keys = groups.Select(g => Submission.SortKey(g.Key.Month, g.Key.Id, g.Key.Code)).ToList();
        var existing = (await db.Assessments.AsNoTracking().Where(a => keys.Contains(a.SortKey)).Select(a => a.SortKey).ToListAsync(ct)).ToHashSet();
        foreach (var group in groups)
        {
            var first = group.First();
            if (existing.Contains(Submission.SortKey(group.Key.Month, group.Key.Id, group.Key.Code)))
            {
                Fail(first.Index, "month", $"unit {first.Unit.Code} already has an assessment of {first.Area.Code} for {first.Row.Month}.");
                continue;
            }
            foreach (var repeat in group.GroupBy(p => p.Row.StandardCode).Where(s => s.Count() > 1).SelectMany(s => s.Skip(1)))
            {
                Fail(repeat.Index, "standardCode", $"{repeat.Row.StandardCode} is rated twice for {first.Unit.Code} {first.Area.Code} {first.Row.Month}.");
            }
            foreach (var other in group.Where(p => p.VersionId != first.VersionId || p.Row.AgreedRating != first.Row.AgreedRating))
            {
                Fail(other.Index, other.VersionId != first.VersionId ? "frameworkVersion" : "agreedRating",
                    $"every row of {first.Unit.Code} {first.Area.Code} {first.Row.Month} must give the same framework version and agreed rating.");
            }
            var unrated = first.Area.Standards.Select(s => s.Code).Except(group.Select(p => p.Row.StandardCode)).Order(StringComparer.Ordinal).ToList();
            if (unrated.Count > 0 && !failedGroups.Contains((first.Row.UnitCode, first.Row.AreaCode, first.Row.Month)))
            {
                Fail(first.Index, "standardCode", $"{first.Unit.Code} {first.Area.Code} {first.Row.Month} lacks ratings for {string.Join(", ", unrated)}.");
            }
            var assessment = new Assessment
            {
                UnitId = first.Unit.Id,
                NetworkId = first.Unit.NetworkId,
                FrameworkVersionId = first.VersionId,
                FrameworkIdentifier = first.Version,
                AreaId = first.Area.Id,
                AreaCode = first.Area.Code,
                Month = first.Month,
                SortKey = Submission.SortKey(first.Month, first.Unit.Id, first.Area.Code),
                Status = AssessmentStatus.Submitted,
                AgreedRating = first.Row.AgreedRating,
                Imported = true,
                CreatedAt = now,
                CreatedBy = caller.Actor,
                UpdatedAt = now,
                SubmittedAt = now,
                SubmittedBy = caller.Actor,
                Revision = 1,
            };
            assessment.Ratings = group.DistinctBy(p => p.Row.StandardCode).Select(p => new Rating
            {
                AssessmentId = assessment.Id,
                StandardCode = p.Row.StandardCode,
                StandardId = p.StandardId,
                Value = p.Row.NotApplicable ? null : p.Row.Value,
                NotApplicable = p.Row.NotApplicable,
                NotApplicableReason = p.Row.NotApplicable ? p.Row.NotApplicableReason : null,
            }).ToList();
            planner.Assessments.Add(assessment);
        }
        var networks = planner.Assessments.Select(a => a.NetworkId).Distinct().ToList();
        planner.NetworkId = networks.Count == 1 ? networks[0] : null;
        return planner;
    }
}
