using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Families;

/// <summary>What staff do with families' voice: issue a unit's share code, moderate responses, read how often families concur.</summary>
public static class FamiliesApi
{
    public static IEndpointRouteBuilder MapFamiliesApi(this IEndpointRouteBuilder routes)
    {
        var units = routes.MapGroup("/api/v1/units/{unitId:guid}")
            .WithTags("Families")
            .WithValidation()
            // Families' words about one unit: not for commissioners, who read roll-ups (ADR 0033).
            .RequireAuthorization(Policies.UnitLevelReader);
        units.MapPost("/share-code", IssueShareCode)
            .WithName(nameof(IssueShareCode))
            .WithRoles(Role.NetworkAdmin, Role.InvolvementLead)
            .WithIdempotency(secretAnswer: true)
            .WithSummary("Issue a unit's share code for families and carers, voiding the one before")
            .WithDescription("An administrator or involvement lead of the unit's network. The code is shown in this answer only: just " +
                "its hash and a two-character hint are kept, and the audit trail records the hint, never the code.");
        units.MapGet("/family-responses", ListFamilyResponses)
            .WithName(nameof(ListFamilyResponses))
            .WithRoles(Role.NetworkAdmin, Role.InvolvementLead)
            .WithSummary("Families' responses to a unit, for moderation")
            .WithDescription("Involvement leads of the unit's network moderate them; its administrators may read them. Filter by state " +
                "(pending, approved, rejected), month or area; by month, then area. Each carries its revision for If-Match.");
        units.MapPost("/family-responses/{responseId:guid}/moderation", ModerateFamilyResponse)
            .WithName(nameof(ModerateFamilyResponse))
            .RequireAuthorization(Policies.InvolvementLead)
            .WithRoles(Role.InvolvementLead)
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Approve or reject a family response")
            .WithDescription("An involvement lead of the unit's network. Approved responses are counted and their comments shown to " +
                "the unit and network; rejected ones never are. A decision may be changed later. Needs If-Match.");
        units.MapGet("/family-concurrence", GetUnitFamilyConcurrence)
            .WithName(nameof(GetUnitFamilyConcurrence))
            .WithRoles(Role.NetworkAdmin, Role.InvolvementLead, Role.UnitMember)
            .WithSummary("How often families concur with a unit's ratings, per month and area, with approved comments")
            .WithDescription("For the unit's members and its network's leads and administrators. Counts are of approved responses; " +
                "pending ones are counted apart as awaitingModeration, rejected ones nowhere. Comments carry the month and area only.");
        routes.MapGet("/api/v1/networks/{networkId:guid}/insight/family-concurrence", GetNetworkFamilyConcurrence)
            .WithTags("Families")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .WithName(nameof(GetNetworkFamilyConcurrence))
            .WithSummary("How often families concur across a network: by area and month, and per unit")
            .WithDescription("For whoever reads the network's results. Approved responses only (pending ones as awaitingModeration); " +
                "no comments. Counts of anonymous responses, not units' values, so they are not suppressed (ADR 0029).");
        return routes;
    }

