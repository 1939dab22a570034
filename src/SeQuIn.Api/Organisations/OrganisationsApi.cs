using SeQuIn.Api.Changes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Organisations;

/// <summary>Networks, provider collaboratives and providers: the bodies units belong to.</summary>
public static class OrganisationsApi
{
    public static IEndpointRouteBuilder MapOrganisationsApi(this IEndpointRouteBuilder routes)
    {
        var networks = routes.MapGroup("/api/v1/networks")
            .WithTags("Networks")
            .WithValidation()
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone);
        networks.MapGet("/", ListNetworks)
            .WithName(nameof(ListNetworks))
            .WithDescription("Networks in code order. Filter by code or active flag; page with limit and cursor.")
            .WithSummary("List networks in code order");
        networks.MapGet("/{networkId:guid}", GetNetwork)
            .WithName(nameof(GetNetwork))
            .WithETag()
            .WithDescription("One network by id. Its ETag goes back in If-Match to change it.")
            .WithSummary("One network");
        // A new network is a national decision; a network's own administrators maintain it.
        networks.MapPost("/", CreateNetwork)
            .RequireAuthorization(Policies.NationalAdmin)
            .WithRoles(Role.NetworkAdmin)
            .WithName(nameof(CreateNetwork))
            .WithIdempotency()
            .WithDescription("Creates a network. Its code is stable and unique.")
            .WithSummary("Create a network");
        networks.MapPut("/{networkId:guid}", UpdateNetwork)
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin)
            .WithName(nameof(UpdateNetwork))
            .WithIfMatch()
            .WithIdempotency()
            .WithDescription("Replaces a network's name, region, active flag and publishing choices: every member is required " +
                "(send null to clear the region). The code never changes. Needs If-Match.")
            .WithSummary("Update a network's name, region or active flag");

        var collaboratives = routes.MapGroup("/api/v1/collaboratives")
            .WithTags("Collaboratives")
            .WithValidation()
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone);
        collaboratives.MapGet("/", ListCollaboratives)
            .WithName(nameof(ListCollaboratives))
            .WithDescription("Provider collaboratives in code order. Filter by code or active flag; page with limit and cursor.")
            .WithSummary("List provider collaboratives in code order");
        collaboratives.MapGet("/{collaborativeId:guid}", GetCollaborative)
            .WithName(nameof(GetCollaborative))
            .WithETag()
            .WithDescription("One provider collaborative by id. Its ETag goes back in If-Match to change it.")
            .WithSummary("One provider collaborative");
        // A collaborative commissions across networks and any network's unit may join it: national administrators maintain them.
        var collaborativeWrites = collaboratives.MapGroup("")
            .RequireAuthorization(Policies.NationalAdmin)
            .WithRoles(Role.NetworkAdmin);
        collaborativeWrites.MapPost("/", CreateCollaborative)
            .WithName(nameof(CreateCollaborative))
            .WithIdempotency()
            .WithDescription("National administrators only. Creates a provider collaborative. Its code is stable and unique.")
            .WithSummary("Create a provider collaborative");
        collaborativeWrites.MapPut("/{collaborativeId:guid}", UpdateCollaborative)
            .WithName(nameof(UpdateCollaborative))
            .WithIfMatch()
            .WithIdempotency()
            .WithDescription("National administrators only. Replaces a provider collaborative's name and active " +
                "flag; both are required. The code never changes. Needs If-Match.")
            .WithSummary("Update a provider collaborative's name or active flag");

        var providers = routes.MapGroup("/api/v1/providers")
            .WithTags("Providers")
            .WithValidation()
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone);
        providers.MapGet("/", ListProviders)
            .WithName(nameof(ListProviders))
            .WithDescription("Providers in code order. Filter by code, sector or active flag; page with limit and cursor.")
            .WithSummary("List providers in code order");
        providers.MapGet("/{providerId:guid}", GetProvider)
            .WithName(nameof(GetProvider))
            .WithETag()
            .WithDescription("One provider by id. Its ETag goes back in If-Match to change it.")
            .WithSummary("One provider");
        // Any network-admin creates a provider; changing one is for a scope that covers all its units (checked in the handler).
        var providerWrites = providers.MapGroup("")
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin);
        providerWrites.MapPost("/", CreateProvider)
            .WithName(nameof(CreateProvider))
            .WithIdempotency()
            .WithDescription("Creates a provider: an NHS trust (sector nhs) or an independent provider. Its code is stable and unique.")
            .WithSummary("Create a provider");
        providerWrites.MapPut("/{providerId:guid}", UpdateProvider)
            .WithName(nameof(UpdateProvider))
            .WithIfMatch()
            .WithIdempotency()
            .WithDescription("Replaces a provider's name, sector and active flag; all are required. The code never changes. Needs If-Match. Its " +
                "sector moves the comparisons of every network its units are in, so a network administrator may change it only " +
                "while all its units lie in networks it administers; otherwise a national administrator (403).")
            .WithSummary("Update a provider's name, sector or active flag");
        return routes;
    }

    // ---- Networks -----------------------------------------------------------------------------------------------

    public static async Task<Ok<Page<NetworkResponse>>> ListNetworks(
        [AsParameters] NetworkListQuery query, SeQuInDbContext db, CancellationToken ct)
    {
        var networks = db.Networks.AsNoTracking()
            .WhereIf(query.code is not null, n => n.Code == query.code)
            .WhereIf(query.active is not null, n => n.Active == query.active);
        return TypedResults.Ok(await networks.ToPageAsync(query, n => n.Code, ToResponse, ct));
    }

    public static async Task<Results<Ok<NetworkResponse>, NotFoundProblem, StatusCodeHttpResult>> GetNetwork(
        Guid networkId, HttpContext http, SeQuInDbContext db, CancellationToken ct) =>
        await db.Networks.AsNoTracking().SingleOrDefaultAsync(n => n.Id == networkId, ct) is not { } network
            ? NotFound("network", networkId)
            : Preconditions.NotModified(http, ETag(network.Revision))
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Ok(ToResponse(network));

    public static async Task<Results<Created<NetworkResponse>, ConflictProblem, ValidationProblem>> CreateNetwork(
        CreateNetworkRequest request, [AsParameters] OrganisationServices services, CancellationToken ct)
    {
        if (await services.Db.Networks.AnyAsync(n => n.Code == request.Code, ct))
        {
            return CodeTaken("network", request.Code);
        }
        var now = services.Clock.Now();
        var network = new Network
        {
            Code = request.Code, Name = request.Name, Region = request.Region, AllowRanks = request.AllowRanks,
            PublishSummaries = request.PublishSummaries, CreatedAt = now, UpdatedAt = now,
        };
        services.Db.Networks.Add(network);
        services.Audit.Record("network.created", "network", network.Id, network.Id, ToResponse(network));
        await services.Db.SaveChangesAsync(ct);
        services.Http.Response.SetETag(ETag(network.Revision));
        return TypedResults.Created($"/api/v1/networks/{network.Id}", ToResponse(network));
    }

    public static async Task<Results<Ok<NetworkResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem, PreconditionProblem>> UpdateNetwork(
        Guid networkId, UpdateNetworkRequest request, [AsParameters] OrganisationServices services, CancellationToken ct)
    {
        if (await services.Db.Networks.SingleOrDefaultAsync(n => n.Id == networkId, ct) is not { } network)
        {
            return NotFound("network", networkId);
        }
        if (!services.Caller.Scope.AdministersNetwork(networkId))
        {
            return NotYourNetwork();
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, ETag(network.Revision), "network") is { } precondition)
        {
            return precondition;
        }
        var before = ToResponse(network);
        network.Name = request.Name;
        network.Region = request.Region;
        network.AllowRanks = request.AllowRanks;
        network.PublishSummaries = request.PublishSummaries;
        network.PublishToFamilies = request.PublishToFamilies ?? network.PublishToFamilies;
        network.OfferBuddiesNationally = request.OfferBuddiesNationally ?? network.OfferBuddiesNationally;
        network.Active = request.Active;
        network.UpdatedAt = services.Clock.Now();
        network.Revision++;
        services.Audit.Record("network.updated", "network", network.Id, network.Id, AuditChanges.Between(before, ToResponse(network)));
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        if (!await services.Db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("network");
        }
        // Publishing settings decide what integrators may show: the feed says when they change, in the same transaction.
        await ChangeFeed.RecordAsync(services.Db, ChangeKinds.NetworkChanged, "network", network.Id, network.Revision, null, network.Id,
            network.UpdatedAt, new { network.PublishSummaries, network.AllowRanks, network.Active, network.PublishToFamilies, network.OfferBuddiesNationally }, ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(ETag(network.Revision));
        return TypedResults.Ok(ToResponse(network));
    }

    // ---- Collaboratives -----------------------------------------------------------------------------------------

    public static async Task<Ok<Page<CollaborativeResponse>>> ListCollaboratives(
        [AsParameters] CollaborativeListQuery query, SeQuInDbContext db, CancellationToken ct)
    {
        var collaboratives = db.Collaboratives.AsNoTracking()
            .WhereIf(query.code is not null, c => c.Code == query.code)
            .WhereIf(query.active is not null, c => c.Active == query.active);
        return TypedResults.Ok(await collaboratives.ToPageAsync(query, c => c.Code, ToResponse, ct));
    }

    public static async Task<Results<Ok<CollaborativeResponse>, NotFoundProblem, StatusCodeHttpResult>> GetCollaborative(
        Guid collaborativeId, HttpContext http, SeQuInDbContext db, CancellationToken ct) =>
        await db.Collaboratives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == collaborativeId, ct) is not { } collaborative
            ? NotFound("provider collaborative", collaborativeId)
            : Preconditions.NotModified(http, ETag(collaborative.Revision))
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Ok(ToResponse(collaborative));

    public static async Task<Results<Created<CollaborativeResponse>, ConflictProblem, ValidationProblem>> CreateCollaborative(
        CreateCollaborativeRequest request, [AsParameters] OrganisationServices services, CancellationToken ct)
    {
        if (await services.Db.Collaboratives.AnyAsync(c => c.Code == request.Code, ct))
        {
            return CodeTaken("provider collaborative", request.Code);
        }
        var now = services.Clock.Now();
        var collaborative = new Collaborative { Code = request.Code, Name = request.Name, CreatedAt = now, UpdatedAt = now };
        services.Db.Collaboratives.Add(collaborative);
        services.Audit.Record("collaborative.created", "collaborative", collaborative.Id, null, ToResponse(collaborative));
        await services.Db.SaveChangesAsync(ct);
        services.Http.Response.SetETag(ETag(collaborative.Revision));
        return TypedResults.Created($"/api/v1/collaboratives/{collaborative.Id}", ToResponse(collaborative));
    }

    public static async Task<Results<Ok<CollaborativeResponse>, NotFoundProblem, ValidationProblem, PreconditionProblem>> UpdateCollaborative(
        Guid collaborativeId, UpdateCollaborativeRequest request, [AsParameters] OrganisationServices services, CancellationToken ct)
    {
        if (await services.Db.Collaboratives.SingleOrDefaultAsync(c => c.Id == collaborativeId, ct) is not { } collaborative)
        {
            return NotFound("provider collaborative", collaborativeId);
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, ETag(collaborative.Revision), "provider collaborative") is { } precondition)
        {
            return precondition;
        }
        var before = ToResponse(collaborative);
        collaborative.Name = request.Name;
        collaborative.Active = request.Active;
        collaborative.UpdatedAt = services.Clock.Now();
        collaborative.Revision++;
        services.Audit.Record("collaborative.updated", "collaborative", collaborative.Id, null,
            AuditChanges.Between(before, ToResponse(collaborative)));
        if (!await services.Db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("provider collaborative");
        }
        services.Http.Response.SetETag(ETag(collaborative.Revision));
        return TypedResults.Ok(ToResponse(collaborative));
    }

    // ---- Providers ----------------------------------------------------------------------------------------------

    public static async Task<Ok<Page<ProviderResponse>>> ListProviders(
        [AsParameters] ProviderListQuery query, SeQuInDbContext db, CancellationToken ct)
    {
        var providers = db.Providers.AsNoTracking()
            .WhereIf(query.code is not null, p => p.Code == query.code)
            .WhereIf(query.Sector is not null, p => p.Sector == query.Sector)
            .WhereIf(query.active is not null, p => p.Active == query.active);
        return TypedResults.Ok(await providers.ToPageAsync(query, p => p.Code, ToResponse, ct));
    }

    public static async Task<Results<Ok<ProviderResponse>, NotFoundProblem, StatusCodeHttpResult>> GetProvider(
        Guid providerId, HttpContext http, SeQuInDbContext db, CancellationToken ct) =>
        await db.Providers.AsNoTracking().SingleOrDefaultAsync(p => p.Id == providerId, ct) is not { } provider
            ? NotFound("provider", providerId)
            : Preconditions.NotModified(http, ETag(provider.Revision))
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Ok(ToResponse(provider));

    public static async Task<Results<Created<ProviderResponse>, ConflictProblem, ValidationProblem>> CreateProvider(
        CreateProviderRequest request, [AsParameters] OrganisationServices services, CancellationToken ct)
    {
        if (await services.Db.Providers.AnyAsync(p => p.Code == request.Code, ct))
        {
            return CodeTaken("provider", request.Code);
        }
        var now = services.Clock.Now();
        var provider = new Provider { Code = request.Code, Name = request.Name, Sector = request.Sector, CreatedAt = now, UpdatedAt = now };
        services.Db.Providers.Add(provider);
        services.Audit.Record("provider.created", "provider", provider.Id, null, ToResponse(provider));
        await services.Db.SaveChangesAsync(ct);
        services.Http.Response.SetETag(ETag(provider.Revision));
        return TypedResults.Created($"/api/v1/providers/{provider.Id}", ToResponse(provider));
    }

    public static async Task<Results<Ok<ProviderResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem, PreconditionProblem>> UpdateProvider(
        Guid providerId, UpdateProviderRequest request, [AsParameters] OrganisationServices services, CancellationToken ct)
    {
        if (await services.Db.Providers.SingleOrDefaultAsync(p => p.Id == providerId, ct) is not { } provider)
        {
            return NotFound("provider", providerId);
        }
        var networks = await services.Db.Units.Where(u => u.ProviderId == providerId).Select(u => u.NetworkId).Distinct().ToListAsync(ct);
        if (!services.Caller.Scope.AdministersProvider(networks))
        {
            return ApiProblems.Forbidden("This provider has units in networks you do not administer: only a national administrator may change it.");
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, ETag(provider.Revision), "provider") is { } precondition)
        {
            return precondition;
        }
        var before = ToResponse(provider);
        provider.Name = request.Name;
        provider.Sector = request.Sector;
        provider.Active = request.Active;
        provider.UpdatedAt = services.Clock.Now();
        provider.Revision++;
        services.Audit.Record("provider.updated", "provider", provider.Id, null, AuditChanges.Between(before, ToResponse(provider)));
        if (!await services.Db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("provider");
        }
        services.Http.Response.SetETag(ETag(provider.Revision));
        return TypedResults.Ok(ToResponse(provider));
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    internal static NotFoundProblem NotFound(string kind, Guid id) => ApiProblems.NotFound($"There is no {kind} with id {id}.");

    internal static ForbiddenProblem NotYourNetwork() =>
        ApiProblems.Forbidden("Only an administrator of this network (or a national administrator) may change it.");

    internal static string ETag(int revision) => Preconditions.ETag(revision);

    internal static ConflictProblem CodeTaken(string kind, string code) =>
        ApiProblems.Conflict($"A {kind} with code '{code}' already exists.");

    private static NetworkResponse ToResponse(Network n) => new(n.Id, n.Code, n.Name, n.Region, n.AllowRanks, n.PublishSummaries, n.Active,
        n.CreatedAt, n.UpdatedAt, n.PublishToFamilies, n.OfferBuddiesNationally);

    private static CollaborativeResponse ToResponse(Collaborative c) => new(c.Id, c.Code, c.Name, c.Active, c.CreatedAt, c.UpdatedAt);

    private static ProviderResponse ToResponse(Provider p) => new(p.Id, p.Code, p.Name, p.Sector, p.Active, p.CreatedAt, p.UpdatedAt);
}
