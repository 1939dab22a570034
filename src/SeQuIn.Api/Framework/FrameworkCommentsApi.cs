using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Framework;

/// <summary>What the comment handlers share: who asks, the request, the database, the audit trail, the clock.</summary>
public readonly record struct FrameworkCommentServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock)
    : IServiceBundle;

/// <summary>
/// Co-produced revision (ADR 0030): staff and service users comment on the standards of the active version or of a
/// draft opened for comment; leads gather them per standard and decline those a revision does not take up; a new
/// version's standards name the comments they answer, and the diff shows them.
/// </summary>
public static class FrameworkCommentsApi
{
    private const string EntityType = "framework-comment";

    public static void MapFrameworkComments(this RouteGroupBuilder frameworks)
    {
        var group = frameworks.MapGroup("")
            .RequireAuthorization(Policies.Reviewer)
            .WithRoles(Role.UnitMember, Role.InvolvementLead, Role.NetworkAdmin);
        group.MapPost("/{identifier}/standards/{standardCode}/comments", AddFrameworkComment)
            .WithName(nameof(AddFrameworkComment))
            .WithIdempotency()
            .WithSummary("Comment on a standard of the active version or of a draft open for comment")
            .WithDescription("Unit members (staff and service users), involvement leads and administrators. Voice says whose " +
                "view it is (staff, service-user, carer-or-family, other), never who. Text holding a personal identifier is refused " +
                "(422, never echoed). Retired versions, and drafts not opened for comment, take no comments (409). Send an Idempotency-Key.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{identifier}/comments", ListFrameworkComments)
            .WithName(nameof(ListFrameworkComments))
            .WithSummary("The comments on a framework version you may read, oldest first")
            .WithDescription("Leads and administrators read their network's comments (a national administrator all); unit members " +
                "their own units'. Filter by standard, area, voice or status; page with limit and cursor.");
        group.MapGet("/{identifier}/comments/by-standard", ListFrameworkCommentsByStandard)
            .WithName(nameof(ListFrameworkCommentsByStandard))
            .WithSummary("Every standard of a version with its easy-read text beside the comments on it, counted by voice")
            .WithDescription("For gathering views per standard: each standard in code order with its statement, easy-read statement " +
                "and picture keywords, how many comments each voice gave, and the comments you may read. Filter as the list does; " +
                "pages hold standards.");
        group.MapGet("/{identifier}/comments/{commentId:guid}", GetFrameworkComment)
            .WithName(nameof(GetFrameworkComment))
            .WithETag()
            .WithSummary("One comment on a framework version")
            .WithDescription("A comment you may read, with its status: open, answered (by which version) or declined (with the note).");
        group.MapPost("/{identifier}/comments/{commentId:guid}/decline", DeclineFrameworkComment)
            .WithName(nameof(DeclineFrameworkComment))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Decline a comment, with a note saying why")
            .WithDescription("Involvement leads and administrators of the comment's network (or a national administrator). " +
                "An answered comment cannot be declined (409). Needs If-Match; the note is screened like the comment.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    // ---- Writes -------------------------------------------------------------------------------------------------

    public static async Task<Results<Created<FrameworkCommentResponse>, NotFoundProblem, ConflictProblem, ValidationProblem, UnprocessableProblem>> AddFrameworkComment(
        string identifier, string standardCode, FrameworkCommentRequest request, [AsParameters] FrameworkCommentServices services, CancellationToken ct)
    {
        var scope = services.Caller.Scope;
        var version = await services.Db.FrameworkVersions.AsNoTracking()
            .SingleOrDefaultAsync(FrameworkApi.Named(identifier, FrameworkApi.DraftsFor(scope)), ct);
        if (version is null)
        {
            return VersionNotFound(identifier);
        }
        var standard = await services.Db.Standards.AsNoTracking()
            .Where(s => s.FrameworkVersionId == version.Id && s.Code == standardCode)
            .Select(s => new { s.Code, AreaCode = services.Db.Areas.Single(a => a.Id == s.AreaId).Code })
            .SingleOrDefaultAsync(ct);
        if (standard is null)
        {
            return ApiProblems.NotFound($"Framework version '{version.Identifier}' has no standard '{standardCode}'.");
        }
        if (!FrameworkApi.IsOpenForComment(version))
        {
            return ApiProblems.Conflict(version.Status == FrameworkStatus.Retired
                ? $"Framework version '{version.Identifier}' is retired: comment on the active version instead."
                : $"Framework version '{version.Identifier}' is a draft not open for comment yet.");
        }
        var origin = await OriginAsync(request.UnitId, services, ct);
        if (origin.Problem is not null)
        {
            return origin.Problem;
        }
        var comment = new FrameworkComment
        {
            FrameworkVersionId = version.Id,
            AreaCode = standard.AreaCode,
            StandardCode = standard.Code,
            Voice = request.Voice,
            Text = request.Text,
            Suggestion = request.Suggestion,
            NetworkId = origin.NetworkId,
            UnitId = origin.UnitId,
            CreatedAt = services.Clock.Now(),
        };
        services.Db.Set<FrameworkComment>().Add(comment);
        // The text stays in its row, where its readers' scope guards it; the audit trail records that it was made.
        services.Audit.Record("framework.commented", EntityType, comment.Id, comment.NetworkId,
            new { framework = version.Identifier, comment.StandardCode, comment.Voice, comment.UnitId });
        await services.Db.SaveChangesAsync(ct);
        var response = ToResponse(comment, version.Identifier, null);
        return TypedResults.Created(Location(version.Identifier, comment.Id), response);
    }

    public static async Task<Results<Ok<FrameworkCommentResponse>, NotFoundProblem, ConflictProblem, ForbiddenProblem, ValidationProblem, PreconditionProblem>> DeclineFrameworkComment(
        string identifier, Guid commentId, DeclineFrameworkCommentRequest request, [AsParameters] FrameworkCommentServices services, CancellationToken ct)
    {
        var versionIdentifier = await ResolveAsync(services.Db, identifier, services.Caller.Scope, ct);
        var comment = versionIdentifier is null ? null : await Readable(services.Db, services.Caller.Scope)
            .SingleOrDefaultAsync(c => c.Id == commentId && services.Db.FrameworkVersions.Any(v => v.Id == c.FrameworkVersionId && v.Identifier == versionIdentifier), ct);
        if (comment is null)
        {
            return CommentNotFound(identifier, commentId);
        }
        if (!services.Caller.Scope.DeclinesFrameworkComment(comment.NetworkId))
        {
            return ApiProblems.Forbidden("Only the involvement leads and administrators of the comment's network decline it.");
        }
        if (await AnsweredByAsync(services.Db, comment.Id, ct) is { } answeredBy)
        {
            return ApiProblems.Conflict($"Comment {commentId} is answered by version '{answeredBy}' and cannot be declined.");
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, Preconditions.ETag(comment.Revision), "comment") is { } precondition)
        {
            return precondition;
        }
        comment.DeclinedAt = services.Clock.Now();
        comment.DeclineNote = request.Note;
        comment.Revision++;
        services.Audit.Record("framework.comment-declined", EntityType, comment.Id, comment.NetworkId,
            new { framework = versionIdentifier, comment.StandardCode, comment.DeclinedAt }, request.Note);
        if (!await services.Db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("comment");
        }
        services.Http.Response.SetETag(Preconditions.ETag(comment.Revision));
        return TypedResults.Ok(ToResponse(comment, versionIdentifier!, null));
    }

    // ---- Reads --------------------------------------------------------------------------------------------------

    public static async Task<Results<Ok<Page<FrameworkCommentResponse>>, NotFoundProblem>> ListFrameworkComments(
        string identifier, [AsParameters] FrameworkCommentQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (await ResolveAsync(db, identifier, caller.Scope, ct) is not { } versionIdentifier)
        {
            return VersionNotFound(identifier);
        }
        var rows = Filtered(db, caller.Scope, versionIdentifier, query);
        var page = await rows.ToPageAsync(query, c => c.Id.ToString(), c => c, ct);
        var answeredBy = await AnsweredByAsync(db, page.Items.Select(c => c.Id).ToList(), ct);
        return TypedResults.Ok(new Page<FrameworkCommentResponse>(
            page.Items.Select(c => ToResponse(c, versionIdentifier, answeredBy.GetValueOrDefault(c.Id))).ToList(), page.NextCursor, page.Limit));
    }

    public static async Task<Results<Ok<Page<StandardComments>>, NotFoundProblem>> ListFrameworkCommentsByStandard(
        string identifier, [AsParameters] FrameworkCommentQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (await ResolveAsync(db, identifier, caller.Scope, ct) is not { } versionIdentifier)
        {
            return VersionNotFound(identifier);
        }
        var standards = db.Standards.AsNoTracking()
            .Where(s => db.FrameworkVersions.Any(v => v.Id == s.FrameworkVersionId && v.Identifier == versionIdentifier))
            .WhereIf(query.standardCode is not null, s => s.Code == query.standardCode)
            .WhereIf(query.areaCode is not null, s => db.Areas.Any(a => a.Id == s.AreaId && a.Code == query.areaCode))
            .Select(s => new { s.Code, AreaCode = db.Areas.Single(a => a.Id == s.AreaId).Code, s.Statement, s.EasyReadStatement, s.PictureKeywords });
        var page = await standards.ToPageAsync(query, s => s.Code, s => s, ct);
        var codes = page.Items.Select(s => s.Code).ToList();
        var comments = await Filtered(db, caller.Scope, versionIdentifier, query with { standardCode = null, areaCode = null })
            .Where(c => codes.Contains(c.StandardCode)).OrderBy(c => c.Id).ToListAsync(ct);
        var answeredBy = await AnsweredByAsync(db, comments.Select(c => c.Id).ToList(), ct);
        var byStandard = comments.ToLookup(c => c.StandardCode);
        return TypedResults.Ok(new Page<StandardComments>(page.Items.Select(s =>
        {
            var these = byStandard[s.Code].ToList();
            int Count(CommentVoice voice) => these.Count(c => c.Voice == voice);
            return new StandardComments(versionIdentifier, s.AreaCode, s.Code, s.Statement, s.EasyReadStatement, s.PictureKeywords,
                new VoiceCounts(Count(CommentVoice.Staff), Count(CommentVoice.ServiceUser), Count(CommentVoice.CarerOrFamily), Count(CommentVoice.Other)),
                these.Select(c => ToResponse(c, versionIdentifier, answeredBy.GetValueOrDefault(c.Id))).ToList());
        }).ToList(), page.NextCursor, page.Limit));
    }

    public static async Task<Results<Ok<FrameworkCommentResponse>, NotFoundProblem, StatusCodeHttpResult>> GetFrameworkComment(
        string identifier, Guid commentId, Caller caller, HttpContext http, SeQuInDbContext db, CancellationToken ct)
    {
        var versionIdentifier = await ResolveAsync(db, identifier, caller.Scope, ct);
        var comment = versionIdentifier is null ? null : await Readable(db, caller.Scope).AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == commentId && db.FrameworkVersions.Any(v => v.Id == c.FrameworkVersionId && v.Identifier == versionIdentifier), ct);
        if (comment is null)
        {
            return CommentNotFound(identifier, commentId);
        }
        return Preconditions.NotModified(http, Preconditions.ETag(comment.Revision))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(ToResponse(comment, versionIdentifier!, await AnsweredByAsync(db, comment.Id, ct)));
    }

