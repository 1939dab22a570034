using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Organisations;

public static class UnitsApi
{
    public static RouteGroupBuilder MapUnitsApi(this IEndpointRouteBuilder routes)
    {
        var units = routes.MapGroup("/api/v1/units").WithTags("Units").WithValidation();
        units.MapGet("/", ListUnits).WithName(nameof(ListUnits))
            .WithDescription("Units in code order with their provider, sector, network and collaborative. Filter by any of them, by security level or active flag; page with limit and cursor.")
            .WithSummary("List units in code order, filtered by network, provider, collaborative, security level, sector or state");
        units.MapGet("/{unitId:guid}", GetUnit).WithName(nameof(GetUnit))
            .WithDescription("One unit by id, with the bodies it belongs to.").WithSummary("One unit");

        // Writes: the access issue attaches the admin policy to this group.
        var writes = units.MapGroup("");
        writes.MapPost("/", CreateUnit).WithName(nameof(CreateUnit))
            .WithDescription("Creates a unit in a network, run by a provider, optionally within a provider collaborative. Its code is unique nationally.").WithSummary("Create a unit");
        writes.MapPut("/{unitId:guid}", UpdateUnit).WithName(nameof(UpdateUnit))
            .WithDescription("Sets everything about a unit but its code. Setting active to false deactivates it.")
            .WithSummary("Update a unit (name, security level, provider, network, collaborative, active flag)");
        writes.MapPost("/{unitId:guid}/deactivate", DeactivateUnit).WithName(nameof(DeactivateUnit))
            .WithDescription("Marks a unit inactive. Units are never deleted, so their assessments and history remain.")
            .WithSummary("Deactivate a unit; units are never deleted, so their history stays");
        writes.MapPost("/{unitId:guid}/reactivate", ReactivateUnit).WithName(nameof(ReactivateUnit))
            .WithDescription("Marks a deactivated unit active again.")
            .WithSummary("Reactivate a deactivated unit");
        return units;
    }

    public static async Task<Ok<Page<UnitResponse>>> ListUnits(
        [AsParameters] UnitListQuery query, SeQuInDbContext db, CancellationToken ct)
    {
        var units = Units(db)
            .WhereIf(query.networkId is not null, u => u.NetworkId == query.networkId)
            .WhereIf(query.providerId is not null, u => u.ProviderId == query.providerId)
            .WhereIf(query.collaborativeId is not null, u => u.CollaborativeId == query.collaborativeId)
            .WhereIf(query.SecurityLevel is not null, u => u.SecurityLevel == query.SecurityLevel)
            .WhereIf(query.Sector is not null, u => u.Provider!.Sector == query.Sector)
            .WhereIf(query.active is not null, u => u.Active == query.active)
            .WhereIf(query.code is not null, u => u.Code == query.code);
        return TypedResults.Ok(await units.ToPageAsync(query, u => u.Code, ToResponse, ct));
    }

    public static async Task<Results<Ok<UnitResponse>, NotFoundProblem>> GetUnit(
        Guid unitId, SeQuInDbContext db, CancellationToken ct) =>
        await Units(db).SingleOrDefaultAsync(u => u.Id == unitId, ct) is { } unit
            ? TypedResults.Ok(ToResponse(unit))
            : OrganisationsApi.NotFound("unit", unitId);

    public static async Task<Results<Created<UnitResponse>, ConflictProblem, ValidationProblem>> CreateUnit(
        CreateUnitRequest request, SeQuInDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await ReferencesProblemAsync(db, request.ProviderId, request.NetworkId, request.CollaborativeId, ct) is { } invalid)
        {
            return invalid;
        }
        if (await db.Units.AnyAsync(u => u.Code == request.Code, ct))
        {
            return OrganisationsApi.CodeTaken("unit", request.Code);
        }
        var now = clock.Now();
        var unit = new Unit
        {
            Code = request.Code,
            Name = request.Name,
            SecurityLevel = request.SecurityLevel,
            ProviderId = request.ProviderId,
            NetworkId = request.NetworkId,
            CollaborativeId = request.CollaborativeId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Units.Add(unit);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/units/{unit.Id}", ToResponse(await Units(db).SingleAsync(u => u.Id == unit.Id, ct)));
    }

