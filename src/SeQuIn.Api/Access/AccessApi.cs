using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Access;

/// <summary>API keys and OIDC memberships: who may do what, and where. Network-admins only.</summary>
public static class AccessApi
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);

    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/v1/keys")
            .WithTags("Keys")
            .WithValidation()
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin);
        keys.MapGet("/", ListApiKeys)
            .WithName(nameof(ListApiKeys))
            .WithSummary("List API keys within your scope (never their secrets)")
            .WithDescription("Keys whose scope lies within the networks you administer (every key for a national administrator), in key-id order.");
        keys.MapGet("/{keyId:guid}", GetApiKey)
            .WithName(nameof(GetApiKey))
            .WithSummary("One API key (never its secret)")
            .WithDescription("A key within your scope, by its id.");
        keys.MapPost("/", CreateApiKey)
            .WithName(nameof(CreateApiKey))
            .WithIdempotency(secretAnswer: true)
            .WithSummary("Create an API key; its secret is shown once")
            .WithDescription("Creates a key with a role and a scope within your own. The answer holds the token, which is " +
                "never shown again: only a hash of its secret is kept. Keys expire within 12 months (90 days by " +
                "default). A name holding a personal identifier is refused (422).")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        keys.MapPost("/{keyId:guid}/revoke", RevokeApiKey)
            .WithName(nameof(RevokeApiKey))
            .WithIdempotency()
            .WithSummary("Revoke an API key, with a reason")
            .WithDescription("The key stops working on its next request. The reason is kept in the audit " +
                "trail, so one holding a personal identifier is refused (422).")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        keys.MapPost("/{keyId:guid}/rotate", RotateApiKey)
            .WithName(nameof(RotateApiKey))
            .WithIdempotency(secretAnswer: true)
            .WithSummary("Rotate an API key: a new key now, the old one for an overlap")
            .WithDescription("Makes a new key with the same name, role and scope (shown once), and lets the old " +
                "key work for overlapDays more (7 by default, 0 ends it now).");

        var memberships = routes.MapGroup("/api/v1/memberships")
            .WithTags("Memberships")
            .WithValidation()
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin);
        memberships.MapGet("/", ListMemberships)
            .WithName(nameof(ListMemberships))
            .WithSummary("List memberships of identity-provider subjects within your scope")
            .WithDescription("What each subject of a configured identity provider may do. Roles in tokens " +
                "are never trusted: only these memberships grant anything.");
        memberships.MapGet("/{membershipId:guid}", GetMembership)
            .WithName(nameof(GetMembership))
            .WithETag()
            .WithSummary("One membership")
            .WithDescription("A membership within your scope, by its id.");
        memberships.MapPost("/", CreateMembership)
            .WithName(nameof(CreateMembership))
            .WithIdempotency()
            .WithSummary("Grant a role to an identity-provider subject")
            .WithDescription("The subject is the token's sub claim at a configured issuer. A subject may hold several " +
                "memberships. A name holding a personal identifier is refused (422).")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        memberships.MapPost("/{membershipId:guid}/revoke", RevokeMembership)
            .WithName(nameof(RevokeMembership))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Revoke a membership, with a reason")
            .WithDescription("Takes effect on the subject's next request. Needs If-Match. The reason is kept in the " +
                "audit trail, so one holding a personal identifier is refused (422).")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return routes;
    }

    // ---- API keys -----------------------------------------------------------------------------------------------

    public static async Task<Ok<Page<ApiKeyResponse>>> ListApiKeys(
        [AsParameters] ApiKeyListQuery query, Caller caller, SeQuInDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.Now();
        var keys = Visible(db.ApiKeys.AsNoTracking(), caller)
            .WhereIf(query.Role is not null, k => k.Role == query.Role)
            .WhereIf(query.active == true, k => k.RevokedAt == null && k.ExpiresAt > now)
            .WhereIf(query.active == false, k => k.RevokedAt != null || k.ExpiresAt <= now);
        return TypedResults.Ok(await keys.ToPageAsync(query, k => k.KeyId, k => ToResponse(k, now), ct));
    }

    public static async Task<Results<Ok<ApiKeyResponse>, NotFoundProblem>> GetApiKey(
        Guid keyId, Caller caller, SeQuInDbContext db, TimeProvider clock, CancellationToken ct) =>
        await Visible(db.ApiKeys.AsNoTracking(), caller).SingleOrDefaultAsync(k => k.Id == keyId, ct) is { } key
            ? TypedResults.Ok(ToResponse(key, clock.Now()))
            : KeyNotFound(keyId);

    public static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem, ForbiddenProblem>> CreateApiKey(
        CreateApiKeyRequest request, [AsParameters] AccessServices services, CancellationToken ct)
    {
        var scope = await ResolveScopeAsync(request.Role, request.Scope, services.Db, ct);
        if (scope.Problem is not null)
        {
            return scope.Problem;
        }
        if (!services.Caller.Scope.MayGrant(scope.Grant!, scope.Grant!.NetworkId))
        {
            return OutsideYourScope();
        }
        var now = services.Clock.Now();
        var (key, token) = NewKey(request.Name, scope.Grant, services.Caller.Actor, now, request.ExpiresAt ?? now + DefaultLifetime);
        services.Db.ApiKeys.Add(key);
        services.Audit.Record("key.created", "api-key", key.Id, key.ScopeNetworkId, Describe(key));
        await services.Db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/keys/{key.Id}", new CreatedApiKeyResponse(ToResponse(key, now), token));
    }

    public static async Task<Results<Ok<ApiKeyResponse>, NotFoundProblem, ConflictProblem, ValidationProblem>> RevokeApiKey(
        Guid keyId, RevokeRequest request, [AsParameters] AccessServices services, CancellationToken ct)
    {
        if (await Visible(services.Db.ApiKeys, services.Caller).SingleOrDefaultAsync(k => k.Id == keyId, ct) is not { } key)
        {
            return KeyNotFound(keyId);
        }
        if (key.RevokedAt is not null)
        {
            return ApiProblems.Conflict($"API key {key.KeyId} was already revoked at {key.RevokedAt:O}.");
        }
        var now = services.Clock.Now();
        key.RevokedAt = now;
        key.RevokedReason = request.Reason;
        services.Audit.Record("key.revoked", "api-key", key.Id, key.ScopeNetworkId, new { key.KeyId, revokedAt = now }, request.Reason);
        await services.Db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(key, now));
    }

    public static async Task<Results<Created<CreatedApiKeyResponse>, NotFoundProblem, ConflictProblem, ValidationProblem>> RotateApiKey(
        Guid keyId, RotateApiKeyRequest request, [AsParameters] AccessServices services, CancellationToken ct)
    {
        if (await Visible(services.Db.ApiKeys, services.Caller).SingleOrDefaultAsync(k => k.Id == keyId, ct) is not { } old)
        {
            return KeyNotFound(keyId);
        }
        var now = services.Clock.Now();
        if (old.RevokedAt is not null || old.ExpiresAt <= now)
        {
            return ApiProblems.Conflict($"API key {old.KeyId} no longer works; create a new key instead of rotating it.");
        }
        var (key, token) = NewKey(old.Name, Grant.Of(old), services.Caller.Actor, now, request.ExpiresAt ?? now + DefaultLifetime);
        key.RotatedFromId = old.Id;
        var overlapEnds = now + TimeSpan.FromDays(request.OverlapDays ?? 7);
        if (overlapEnds < old.ExpiresAt)
        {
            old.ExpiresAt = overlapEnds;
        }
        services.Db.ApiKeys.Add(key);
        services.Audit.Record("key.rotated", "api-key", old.Id, old.ScopeNetworkId,
            new { oldKeyId = old.KeyId, oldKeyExpiresAt = old.ExpiresAt, newKey = Describe(key) });
        await services.Db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/keys/{key.Id}", new CreatedApiKeyResponse(ToResponse(key, now), token));
    }

    // ---- Memberships --------------------------------------------------------------------------------------------

    public static async Task<Ok<Page<MembershipResponse>>> ListMemberships(
        [AsParameters] MembershipListQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var memberships = Visible(db.Memberships.AsNoTracking(), caller)
            .WhereIf(query.Role is not null, m => m.Role == query.Role)
            .WhereIf(query.subject is not null, m => m.Subject == query.subject);
        return TypedResults.Ok(await memberships.ToPageAsync(query, m => m.Id.ToString(), ToResponse, ct));
    }

    public static async Task<Results<Ok<MembershipResponse>, NotFoundProblem, StatusCodeHttpResult>> GetMembership(
        Guid membershipId, Caller caller, HttpContext http, SeQuInDbContext db, CancellationToken ct) =>
        await Visible(db.Memberships.AsNoTracking(), caller).SingleOrDefaultAsync(m => m.Id == membershipId, ct) is not { } membership
            ? MembershipNotFound(membershipId)
            : Preconditions.NotModified(http, Preconditions.ETag(membership.Revision))
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Ok(ToResponse(membership));

    public static async Task<Results<Created<MembershipResponse>, ValidationProblem, ForbiddenProblem>> CreateMembership(
        CreateMembershipRequest request, [AsParameters] AccessServices services, CancellationToken ct)
    {
        var scope = await ResolveScopeAsync(request.Role, request.Scope, services.Db, ct);
        if (scope.Problem is not null)
        {
            return scope.Problem;
        }
        if (!services.Caller.Scope.MayGrant(scope.Grant!, scope.Grant!.NetworkId))
        {
            return OutsideYourScope();
        }
        var membership = new Membership
        {
            Issuer = request.Issuer,
            Subject = request.Subject,
            Name = request.Name,
            CreatedAt = services.Clock.Now(),
            CreatedBy = services.Caller.Actor,
        };
        Apply(scope.Grant, membership);
        services.Db.Memberships.Add(membership);
        services.Audit.Record("membership.created", "membership", membership.Id, membership.ScopeNetworkId, ToResponse(membership));
        await services.Db.SaveChangesAsync(ct);
        services.Http.Response.SetETag(Preconditions.ETag(membership.Revision));
        return TypedResults.Created($"/api/v1/memberships/{membership.Id}", ToResponse(membership));
    }

    public static async Task<Results<Ok<MembershipResponse>, NotFoundProblem, ConflictProblem, ValidationProblem, PreconditionProblem>> RevokeMembership(
        Guid membershipId, RevokeRequest request, [AsParameters] AccessServices services, CancellationToken ct)
    {
        if (await Visible(services.Db.Memberships, services.Caller).SingleOrDefaultAsync(m => m.Id == membershipId, ct) is not { } membership)
        {
            return MembershipNotFound(membershipId);
        }
        if (membership.RevokedAt is not null)
        {
            return ApiProblems.Conflict($"Membership {membershipId} was already revoked.");
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, Preconditions.ETag(membership.Revision), "membership") is { } precondition)
        {
            return precondition;
        }
        membership.RevokedAt = services.Clock.Now();
        membership.RevokedReason = request.Reason;
        membership.Revision++;
        services.Audit.Record("membership.revoked", "membership", membership.Id, membership.ScopeNetworkId,
            new { membership.Issuer, membership.Subject, membership.RevokedAt }, request.Reason);
        if (!await services.Db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("membership");
        }
        services.Http.Response.SetETag(Preconditions.ETag(membership.Revision));
        return TypedResults.Ok(ToResponse(membership));
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Checks that the scope names bodies that exist and fits the role; a units scope takes the network of its
    /// units, which must all be in one network.
    /// </summary>
    private static async Task<(Grant? Grant, ValidationProblem? Problem)> ResolveScopeAsync(
        Role role, ScopeInput scope, SeQuInDbContext db, CancellationToken ct)
    {
        switch (scope.Kind)
        {
            case ScopeKind.Network when !await db.Networks.AnyAsync(n => n.Id == scope.NetworkId, ct):
                return (null, ApiProblems.Invalid("scope.networkId", $"There is no network with id {scope.NetworkId}."));
            case ScopeKind.Collaborative when !await db.Collaboratives.AnyAsync(c => c.Id == scope.CollaborativeId, ct):
                return (null, ApiProblems.Invalid("scope.collaborativeId", $"There is no provider collaborative with id {scope.CollaborativeId}."));
            case ScopeKind.Units:
                var unitIds = scope.UnitIds!.ToList();
                var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).Select(u => new { u.Id, u.NetworkId }).ToListAsync(ct);
                if (units.Count != unitIds.Count)
                {
                    return (null, ApiProblems.Invalid("scope.unitIds", "Some of these units do not exist: " +
                        string.Join(", ", unitIds.Except(units.Select(u => u.Id))) + "."));
                }
                var networks = units.Select(u => u.NetworkId).Distinct().ToList();
                if (networks.Count != 1)
                {
                    return (null, ApiProblems.Invalid("scope.unitIds", "The units of one scope must belong to one network."));
                }
                return (new Grant(role, ScopeKind.Units, networks[0], null, unitIds), null);
        }
        return (new Grant(role, scope.Kind, scope.NetworkId, scope.CollaborativeId, []), null);
    }

    internal static (ApiKey Key, string Token) NewKey(string name, Grant grant, string createdBy, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var generated = ApiKeyFormat.Generate();
        var key = new ApiKey
        {
            KeyId = generated.KeyId,
            SecretHash = generated.SecretHash,
            Name = name,
            CreatedAt = now,
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
        };
        Apply(grant, key);
        return (key, generated.Token);
    }

    private static void Apply(Grant grant, ApiKey key)
    {
        (key.Role, key.ScopeKind, key.ScopeNetworkId, key.ScopeCollaborativeId, key.ScopeUnitIds) =
            (grant.Role, grant.Scope, grant.NetworkId, grant.CollaborativeId, [.. grant.UnitIds]);
    }

    private static void Apply(Grant grant, Membership membership)
    {
        (membership.Role, membership.ScopeKind, membership.ScopeNetworkId, membership.ScopeCollaborativeId, membership.ScopeUnitIds) =
            (grant.Role, grant.Scope, grant.NetworkId, grant.CollaborativeId, [.. grant.UnitIds]);
    }

    /// <summary>A national administrator sees every key; a network administrator those scoped within its networks.</summary>
    private static IQueryable<T> Visible<T>(IQueryable<T> source, Caller caller) where T : class, IGrantHolder
    {
        var networks = caller.Scope.AdministeredNetworks;
        if (networks.All)
        {
            return source;
        }
        var ids = networks.Ids;
        return source.Where(h => h.ScopeNetworkId != null && ids.Contains(h.ScopeNetworkId.Value));
    }

    internal static object Describe(ApiKey key) =>
        new { key.KeyId, key.Name, key.Role, Scope = ScopeOf(key), key.ExpiresAt };

    private static ScopeResponse ScopeOf(IGrantHolder holder) =>
        new(holder.ScopeKind, holder.ScopeNetworkId, holder.ScopeCollaborativeId, holder.ScopeUnitIds);

    private static ApiKeyResponse ToResponse(ApiKey k, DateTimeOffset now) => new(
        k.Id, k.KeyId, k.Name, k.Role, ScopeOf(k), k.RevokedAt is null && k.ExpiresAt > now,
        k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.LastUsedAt, k.RevokedAt, k.RevokedReason, k.RotatedFromId);

    private static MembershipResponse ToResponse(Membership m) => new(
        m.Id, m.Issuer, m.Subject, m.Name, m.Role, ScopeOf(m), m.RevokedAt is null, m.CreatedAt, m.CreatedBy, m.RevokedAt, m.RevokedReason);

    private static NotFoundProblem KeyNotFound(Guid id) => ApiProblems.NotFound($"There is no API key with id {id} within your scope.");

    private static NotFoundProblem MembershipNotFound(Guid id) => ApiProblems.NotFound($"There is no membership with id {id} within your scope.");

    private static ForbiddenProblem OutsideYourScope() =>
        ApiProblems.Forbidden("You may only grant roles within the networks you administer; national and collaborative scopes need a national administrator.");
}