    // ---- Answers, for import and the diff -----------------------------------------------------------------------

    /// <summary>
    /// Checks the comments a document's standards say they answer: each must exist and be on the same standard code
    /// (of this or any other version). Null when all are, otherwise the 400 naming the first that is not.
    /// </summary>
    internal static async Task<ValidationProblem?> CheckAnswersAsync(FrameworkDocument document, SeQuInDbContext db, CancellationToken ct)
    {
        var named = document.Areas.SelectMany((a, ai) => a.Standards.SelectMany((s, si) =>
            (s.Answers ?? []).Select((id, i) => (Id: id, s.Code, Field: $"areas[{ai}].standards[{si}].answers[{i}]")))).ToList();
        if (named.Count == 0)
        {
            return null;
        }
        var ids = named.Select(n => n.Id).Distinct().ToList();
        var codes = await db.Set<FrameworkComment>().AsNoTracking().Where(c => ids.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.StandardCode, ct);
        foreach (var (id, code, field) in named)
        {
            if (!codes.TryGetValue(id, out var commentedCode))
            {
                return ApiProblems.Invalid(field, $"There is no comment {id}.");
            }
            if (commentedCode != code)
            {
                return ApiProblems.Invalid(field, $"Comment {id} is on standard {commentedCode}; a standard answers only comments on its own code.");
            }
        }
        var twice = named.GroupBy(n => n.Id).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? null : ApiProblems.Invalid(twice.Last().Field, $"Comment {twice.Key} is answered by more than one standard.");
    }