    public static async Task<Results<Ok<UnitResponse>, NotFoundProblem, ValidationProblem>> UpdateUnit(
        Guid unitId, UpdateUnitRequest request, SeQuInDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Units.SingleOrDefaultAsync(u => u.Id == unitId, ct) is not { } unit)
        {
            return OrganisationsApi.NotFound("unit", unitId);
        }
        if (await ReferencesProblemAsync(db, request.ProviderId, request.NetworkId, request.CollaborativeId, ct) is { } invalid)
        {
            return invalid;
        }
        unit.Name = request.Name;
        unit.SecurityLevel = request.SecurityLevel;
        unit.ProviderId = request.ProviderId;
        unit.NetworkId = request.NetworkId;
        unit.CollaborativeId = request.CollaborativeId;
        unit.Active = request.Active;
        unit.UpdatedAt = clock.Now();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(await Units(db).SingleAsync(u => u.Id == unit.Id, ct)));
    }

    public static Task<Results<Ok<UnitResponse>, NotFoundProblem>> DeactivateUnit(
        Guid unitId, SeQuInDbContext db, TimeProvider clock, CancellationToken ct) => SetActiveAsync(unitId, false, db, clock, ct);

    public static Task<Results<Ok<UnitResponse>, NotFoundProblem>> ReactivateUnit(
        Guid unitId, SeQuInDbContext db, TimeProvider clock, CancellationToken ct) => SetActiveAsync(unitId, true, db, clock, ct);

    private static async Task<Results<Ok<UnitResponse>, NotFoundProblem>> SetActiveAsync(
        Guid unitId, bool active, SeQuInDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.Now();
        var changed = await db.Units.Where(u => u.Id == unitId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Active, active).SetProperty(u => u.UpdatedAt, now), ct);
        return changed == 0
            ? OrganisationsApi.NotFound("unit", unitId)
            : TypedResults.Ok(ToResponse(await Units(db).SingleAsync(u => u.Id == unitId, ct)));
    }

    /// <summary>A unit must point at bodies that exist; the answer names the field, as a validation error does.</summary>
    private static async Task<ValidationProblem?> ReferencesProblemAsync(SeQuInDbContext db, Guid providerId, Guid networkId,
        Guid? collaborativeId, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!await db.Providers.AnyAsync(p => p.Id == providerId, ct))
        {
            errors["providerId"] = [$"There is no provider with id {providerId}."];
        }
        if (!await db.Networks.AnyAsync(n => n.Id == networkId, ct))
        {
            errors["networkId"] = [$"There is no network with id {networkId}."];
        }
        if (collaborativeId is { } id && !await db.Collaboratives.AnyAsync(c => c.Id == id, ct))
        {
            errors["collaborativeId"] = [$"There is no provider collaborative with id {id}."];
        }
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
    }

    private static IQueryable<Unit> Units(SeQuInDbContext db) =>
        db.Units.AsNoTracking().Include(u => u.Provider).Include(u => u.Network).Include(u => u.Collaborative);

    private static UnitResponse ToResponse(Unit u) => new(
        u.Id, u.Code, u.Name, u.SecurityLevel,
        new OrganisationRef(u.Provider!.Id, u.Provider.Code, u.Provider.Name), u.Provider.Sector,
        new OrganisationRef(u.Network!.Id, u.Network.Code, u.Network.Name),
        u.Collaborative is null ? null : new OrganisationRef(u.Collaborative.Id, u.Collaborative.Code, u.Collaborative.Name),
        u.Active, u.CreatedAt, u.UpdatedAt);
}
