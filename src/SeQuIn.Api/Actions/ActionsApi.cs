using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Actions;

/// <summary>
/// Action plans (ADR 0034): what a unit will do about a standard an assessment rated low, who by role, by when, which
/// evidence will show it; leads comment; the status moves open → in-progress → done or dropped; a later submitted
/// assessment that meets the target marks it achieved (and slipped when a later one falls back).
/// </summary>
public static class ActionsApi
{
    public const string EntityType = "action";

    public static IEndpointRouteBuilder MapActionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/actions")
            .WithTags("Actions")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders);
        group.MapGet("/", ListActions)
            .WithName(nameof(ListActions))
            .WithSummary("The actions you may see: a unit's plan, an assessment's actions, overdue actions, a priority's actions")
            .WithDescription("Unit members see their units' actions; involvement leads and administrators their network's (a national " +
                "administrator all); analysts none. Filter by assessment, unit, status, area, standard, priority or overdue " +
                "(past the due month, open or in progress, not achieved); page with limit and cursor, oldest first.");
        group.MapGet("/{actionId:guid}", GetAction)
            .WithName(nameof(GetAction))
            .WithETag()
            .WithSummary("One action with its status, what later submissions showed, and the leads' comments")
            .WithDescription("The ETag header carries the action's revision: send it in If-Match to move its status.");
        group.MapGet("/{actionId:guid}/history", GetActionHistory)
            .WithName(nameof(GetActionHistory))
            .WithSummary("Who did what to an action, and when")
            .WithDescription("The action's entries in the audit trail, oldest first: created, status changes with reasons, comments, " +
                "achieved and slipped (with the submitted assessment that showed it).");
        group.MapPost("/", CreateAction)
            .WithName(nameof(CreateAction))
            .WithIdempotency()
            .RequireAuthorization(Policies.ActionPlanner)
            .WithRoles(Role.UnitMember, Role.InvolvementLead)
            .WithSummary("Plan an action against a standard of a submitted assessment of your unit")
            .WithDescription("The unit's members or its network's involvement leads. What and which evidence will show it are " +
                "screened for personal identifiers (422, never echoed); the owner is a role, never a name. The target defaults " +
                "to the scale's \"met\" point (the point below the top); the baseline is the assessment's rating of the standard. " +
                "Drafts take no actions (409). Send an Idempotency-Key.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPut("/{actionId:guid}", UpdateAction)
            .WithName(nameof(UpdateAction))
            .WithIfMatch()
            .WithIdempotency()
            .RequireAuthorization(Policies.ActionPlanner)
            .WithRoles(Role.UnitMember, Role.InvolvementLead)
            .WithSummary("Reword an open or in-progress action: what, who by role, by when, the evidence expected, the target")
            .WithDescription("The unit's members or its network's involvement leads, with If-Match. Send every member: the request " +
                "replaces them; the same request again changes nothing (the revision stays). Done and dropped actions are kept as " +
                "they were (409). The target must be a point of the scale of the action's assessment and judges the submissions " +
                "from now on. Text is screened for personal identifiers (422, never echoed).")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{actionId:guid}/status", ChangeActionStatus)
            .WithName(nameof(ChangeActionStatus))
            .WithIfMatch()
            .WithIdempotency()
            .RequireAuthorization(Policies.ActionPlanner)
            .WithRoles(Role.UnitMember, Role.InvolvementLead)
            .WithSummary("Move an action on: in-progress, done, or dropped with a reason")
            .WithDescription("Open → in-progress → done; open or in-progress → dropped (a reason is required). Done and dropped are " +
                "final (409). Needs If-Match.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{actionId:guid}/comments", CommentOnAction)
            .WithName(nameof(CommentOnAction))
            .WithIdempotency()
            .RequireAuthorization(Policies.InvolvementLead)
            .WithRoles(Role.InvolvementLead)
            .WithSummary("Comment on an action, as an involvement lead of its network")
            .WithDescription("Comments are never changed or removed; the text is screened for personal identifiers. Send an Idempotency-Key.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return routes;
    }

    // ---- Writes -------------------------------------------------------------------------------------------------

    public static async Task<Results<Created<ActionResponse>, NotFoundProblem, ForbiddenProblem, ConflictProblem, ValidationProblem, UnprocessableProblem>> CreateAction(
        CreateActionRequest request, [AsParameters] ActionServices services, CancellationToken ct)
    {
        var db = services.Db;
        var assessment = await db.Assessments.AsNoTracking().Include(a => a.Ratings)
            .Where(AssessmentAccess.Visible(services.Caller, db))
            .SingleOrDefaultAsync(a => a.Id == request.AssessmentId, ct);
        if (assessment is null)
        {
            return ApiProblems.NotFound($"There is no assessment {request.AssessmentId} that you may see.");
        }
        var place = new UnitPlace(assessment.UnitId, assessment.NetworkId, null);
        if (!services.Caller.Scope.PlansActionsOf(place))
        {
            return ApiProblems.Forbidden("Only the unit's members and its network's involvement leads plan its actions.");
        }
        if (assessment.Status != AssessmentStatus.Submitted)
        {
            return ApiProblems.Conflict("Actions start from a submitted rating: submit the assessment first.");
        }
        if (assessment.Ratings.SingleOrDefault(r => r.StandardCode == request.StandardCode) is not { } rating)
        {
            return ApiProblems.Invalid("standardCode", $"'{request.StandardCode}' is not a standard rated in this assessment of {assessment.AreaCode}.");
        }
        var scale = await db.ScalePoints.AsNoTracking().Where(p => p.FrameworkVersionId == assessment.FrameworkVersionId)
            .Select(p => p.Value).ToListAsync(ct);
        var target = request.TargetRating ?? ActionRules.DefaultTarget(scale);
        if (!scale.Contains(target))
        {
            return ApiProblems.Invalid("targetRating", $"'targetRating' must be a point of the scale of framework {assessment.FrameworkIdentifier}: {string.Join(", ", scale.Order())}.");
        }
        var now = services.Clock.Now();
        var action = new ImprovementAction
        {
            UnitId = assessment.UnitId,
            NetworkId = assessment.NetworkId,
            AssessmentId = assessment.Id,
            BaselineMonth = assessment.Month,
            AreaCode = assessment.AreaCode,
            StandardCode = rating.StandardCode,
            What = request.What,
            Owner = request.Owner,
            DueMonth = Months.Parse(request.DueMonth),
            EvidenceExpected = request.EvidenceExpected,
            TargetRating = target,
            BaselineRating = rating.NotApplicable ? null : rating.Value,
            Status = ActionStatus.Open,
            Evidence = ActionEvidence.NotYetShown,
            CreatedAt = now,
            CreatedBy = services.Caller.Actor,
            UpdatedAt = now,
        };
        db.Set<ImprovementAction>().Add(action);
        // The text stays in its row, where the unit's scope guards it; the trail and the feed record that it was made.
        services.Audit.Record("action.created", EntityType, action.Id, action.NetworkId,
            new { action.UnitId, action.AssessmentId, action.StandardCode, action.Owner, dueMonth = request.DueMonth, action.TargetRating, action.BaselineRating });
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await RecordChangeAsync(db, ChangeKinds.ActionCreated, action, now, ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(Preconditions.ETag(action.Revision));
        return TypedResults.Created(Location(action.Id), ToResponse(action, Array.Empty<Guid>().ToLookup(id => id), Months.Current(services.Clock)));
    }

    public static async Task<Results<Ok<ActionResponse>, NotFoundProblem, ForbiddenProblem, ConflictProblem, ValidationProblem, PreconditionProblem>> ChangeActionStatus(
        Guid actionId, ActionStatusRequest request, [AsParameters] ActionServices services, CancellationToken ct)
    {
        var db = services.Db;
        var action = await Readable(db, services.Caller.Scope).Include(a => a.Comments).SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (action is null)
        {
            return NotVisible(actionId);
        }
        if (!services.Caller.Scope.PlansActionsOf(Place(action)))
        {
            return ApiProblems.Forbidden("Only the unit's members and its network's involvement leads move its actions on.");
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, Preconditions.ETag(action.Revision), "action") is { } precondition)
        {
            return precondition;
        }
        if (!ActionRules.MayMove(action.Status, request.Status))
        {
            return ApiProblems.Conflict($"An action that is {EnumQuery.NameOf(action.Status)} cannot become {EnumQuery.NameOf(request.Status)}: " +
                "open → in-progress → done, or dropped; done and dropped are final.");
        }
        var now = services.Clock.Now();
        var from = action.Status;
        action.Status = request.Status;
        if (request.Status is ActionStatus.Done or ActionStatus.Dropped)
        {
            action.ClosedAt = now;
        }
        if (request.Status == ActionStatus.Dropped)
        {
            action.DropReason = request.Reason;
        }
        action.Revision++;
        action.UpdatedAt = now;
        services.Audit.Record("action.status-changed", EntityType, action.Id, action.NetworkId, new { from, to = request.Status }, request.Reason);
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        if (!await db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("action");
        }
        await RecordChangeAsync(db, ChangeKinds.ActionStatusChanged, action, now, ct, new { from, to = request.Status });
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(Preconditions.ETag(action.Revision));
        return TypedResults.Ok(ToResponse(action, await PrioritiesOfAsync(db, [action.Id], ct), Months.Current(services.Clock)));
    }

    public static async Task<Results<Ok<ActionResponse>, NotFoundProblem, ForbiddenProblem, ConflictProblem, ValidationProblem, PreconditionProblem>> UpdateAction(
        Guid actionId, UpdateActionRequest request, [AsParameters] ActionServices services, CancellationToken ct)
    {
        var db = services.Db;
        var action = await Readable(db, services.Caller.Scope).Include(a => a.Comments).SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (action is null)
        {
            return NotVisible(actionId);
        }
        if (!services.Caller.Scope.PlansActionsOf(Place(action)))
        {
            return ApiProblems.Forbidden("Only the unit's members and its network's involvement leads change its actions.");
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, Preconditions.ETag(action.Revision), "action") is { } precondition)
        {
            return precondition;
        }
        if (action.Status is not (ActionStatus.Open or ActionStatus.InProgress))
        {
            return ApiProblems.Conflict($"An action that is {EnumQuery.NameOf(action.Status)} is kept as it was: only open and in-progress actions change.");
        }
        var scale = await db.Assessments.AsNoTracking().Where(a => a.Id == action.AssessmentId)
            .SelectMany(a => db.ScalePoints.Where(p => p.FrameworkVersionId == a.FrameworkVersionId).Select(p => p.Value)).ToListAsync(ct);
        if (!scale.Contains(request.TargetRating))
        {
            return ApiProblems.Invalid("targetRating", $"'targetRating' must be a point of the scale of the action's assessment: {string.Join(", ", scale.Order())}.");
        }
        var due = Months.Parse(request.DueMonth);
        // Which members changed, by name: the trail and the feed say what changed, never the text.
        var fields = new List<string>();
        void Set<T>(string name, T before, T after, Action<T> assign)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                fields.Add(name);
                assign(after);
            }
        }
        Set("what", action.What, request.What, v => action.What = v);
        Set("owner", action.Owner, request.Owner, v => action.Owner = v);
        Set("dueMonth", action.DueMonth, due, v => action.DueMonth = v);
        Set("evidenceExpected", action.EvidenceExpected, request.EvidenceExpected, v => action.EvidenceExpected = v);
        Set("targetRating", action.TargetRating, request.TargetRating, v => action.TargetRating = v);
        if (fields.Count > 0)
        {
            var now = services.Clock.Now();
            action.Revision++;
            action.UpdatedAt = now;
            services.Audit.Record(ChangeKinds.ActionChanged, EntityType, action.Id, action.NetworkId,
                new { fields, action.Owner, dueMonth = request.DueMonth, action.TargetRating });
            await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
            if (!await db.TrySaveRevisionAsync(ct))
            {
                return Preconditions.Stale("action");
            }
            await RecordChangeAsync(db, ChangeKinds.ActionChanged, action, now, ct, new { fields });
            await transaction.CommitAsync(ct);
        }
        services.Http.Response.SetETag(Preconditions.ETag(action.Revision));
        return TypedResults.Ok(ToResponse(action, await PrioritiesOfAsync(db, [action.Id], ct), Months.Current(services.Clock)));
    }

    public static async Task<Results<Created<ActionCommentResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem, UnprocessableProblem>> CommentOnAction(
        Guid actionId, ActionCommentRequest request, [AsParameters] ActionServices services, CancellationToken ct)
    {
        var db = services.Db;
        var action = await Readable(db, services.Caller.Scope).AsNoTracking().SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (action is null)
        {
            return NotVisible(actionId);
        }
        if (!services.Caller.Scope.CommentsOnActionsOf(Place(action)))
        {
            return ApiProblems.Forbidden("Only the involvement leads of the unit's network comment on its actions.");
        }
        var comment = new ActionComment { ActionId = action.Id, Text = request.Text, Author = services.Caller.Actor, CreatedAt = services.Clock.Now() };
        db.Set<ActionComment>().Add(comment);
        services.Audit.Record("action.commented", EntityType, action.Id, action.NetworkId, new { commentId = comment.Id });
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        // Comments are only added, so they need no If-Match; but the action's ETag must move on (its answer holds them).
        await db.Set<ImprovementAction>().Where(a => a.Id == action.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Revision, a => a.Revision + 1), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"{Location(action.Id)}#comment-{comment.Id}", new ActionCommentResponse(comment.Id, comment.Text, comment.Author, comment.CreatedAt));
    }

    // ---- Reads --------------------------------------------------------------------------------------------------

    public static async Task<Ok<Page<ActionResponse>>> ListActions(
        [AsParameters] ActionListQuery query, Caller caller, SeQuInDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var current = Months.Current(clock);
        var actions = Readable(db, caller.Scope).AsNoTracking().Include(a => a.Comments)
            .WhereIf(query.assessmentId is not null, a => a.AssessmentId == query.assessmentId)
            .WhereIf(query.unitId is not null, a => a.UnitId == query.unitId)
            .WhereIf(query.Status is not null, a => a.Status == query.Status)
            .WhereIf(query.areaCode is not null, a => a.AreaCode == query.areaCode)
            .WhereIf(query.standardCode is not null, a => a.StandardCode == query.standardCode)
            .WhereIf(query.priorityId is not null, a => db.Set<PriorityAction>().Any(l => l.ActionId == a.Id && l.PriorityId == query.priorityId))
            // The same rule as ActionRules.IsOverdue, written so that it runs in SQL.
            .WhereIf(query.overdue == true, a => (a.Status == ActionStatus.Open || a.Status == ActionStatus.InProgress)
                                                 && a.Evidence != ActionEvidence.Achieved && a.DueMonth < current)
            .WhereIf(query.overdue == false, a => !((a.Status == ActionStatus.Open || a.Status == ActionStatus.InProgress)
                                                    && a.Evidence != ActionEvidence.Achieved && a.DueMonth < current));
        var page = await actions.ToPageAsync(query, a => a.Id.ToString(), a => a, ct);
        var links = await PrioritiesOfAsync(db, page.Items.Select(a => a.Id).ToList(), ct);
        return TypedResults.Ok(new Page<ActionResponse>(page.Items.Select(a => ToResponse(a, links, current)).ToList(), page.NextCursor, page.Limit));
    }

    public static async Task<Results<Ok<ActionResponse>, NotFoundProblem, StatusCodeHttpResult>> GetAction(
        Guid actionId, Caller caller, HttpContext http, SeQuInDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var action = await Readable(db, caller.Scope).AsNoTracking().Include(a => a.Comments).SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (action is null)
        {
            return NotVisible(actionId);
        }
        return Preconditions.NotModified(http, Preconditions.ETag(action.Revision))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(ToResponse(action, await PrioritiesOfAsync(db, [action.Id], ct), Months.Current(clock)));
    }

    public static async Task<Results<Ok<Page<AuditEventResponse>>, NotFoundProblem>> GetActionHistory(
        Guid actionId, [AsParameters] AuditListQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (!await Readable(db, caller.Scope).AnyAsync(a => a.Id == actionId, ct))
        {
            return NotVisible(actionId);
        }
        return TypedResults.Ok(await AuditApi.PageAsync(db.AuditEvents.AsNoTracking()
            .Where(e => e.EntityType == EntityType && e.EntityId == actionId.ToString()), query, ct));
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    /// <summary>The actions the caller sees (<see cref="Scope.SeesActionsOf"/>): its units' and its reviewed networks'.</summary>
    internal static IQueryable<ImprovementAction> Readable(SeQuInDbContext db, Scope scope)
    {
        var actions = db.Set<ImprovementAction>().AsQueryable();
        if (scope.ReviewedNetworks.All)
        {
            return actions;
        }
        var networks = scope.ReviewedNetworks.Ids;
        var units = scope.MemberUnits.Ids;
        return actions.Where(a => networks.Contains(a.NetworkId) || units.Contains(a.UnitId));
    }

    internal static UnitPlace Place(ImprovementAction action) => new(action.UnitId, action.NetworkId, null);

    /// <summary>The feed entry of an action's change: what changed, never its text (the feed is read across the network).</summary>
    internal static Task RecordChangeAsync(SeQuInDbContext db, string kind, ImprovementAction action, DateTimeOffset now, CancellationToken ct, object? more = null) =>
        ChangeFeed.RecordAsync(db, kind, EntityType, action.Id, action.Revision, action.UnitId, action.NetworkId, now,
            new { action.StandardCode, action.Status, action.Evidence, action.TargetRating, change = more }, ct);

    internal static async Task<ILookup<Guid, Guid>> PrioritiesOfAsync(SeQuInDbContext db, List<Guid> actionIds, CancellationToken ct) =>
        (await db.Set<PriorityAction>().AsNoTracking().Where(l => actionIds.Contains(l.ActionId)).OrderBy(l => l.LinkedAt).ToListAsync(ct))
        .ToLookup(l => l.ActionId, l => l.PriorityId);

    internal static ActionResponse ToResponse(ImprovementAction a, ILookup<Guid, Guid> priorities, DateOnly currentMonth) => new(
        a.Id, a.UnitId, a.NetworkId, a.AssessmentId, Months.Format(a.BaselineMonth), a.AreaCode, a.StandardCode, a.What, a.Owner,
        Months.Format(a.DueMonth), a.EvidenceExpected, a.TargetRating, a.BaselineRating, a.Status, a.DropReason, a.ClosedAt,
        ActionRules.IsOverdue(a.Status, a.Evidence, a.DueMonth, currentMonth),
        new ActionEvidenceResponse(a.Evidence, a.EvidenceAssessmentId, a.EvidenceMonth is { } m ? Months.Format(m) : null, a.EvidenceRating,
            a.AchievedAt, a.AchievedByAssessmentId, a.SlippedAt),
        priorities[a.Id].ToList(),
        a.Comments.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Select(c => new ActionCommentResponse(c.Id, c.Text, c.Author, c.CreatedAt)).ToList(),
        a.CreatedAt, a.CreatedBy, a.UpdatedAt, a.Revision);

    internal static string Location(Guid id) => $"/api/v1/actions/{id}";

    internal static NotFoundProblem NotVisible(Guid id) => ApiProblems.NotFound($"There is no action {id} that you may see.");
}