    /// <summary>The comments each standard of a version answers (those the caller may read, and how many in all), and how many comments on the baseline stay open.</summary>
    internal static async Task<(Dictionary<string, StandardAnswers> Answers, int Unanswered)> AnswersForDiffAsync(
        SeQuInDbContext db, Scope scope, string version, string? baseline, CancellationToken ct)
    {
        var answering = await db.Standards.AsNoTracking()
            .Where(s => s.AnsweredCommentIds.Length > 0 && db.FrameworkVersions.Any(v => v.Id == s.FrameworkVersionId && v.Identifier == version))
            .Select(s => new { s.Code, s.AnsweredCommentIds }).ToListAsync(ct);
        var ids = answering.SelectMany(s => s.AnsweredCommentIds).ToList();
        var comments = await db.Set<FrameworkComment>().AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { Comment = c, Version = db.FrameworkVersions.Single(v => v.Id == c.FrameworkVersionId).Identifier })
            .ToDictionaryAsync(c => c.Comment.Id, ct);
        var answers = answering.ToDictionary(s => s.Code, s => new StandardAnswers(
            s.AnsweredCommentIds.Where(comments.ContainsKey).Select(id => comments[id])
                .Where(c => scope.SeesFrameworkComment(c.Comment.NetworkId, c.Comment.UnitId))
                .Select(c => new AnsweredComment(c.Comment.Id, c.Version, c.Comment.Voice, c.Comment.Text, c.Comment.Suggestion)).ToList(),
            s.AnsweredCommentIds.Length));
        var unanswered = baseline is null ? 0 : await Open(db, db.Set<FrameworkComment>().AsNoTracking()
            .Where(c => db.FrameworkVersions.Any(v => v.Id == c.FrameworkVersionId && v.Identifier == baseline))).CountAsync(ct);
        return (answers, unanswered);
    }

    /// <summary>Whether a version has comments (such a draft is not deleted: voices are not lost).</summary>
    internal static Task<bool> HasCommentsAsync(SeQuInDbContext db, Guid versionId, CancellationToken ct) =>
        db.Set<FrameworkComment>().AnyAsync(c => c.FrameworkVersionId == versionId, ct);

    // ---- Shared -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Where a comment comes from: the unit named (one the caller belongs to or reviews), else the caller's one unit,
    /// else the caller's one reviewed network; a national administrator's comment comes from no network.
    /// </summary>
    private static async Task<(Guid? NetworkId, Guid? UnitId, ValidationProblem? Problem)> OriginAsync(Guid? unitId, FrameworkCommentServices services, CancellationToken ct)
    {
        var scope = services.Caller.Scope;
        if (unitId is null && scope.MemberUnits.Ids.Length == 1)
        {
            unitId = scope.MemberUnits.Ids[0];
        }
        if (unitId is { } id)
        {
            var unit = await services.Db.Units.AsNoTracking().Where(u => u.Id == id)
                .Select(u => new UnitPlace(u.Id, u.NetworkId, u.CollaborativeId)).SingleOrDefaultAsync(ct);
            return unit != default && scope.SeesDraftsOf(unit)
                ? (unit.NetworkId, unit.UnitId, null)
                : (null, null, ApiProblems.Invalid("unitId", "'unitId' must be a unit you belong to or review."));
        }
        if (scope.IsNationalAdmin)
        {
            return (null, null, null);
        }
        return scope.MemberUnits.Ids.Length == 0 && scope.ReviewedNetworks.Ids.Length == 1
            ? (scope.ReviewedNetworks.Ids[0], null, null)
            : (null, null, ApiProblems.Invalid("unitId", "You speak for several units or networks: name the unit this comment comes from in 'unitId'."));
    }

    private static IQueryable<FrameworkComment> Readable(SeQuInDbContext db, Scope scope)
    {
        var comments = db.Set<FrameworkComment>().AsQueryable();
        if (scope.IsNationalAdmin)
        {
            return comments;
        }
        var networks = scope.ReviewedNetworks.Ids;
        var units = scope.MemberUnits.Ids;
        return comments.Where(c => (c.NetworkId != null && networks.Contains(c.NetworkId.Value)) || (c.UnitId != null && units.Contains(c.UnitId.Value)));
    }

    private static IQueryable<FrameworkComment> Filtered(SeQuInDbContext db, Scope scope, string versionIdentifier, FrameworkCommentQuery query)
    {
        var comments = Readable(db, scope).AsNoTracking()
            .Where(c => db.FrameworkVersions.Any(v => v.Id == c.FrameworkVersionId && v.Identifier == versionIdentifier))
            .WhereIf(query.standardCode is not null, c => c.StandardCode == query.standardCode)
            .WhereIf(query.areaCode is not null, c => c.AreaCode == query.areaCode)
            .WhereIf(query.Voice is not null, c => c.Voice == query.Voice);
        return query.Status switch
        {
            FrameworkCommentStatus.Answered => comments.Where(c => db.Standards.Any(s => s.AnsweredCommentIds.Contains(c.Id))),
            FrameworkCommentStatus.Declined => comments.Where(c => c.DeclinedAt != null && !db.Standards.Any(s => s.AnsweredCommentIds.Contains(c.Id))),
            FrameworkCommentStatus.Open => Open(db, comments),
            _ => comments,
        };
    }

    private static IQueryable<FrameworkComment> Open(SeQuInDbContext db, IQueryable<FrameworkComment> comments) =>
        comments.Where(c => c.DeclinedAt == null && !db.Standards.Any(s => s.AnsweredCommentIds.Contains(c.Id)));

    private static async Task<string?> AnsweredByAsync(SeQuInDbContext db, Guid commentId, CancellationToken ct) =>
        (await AnsweredByAsync(db, [commentId], ct)).GetValueOrDefault(commentId);

    /// <summary>For each comment answered, the newest version (by creation) whose standard answers it.</summary>
    private static async Task<Dictionary<Guid, string>> AnsweredByAsync(SeQuInDbContext db, List<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var rows = await (
            from s in db.Standards.AsNoTracking()
            join v in db.FrameworkVersions on s.FrameworkVersionId equals v.Id
            where s.AnsweredCommentIds.Any(id => ids.Contains(id))
            select new { s.AnsweredCommentIds, v.Identifier, v.CreatedAt }).ToListAsync(ct);
        return rows.OrderBy(r => r.CreatedAt)
            .SelectMany(r => r.AnsweredCommentIds.Where(ids.Contains).Select(id => (id, r.Identifier)))
            .GroupBy(p => p.id).ToDictionary(g => g.Key, g => g.Last().Identifier);
    }

    private static Task<string?> ResolveAsync(SeQuInDbContext db, string identifier, Scope scope, CancellationToken ct) =>
        db.FrameworkVersions.AsNoTracking().Where(FrameworkApi.Named(identifier, FrameworkApi.DraftsFor(scope)))
            .Select(v => v.Identifier).SingleOrDefaultAsync(ct);

    private static FrameworkCommentResponse ToResponse(FrameworkComment c, string versionIdentifier, string? answeredBy) => new(
        c.Id, versionIdentifier, c.AreaCode, c.StandardCode, c.Voice, c.Text, c.Suggestion, c.NetworkId, c.UnitId, c.CreatedAt,
        answeredBy is not null ? FrameworkCommentStatus.Answered : c.DeclinedAt is not null ? FrameworkCommentStatus.Declined : FrameworkCommentStatus.Open,
        answeredBy, c.DeclineNote, c.DeclinedAt, c.Revision);

    private static string Location(string identifier, Guid id) => $"/api/v1/frameworks/{Uri.EscapeDataString(identifier)}/comments/{id}";

    private static NotFoundProblem VersionNotFound(string identifier) =>
        ApiProblems.NotFound(identifier == FrameworkApi.ActiveAlias ? "No framework version is active." : $"There is no framework version '{identifier}'.");

    private static NotFoundProblem CommentNotFound(string identifier, Guid id) =>
        ApiProblems.NotFound($"Framework version '{identifier}' has no comment {id} that you may read.");
}
