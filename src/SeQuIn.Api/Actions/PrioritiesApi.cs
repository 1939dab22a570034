using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Actions;

/// <summary>
/// Network priorities (ADR 0034): leads and administrators turn a gap into a priority (a standard or an area, why, a
/// target, a review month), link their units' actions to it, and follow its progress month by month.
/// </summary>
public static class PrioritiesApi
{
    public const string EntityType = "priority";

    public static IEndpointRouteBuilder MapPrioritiesApi(this IEndpointRouteBuilder routes)
    {
        var network = routes.MapGroup("/api/v1/networks/{networkId:guid}/priorities")
            .WithTags("Priorities")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders);
        network.MapGet("/", ListPriorities)
            .WithName(nameof(ListPriorities))
            .WithSummary("A network's priorities, oldest first")
            .WithDescription("Whoever reads the network's results. Filter by status (active, closed); page with limit and cursor.");
        network.MapPost("/", CreatePriority)
            .WithName(nameof(CreatePriority))
            .WithIdempotency()
            .RequireAuthorization(Policies.PrioritySetter)
            .WithRoles(Role.InvolvementLead, Role.NetworkAdmin)
            .WithSummary("Turn a gap into a network priority: a standard (or a whole area), why, a target and a review month")
            .WithDescription("The network's involvement leads and administrators. The standard or area must be in the active framework " +
                "version; the target is on its scale (default: the \"met\" point, the point below the top). The rationale is screened " +
                "for personal identifiers (422, never echoed). Send an Idempotency-Key.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        var priorities = routes.MapGroup("/api/v1/priorities")
            .WithTags("Priorities")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders);
        priorities.MapGet("/{priorityId:guid}", GetPriority)
            .WithName(nameof(GetPriority))
            .WithETag()
            .WithSummary("One network priority")
            .WithDescription("The ETag header carries its revision: send it in If-Match to change it.");
        priorities.MapGet("/{priorityId:guid}/progress", GetPriorityProgress)
            .WithName(nameof(GetPriorityProgress))
            .WithSummary("A priority's progress month by month: units below target, the network median, linked actions open and achieved")
            .WithDescription("One entry per month from 'from' to 'to' (default: the last 12 months), oldest first. Units below target and " +
                "the median are shown only when at least the minimum group of units reported that month and every one of them is a " +
                "unit whose results you read (ADR 0009); otherwise they are null with the reason. Simple to draw: x is the month.");
        priorities.MapPut("/{priorityId:guid}", UpdatePriority)
            .WithName(nameof(UpdatePriority))
            .WithIfMatch()
            .WithIdempotency()
            .RequireAuthorization(Policies.PrioritySetter)
            .WithRoles(Role.InvolvementLead, Role.NetworkAdmin)
            .WithSummary("Change a priority's rationale, target, review month or status (active, closed)")
            .WithDescription("The network's involvement leads and administrators. Replaces all four. Needs If-Match.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        priorities.MapPost("/{priorityId:guid}/actions", LinkAction)
            .WithName(nameof(LinkAction))
            .WithIdempotency()
            .RequireAuthorization(Policies.PrioritySetter)
            .WithRoles(Role.InvolvementLead, Role.NetworkAdmin)
            .WithSummary("Link an action of a member unit to the priority")
            .WithDescription("The network's involvement leads and administrators; the action's unit must be in the priority's network " +
                "(400 naming actionId). Linking a linked action changes nothing. Send an Idempotency-Key.");
        priorities.MapDelete("/{priorityId:guid}/actions/{actionId:guid}", UnlinkAction)
            .WithName(nameof(UnlinkAction))
            .WithIdempotency()
            .RequireAuthorization(Policies.PrioritySetter)
            .WithRoles(Role.InvolvementLead, Role.NetworkAdmin)
            .WithSummary("Unlink an action from the priority")
            .WithDescription("The network's involvement leads and administrators. 404 when the action is not linked.");
        return routes;
    }

    // ---- Writes -------------------------------------------------------------------------------------------------

