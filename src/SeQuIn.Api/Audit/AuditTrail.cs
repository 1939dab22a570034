using System.Diagnostics;
using System.Text.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Audit;

/// <summary>
/// One row per change: who, what, when and why. Rows are only ever inserted — a trigger in the database refuses
/// UPDATE, DELETE and TRUNCATE on the table, whoever asks.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>"key:&lt;key id&gt;", "token:&lt;issuer&gt;|&lt;subject&gt;" or "system:&lt;command&gt;".</summary>
    public required string Actor { get; set; }
    /// <summary>What happened, e.g. unit.created, framework.activated, key.revoked.</summary>
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    /// <summary>The network the change belongs to; null for changes that belong to every network (the framework).</summary>
    public Guid? NetworkId { get; set; }
    public string? Reason { get; set; }
    /// <summary>The change as JSON: the new values, and the old ones where they were replaced.</summary>
    public required string Changes { get; set; }
    public string? TraceId { get; set; }
}

/// <summary>
/// Adds the audit row to the request's DbContext, so that it is written by the same SaveChanges — and so in the
/// same transaction — as the change it describes, or not at all.
/// </summary>
public sealed class AuditTrail(SeQuInDbContext db, TimeProvider clock, IHttpContextAccessor http)
{
    private string? _commandActor;

    /// <summary>Names the actor of changes made outside a request, e.g. "system:bootstrap".</summary>
    public AuditTrail ActingAs(string actor)
    {
        _commandActor = actor;
        return this;
    }

    public void Record(string action, string entityType, object entityId, Guid? networkId, object changes, string? reason = null) =>
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = clock.Now(),
            Actor = _commandActor ?? (http.HttpContext is { } context ? Caller.From(context.User).Actor : "system"),
            Action = action,
            EntityType = entityType,
            EntityId = entityId.ToString()!,
            NetworkId = networkId,
            Reason = reason,
            Changes = JsonSerializer.Serialize(changes, changes.GetType(), Json.Options),
            TraceId = Activity.Current?.TraceId.ToString(),
        });
}
