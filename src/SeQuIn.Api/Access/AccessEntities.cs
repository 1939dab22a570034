namespace SeQuIn.Api.Access;

public enum Role
{
    /// <summary>Manages its network's units, framework versions, keys and memberships; reads everything in its network.</summary>
    NetworkAdmin,
    /// <summary>Reads everything in its network, including drafts it is asked to review; may return submissions.</summary>
    InvolvementLead,
    /// <summary>Staff or service-user co-producer: creates and edits its own units' assessments.</summary>
    UnitMember,
    /// <summary>Reads submitted data and exports within its scope; never writes.</summary>
    Analyst,
    /// <summary>
    /// Commissions care from a network's or a provider collaborative's units: reads roll-ups of them (provider,
    /// collaborative and network summaries by area and month) and the directory, never a single unit's results,
    /// drafts or evidence; never writes.
    /// </summary>
    Commissioner,
}

public enum ScopeKind
{
    /// <summary>Every network (a national administrator).</summary>
    National,
    /// <summary>One network.</summary>
    Network,
    /// <summary>The units of one provider collaborative.</summary>
    Collaborative,
    /// <summary>Named units.</summary>
    Units,
}

/// <summary>What a key or membership may do, and where.</summary>
public interface IGrantHolder
{
    Role Role { get; }
    ScopeKind ScopeKind { get; }
    Guid? ScopeNetworkId { get; }
    Guid? ScopeCollaborativeId { get; }
    Guid[] ScopeUnitIds { get; }
}

/// <summary>
/// An API key for a script or an integration. Only a SHA-256 hash of its 256-bit random secret is kept:
/// with that much entropy a slow password hash adds nothing, and lookups stay cheap.
/// </summary>
public sealed class ApiKey : IGrantHolder
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The public part of the key, used to find it.</summary>
    public required string KeyId { get; set; }
    public required byte[] SecretHash { get; set; }
    public required string Name { get; set; }
    public Role Role { get; set; }
    public ScopeKind ScopeKind { get; set; }
    public Guid? ScopeNetworkId { get; set; }
    public Guid? ScopeCollaborativeId { get; set; }
    public Guid[] ScopeUnitIds { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
    /// <summary>The key this one replaced by rotation, if any.</summary>
    public Guid? RotatedFromId { get; set; }
}

/// <summary>What an identity-provider subject (issuer + subject) may do in SeQuIn. Token claims never grant anything.</summary>
public sealed class Membership : IGrantHolder
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Issuer { get; set; }
    public required string Subject { get; set; }
    public required string Name { get; set; }
    public Role Role { get; set; }
    public ScopeKind ScopeKind { get; set; }
    public Guid? ScopeNetworkId { get; set; }
    public Guid? ScopeCollaborativeId { get; set; }
    public Guid[] ScopeUnitIds { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; } = 1;
}
