using FluentValidation;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// Networks, providers, provider collaboratives and units as FHIR Organization (ADR 0038): the id is SeQuIn's id,
/// the identifier its code in the kind's naming system, Organization.type the kind, partOf a unit's provider, and the
/// unit's network and collaborative in the member-of extension. Visible as the REST directory is: to every signed-in caller.
/// </summary>
public static class FhirOrganizations
{
    public const string Type = "Organization";
    public const string Network = "network";
    public const string Provider = "provider";
    public const string Collaborative = "collaborative";
    public const string Unit = "unit";

    public static readonly FhirResourceDefinition Definition = new(
        Type, Policies.SignedIn, AllowedRoles.Everyone,
        "Networks, providers, provider collaboratives and secure units as Organization: identifier is the SeQuIn code in the " +
        "kind's naming system, type the kind (" + FhirNames.OrganisationKindSystem + "), partOf a unit's provider, and the " +
        "member-of extension the unit's network and collaborative.",
        [
            new("identifier", SearchParamType.Token, "The SeQuIn code, as system|code (the naming system of the kind) or code (any kind)."),
            new("name", SearchParamType.String, "Name starts with the value, ignoring case."),
            new("type", SearchParamType.Token, $"The kind: {Network}, {Provider}, {Collaborative} or {Unit} (system {FhirNames.OrganisationKindSystem})."),
            new("partof", SearchParamType.Reference, "Units of a provider: Organization/{id} of the provider."),
        ],
        ReadOrganization, SearchOrganization, Example,
        scope => Matches(scope.Changed(Rows(scope.Db), r => r.UpdatedAt)));

    /// <summary>The contract's example: the example unit of the REST contract, mapped as the handlers map it.</summary>
    private static Organization Example()
    {
        var unit = Common.ContractExamples.ExampleOf<Organisations.UnitResponse>();
        return ToResource(new OrganisationRow
        {
            Key = "4|" + unit.Code, Id = unit.Id, Kind = Unit, Code = unit.Code, Name = unit.Name, Active = unit.Active, UpdatedAt = unit.UpdatedAt,
            ProviderId = unit.Provider.Id, ProviderName = unit.Provider.Name, NetworkId = unit.Network.Id, NetworkName = unit.Network.Name,
            CollaborativeId = unit.Collaborative?.Id, CollaborativeName = unit.Collaborative?.Name,
        });
    }

    private static readonly Dictionary<string, string> Systems = new()
    {
        [Network] = FhirNames.NetworkCodeSystem,
        [Provider] = FhirNames.ProviderCodeSystem,
        [Collaborative] = FhirNames.CollaborativeCodeSystem,
        [Unit] = FhirNames.UnitCodeSystem,
    };

    public static readonly IReadOnlyList<string> Kinds = [Network, Provider, Collaborative, Unit];

