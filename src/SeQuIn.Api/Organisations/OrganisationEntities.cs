namespace SeQuIn.Api.Organisations;

public enum SecurityLevel
{
    High,
    Medium,
    Low,
}

public enum ProviderSector
{
    Nhs,
    Independent,
}

/// <summary>A group of secure units that benchmark together.</summary>
public sealed class Network
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Region { get; set; }
    /// <summary>Whether benchmarks in this network may show ranks (league tables hurt co-production: off by default).</summary>
    public bool AllowRanks { get; set; }
    /// <summary>Whether anyone, without signing in, may read the network's area summaries (no unit is named).</summary>
    public bool PublishSummaries { get; set; }
    /// <summary>Whether units of this network may publish a page families and carers read and respond to (each unit chooses too; ADR 0029).</summary>
    public bool PublishToFamilies { get; set; }
    /// <summary>Whether units of other networks that offer it too may be suggested as buddies, and be paired, with this network's units (ADR 0036).</summary>
    public bool OfferBuddiesNationally { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; } = 1;
}

/// <summary>A provider collaborative: a body that commissions secure care for a region.</summary>
public sealed class Collaborative
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Code { get; set; }
    public required string Name { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; } = 1;
}

/// <summary>An NHS trust or independent provider that runs secure units.</summary>
public sealed class Provider
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Code { get; set; }
    public required string Name { get; set; }
    public ProviderSector Sector { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; } = 1;
}

/// <summary>A secure unit. Never hard-deleted: a unit with data is deactivated instead.</summary>
public sealed class Unit
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Code { get; set; }
    public required string Name { get; set; }
    public SecurityLevel SecurityLevel { get; set; }
    public Guid ProviderId { get; set; }
    public Provider? Provider { get; set; }
    public Guid NetworkId { get; set; }
    public Network? Network { get; set; }
    public Guid? CollaborativeId { get; set; }
    public Collaborative? Collaborative { get; set; }
    /// <summary>Whether the unit publishes its page to families and carers; shown only while its network publishes too (ADR 0029).</summary>
    public bool PublishToFamilies { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; } = 1;
}