    public static async Task<Results<Ok<ShareCodeResponse>, NotFoundProblem, ForbiddenProblem>> IssueShareCode(Guid unitId,
        [AsParameters] FamilyServices services, CancellationToken ct)
    {
        if (await PlaceAsync(services.Db, unitId, ct) is not { } place || !services.Caller.Scope.SeesUnit(place))
        {
            return UnitNotFound(unitId);
        }
        if (!services.Caller.Scope.IssuesShareCodesOf(place))
        {
            return ApiProblems.Forbidden("Only an administrator or involvement lead of the unit's network issues its share code.");
        }
        var code = ShareCodes.Generate();
        var now = services.Clock.Now();
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        var current = await services.Db.FamilyShareCodes.SingleOrDefaultAsync(c => c.UnitId == unitId, ct);
        if (current is null)
        {
            current = new FamilyShareCode { UnitId = unitId, CodeHash = "", Hint = "" };
            services.Db.FamilyShareCodes.Add(current);
        }
        var voided = current.Hint;
        current.CodeHash = ShareCodes.Hash(code);
        current.Hint = ShareCodes.HintOf(code);
        current.IssuedAt = now;
        services.Audit.Record("unit.share-code-issued", "unit", unitId, place.NetworkId,
            new { hint = current.Hint, voidedHint = voided.Length == 0 ? null : voided });
        await services.Db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new ShareCodeResponse(unitId, ShareCodes.Format(code), current.Hint, now));
    }

    public static async Task<Results<Ok<Page<FamilyResponseView>>, NotFoundProblem, ForbiddenProblem>> ListFamilyResponses(Guid unitId,
        [AsParameters] FamilyResponseListQuery query, [AsParameters] FamilyServices services, CancellationToken ct)
    {
        if (await PlaceAsync(services.Db, unitId, ct) is not { } place || !services.Caller.Scope.SeesUnit(place))
        {
            return UnitNotFound(unitId);
        }
        if (!services.Caller.Scope.SeesFamilyResponsesOf(place))
        {
            return ApiProblems.Forbidden("Only involvement leads and administrators of the unit's network read responses before they are moderated.");
        }
        var month = query.month is null ? (DateOnly?)null : Months.Parse(query.month);
        var responses = services.Db.FamilyResponses.AsNoTracking().Where(r => r.UnitId == unitId)
            .WhereIf(query.Status is not null, r => r.Status == query.Status)
            .WhereIf(month is not null, r => r.Month == month)
            .WhereIf(query.areaCode is not null, r => r.AreaCode == query.areaCode);
        return TypedResults.Ok(await responses.ToPageAsync(query, r => r.SortKey, ToView, ct));
    }

    public static async Task<Results<Ok<FamilyResponseView>, NotFoundProblem, ForbiddenProblem, PreconditionProblem>> ModerateFamilyResponse(
        Guid unitId, Guid responseId, ModerationRequest request, [AsParameters] FamilyServices services, CancellationToken ct)
    {
        if (await PlaceAsync(services.Db, unitId, ct) is not { } place || !services.Caller.Scope.SeesUnit(place)
            || await services.Db.FamilyResponses.SingleOrDefaultAsync(r => r.Id == responseId && r.UnitId == unitId, ct) is not { } response)
        {
            return ApiProblems.NotFound($"There is no family response {responseId} to unit {unitId}.");
        }
        if (!services.Caller.Scope.ModeratesFamilyResponsesOf(place))
        {
            return ApiProblems.Forbidden("Only an involvement lead of the unit's network moderates what families said.");
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, Preconditions.ETag(response.Revision), "family response") is { } precondition)
        {
            return precondition;
        }
        var before = response.Status;
        response.Status = request.Decision == ModerationDecision.Approve ? FamilyResponseStatus.Approved : FamilyResponseStatus.Rejected;
        response.ModerationNote = request.Note;
        response.RetryKeyHash = null;
        response.Revision++;
        // The decision, not the words: the audit trail never copies what a family member wrote.
        services.Audit.Record("family-response.moderated", "family-response", response.Id, response.NetworkId,
            new { from = before, to = response.Status, withNote = request.Note is not null });
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        if (!await services.Db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("family response");
        }
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(Preconditions.ETag(response.Revision));
        return TypedResults.Ok(ToView(response));
    }

    public static async Task<Results<Ok<UnitConcurrenceReport>, NotFoundProblem, ForbiddenProblem>> GetUnitFamilyConcurrence(Guid unitId,
        [AsParameters] FamilyConcurrenceQuery query, [AsParameters] FamilyServices services, CancellationToken ct)
    {
        if (await PlaceAsync(services.Db, unitId, ct) is not { } place || !services.Caller.Scope.SeesUnit(place))
        {
            return UnitNotFound(unitId);
        }
        if (!services.Caller.Scope.SeesFamilyConcurrenceOf(place))
        {
            return ApiProblems.Forbidden("Family concurrence is for the unit's members and its network's leads and administrators.");
        }
        var (from, to) = Range(query, services.Clock);
        var counts = await FamilyConcurrence.CountsAsync(services.Db, IdSet.Of([unitId]), from, to, ct);
        var comments = await services.Db.FamilyResponses.AsNoTracking()
            .Where(r => r.UnitId == unitId && r.Month >= from && r.Month <= to && r.Status == FamilyResponseStatus.Approved && r.Comment != null)
            .OrderBy(r => r.SortKey)
            .Select(r => new { r.Month, r.AreaCode, r.Verdict, r.Comment }).ToListAsync(ct);
        var code = await services.Db.Units.Where(u => u.Id == unitId).Select(u => u.Code).SingleAsync(ct);
        return TypedResults.Ok(new UnitConcurrenceReport(unitId, code, Months.Format(from), Months.Format(to), ConcurrenceTally.Rows(counts),
            comments.Select(c => new FamilyComment(Months.Format(c.Month), c.AreaCode, c.Verdict, c.Comment!)).ToList()));
    }

    public static async Task<Results<Ok<NetworkConcurrenceReport>, NotFoundProblem>> GetNetworkFamilyConcurrence(Guid networkId,
        [AsParameters] FamilyConcurrenceQuery query, [AsParameters] FamilyServices services, CancellationToken ct)
    {
        var network = await services.Db.Networks.AsNoTracking().Where(n => n.Id == networkId).Select(n => new { n.Code }).SingleOrDefaultAsync(ct);
        if (network is null || !services.Caller.Scope.SeesNetworkResults(networkId))
        {
            return ApiProblems.NotFound($"There is no network {networkId}, or you may not read its results.");
        }
        var (from, to) = Range(query, services.Clock);
        var units = await services.Db.Units.AsNoTracking().Where(u => u.NetworkId == networkId).OrderBy(u => u.Code)
            .Select(u => new { u.Id, u.Code }).ToListAsync(ct);
        var counts = await FamilyConcurrence.CountsAsync(services.Db, IdSet.Of(units.Select(u => u.Id)), from, to, ct);
        var perUnit = units.Select(u => new UnitConcurrence(u.Id, u.Code, ConcurrenceTally.Rows(counts.Where(c => c.UnitId == u.Id))))
            .Where(u => u.Rows.Count > 0).ToList();
        return TypedResults.Ok(new NetworkConcurrenceReport(networkId, network.Code, Months.Format(from), Months.Format(to),
            ConcurrenceTally.Rows(counts), perUnit));
    }

    private static (DateOnly From, DateOnly To) Range(FamilyConcurrenceQuery query, TimeProvider clock)
    {
        var to = query.to is null ? Months.Current(clock) : Months.Parse(query.to);
        var from = query.from is null ? to.AddMonths(-11) : Months.Parse(query.from);
        return (from, to < from ? from : to);
    }

    private static async Task<UnitPlace?> PlaceAsync(SeQuInDbContext db, Guid unitId, CancellationToken ct) =>
        await db.Units.AsNoTracking().Where(u => u.Id == unitId)
            .Select(u => (UnitPlace?)new UnitPlace(u.Id, u.NetworkId, u.CollaborativeId)).SingleOrDefaultAsync(ct);

    private static NotFoundProblem UnitNotFound(Guid unitId) => ApiProblems.NotFound($"There is no unit {unitId}, or you may not see it.");

    internal static FamilyResponse WithSortKey(this FamilyResponse response)
    {
        response.SortKey = $"{Months.Format(response.Month)}|{response.AreaCode}|{response.Id:N}";
        return response;
    }

    private static FamilyResponseView ToView(FamilyResponse r) => new(r.Id, Months.Format(r.Month), r.AreaCode, r.Verdict, r.Comment,
        Months.Format(r.ReceivedIn), r.Status, r.ModerationNote, r.Revision);
}