    public static async Task<FhirResult> ReadOrganization(string id, SeQuInDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParseExact(id, "D", out var guid))
        {
            return FhirResult.NotFound(Type, id);
        }
        var row = await Rows(db).SingleOrDefaultAsync(r => r.Id == guid, ct);
        return row is null ? FhirResult.NotFound(Type, id) : FhirResult.Ok(ToResource(row));
    }

    public static Task<FhirResult> SearchOrganization([AsParameters] OrganizationSearch query, HttpContext http, SeQuInDbContext db,
        CancellationToken ct)
    {
        var rows = Rows(db);
        if (query.identifier is not null)
        {
            var (system, code) = FhirSearch.Token(query.identifier);
            var kinds = system is null ? Kinds : Systems.Where(s => s.Value == system).Select(s => s.Key).ToList();
            rows = rows.Where(r => r.Code == code && kinds.Contains(r.Kind));
        }
        if (query.name is not null)
        {
            var pattern = FhirSearch.StartsWithPattern(query.name.Trim());
            rows = rows.Where(r => EF.Functions.ILike(r.Name, pattern, "\\"));
        }
        if (query.type is not null)
        {
            var kind = FhirSearch.Token(query.type).Code;
            rows = rows.Where(r => r.Kind == kind);
        }
        if (query.partof is not null)
        {
            var provider = Guid.Parse(FhirSearch.ReferencedId(query.partof, Type)!);
            rows = rows.Where(r => r.ProviderId == provider);
        }
        return FhirApi.SearchSetAsync(http, Type, Matches(rows), query, ct);
    }

    private static FhirMatches<OrganisationRow> Matches(IQueryable<OrganisationRow> rows) =>
        new(rows, r => r.Key, (page, _) => Task.FromResult<IReadOnlyList<Resource>>(page.Select(ToResource).ToList()));

    /// <summary>The four kinds in one keyset order (kind, then code): a UNION ALL that PostgreSQL filters per branch.</summary>
    private static IQueryable<OrganisationRow> Rows(SeQuInDbContext db) =>
        db.Networks.AsNoTracking().Select(n => new OrganisationRow
        {
            Key = "1|" + n.Code, Id = n.Id, Kind = Network, Code = n.Code, Name = n.Name, Active = n.Active, UpdatedAt = n.UpdatedAt,
            ProviderId = null, ProviderName = null, NetworkId = null, NetworkName = null, CollaborativeId = null, CollaborativeName = null,
        })
        .Concat(db.Providers.AsNoTracking().Select(p => new OrganisationRow
        {
            Key = "2|" + p.Code, Id = p.Id, Kind = Provider, Code = p.Code, Name = p.Name, Active = p.Active, UpdatedAt = p.UpdatedAt,
            ProviderId = null, ProviderName = null, NetworkId = null, NetworkName = null, CollaborativeId = null, CollaborativeName = null,
        }))
        .Concat(db.Collaboratives.AsNoTracking().Select(c => new OrganisationRow
        {
            Key = "3|" + c.Code, Id = c.Id, Kind = Collaborative, Code = c.Code, Name = c.Name, Active = c.Active, UpdatedAt = c.UpdatedAt,
            ProviderId = null, ProviderName = null, NetworkId = null, NetworkName = null, CollaborativeId = null, CollaborativeName = null,
        }))
        .Concat(db.Units.AsNoTracking().Select(u => new OrganisationRow
        {
            Key = "4|" + u.Code, Id = u.Id, Kind = Unit, Code = u.Code, Name = u.Name, Active = u.Active, UpdatedAt = u.UpdatedAt,
            ProviderId = u.ProviderId, ProviderName = u.Provider!.Name, NetworkId = u.NetworkId, NetworkName = u.Network!.Name,
            CollaborativeId = u.CollaborativeId, CollaborativeName = u.Collaborative == null ? null : u.Collaborative.Name,
        }));

    internal static Organization ToResource(OrganisationRow row)
    {
        var organization = new Organization
        {
            Id = row.Id.ToString("D"),
            Meta = new Meta { LastUpdated = FhirSearch.Instant(row.UpdatedAt) },
            Identifier = [new Identifier(Systems[row.Kind], row.Code)],
            Active = row.Active,
            Type = [new CodeableConcept(FhirNames.OrganisationKindSystem, row.Kind, Display(row.Kind), null)],
            Name = row.Name,
        };
        if (row.ProviderId is { } provider)
        {
            organization.PartOf = Reference(provider, row.ProviderName);
        }
        if (row.NetworkId is { } network)
        {
            organization.Extension.Add(new Extension(FhirNames.MemberOfExtension, Reference(network, row.NetworkName)));
        }
        if (row.CollaborativeId is { } collaborative)
        {
            organization.Extension.Add(new Extension(FhirNames.MemberOfExtension, Reference(collaborative, row.CollaborativeName)));
        }
        return organization;
    }

    public static ResourceReference Reference(Guid id, string? display) => new($"{Type}/{id:D}", display);

    private static string Display(string kind) => kind switch
    {
        Network => "Network",
        Provider => "Provider",
        Collaborative => "Provider collaborative",
        _ => "Secure unit",
    };

    /// <summary>One row of the directory, whatever its kind.</summary>
    internal sealed class OrganisationRow
    {
        public required string Key { get; init; }
        public Guid Id { get; init; }
        public required string Kind { get; init; }
        public required string Code { get; init; }
        public required string Name { get; init; }
        public bool Active { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public Guid? ProviderId { get; init; }
        public string? ProviderName { get; init; }
        public Guid? NetworkId { get; init; }
        public string? NetworkName { get; init; }
        public Guid? CollaborativeId { get; init; }
        public string? CollaborativeName { get; init; }
    }
}

/// <summary>Organization search (FHIR names; each at most once).</summary>
/// <param name="identifier">The SeQuIn code: system|code, or code for any kind.</param>
/// <param name="name">Name starts with this, ignoring case.</param>
/// <param name="type">The kind: network, provider, collaborative or unit (optionally with its system).</param>
/// <param name="partof">Organization/{id} of a provider: its units.</param>
/// <param name="_count">Page size, 0 to 500 (default 50); 0 answers only the total.</param>
/// <param name="_cursor">Opaque; taken from the Bundle's next link.</param>
public sealed record OrganizationSearch(string? identifier, string? name, string? type, string? partof, int? _count, string? _cursor) : IFhirSearch;

public sealed class OrganizationSearchValidator : AbstractValidator<OrganizationSearch>
{
    public OrganizationSearchValidator()
    {
        this.AddFhirSearchRules();
        RuleFor(q => q.identifier).IsSearchValue();
        RuleFor(q => q.name).IsSearchValue();
        RuleFor(q => q.type).IsSearchValue()
            .Must(t => t is null || FhirSearch.Token(t) is var (system, code) && system is null or FhirNames.OrganisationKindSystem
                && FhirOrganizations.Kinds.Contains(code))
            .WithMessage($"'type' must be one of {string.Join(", ", FhirOrganizations.Kinds)}, optionally as {FhirNames.OrganisationKindSystem}|code.");
        RuleFor(q => q.partof).IsSearchValue()
            .Must(p => p is null || Guid.TryParseExact(FhirSearch.ReferencedId(p, FhirOrganizations.Type), "D", out _))
            .WithMessage("'partof' must reference an Organization by id: Organization/{id}.");
    }
}