    public static async Task<Results<Created<PriorityResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem, UnprocessableProblem>> CreatePriority(
        Guid networkId, CreatePriorityRequest request, [AsParameters] ActionServices services, CancellationToken ct)
    {
        var db = services.Db;
        var scope = services.Caller.Scope;
        if (!await db.Networks.AnyAsync(n => n.Id == networkId, ct) || !(scope.SeesPrioritiesOf(networkId) || scope.SetsPrioritiesOf(networkId)))
        {
            return NetworkNotFound(networkId);
        }
        if (!scope.SetsPrioritiesOf(networkId))
        {
            return ApiProblems.Forbidden("Only the network's involvement leads and administrators set its priorities.");
        }
        var version = await db.FrameworkVersions.AsNoTracking().Where(v => v.Status == FrameworkStatus.Active)
            .Select(v => new { v.Id, v.Identifier, Scale = v.Scale.Select(p => p.Value).ToList() }).SingleOrDefaultAsync(ct);
        if (version is null)
        {
            return ApiProblems.NotFound("No framework version is active.");
        }
        string areaCode;
        if (request.StandardCode is { } standardCode)
        {
            var area = await db.Standards.AsNoTracking().Where(s => s.FrameworkVersionId == version.Id && s.Code == standardCode)
                .Select(s => db.Areas.Single(a => a.Id == s.AreaId).Code).SingleOrDefaultAsync(ct);
            if (area is null)
            {
                return ApiProblems.Invalid("standardCode", $"'{standardCode}' is not a standard of the active framework {version.Identifier}.");
            }
            if (request.AreaCode is not null && request.AreaCode != area)
            {
                return ApiProblems.Invalid("areaCode", $"Standard {standardCode} is in area {area}, not {request.AreaCode}.");
            }
            areaCode = area;
        }
        else if (await db.Areas.AnyAsync(a => a.FrameworkVersionId == version.Id && a.Code == request.AreaCode, ct))
        {
            areaCode = request.AreaCode!;
        }
        else
        {
            return ApiProblems.Invalid("areaCode", $"'{request.AreaCode}' is not an area of the active framework {version.Identifier}.");
        }
        var target = request.TargetRating ?? ActionRules.DefaultTarget(version.Scale);
        if (!version.Scale.Contains(target))
        {
            return ApiProblems.Invalid("targetRating", ScaleMessage(version.Identifier, version.Scale));
        }
        var now = services.Clock.Now();
        var priority = new NetworkPriority
        {
            NetworkId = networkId,
            AreaCode = areaCode,
            StandardCode = request.StandardCode,
            Rationale = request.Rationale,
            TargetRating = target,
            ReviewMonth = Months.Parse(request.ReviewMonth),
            Status = PriorityStatus.Active,
            CreatedAt = now,
            CreatedBy = services.Caller.Actor,
            UpdatedAt = now,
        };
        db.Set<NetworkPriority>().Add(priority);
        services.Audit.Record("priority.created", EntityType, priority.Id, networkId,
            new { priority.AreaCode, priority.StandardCode, priority.TargetRating, reviewMonth = request.ReviewMonth });
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await RecordChangeAsync(db, ChangeKinds.PriorityCreated, priority, now, null, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created(Location(priority.Id), ToResponse(priority, 0));
    }

    public static async Task<Results<Ok<PriorityResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem, PreconditionProblem>> UpdatePriority(
        Guid priorityId, UpdatePriorityRequest request, [AsParameters] ActionServices services, CancellationToken ct)
    {
        var db = services.Db;
        if (await FindAsync(db, services.Caller.Scope, priorityId, tracked: true, ct) is not { } priority)
        {
            return NotVisible(priorityId);
        }
        if (!services.Caller.Scope.SetsPrioritiesOf(priority.NetworkId))
        {
            return ApiProblems.Forbidden("Only the network's involvement leads and administrators change its priorities.");
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, Preconditions.ETag(priority.Revision), "priority") is { } precondition)
        {
            return precondition;
        }
        var version = await db.FrameworkVersions.AsNoTracking().Where(v => v.Status == FrameworkStatus.Active)
            .Select(v => new { v.Identifier, Scale = v.Scale.Select(p => p.Value).ToList() }).SingleOrDefaultAsync(ct);
        if (version is not null && !version.Scale.Contains(request.TargetRating))
        {
            return ApiProblems.Invalid("targetRating", ScaleMessage(version.Identifier, version.Scale));
        }
        var before = new { priority.TargetRating, reviewMonth = Months.Format(priority.ReviewMonth), priority.Status };
        var now = services.Clock.Now();
        (priority.Rationale, priority.TargetRating, priority.ReviewMonth, priority.Status) =
            (request.Rationale, request.TargetRating, Months.Parse(request.ReviewMonth), request.Status);
        priority.Revision++;
        priority.UpdatedAt = now;
        services.Audit.Record("priority.changed", EntityType, priority.Id, priority.NetworkId,
            new { from = before, to = new { request.TargetRating, request.ReviewMonth, request.Status } });
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        if (!await db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("priority");
        }
        await RecordChangeAsync(db, ChangeKinds.PriorityChanged, priority, now, null, ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(Preconditions.ETag(priority.Revision));
        return TypedResults.Ok(ToResponse(priority, await LinkedCountAsync(db, priority.Id, ct)));
    }

    public static async Task<Results<Ok<PriorityResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem>> LinkAction(
        Guid priorityId, LinkActionRequest request, [AsParameters] ActionServices services, CancellationToken ct)
    {
        var db = services.Db;
        var scope = services.Caller.Scope;
        if (await FindAsync(db, scope, priorityId, tracked: false, ct) is not { } priority)
        {
            return NotVisible(priorityId);
        }
        if (!scope.SetsPrioritiesOf(priority.NetworkId))
        {
            return ApiProblems.Forbidden("Only the network's involvement leads and administrators link actions to its priorities.");
        }
        var action = await ActionsApi.Readable(db, scope).AsNoTracking().SingleOrDefaultAsync(a => a.Id == request.ActionId, ct);
        if (action is null || action.NetworkId != priority.NetworkId)
        {
            return ApiProblems.Invalid("actionId", $"There is no action {request.ActionId} of a unit of this priority's network that you may see.");
        }
        if (!await db.Set<PriorityAction>().AnyAsync(l => l.PriorityId == priority.Id && l.ActionId == action.Id, ct))
        {
            await ChangeLinksAsync(services, priority, action, linked: true, ct);
        }
        return TypedResults.Ok(await ReadAsync(db, priority.Id, ct));
    }

    public static async Task<Results<NoContent, NotFoundProblem, ForbiddenProblem>> UnlinkAction(
        Guid priorityId, Guid actionId, [AsParameters] ActionServices services, CancellationToken ct)
    {
        var db = services.Db;
        var scope = services.Caller.Scope;
        if (await FindAsync(db, scope, priorityId, tracked: false, ct) is not { } priority)
        {
            return NotVisible(priorityId);
        }
        if (!scope.SetsPrioritiesOf(priority.NetworkId))
        {
            return ApiProblems.Forbidden("Only the network's involvement leads and administrators unlink actions from its priorities.");
        }
        var action = await ActionsApi.Readable(db, scope).AsNoTracking().SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (action is null || !await db.Set<PriorityAction>().AnyAsync(l => l.PriorityId == priority.Id && l.ActionId == actionId, ct))
        {
            return ApiProblems.NotFound($"Action {actionId} is not linked to priority {priorityId}.");
        }
        await ChangeLinksAsync(services, priority, action, linked: false, ct);
        return TypedResults.NoContent();
    }

    // ---- Reads --------------------------------------------------------------------------------------------------

    public static async Task<Results<Ok<Page<PriorityResponse>>, NotFoundProblem>> ListPriorities(
        Guid networkId, [AsParameters] PriorityListQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (!caller.Scope.SeesPrioritiesOf(networkId) || !await db.Networks.AnyAsync(n => n.Id == networkId, ct))
        {
            return NetworkNotFound(networkId);
        }
        var rows = db.Set<NetworkPriority>().AsNoTracking().Where(p => p.NetworkId == networkId)
            .WhereIf(query.Status is not null, p => p.Status == query.Status);
        var page = await rows.ToPageAsync(query, p => p.Id.ToString(), p => p, ct);
        var ids = page.Items.Select(p => p.Id).ToList();
        var counts = await db.Set<PriorityAction>().AsNoTracking().Where(l => ids.Contains(l.PriorityId))
            .GroupBy(l => l.PriorityId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return TypedResults.Ok(new Page<PriorityResponse>(page.Items.Select(p => ToResponse(p, counts.GetValueOrDefault(p.Id))).ToList(),
            page.NextCursor, page.Limit));
    }

    public static async Task<Results<Ok<PriorityResponse>, NotFoundProblem, StatusCodeHttpResult>> GetPriority(
        Guid priorityId, Caller caller, HttpContext http, SeQuInDbContext db, CancellationToken ct)
    {
        if (await FindAsync(db, caller.Scope, priorityId, tracked: false, ct) is not { } priority)
        {
            return NotVisible(priorityId);
        }
        return Preconditions.NotModified(http, Preconditions.ETag(priority.Revision))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(ToResponse(priority, await LinkedCountAsync(db, priority.Id, ct)));
    }

    public static async Task<Results<Ok<PriorityProgressResponse>, NotFoundProblem>> GetPriorityProgress(
        Guid priorityId, [AsParameters] PriorityProgressQuery query, Caller caller, SeQuInDbContext db, TimeProvider clock, IConfiguration configuration,
        CancellationToken ct)
    {
        if (await FindAsync(db, caller.Scope, priorityId, tracked: false, ct) is not { } priority)
        {
            return NotVisible(priorityId);
        }
        var (from, to) = query.Window(clock);
        List<(DateOnly Month, Contributor Unit)> values;
        if (priority.StandardCode is { } code)
        {
            values = (await db.StandardResults.AsNoTracking()
                    .Where(r => r.NetworkId == priority.NetworkId && r.StandardCode == code && r.Month >= from && r.Month <= to && r.Value != null)
                    .Select(r => new { r.Month, r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, Value = (decimal)r.Value!.Value })
                    .ToListAsync(ct))
                .Select(r => (r.Month, new Contributor(r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, r.Value))).ToList();
        }
        else
        {
            values = (await db.AreaResults.AsNoTracking()
                    .Where(r => r.NetworkId == priority.NetworkId && r.AreaCode == priority.AreaCode && r.Month >= from && r.Month <= to && r.Mean != null)
                    .Select(r => new { r.Month, r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, Value = r.Mean!.Value })
                    .ToListAsync(ct))
                .Select(r => (r.Month, new Contributor(r.UnitId, r.NetworkId, r.CollaborativeId, r.SecurityLevel, r.Sector, r.Value))).ToList();
        }
        var actions = (await db.Set<ImprovementAction>().AsNoTracking()
                .Where(a => db.Set<PriorityAction>().Any(l => l.PriorityId == priority.Id && l.ActionId == a.Id))
                .Select(a => new { a.CreatedAt, a.ClosedAt, a.AchievedMonth, a.SlippedMonth }).ToListAsync(ct))
            .Select(a => new LinkedActionHistory(MonthOf(a.CreatedAt), a.ClosedAt is { } closed ? MonthOf(closed) : null, a.AchievedMonth, a.SlippedMonth))
            .ToList();
        var months = PriorityProgress.Compute(from, to, priority.TargetRating, values, actions, Viewer.Of(caller), BenchmarksApi.MinimumGroupSize(configuration));
        return TypedResults.Ok(new PriorityProgressResponse(priority.Id, priority.NetworkId, priority.AreaCode, priority.StandardCode,
            priority.StandardCode is null ? "area" : "standard", priority.TargetRating, Months.Format(from), Months.Format(to), months));
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    private static async Task ChangeLinksAsync(ActionServices services, NetworkPriority priority, ImprovementAction action, bool linked, CancellationToken ct)
    {
        var db = services.Db;
        var now = services.Clock.Now();
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        if (linked)
        {
            db.Set<PriorityAction>().Add(new PriorityAction { PriorityId = priority.Id, ActionId = action.Id, LinkedAt = now });
        }
        else
        {
            await db.Set<PriorityAction>().Where(l => l.PriorityId == priority.Id && l.ActionId == action.Id).ExecuteDeleteAsync(ct);
        }
        // The link is part of the priority's answer (its count), so its ETag moves on; links need no If-Match (a set, not an edit).
        await db.Set<NetworkPriority>().Where(p => p.Id == priority.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Revision, p => p.Revision + 1), ct);
        priority.Revision++;
        var what = linked ? "priority.action-linked" : "priority.action-unlinked";
        services.Audit.Record(what, EntityType, priority.Id, priority.NetworkId, new { actionId = action.Id, action.UnitId });
        services.Audit.Record(what, ActionsApi.EntityType, action.Id, action.NetworkId, new { priorityId = priority.Id });
        await db.SaveChangesAsync(ct);
        await RecordChangeAsync(db, linked ? ChangeKinds.PriorityActionLinked : ChangeKinds.PriorityActionUnlinked, priority, now,
            new { actionId = action.Id, action.UnitId }, ct);
        await transaction.CommitAsync(ct);
    }

    private static async Task<PriorityResponse> ReadAsync(SeQuInDbContext db, Guid priorityId, CancellationToken ct)
    {
        var priority = await db.Set<NetworkPriority>().AsNoTracking().SingleAsync(p => p.Id == priorityId, ct);
        return ToResponse(priority, await LinkedCountAsync(db, priorityId, ct));
    }

    private static async Task<NetworkPriority?> FindAsync(SeQuInDbContext db, Scope scope, Guid priorityId, bool tracked, CancellationToken ct)
    {
        var rows = db.Set<NetworkPriority>().AsQueryable();
        var priority = await (tracked ? rows : rows.AsNoTracking()).SingleOrDefaultAsync(p => p.Id == priorityId, ct);
        return priority is not null && (scope.SeesPrioritiesOf(priority.NetworkId) || scope.SetsPrioritiesOf(priority.NetworkId)) ? priority : null;
    }

    private static Task<int> LinkedCountAsync(SeQuInDbContext db, Guid priorityId, CancellationToken ct) =>
        db.Set<PriorityAction>().CountAsync(l => l.PriorityId == priorityId, ct);

    private static Task RecordChangeAsync(SeQuInDbContext db, string kind, NetworkPriority p, DateTimeOffset now, object? more, CancellationToken ct) =>
        ChangeFeed.RecordAsync(db, kind, EntityType, p.Id, p.Revision, null, p.NetworkId, now,
            new { p.AreaCode, p.StandardCode, p.TargetRating, reviewMonth = Months.Format(p.ReviewMonth), p.Status, change = more }, ct, Location(p.Id));

    private static DateOnly MonthOf(DateTimeOffset time) => new(time.UtcDateTime.Year, time.UtcDateTime.Month, 1);

    private static string ScaleMessage(string identifier, IEnumerable<int> scale) =>
        $"'targetRating' must be a point of the scale of the active framework {identifier}: {string.Join(", ", scale.Order())}.";

    private static PriorityResponse ToResponse(NetworkPriority p, int linked) => new(p.Id, p.NetworkId, p.AreaCode, p.StandardCode, p.Rationale,
        p.TargetRating, Months.Format(p.ReviewMonth), p.Status, linked, p.CreatedAt, p.CreatedBy, p.UpdatedAt, p.Revision);

    internal static string Location(Guid id) => $"/api/v1/priorities/{id}";

    private static NotFoundProblem NotVisible(Guid id) => ApiProblems.NotFound($"There is no priority {id} that you may see.");

    private static NotFoundProblem NetworkNotFound(Guid id) => ApiProblems.NotFound($"There is no network {id} whose priorities you may see.");
}
