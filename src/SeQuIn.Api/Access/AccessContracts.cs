using SeQuIn.Api.Common;

namespace SeQuIn.Api.Access;

/// <summary>Where a role applies. National: no ids. Network: networkId. Collaborative: collaborativeId. Units: unitIds.</summary>
/// <param name="Kind">national (network-admin only), network, collaborative (analyst only) or units (unit-member only).</param>
public sealed record ScopeInput(ScopeKind Kind, Guid? NetworkId = null, Guid? CollaborativeId = null, IReadOnlyList<Guid>? UnitIds = null);

/// <summary>Where a role applies. For a units scope, networkId is the network of those units.</summary>
/// <param name="Kind">national, network, collaborative or units: which of the ids below say where the role applies.</param>
public sealed record ScopeResponse(ScopeKind Kind, Guid? NetworkId, Guid? CollaborativeId, IReadOnlyList<Guid> UnitIds);

/// <summary>A new API key.</summary>
/// <param name="Name">What the key is for, e.g. "Ridings reporting pipeline".</param>
/// <param name="ExpiresAt">When the key stops working: at most 12 months ahead; 90 days when omitted.</param>
/// <param name="Role">What the key may do, within its scope.</param>
public sealed record CreateApiKeyRequest(string Name, Role Role, ScopeInput Scope, DateTimeOffset? ExpiresAt = null);

/// <summary>An API key, never with its secret.</summary>
/// <param name="KeyId">The public part of the key (its first characters after sqn_k_), safe to log and quote.</param>
/// <param name="Active">Neither revoked nor expired.</param>
/// <param name="RotatedFromId">The key this one replaced, if it was made by rotation.</param>
/// <param name="Role">What the key may do, within its scope.</param>
public sealed record ApiKeyResponse(Guid Id, string KeyId, string Name, Role Role, ScopeResponse Scope, bool Active,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt, string? RevokedReason, Guid? RotatedFromId);

/// <summary>A key just made. The secret is shown this once and never again: store it now.</summary>
/// <param name="Token">Send it as 'Authorization: Bearer &lt;token&gt;'.</param>
public sealed record CreatedApiKeyResponse(ApiKeyResponse Key, string Token);

/// <summary>Why a key or membership is revoked (kept in the audit trail).</summary>
public sealed record RevokeRequest(string Reason);

/// <summary>Rotation makes a new key with the same name, role and scope; the old one keeps working for the overlap.</summary>
/// <param name="OverlapDays">Days the old key keeps working, 0 to 30 (default 7).</param>
/// <param name="ExpiresAt">Expiry of the new key: at most 12 months ahead; 90 days when omitted.</param>
public sealed record RotateApiKeyRequest(int? OverlapDays = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A new membership: what a subject of a configured identity provider may do.</summary>
/// <param name="Issuer">The token issuer exactly as configured in SeQuIn:Oidc:Issuers.</param>
/// <param name="Subject">The token's sub claim. A pseudonymous identifier, never a patient identifier.</param>
/// <param name="Name">A label for administrators, e.g. a job title; not a service user's name.</param>
/// <param name="Role">What the subject may do, within its scope.</param>
public sealed record CreateMembershipRequest(string Issuer, string Subject, string Name, Role Role, ScopeInput Scope);

/// <param name="Role">What the subject may do, within its scope.</param>
public sealed record MembershipResponse(Guid Id, string Issuer, string Subject, string Name, Role Role, ScopeResponse Scope,
    bool Active, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedReason);

/// <param name="role">Only keys of this role.</param>
/// <param name="active">Only keys that work (true) or that are revoked or expired (false).</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record ApiKeyListQuery([property: EnumQuery(typeof(Role))] string? role, bool? active, int? limit, string? cursor) : IPagedQuery
{
    public Role? Role => EnumQuery.Parse<Role>(role);
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

/// <param name="role">Only memberships of this role.</param>
/// <param name="subject">Only memberships of this token subject.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record MembershipListQuery([property: EnumQuery(typeof(Role))] string? role, string? subject, int? limit, string? cursor) : IPagedQuery
{
    public Role? Role => EnumQuery.Parse<Role>(role);
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}
