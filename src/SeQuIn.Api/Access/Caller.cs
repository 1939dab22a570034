using System.Security.Claims;
using System.Text.Json;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Access;

/// <summary>One role over one scope.</summary>
public sealed record Grant(Role Role, ScopeKind Scope, Guid? NetworkId, Guid? CollaborativeId, IReadOnlyList<Guid> UnitIds)
{
    public static Grant Of(IGrantHolder holder) =>
        new(holder.Role, holder.ScopeKind, holder.ScopeNetworkId, holder.ScopeCollaborativeId, holder.ScopeUnitIds);

    /// <summary>Whether this grant reaches a network (a unit-member's grant reaches the network of its units).</summary>
    public bool CoversNetwork(Guid networkId) => Scope == ScopeKind.National || NetworkId == networkId;
}

/// <summary>
/// Who is calling and what they may do, read from the claims SeQuIn itself issued for the request (never from
/// roles an identity provider put in a token). Pure apart from reading the principal.
/// </summary>
public sealed class Caller
{
    public const string GrantClaim = "sequin:grant";
    public const string ActorClaim = "sequin:actor";

    public static readonly Caller Anonymous = new("anonymous", []);

    public Caller(string actor, IReadOnlyList<Grant> grants)
    {
        Actor = actor;
        Grants = grants;
    }

    /// <summary>Who acted, for the audit trail: "key:&lt;key id&gt;" or "token:&lt;issuer&gt;|&lt;subject&gt;".</summary>
    public string Actor { get; }

    public IReadOnlyList<Grant> Grants { get; }

    public bool IsAuthenticated => Grants.Count > 0;

    public static Caller From(ClaimsPrincipal user)
    {
        if (user.FindFirst(ActorClaim)?.Value is not { } actor)
        {
            return Anonymous;
        }
        var grants = user.FindAll(GrantClaim)
            .Select(c => JsonSerializer.Deserialize<Grant>(c.Value, Json.Options)!)
            .ToList();
        return new Caller(actor, grants);
    }

    public static IEnumerable<Claim> ClaimsFor(string actor, IEnumerable<Grant> grants) =>
        [new Claim(ActorClaim, actor), .. grants.Select(g => new Claim(GrantClaim, JsonSerializer.Serialize(g, Json.Options)))];

    public bool Has(Role role) => Grants.Any(g => g.Role == role);

    public bool IsNationalAdmin => Grants.Any(g => g.Role == Role.NetworkAdmin && g.Scope == ScopeKind.National);

    /// <summary>A network-admin whose scope reaches this network.</summary>
    public bool AdministersNetwork(Guid networkId) =>
        Grants.Any(g => g.Role == Role.NetworkAdmin && g.CoversNetwork(networkId));

    /// <summary>Whether the caller may hand out this grant: an admin only grants within its own reach.</summary>
    public bool MayGrant(Grant grant, Guid? grantNetworkId) =>
        IsNationalAdmin || (grant.Scope != ScopeKind.National && grantNetworkId is { } network && AdministersNetwork(network));
}
