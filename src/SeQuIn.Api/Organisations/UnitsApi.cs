using SeQuIn.Api.Changes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Organisations;

public static class UnitsApi
{
    public static RouteGroupBuilder MapUnitsApi(this IEndpointRouteBuilder routes)
    {
        var units = routes.MapGroup("/api/v1/units")
            .WithTags("Units")
            .WithValidation()
            .RequireAuthorization(Policies.SignedIn)
            .WithRoles(AllowedRoles.Everyone);
        units.MapGet("/", ListUnits)
            .WithName(nameof(ListUnits))
            .WithDescription("Units in code order with their provider, sector, network and collaborative. Filter by any " +
                "of them, by security level or active flag; page with limit and cursor.")
            .WithSummary("List units in code order, filtered by network, provider, collaborative, security level, sector or state");
        units.MapGet("/{unitId:guid}", GetUnit)
            .WithName(nameof(GetUnit))
            .WithETag()
            .WithDescription("One unit by id, with the bodies it belongs to. Its ETag goes back in If-Match to " +
                "change it; it also moves on when one of those bodies is renamed.")
            .WithSummary("One unit");

        // Writes: administrators of the unit's network (checked per unit in the handlers).
        var writes = units.MapGroup("")
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin);
        writes.MapPost("/", CreateUnit)
            .WithName(nameof(CreateUnit))
            .WithIdempotency()
            .WithDescription("Creates a unit in a network, run by a provider, optionally within a " +
                "provider collaborative. Its code is unique nationally.")
            .WithSummary("Create a unit");
        writes.MapPut("/{unitId:guid}", UpdateUnit)
            .WithName(nameof(UpdateUnit))
            .WithIfMatch()
            .WithIdempotency()
            .WithDescription("Replaces everything about a unit but its code; every member is required (collaborativeId " +
                "may be null). Setting active to false deactivates it. Needs If-Match.")
            .WithSummary("Update a unit (name, security level, provider, network, collaborative, active flag)");
        writes.MapPost("/{unitId:guid}/deactivate", DeactivateUnit)
            .WithName(nameof(DeactivateUnit))
            .WithIfMatch()
            .WithIdempotency()
            .WithDescription("Marks a unit inactive. Units are never deleted, so their assessments and history remain. Needs If-Match.")
            .WithSummary("Deactivate a unit; units are never deleted, so their history stays");
        writes.MapPost("/{unitId:guid}/reactivate", ReactivateUnit)
            .WithName(nameof(ReactivateUnit))
            .WithIfMatch()
            .WithIdempotency()
            .WithDescription("Marks a deactivated unit active again. Needs If-Match.")
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

    public static async Task<Results<Ok<UnitResponse>, NotFoundProblem, StatusCodeHttpResult>> GetUnit(
        Guid unitId, HttpContext http, SeQuInDbContext db, CancellationToken ct) =>
        await Units(db).SingleOrDefaultAsync(u => u.Id == unitId, ct) is not { } unit
            ? OrganisationsApi.NotFound("unit", unitId)
            : Preconditions.NotModified(http, ETag(unit))
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Ok(ToResponse(unit));

