using SeQuIn.Api.Common;

namespace SeQuIn.Api.Organisations;

// ---- Networks -------------------------------------------------------------------------------------------------

/// <summary>A new network.</summary>
/// <param name="Code">Stable code: 2 to 20 capital letters, digits or hyphens.</param>
/// <param name="AllowRanks">Whether benchmarks show units' ranks; off unless the network chooses league tables.</param>
/// <param name="PublishSummaries">Whether anyone may read the network's area summaries without signing in (no unit is named).</param>
public sealed record CreateNetworkRequest(string Code, string Name, string? Region = null, bool AllowRanks = false, bool PublishSummaries = false);

/// <summary>
/// The whole new state of a network; the code never changes. Every member is required, so that a member left out
/// is refused rather than silently reset (send "region": null to clear the region).
/// </summary>
/// <param name="AllowRanks">Whether benchmarks show units' ranks.</param>
/// <param name="PublishSummaries">Whether anyone may read the network's area summaries without signing in.</param>
/// <param name="PublishToFamilies">Whether the network's units may publish a page to families and carers (each unit chooses too).
/// Optional, for clients written before it existed: left out or null keeps the current setting.</param>
/// <param name="OfferBuddiesNationally">Whether units of other networks that offer it too may be suggested as buddies to this
/// network's units, and this network's units to theirs. Optional: left out or null keeps the current setting.</param>
public sealed record UpdateNetworkRequest(string Name, bool Active, string? Region, bool AllowRanks, bool PublishSummaries, bool? PublishToFamilies = null,
    bool? OfferBuddiesNationally = null);

/// <param name="PublishToFamilies">Whether the network's units may publish a page to families and carers (off by default).</param>
/// <param name="OfferBuddiesNationally">Whether buddies are suggested across networks that both offer it (off by default).</param>
public sealed record NetworkResponse(Guid Id, string Code, string Name, string? Region, bool AllowRanks, bool PublishSummaries, bool Active,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool PublishToFamilies = false, bool OfferBuddiesNationally = false);

/// <param name="code">Only the network with this code.</param>
/// <param name="active">Only active (true) or inactive (false) networks.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record NetworkListQuery(string? code, bool? active, int? limit, string? cursor) : IPagedQuery
{
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

// ---- Collaboratives -------------------------------------------------------------------------------------------

/// <summary>A new provider collaborative.</summary>
/// <param name="Code">Stable code: 2 to 20 capital letters, digits or hyphens.</param>
public sealed record CreateCollaborativeRequest(string Code, string Name);

/// <summary>The new state of a provider collaborative; the code never changes.</summary>
public sealed record UpdateCollaborativeRequest(string Name, bool Active);

public sealed record CollaborativeResponse(Guid Id, string Code, string Name, bool Active,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <param name="code">Only the collaborative with this code.</param>
/// <param name="active">Only active (true) or inactive (false) collaboratives.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record CollaborativeListQuery(string? code, bool? active, int? limit, string? cursor) : IPagedQuery
{
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

// ---- Providers ------------------------------------------------------------------------------------------------

/// <summary>A new provider.</summary>
/// <param name="Code">Stable code (for an NHS trust, its ODS code): 2 to 20 capital letters, digits or hyphens.</param>
/// <param name="Sector">nhs for an NHS trust, independent for an independent provider.</param>
public sealed record CreateProviderRequest(string Code, string Name, ProviderSector Sector);

/// <summary>The new state of a provider; the code never changes.</summary>
/// <param name="Sector">nhs for an NHS trust, independent for an independent provider.</param>
public sealed record UpdateProviderRequest(string Name, ProviderSector Sector, bool Active);

/// <param name="Sector">nhs for an NHS trust, independent for an independent provider.</param>
public sealed record ProviderResponse(Guid Id, string Code, string Name, ProviderSector Sector, bool Active,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <param name="code">Only the provider with this code.</param>
/// <param name="sector">Only providers of this sector.</param>
/// <param name="active">Only active (true) or inactive (false) providers.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record ProviderListQuery(string? code, [property: EnumQuery(typeof(ProviderSector))] string? sector, bool? active,
    int? limit, string? cursor) : IPagedQuery
{
    public ProviderSector? Sector => EnumQuery.Parse<ProviderSector>(sector);

    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

// ---- Units ----------------------------------------------------------------------------------------------------

/// <summary>A new secure unit.</summary>
/// <param name="Code">Stable code: 2 to 20 capital letters, digits or hyphens; unique nationally.</param>
/// <param name="ProviderId">The provider that runs the unit.</param>
/// <param name="NetworkId">The network the unit benchmarks with.</param>
/// <param name="CollaborativeId">The provider collaborative the unit belongs to, if any.</param>
/// <param name="SecurityLevel">The unit's level of security: high, medium or low.</param>
public sealed record CreateUnitRequest(string Code, string Name, SecurityLevel SecurityLevel, Guid ProviderId, Guid NetworkId,
    Guid? CollaborativeId = null);

/// <summary>
/// The whole new state of a unit; the code never changes. Set active to false to deactivate it. Every member is
/// required, so that a member left out is refused rather than silently reset (send "collaborativeId": null to
/// take the unit out of its collaborative).
/// </summary>
/// <param name="SecurityLevel">The unit's level of security: high, medium or low.</param>
/// <param name="PublishToFamilies">Whether the unit publishes its page to families and carers (shown only while its network does
/// too). Optional, for clients written before it existed: left out or null keeps the current setting.</param>
public sealed record UpdateUnitRequest(string Name, SecurityLevel SecurityLevel, Guid ProviderId, Guid NetworkId, bool Active,
    Guid? CollaborativeId, bool? PublishToFamilies = null);

/// <summary>A secure unit with the names of the bodies it belongs to.</summary>
/// <param name="SecurityLevel">The unit's level of security: high, medium or low.</param>
/// <param name="Sector">The sector of the unit's provider.</param>
/// <param name="PublishToFamilies">Whether the unit publishes its page to families and carers (off by default; shown only while its network does too).</param>
public sealed record UnitResponse(Guid Id, string Code, string Name, SecurityLevel SecurityLevel,
    OrganisationRef Provider, ProviderSector Sector, OrganisationRef Network, OrganisationRef? Collaborative, bool Active,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool PublishToFamilies = false);

/// <summary>A reference to a network, provider or collaborative.</summary>
public sealed record OrganisationRef(Guid Id, string Code, string Name);

/// <param name="networkId">Only units of this network.</param>
/// <param name="providerId">Only units of this provider.</param>
/// <param name="collaborativeId">Only units of this provider collaborative.</param>
/// <param name="securityLevel">Only units of this security level.</param>
/// <param name="sector">Only units whose provider is of this sector.</param>
/// <param name="active">Only active (true) or inactive (false) units.</param>
/// <param name="code">Only the unit with this code.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record UnitListQuery(Guid? networkId, Guid? providerId, Guid? collaborativeId,
    [property: EnumQuery(typeof(SecurityLevel))] string? securityLevel, [property: EnumQuery(typeof(ProviderSector))] string? sector,
    bool? active, string? code, int? limit, string? cursor) : IPagedQuery
{
    public SecurityLevel? SecurityLevel => EnumQuery.Parse<SecurityLevel>(securityLevel);
    public ProviderSector? Sector => EnumQuery.Parse<ProviderSector>(sector);

    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}
