using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Access;

/// <summary>Keys made from the command line: the first administrator's, and the demo network's one per role.</summary>
public sealed class AccessCommands(SeQuInDbContext db, AuditTrail audit, TimeProvider clock)
{
    public const string DemoKeyPrefix = "demo ";

    /// <summary>Creates a national network-admin key unless one already works (or force is set); returns its token.</summary>
    public async Task<string?> BootstrapAdminAsync(string name, bool force, CancellationToken ct = default)
    {
        var now = clock.Now();
        if (!force && await db.ApiKeys.AnyAsync(k => k.Role == Role.NetworkAdmin && k.ScopeKind == ScopeKind.National
                                                     && k.RevokedAt == null && k.ExpiresAt > now, ct))
        {
            return null;
        }
        var (key, token) = AccessApi.NewKey(name, new Grant(Role.NetworkAdmin, ScopeKind.National, null, null, []), "system:bootstrap",
            now, now + TimeSpan.FromDays(365));
        db.ApiKeys.Add(key);
        audit.ActingAs("system:bootstrap").Record("key.created", "api-key", key.Id, null, AccessApi.Describe(key));
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>
    /// Replaces the demo network's keys — one per role — and returns them, since a secret is shown only once.
    /// </summary>
    public async Task<IReadOnlyList<(string Role, string Scope, string Token)>> IssueDemoKeysAsync(string networkCode, string unitCode,
        CancellationToken ct = default)
    {
        var network = await db.Networks.SingleAsync(n => n.Code == networkCode, ct);
        var unit = await db.Units.SingleAsync(u => u.Code == unitCode, ct);
        var now = clock.Now();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        audit.ActingAs("system:demo");
        foreach (var old in await db.ApiKeys.Where(k => k.Name.StartsWith(DemoKeyPrefix) && k.RevokedAt == null).ToListAsync(ct))
        {
            old.RevokedAt = now;
            old.RevokedReason = "Replaced by a new run of the demo.";
            audit.Record("key.revoked", "api-key", old.Id, old.ScopeNetworkId, new { old.KeyId }, old.RevokedReason);
        }
        (Grant Grant, string Scope)[] grants =
        [
            (new Grant(Role.NetworkAdmin, ScopeKind.Network, network.Id, null, []), $"network {network.Code}"),
            (new Grant(Role.InvolvementLead, ScopeKind.Network, network.Id, null, []), $"network {network.Code}"),
            (new Grant(Role.UnitMember, ScopeKind.Units, network.Id, null, [unit.Id]), $"unit {unit.Code}"),
            (new Grant(Role.Analyst, ScopeKind.Network, network.Id, null, []), $"network {network.Code}"),
            .. await DemoCommissionerAsync(unit, ct),
        ];
        var issued = new List<(string, string, string)>();
        foreach (var (grant, scope) in grants)
        {
            var role = EnumQuery.NameOf(grant.Role);
            var (key, token) = AccessApi.NewKey($"{DemoKeyPrefix}{role}", grant, "system:demo", now, now + TimeSpan.FromDays(30));
            db.ApiKeys.Add(key);
            audit.Record("key.created", "api-key", key.Id, key.ScopeNetworkId, AccessApi.Describe(key));
            issued.Add((role, scope, token));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return issued;
    }

    /// <summary>A commissioner of the demo unit's provider collaborative (ADR 0033), when it has one.</summary>
    private async Task<(Grant Grant, string Scope)[]> DemoCommissionerAsync(Organisations.Unit unit, CancellationToken ct) =>
        await db.Collaboratives.Where(c => c.Id == unit.CollaborativeId).Select(c => new { c.Id, c.Code }).SingleOrDefaultAsync(ct) is { } collaborative
            ? [(new Grant(Role.Commissioner, ScopeKind.Collaborative, null, collaborative.Id, []), $"collaborative {collaborative.Code}")]
            : [];
}
