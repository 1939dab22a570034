using SeQuIn.Api.Changes;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Framework;

/// <summary>Which drafts a caller sees.</summary>
public enum DraftSight
{
    None,
    OpenForComment,
    All,
}

public static class FrameworkApi
{
    /// <summary>Stands for the active version wherever a version identifier is expected.</summary>
    public const string ActiveAlias = "active";

    private const string EntityType = "framework-version";

    public static RouteGroupBuilder MapFrameworkApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/frameworks")
            .WithTags("Frameworks")
            .WithValidation();
        // Reads are open to anyone (drafts only to network-admins); each read route allows anonymous callers itself,
        // because AllowAnonymous on the group would also open the write routes below.

        group.MapGet("/", ListFrameworkVersions)
            .WithName(nameof(ListFrameworkVersions))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithDescription("Every framework version with its status and counts of areas and standards, in " +
                "identifier order. Filter by status; page with limit and cursor.")
            .WithSummary("List framework versions, newest identifier last");
        group.MapGet("/active", GetActiveFramework)
            .WithName(nameof(GetActiveFramework))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithDescription("The framework version units rate against now: its scale, scoring rule, and every area and standard with " +
                "professional and easy-read text, picture keywords and suggested evidence. Revalidate with If-None-Match.")
            .WithSummary("The active framework version with its scale, areas and standards")
            .WithConditionalGet();
        group.MapGet("/{identifier}", GetFrameworkVersion)
            .WithName(nameof(GetFrameworkVersion))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithDescription("A framework version's whole tree by identifier (e.g. 2021.1), or the active one " +
                "with 'active'. Drafts, retired and active versions alike.")
            .WithSummary("One framework version with its scale, areas and standards ('active' names the active one)")
            .WithConditionalGet();
        group.MapGet("/{identifier}/scale", GetFrameworkScale)
            .WithName(nameof(GetFrameworkScale))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithDescription("The rating scale (value, label, easy-read label, description of each point), its minimum and maximum, whether a " +
                "standard may be rated not applicable (always with a reason), and the area scoring rule.")
            .WithSummary("The rating scale and scoring rule of a framework version")
            .WithConditionalGet();
        group.MapGet("/{identifier}/areas/{areaCode}", GetFrameworkArea)
            .WithName(nameof(GetFrameworkArea))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithDescription("One area of practice by its stable code (e.g. INV), with its standards in order.")
            .WithSummary("One area of a framework version with its standards")
            .WithConditionalGet();
        group.MapGet("/{identifier}/standards/{standardCode}", GetFrameworkStandard)
            .WithName(nameof(GetFrameworkStandard))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithDescription("One standard by its stable code (e.g. RAS-03), with the code of the area that holds it.")
            .WithSummary("One standard of a framework version")
            .WithConditionalGet();
        group.MapGet("/{identifier}/diff", CompareFrameworkVersion)
            .WithName(nameof(CompareFrameworkVersion))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithDescription("What a version adds, retires, rewords or moves compared with the active version, or with the " +
                "version named in 'against'. Standards and areas are matched by their stable codes.")
            .WithSummary("How a version differs from the active one (or another), by stable codes");

