using System.Security.Claims;
using System.Text.Json;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Access;

/// <summary>One role over one scope.</summary>
public sealed record Grant(Role Role, ScopeKind Scope, Guid? NetworkId, Guid? CollaborativeId, IReadOnlyList<Guid> UnitIds)
{
    public static Grant Of(IGrantHolder holder) =>
        new(holder.Role, holder.ScopeKind, holder.ScopeNetworkId, holder.ScopeCollaborativeId, holder.ScopeUnitIds);
}

/// <summary>
/// Who is calling and what they may do, read from the claims SeQuIn itself issued for the request (never from
/// roles an identity provider put in a token). Pure apart from reading the principal. Handlers take it as a
/// parameter (<see cref="BindAsync"/>): it is read once per request, and what it may do is asked of <see cref="Scope"/>.
/// </summary>
public sealed class Caller
{
    private static readonly object ItemKey = new();

    public const string GrantClaim = "sequin:grant";
    public const string ActorClaim = "sequin:actor";

    public static readonly Caller Anonymous = new("anonymous", []);

    public Caller(string actor, IReadOnlyList<Grant> grants)
    {
        Actor = actor;
        Grants = grants;
        Scope = new Scope(grants);
    }

    /// <summary>Who acted, for the audit trail: "key:&lt;key id&gt;" or "token:&lt;issuer&gt;|&lt;subject&gt;".</summary>
    public string Actor { get; }

    public IReadOnlyList<Grant> Grants { get; }

    /// <summary>What the grants let the caller see, change and administer.</summary>
    public Scope Scope { get; }

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

    /// <summary>Binds a handler's <c>Caller</c> parameter: the request's caller, read from its principal once.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult<Caller?>(Of(context));

    /// <summary>
    /// The request's caller, read from its principal once and kept for the rest of the request. Only for handlers:
    /// middleware that runs before authentication (the rate limiter) would keep an anonymous caller.
    /// </summary>
    private static Caller Of(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var kept) && kept is Caller caller)
        {
            return caller;
        }
        caller = From(context.User);
        context.Items[ItemKey] = caller;
        return caller;
    }

    public static IEnumerable<Claim> ClaimsFor(string actor, IEnumerable<Grant> grants) =>
        [new Claim(ActorClaim, actor), .. grants.Select(g => new Claim(GrantClaim, JsonSerializer.Serialize(g, Json.Options)))];

    public bool Has(Role role) => Grants.Any(g => g.Role == role);

}
