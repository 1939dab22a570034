using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Audit;

/// <summary>One change in the audit trail.</summary>
/// <param name="Actor">"key:&lt;key id&gt;" for an API key, "token:&lt;issuer&gt;|&lt;subject&gt;" for a signed-in person, "system" for the service itself.</param>
/// <param name="Changes">The change as a JSON object.</param>
public sealed record AuditEventResponse(long Id, DateTimeOffset OccurredAt, string Actor, string Action, string EntityType, string EntityId,
    Guid? NetworkId, string? Reason, System.Text.Json.JsonElement Changes, string? TraceId);

/// <param name="entityType">Only changes to this kind of record, e.g. unit, api-key, framework-version.</param>
/// <param name="entityId">Only changes to this record.</param>
/// <param name="actor">Only changes by this actor.</param>
/// <param name="action">Only this action, e.g. unit.updated.</param>
/// <param name="from">Only changes at or after this time.</param>
/// <param name="to">Only changes before this time.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record AuditListQuery(string? entityType, string? entityId, string? actor, string? action,
    DateTimeOffset? from, DateTimeOffset? to, int? limit, string? cursor) : IPagedQuery
{
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

public sealed class AuditListQueryValidator : AbstractValidator<AuditListQuery>
{
    public AuditListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.cursor).Must(c => !Paging.TryDecode(c, out var key) || key is null || long.TryParse(key, out _))
            .WithMessage("'cursor' is not a cursor this service issued.");
        RuleFor(q => q.to).GreaterThan(q => q.from).When(q => q.from is not null && q.to is not null);
    }
}

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/audit-events")
            .WithTags("Audit")
            .WithValidation()
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin)
            .MapGet("/", ListAuditEvents)
            .WithName(nameof(ListAuditEvents))
            .WithSummary("Read the audit trail: who changed what, when and why")
            .WithDescription("Every change, oldest first, filtered and paged. A network administrator sees its networks' changes, the " +
                "framework's, and those of providers, provider collaboratives and collaborative keys and memberships " +
                "whose units all lie in its networks; rows that name no network otherwise (national keys and memberships, " +
                "imports across networks) only a national administrator sees.");
        return routes;
    }

    public static async Task<Ok<Page<AuditEventResponse>>> ListAuditEvents(
        [AsParameters] AuditListQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var events = db.AuditEvents.AsNoTracking();
        if (!caller.Scope.AdministeredNetworks.All)
        {
            var networks = caller.Scope.AdministeredNetworks.Ids;
            var covered = await CoveredBodiesAsync(caller.Scope, db, ct);
            events = events.Where(e => (e.NetworkId != null && networks.Contains(e.NetworkId.Value))
                                       || (e.NetworkId == null && (e.EntityType == SharedByEveryNetwork
                                                                   || (e.EntityType == "provider" && covered.Providers.Contains(e.EntityId))
                                                                   || (e.EntityType == "collaborative" && covered.Collaboratives.Contains(e.EntityId))
                                                                   || (e.EntityType == "api-key" && covered.Keys.Contains(e.EntityId))
                                                                   || (e.EntityType == "membership" && covered.Memberships.Contains(e.EntityId)))));
        }
        return TypedResults.Ok(await PageAsync(events, query, ct));
    }

    /// <summary>The framework is read by everyone and rated against by every network: its rows are every administrator's.</summary>
    private const string SharedByEveryNetwork = "framework-version";

    /// <summary>
    /// Rows that name no network (providers, collaboratives, keys and memberships of a collaborative scope) belong to
    /// whoever's administration covers everything they name: a provider the caller administers, a collaborative whose
    /// units all lie in the caller's networks, and that collaborative's keys and memberships. National keys and
    /// memberships and imports across networks are a national administrator's alone.
    /// </summary>
    private static async Task<(List<string> Providers, List<string> Collaboratives, List<string> Keys, List<string> Memberships)> CoveredBodiesAsync(
        Scope scope, SeQuInDbContext db, CancellationToken ct)
    {
        var providers = await db.Providers.AsNoTracking()
            .Select(p => new { p.Id, Networks = db.Units.Where(u => u.ProviderId == p.Id).Select(u => u.NetworkId).Distinct().ToList() })
            .ToListAsync(ct);
        var collaboratives = await db.Collaboratives.AsNoTracking()
            .Select(c => new { c.Id, Networks = db.Units.Where(u => u.CollaborativeId == c.Id).Select(u => u.NetworkId).Distinct().ToList() })
            .ToListAsync(ct);
        var coveredCollaboratives = collaboratives.Where(c => scope.CoversAllOf(c.Networks)).Select(c => c.Id).ToList();
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.ScopeCollaborativeId != null && coveredCollaboratives.Contains(k.ScopeCollaborativeId.Value)).Select(k => k.Id).ToListAsync(ct);
        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.ScopeCollaborativeId != null && coveredCollaboratives.Contains(m.ScopeCollaborativeId.Value)).Select(m => m.Id).ToListAsync(ct);
        return (providers.Where(p => scope.AdministersProvider(p.Networks)).Select(p => p.Id.ToString()).ToList(),
            coveredCollaboratives.Select(id => id.ToString()).ToList(),
            keys.Select(id => id.ToString()).ToList(),
            memberships.Select(id => id.ToString()).ToList());
    }

    /// <summary>Filters and pages audit events oldest first; the cursor is the last id read.</summary>
    public static async Task<Page<AuditEventResponse>> PageAsync(IQueryable<AuditEvent> events, AuditListQuery query, CancellationToken ct)
    {
        Paging.TryDecode(query.cursor, out var after);
        var afterId = after is null ? 0 : long.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        var limit = Paging.LimitOrDefault(query.limit);
        // PostgreSQL's timestamptz takes UTC only; a client may send any offset.
        var from = query.from?.ToUniversalTime();
        var to = query.to?.ToUniversalTime();
        var rows = await events
            .WhereIf(query.entityType is not null, e => e.EntityType == query.entityType)
            .WhereIf(query.entityId is not null, e => e.EntityId == query.entityId)
            .WhereIf(query.actor is not null, e => e.Actor == query.actor)
            .WhereIf(query.action is not null, e => e.Action == query.action)
            .WhereIf(from is not null, e => e.OccurredAt >= from)
            .WhereIf(to is not null, e => e.OccurredAt < to)
            .Where(e => e.Id > afterId)
            .OrderBy(e => e.Id)
            .Take(limit + 1)
            .ToListAsync(ct);
        var page = Paging.ToPage(rows, limit, e => e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Page<AuditEventResponse>(
            page.Items.Select(e => new AuditEventResponse(e.Id, e.OccurredAt, e.Actor, e.Action, e.EntityType, e.EntityId, e.NetworkId,
                e.Reason, System.Text.Json.JsonDocument.Parse(e.Changes).RootElement.Clone(), e.TraceId)).ToList(),
            page.NextCursor, limit);
    }
}