        // Every network rates against the active version: only a national administrator changes what they share.
        var admin = group.MapGroup("")
            .RequireAuthorization(Policies.NationalAdmin)
            .WithRoles(Role.NetworkAdmin);
        admin.MapPost("/", ImportFrameworkVersion)
            .WithName(nameof(ImportFrameworkVersion))
            .WithIdempotency()
            .WithDescription("National administrators only. Imports a whole framework version as one JSON document. It becomes " +
                "a draft: review it, compare it with the active version, then activate it. The scale must run 0, " +
                "1, 2, … without gaps; area and standard codes must be unique.")
            .WithSummary("Import a framework version as a draft from one JSON document");
        admin.MapPut("/{identifier}", ReplaceDraftFrameworkVersion)
            .WithName(nameof(ReplaceDraftFrameworkVersion))
            .WithIfMatch()
            .WithIdempotency()
            .WithDescription("National administrators only. Replaces the whole content of a draft with a new document of the same identifier. " +
                "Active and retired versions are immutable (409). Needs If-Match with the ETag of the version as last read.")
            .WithSummary("Replace the content of a draft version");
        admin.MapDelete("/{identifier}", DeleteDraftFrameworkVersion)
            .WithName(nameof(DeleteDraftFrameworkVersion))
            .WithIfMatch()
            .WithIdempotency()
            .WithDescription("National administrators only. Deletes a draft version. Active and retired versions are kept " +
                "for ever (409). Needs If-Match with the ETag of the version as last read.")
            .WithSummary("Delete a draft version");
        admin.MapPost("/{identifier}/activate", ActivateFrameworkVersion)
            .WithName(nameof(ActivateFrameworkVersion))
            .WithIdempotency()
            .WithDescription("National administrators only. Makes a draft the active version; the version active until now is " +
                "retired in the same transaction. New assessments are pinned to the active version.")
            .WithSummary("Activate a draft version; the version active until now is retired");
        group.MapFrameworkComments();
        return group;
    }

    public static async Task<Ok<Page<FrameworkVersionSummary>>> ListFrameworkVersions(
        [AsParameters] FrameworkListQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var versions = db.FrameworkVersions.AsNoTracking()
            .Where(Visible(DraftsFor(caller.Scope)))
            .WhereIf(query.Status is not null, v => v.Status == query.Status);
        var identifiers = await versions.ToPageAsync(query, v => v.Identifier, v => v.Identifier, ct);
        var summaries = await Summaries(db.FrameworkVersions.AsNoTracking().Where(v => identifiers.Items.Contains(v.Identifier)))
            .ToDictionaryAsync(v => v.Identifier, ct);
        return TypedResults.Ok(new Page<FrameworkVersionSummary>(
            identifiers.Items.Select(i => summaries[i]).ToList(), identifiers.NextCursor, identifiers.Limit));
    }

    public static Task<Results<Ok<FrameworkVersionDetail>, NotFoundProblem>> GetActiveFramework(
        Caller caller, SeQuInDbContext db, CancellationToken ct) => GetFrameworkVersion(ActiveAlias, caller, db, ct);

    public static async Task<Results<Ok<FrameworkVersionDetail>, NotFoundProblem>> GetFrameworkVersion(
        string identifier, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var detail = await LoadDetailAsync(db, identifier, DraftsFor(caller.Scope), ct);
        return detail is null ? VersionNotFound(identifier) : TypedResults.Ok(detail);
    }

    public static async Task<Results<Ok<ScaleResponse>, NotFoundProblem>> GetFrameworkScale(
        string identifier, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var version = await db.FrameworkVersions.AsNoTracking().Where(Named(identifier, DraftsFor(caller.Scope)))
            .Select(v => new { v.Identifier, v.ScoringRule, v.AllowNotApplicable, Points = v.Scale.OrderBy(p => p.Value).ToList() })
            .SingleOrDefaultAsync(ct);
        if (version is null)
        {
            return VersionNotFound(identifier);
        }
        var points = version.Points.Select(ToResponse).ToList();
        return TypedResults.Ok(new ScaleResponse(version.Identifier, version.ScoringRule, version.AllowNotApplicable,
            NotApplicableRequiresReason: true, points.Min(p => p.Value), points.Max(p => p.Value), points));
    }

    public static async Task<Results<Ok<AreaDetail>, NotFoundProblem>> GetFrameworkArea(
        string identifier, string areaCode, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var versionIdentifier = await ResolveIdentifierAsync(db, identifier, DraftsFor(caller.Scope), ct);
        if (versionIdentifier is null)
        {
            return VersionNotFound(identifier);
        }
        var area = await db.Areas.AsNoTracking().Include(a => a.Standards)
            .SingleOrDefaultAsync(a => a.Code == areaCode && db.FrameworkVersions.Any(v => v.Id == a.FrameworkVersionId && v.Identifier == versionIdentifier), ct);
        return area is null
            ? ApiProblems.NotFound($"Framework version '{versionIdentifier}' has no area '{areaCode}'.")
            : TypedResults.Ok(ToDetail(versionIdentifier, area));
    }

    public static async Task<Results<Ok<StandardResponse>, NotFoundProblem>> GetFrameworkStandard(
        string identifier, string standardCode, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var versionIdentifier = await ResolveIdentifierAsync(db, identifier, DraftsFor(caller.Scope), ct);
        if (versionIdentifier is null)
        {
            return VersionNotFound(identifier);
        }
        var found = await db.Standards.AsNoTracking()
            .Where(s => s.Code == standardCode && db.FrameworkVersions.Any(v => v.Id == s.FrameworkVersionId && v.Identifier == versionIdentifier))
            .Select(s => new { Standard = s, AreaCode = db.Areas.Single(a => a.Id == s.AreaId).Code })
            .SingleOrDefaultAsync(ct);
        return found is null
            ? ApiProblems.NotFound($"Framework version '{versionIdentifier}' has no standard '{standardCode}'.")
            : TypedResults.Ok(ToResponse(versionIdentifier, found.AreaCode, found.Standard));
    }

    /// <param name="identifier">The version to describe.</param>
    /// <param name="against">The version to compare with; the active version when omitted.</param>
    public static async Task<Results<Ok<FrameworkDiff>, NotFoundProblem>> CompareFrameworkVersion(
        string identifier, string? against, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var version = await LoadDetailAsync(db, identifier, DraftsFor(caller.Scope), ct);
        if (version is null)
        {
            return VersionNotFound(identifier);
        }
        var baseline = await LoadDetailAsync(db, against ?? ActiveAlias, DraftsFor(caller.Scope), ct);
        if (baseline is null && against is not null)
        {
            return VersionNotFound(against);
        }
        var (answers, unanswered) = await FrameworkCommentsApi.AnswersForDiffAsync(db, caller.Scope, version.Identifier, baseline?.Identifier, ct);
        return TypedResults.Ok(FrameworkDiffer.Compare(version, baseline, answers, unanswered));
    }

    public static async Task<Results<Created<FrameworkVersionDetail>, ConflictProblem, ValidationProblem>> ImportFrameworkVersion(
        FrameworkDocument document, [AsParameters] FrameworkServices services, CancellationToken ct)
    {
        if (await services.Db.FrameworkVersions.AnyAsync(v => v.Identifier == document.Identifier, ct))
        {
            return ApiProblems.Conflict($"Framework version '{document.Identifier}' already exists: {Location(document.Identifier)}");
        }
        if (await FrameworkCommentsApi.CheckAnswersAsync(document, services.Db, ct) is { } badAnswer)
        {
            return badAnswer;
        }
        var now = services.Clock.Now();
        var version = new FrameworkVersion
        {
            Identifier = document.Identifier,
            Title = document.Title,
            CreatedAt = now,
        };
        Apply(document, version, now);
        services.Db.FrameworkVersions.Add(version);
        var detail = ToDetail(version);
        services.Audit.Record("framework.imported", EntityType, version.Identifier, null, FrameworkDiffer.Compare(detail, null));
        await services.Db.SaveChangesAsync(ct);
        // As stored (times are kept to the microsecond), so that the ETag is the one a read answers with.
        var stored = (await LoadDetailAsync(services.Db, version.Identifier, DraftSight.All, ct))!;
        services.Http.Response.SetETag(ConditionalGet.ETagOf(stored));
        return TypedResults.Created(Location(version.Identifier), stored);
    }

    public static async Task<Results<Ok<FrameworkVersionDetail>, NotFoundProblem, ConflictProblem, ValidationProblem, PreconditionProblem>> ReplaceDraftFrameworkVersion(
        string identifier, FrameworkDocument document, [AsParameters] FrameworkServices services, CancellationToken ct)
    {
        if (document.Identifier != identifier)
        {
            return ApiProblems.Invalid("identifier", $"'identifier' must match the version in the path ('{identifier}').");
        }
        if (await FrameworkCommentsApi.CheckAnswersAsync(document, services.Db, ct) is { } badAnswer)
        {
            return badAnswer;
        }
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        var version = await services.Db.FrameworkVersions.FromSql($"SELECT * FROM framework_versions WHERE identifier = {identifier} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (version is null)
        {
            return VersionNotFound(identifier);
        }
        if (version.Status != FrameworkStatus.Draft)
        {
            return Immutable(version);
        }
        var before = await LoadDetailAsync(services.Db, identifier, DraftSight.All, ct);
        // The ETag is the one reads send (a hash of the version as shown); the row lock above makes check and
        // replace one step, so a concurrent replace waits and then finds its If-Match stale.
        if (Preconditions.CheckIfMatch(services.Http.Request, ConditionalGet.ETagOf(before!), "framework version") is { } precondition)
        {
            return precondition;
        }
        // Replace the whole tree: delete first so that stable codes can be reused by the new rows.
        await services.Db.Standards.Where(s => s.FrameworkVersionId == version.Id).ExecuteDeleteAsync(ct);
        await services.Db.Areas.Where(a => a.FrameworkVersionId == version.Id).ExecuteDeleteAsync(ct);
        await services.Db.ScalePoints.Where(p => p.FrameworkVersionId == version.Id).ExecuteDeleteAsync(ct);
        Apply(document, version, services.Clock.Now());
        // The new rows carry their keys already, so EF must be told they are new rather than changed.
        services.Db.AddRange(version.Scale);
        services.Db.AddRange(version.Areas);
        var after = ToDetail(version);
        services.Audit.Record("framework.replaced", EntityType, identifier, null, FrameworkDiffer.Compare(after, before));
        await services.Db.SaveChangesAsync(ct);
        var stored = (await LoadDetailAsync(services.Db, identifier, DraftSight.All, ct))!;
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(ConditionalGet.ETagOf(stored));
        return TypedResults.Ok(stored);
    }

    public static async Task<Results<NoContent, NotFoundProblem, ConflictProblem, PreconditionProblem>> DeleteDraftFrameworkVersion(
        string identifier, [AsParameters] FrameworkServices services, CancellationToken ct)
    {
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        var version = await services.Db.FrameworkVersions.FromSql($"SELECT * FROM framework_versions WHERE identifier = {identifier} FOR UPDATE")
            .AsNoTracking().SingleOrDefaultAsync(ct);
        if (version is null)
        {
            return VersionNotFound(identifier);
        }
        if (version.Status != FrameworkStatus.Draft)
        {
            return Immutable(version);
        }
        var current = await LoadDetailAsync(services.Db, identifier, DraftSight.All, ct);
        if (Preconditions.CheckIfMatch(services.Http.Request, ConditionalGet.ETagOf(current!), "framework version") is { } precondition)
        {
            return precondition;
        }
        if (await FrameworkCommentsApi.HasCommentsAsync(services.Db, version.Id, ct))
        {
            return ApiProblems.Conflict($"Framework version '{identifier}' has comments, which are kept: replace the draft instead of deleting it.");
        }
        await services.Db.FrameworkVersions.Where(v => v.Id == version.Id).ExecuteDeleteAsync(ct);
        services.Audit.Record("framework.deleted", EntityType, identifier, null, new { identifier, status = FrameworkStatus.Draft });
        await services.Db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<FrameworkVersionSummary>, NotFoundProblem, ConflictProblem>> ActivateFrameworkVersion(
        string identifier, [AsParameters] FrameworkServices services, CancellationToken ct)
    {
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        var version = await services.Db.FrameworkVersions.FromSql($"SELECT * FROM framework_versions WHERE identifier = {identifier} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (version is null)
        {
            return VersionNotFound(identifier);
        }
        if (version.Status != FrameworkStatus.Draft)
        {
            return ApiProblems.Conflict($"Framework version '{identifier}' is {Describe(version.Status)}; only a draft can be activated.");
        }
        var now = services.Clock.Now();
        var retired = await services.Db.FrameworkVersions.Where(v => v.Status == FrameworkStatus.Active).Select(v => v.Identifier)
            .SingleOrDefaultAsync(ct);
        await services.Db.FrameworkVersions.Where(v => v.Status == FrameworkStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, FrameworkStatus.Retired)
                .SetProperty(v => v.RetiredAt, now).SetProperty(v => v.UpdatedAt, now), ct);
        version.Status = FrameworkStatus.Active;
        version.ActivatedAt = now;
        version.UpdatedAt = now;
        services.Audit.Record("framework.activated", EntityType, identifier, null, new { activated = identifier, retired });
        await services.Db.SaveChangesAsync(ct);
        await ChangeFeed.RecordAsync(services.Db, ChangeKinds.FrameworkVersionActivated, "framework-version", version.Id, null, null, null, now,
            new { identifier, retired }, ct, link: $"/api/v1/frameworks/{Uri.EscapeDataString(identifier)}");
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await Summaries(services.Db.FrameworkVersions.AsNoTracking().Where(v => v.Id == version.Id)).SingleAsync(ct));
    }

    // ---- Loading and mapping ----------------------------------------------------------------------------------

    internal static async Task<FrameworkVersionDetail?> LoadDetailAsync(SeQuInDbContext db, string identifier, DraftSight drafts,
        CancellationToken ct)
    {
        var version = await db.FrameworkVersions.AsNoTracking().AsSplitQuery()
            .Include(v => v.Scale)
            .Include(v => v.Areas).ThenInclude(a => a.Standards)
            .SingleOrDefaultAsync(Named(identifier, drafts), ct);
        return version is null ? null : ToDetail(version);
    }

    private static Task<string?> ResolveIdentifierAsync(SeQuInDbContext db, string identifier, DraftSight drafts, CancellationToken ct) =>
        db.FrameworkVersions.AsNoTracking().Where(Named(identifier, drafts)).Select(v => v.Identifier).SingleOrDefaultAsync(ct);

    /// <summary>
    /// Drafts are work in progress: network-admins see them all, and those who may comment see the drafts opened for
    /// comment; to anyone else they do not exist.
    /// </summary>
    internal static DraftSight DraftsFor(Scope scope) =>
        scope.SeesDraftFrameworks ? DraftSight.All : scope.SeesDraftsOpenForComment ? DraftSight.OpenForComment : DraftSight.None;

    internal static Expression<Func<FrameworkVersion, bool>> Visible(DraftSight drafts) => drafts switch
    {
        DraftSight.All => v => true,
        DraftSight.OpenForComment => v => v.Status != FrameworkStatus.Draft || v.OpenForComment,
        _ => v => v.Status != FrameworkStatus.Draft,
    };

    internal static Expression<Func<FrameworkVersion, bool>> Named(string identifier, DraftSight drafts) => drafts switch
    {
        _ when identifier == ActiveAlias => v => v.Status == FrameworkStatus.Active,
        DraftSight.All => v => v.Identifier == identifier,
        DraftSight.OpenForComment => v => v.Identifier == identifier && (v.Status != FrameworkStatus.Draft || v.OpenForComment),
        _ => v => v.Identifier == identifier && v.Status != FrameworkStatus.Draft,
    };

    private static IQueryable<FrameworkVersionSummary> Summaries(IQueryable<FrameworkVersion> versions) =>
        versions.Select(v => new FrameworkVersionSummary(v.Identifier, v.Title, v.Description, v.Status, v.ScoringRule,
            v.AllowNotApplicable, v.Areas.Count, v.Areas.SelectMany(a => a.Standards).Count(), v.CreatedAt, v.UpdatedAt,
            v.ActivatedAt, v.RetiredAt, v.Status == FrameworkStatus.Active || (v.Status == FrameworkStatus.Draft && v.OpenForComment)));

    internal static void Apply(FrameworkDocument document, FrameworkVersion version, DateTimeOffset now)
    {
        version.Title = document.Title;
        version.Description = document.Description;
        version.ScoringRule = document.ScoringRule;
        version.AllowNotApplicable = document.AllowNotApplicable;
        version.OpenForComment = document.OpenForComment ?? false;
        version.UpdatedAt = now;
        version.Scale = document.Scale.Select(p => new ScalePoint
        {
            FrameworkVersionId = version.Id,
            Value = p.Value,
            Label = p.Label,
            EasyReadLabel = p.EasyReadLabel,
            Description = p.Description,
            PictureKeywords = [.. p.PictureKeywords ?? []],
        }).ToList();
        version.Areas = document.Areas.Select((a, areaIndex) =>
        {
            var area = new Area
            {
                FrameworkVersionId = version.Id,
                Code = a.Code,
                Name = a.Name,
                EasyReadName = a.EasyReadName,
                Description = a.Description,
                EasyReadDescription = a.EasyReadDescription,
                PictureKeywords = [.. a.PictureKeywords ?? []],
                Order = areaIndex + 1,
            };
            area.Standards = a.Standards.Select((s, standardIndex) => new Standard
            {
                AreaId = area.Id,
                FrameworkVersionId = version.Id,
                Code = s.Code,
                Statement = s.Statement,
                EasyReadStatement = s.EasyReadStatement,
                PictureKeywords = [.. s.PictureKeywords ?? []],
                EvidenceSources = [.. s.EvidenceSources ?? []],
                AnsweredCommentIds = [.. s.Answers ?? []],
                Order = standardIndex + 1,
            }).ToList();
            return area;
        }).ToList();
    }

    internal static FrameworkVersionDetail ToDetail(FrameworkVersion v) => new(
        v.Identifier, v.Title, v.Description, v.Status, v.ScoringRule, v.AllowNotApplicable,
        v.CreatedAt, v.UpdatedAt, v.ActivatedAt, v.RetiredAt,
        v.Scale.OrderBy(p => p.Value).Select(ToResponse).ToList(),
        v.Areas.OrderBy(a => a.Order).Select(a => ToDetail(v.Identifier, a)).ToList(),
        IsOpenForComment(v));

    /// <summary>Active versions are always open for comment, retired ones never, drafts when their document says so.</summary>
    internal static bool IsOpenForComment(FrameworkVersion v) =>
        v.Status == FrameworkStatus.Active || (v.Status == FrameworkStatus.Draft && v.OpenForComment);

    private static AreaDetail ToDetail(string identifier, Area a) => new(
        identifier, a.Code, a.Name, a.EasyReadName, a.Description, a.EasyReadDescription, a.PictureKeywords, a.Order,
        a.Standards.OrderBy(s => s.Order).Select(s => ToResponse(identifier, a.Code, s)).ToList());

    private static StandardResponse ToResponse(string identifier, string areaCode, Standard s) => new(
        identifier, areaCode, s.Code, s.Statement, s.EasyReadStatement, s.PictureKeywords, s.EvidenceSources, s.Order);

    private static ScalePointResponse ToResponse(ScalePoint p) => new(p.Value, p.Label, p.EasyReadLabel, p.Description, p.PictureKeywords);

    private static string Location(string identifier) => $"/api/v1/frameworks/{Uri.EscapeDataString(identifier)}";

    private static NotFoundProblem VersionNotFound(string identifier) =>
        ApiProblems.NotFound(identifier == ActiveAlias
            ? "No framework version is active."
            : $"There is no framework version '{identifier}'.");

    private static ConflictProblem Immutable(FrameworkVersion version) =>
        ApiProblems.Conflict($"Framework version '{version.Identifier}' is {Describe(version.Status)} and cannot be changed; import a new version instead.");

    private static string Describe(FrameworkStatus status) => status.ToString().ToLowerInvariant();
}