    public static async Task<Results<Created<UnitResponse>, ConflictProblem, ForbiddenProblem, ValidationProblem>> CreateUnit(
        CreateUnitRequest request, [AsParameters] OrganisationServices services, CancellationToken ct)
    {
        if (await ReferencesProblemAsync(services.Db, request.ProviderId, request.NetworkId, request.CollaborativeId, ct) is { } invalid)
        {
            return invalid;
        }
        if (!services.Caller.Scope.AdministersNetwork(request.NetworkId))
        {
            return NotYourUnit();
        }
        if (await services.Db.Units.AnyAsync(u => u.Code == request.Code, ct))
        {
            return OrganisationsApi.CodeTaken("unit", request.Code);
        }
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        var now = services.Clock.Now();
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
        services.Db.Units.Add(unit);
        await services.Db.SaveChangesAsync(ct);
        var saved = await Units(services.Db).SingleAsync(u => u.Id == unit.Id, ct);
        var created = ToResponse(saved);
        services.Audit.Record("unit.created", "unit", unit.Id, unit.NetworkId, created);
        await services.Db.SaveChangesAsync(ct);
        await ChangeFeed.RecordAsync(services.Db, ChangeKinds.UnitCreated, "unit", unit.Id, saved.Revision, unit.Id, unit.NetworkId, now, null, ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(ETag(saved));
        return TypedResults.Created($"/api/v1/units/{unit.Id}", created);
    }

    public static async Task<Results<Ok<UnitResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem, PreconditionProblem>> UpdateUnit(
        Guid unitId, UpdateUnitRequest request, [AsParameters] OrganisationServices services, CancellationToken ct)
    {
        if (await services.Db.Units.SingleOrDefaultAsync(u => u.Id == unitId, ct) is not { } unit)
        {
            return OrganisationsApi.NotFound("unit", unitId);
        }
        if (await ReferencesProblemAsync(services.Db, request.ProviderId, request.NetworkId, request.CollaborativeId, ct) is { } invalid)
        {
            return invalid;
        }
        if (!services.Caller.Scope.AdministersNetwork(unit.NetworkId) || !services.Caller.Scope.AdministersNetwork(request.NetworkId))
        {
            return NotYourUnit();
        }
        var read = await Units(services.Db).SingleAsync(u => u.Id == unitId, ct);
        if (Preconditions.CheckIfMatch(services.Http.Request, ETag(read), "unit") is { } precondition)
        {
            return precondition;
        }
        var before = ToResponse(read);
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        unit.Name = request.Name;
        unit.SecurityLevel = request.SecurityLevel;
        unit.ProviderId = request.ProviderId;
        unit.NetworkId = request.NetworkId;
        unit.CollaborativeId = request.CollaborativeId;
        unit.Active = request.Active;
        unit.PublishToFamilies = request.PublishToFamilies ?? unit.PublishToFamilies;
        unit.UpdatedAt = services.Clock.Now();
        unit.Revision++;
        if (!await services.Db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("unit");
        }
        var saved = await Units(services.Db).SingleAsync(u => u.Id == unit.Id, ct);
        var after = ToResponse(saved);
        services.Audit.Record("unit.updated", "unit", unit.Id, unit.NetworkId, AuditChanges.Between(before, after));
        await services.Db.SaveChangesAsync(ct);
        await ChangeFeed.RecordAsync(services.Db, ChangeKinds.UnitChanged, "unit", unit.Id, saved.Revision, unit.Id, unit.NetworkId, unit.UpdatedAt, null, ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(ETag(saved));
        return TypedResults.Ok(after);
    }

    public static Task<Results<Ok<UnitResponse>, NotFoundProblem, ForbiddenProblem, PreconditionProblem>> DeactivateUnit(
        Guid unitId, [AsParameters] OrganisationServices services, CancellationToken ct) =>
        SetActiveAsync(unitId, false, services.Caller, services.Http, services.Db, services.Audit, services.Clock, ct);

    public static Task<Results<Ok<UnitResponse>, NotFoundProblem, ForbiddenProblem, PreconditionProblem>> ReactivateUnit(
        Guid unitId, [AsParameters] OrganisationServices services, CancellationToken ct) =>
        SetActiveAsync(unitId, true, services.Caller, services.Http, services.Db, services.Audit, services.Clock, ct);

    private static async Task<Results<Ok<UnitResponse>, NotFoundProblem, ForbiddenProblem, PreconditionProblem>> SetActiveAsync(
        Guid unitId, bool active, Caller caller, HttpContext http, SeQuInDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Units.SingleOrDefaultAsync(u => u.Id == unitId, ct) is not { } unit)
        {
            return OrganisationsApi.NotFound("unit", unitId);
        }
        if (!caller.Scope.AdministersNetwork(unit.NetworkId))
        {
            return NotYourUnit();
        }
        if (Preconditions.CheckIfMatch(http.Request, ETag(await Units(db).SingleAsync(u => u.Id == unitId, ct)), "unit") is { } precondition)
        {
            return precondition;
        }
        unit.Active = active;
        unit.UpdatedAt = clock.Now();
        unit.Revision++;
        audit.Record(active ? "unit.reactivated" : "unit.deactivated", "unit", unit.Id, unit.NetworkId, new { active });
        // The change and its feed entry commit together (ADR 0027).
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        if (!await db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("unit");
        }
        await ChangeFeed.RecordAsync(db, active ? ChangeKinds.UnitReactivated : ChangeKinds.UnitDeactivated, "unit", unit.Id, unit.Revision, unit.Id,
            unit.NetworkId, unit.UpdatedAt, null, ct);
        await transaction.CommitAsync(ct);
        var saved = await Units(db).SingleAsync(u => u.Id == unitId, ct);
        http.Response.SetETag(ETag(saved));
        return TypedResults.Ok(ToResponse(saved));
    }

    private static ForbiddenProblem NotYourUnit() =>
        ApiProblems.Forbidden("Only an administrator of the unit's network (or a national administrator) may create or change it.");

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

    /// <summary>
    /// A unit's representation names its provider, network and collaborative, so its ETag moves on when any of
    /// them changes too: a client revalidating with If-None-Match never keeps a stale name.
    /// </summary>
    private static string ETag(Unit u) =>
        Preconditions.ETag(u.Revision, u.Provider!.Revision, u.Network!.Revision, u.Collaborative?.Revision ?? 0);

    private static IQueryable<Unit> Units(SeQuInDbContext db) =>
        db.Units.AsNoTracking().Include(u => u.Provider).Include(u => u.Network).Include(u => u.Collaborative);

    private static UnitResponse ToResponse(Unit u) => new(
        u.Id, u.Code, u.Name, u.SecurityLevel,
        new OrganisationRef(u.Provider!.Id, u.Provider.Code, u.Provider.Name), u.Provider.Sector,
        new OrganisationRef(u.Network!.Id, u.Network.Code, u.Network.Name),
        u.Collaborative is null ? null : new OrganisationRef(u.Collaborative.Id, u.Collaborative.Code, u.Collaborative.Name),
        u.Active, u.CreatedAt, u.UpdatedAt, u.PublishToFamilies);
}
