using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Buddying;

/// <summary>What the buddying handlers share: who asks, the request, the database, the audit trail, the clock, the settings.</summary>
public readonly record struct BuddyingServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock,
    IConfiguration Configuration) : IServiceBundle;

/// <summary>
/// Buddying (ADR 0036): for a unit and a standard or area where it is low, units that rated it high for a sustained
/// period and share evidence of it; pairings a lead records with their outcome; which pairings came before improvement.
/// </summary>
public static class BuddyingApi
{
    private const string EntityType = "buddy-pairing";

    public static IEndpointRouteBuilder MapBuddyingApi(this IEndpointRouteBuilder routes)
    {
        var units = routes.MapGroup("/api/v1/units/{unitId:guid}")
            .WithTags("Buddying")
            .WithValidation();
        units.MapGet("/buddy-suggestions", ListBuddySuggestions)
            .WithName(nameof(ListBuddySuggestions))
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .WithSummary("Units to buddy up with: rated a standard or area high for a sustained period, and share evidence of it")
            .WithDescription("Units of the unit's network — and of other networks, when both networks offer buddies nationally — that " +
                "rated the standard (or their mean of the area) at or above highAt (default 3) in at least atLeast (default 4, or months " +
                "when fewer) of the months (default 6) up to month, and shared evidence with those submissions. Ranked by consistency: " +
                "more months high, then more months rated, then the higher mean, then the more recent high month, then unit code. Each " +
                "carries the evidence it shared, as best practice shows it. Read by whoever reads the network's results.");
        units.MapGet("/buddy-pairings", ListUnitBuddyPairings)
            .WithName(nameof(ListUnitBuddyPairings))
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .WithSummary("The unit's buddy pairings, oldest first, with its ratings before and after each started")
            .WithDescription("Before is the unit's mean rating of the standard (or of the area) over the 3 months before the started " +
                "month, after over the 3 months after it; improved says whether after is above before. Filter by outcome.");
        units.MapGet("/buddy-pairings/{pairingId:guid}", GetBuddyPairing)
            .WithName(nameof(GetBuddyPairing))
            .WithETag()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .WithSummary("One buddy pairing")
            .WithDescription("The pairing with its outcome and the unit's ratings before and after it started; the ETag is its revision.");
        units.MapPost("/buddy-pairings", AddBuddyPairing)
            .WithName(nameof(AddBuddyPairing))
            .RequireAuthorization(Policies.InvolvementLead)
            .WithRoles(Role.InvolvementLead)
            .WithIdempotency()
            .WithSummary("Record a buddy pairing: the unit learns from another about a standard or an area")
            .WithDescription("Involvement leads of the unit's network. The buddy is a unit of the same network, or of another network " +
                "when both offer buddies nationally. Notes holding a personal identifier are refused (422, never echoed). Send an Idempotency-Key.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        units.MapPost("/buddy-pairings/{pairingId:guid}/outcome", RecordBuddyOutcome)
            .WithName(nameof(RecordBuddyOutcome))
            .RequireAuthorization(Policies.InvolvementLead)
            .WithRoles(Role.InvolvementLead)
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Record how a buddy pairing turned out: improved, no-change or ended")
            .WithDescription("Involvement leads of the unit's network; may be recorded again as things change. Needs If-Match; the note " +
                "is screened like the notes.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        var networks = routes.MapGroup("/api/v1/networks/{networkId:guid}/buddy-pairings")
            .WithTags("Buddying")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders);
        networks.MapGet("/", ListNetworkBuddyPairings)
            .WithName(nameof(ListNetworkBuddyPairings))
            .WithSummary("The network's buddy pairings, oldest first: which came before improvement")
            .WithDescription("Pairings of the network's units, each with the unit's ratings before and after it started and whether it " +
                "improved. Read by whoever reads the network's results.");
        networks.MapGet("/summary", GetBuddyingSummary)
            .WithName(nameof(GetBuddyingSummary))
            .WithSummary("How many of the network's pairings came before improvement")
            .WithDescription("Counted over pairings with ratings both before and after; the counts are withheld (null, suppressed) " +
                "when fewer pairings than the minimum group size were compared.");
        return routes;
    }

    // ---- Suggestions --------------------------------------------------------------------------------------------

    public static async Task<Results<Ok<Page<BuddySuggestion>>, NotFoundProblem>> ListBuddySuggestions(
        Guid unitId, [AsParameters] BuddySuggestionQuery query, [AsParameters] BuddyingServices services, CancellationToken ct)
    {
        var db = services.Db;
        var unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId)
            .Select(u => new { u.NetworkId, u.Network!.OfferBuddiesNationally }).SingleOrDefaultAsync(ct);
        // The rules of best practice: whoever reads the network's results, for the month asked or the network's latest.
        if (unit is null || !services.Caller.Scope.SeesBuddyingOf(unit.NetworkId)
            || await InsightApi.MonthAsync(db, unit.NetworkId, services.Caller, services.Clock, query.month, ct) is not { } month)
        {
            return UnitNotFound(unitId);
        }
        var months = query.months ?? Buddies.DefaultMonths;
        var atLeast = query.atLeast ?? Math.Min(Buddies.DefaultAtLeast, months);
        var highAt = query.highAt ?? Buddies.DefaultHighAt;
        var from = month.AddMonths(-(months - 1));
        var networks = db.Networks.Where(n => n.Id == unit.NetworkId || (unit.OfferBuddiesNationally && n.OfferBuddiesNationally));
        var candidates = db.Units.Where(u => u.Active && u.Id != unitId && networks.Any(n => n.Id == u.NetworkId));
        var rows = query.standardCode is not null
            ? (await db.StandardResults.AsNoTracking()
                .Where(r => r.StandardCode == query.standardCode && r.Month >= from && r.Month <= month && r.Value != null && candidates.Any(u => u.Id == r.UnitId))
                .Select(r => new { r.AssessmentId, r.UnitId, r.Month, Value = r.Value!.Value }).ToListAsync(ct))
                .Select(r => (r.AssessmentId, r.UnitId, Rating: new MonthRating(r.Month, r.Value))).ToList()
            : (await db.AreaResults.AsNoTracking()
                .Where(r => r.AreaCode == query.areaCode && r.Month >= from && r.Month <= month && r.Mean != null && candidates.Any(u => u.Id == r.UnitId))
                .Select(r => new { r.AssessmentId, r.UnitId, r.Month, Value = r.Mean!.Value }).ToListAsync(ct))
                .Select(r => (r.AssessmentId, r.UnitId, Rating: new MonthRating(r.Month, r.Value))).ToList();
        var sustained = rows.GroupBy(r => r.UnitId)
            .Select(g => (UnitId: g.Key, Consistency: Buddies.Sustained(g.Select(r => r.Rating), month, months, atLeast, highAt)))
            .Where(s => s.Consistency is not null).ToDictionary(s => s.UnitId, s => s.Consistency!);
        var highAssessments = rows.Where(r => sustained.ContainsKey(r.UnitId) && r.Rating.Value >= highAt).ToList();
        var evidence = await InsightApi.SharedEvidenceAsync(db, highAssessments.Select(r => r.AssessmentId).Distinct().ToList(), query.standardCode, ct);
        var withEvidence = highAssessments.GroupBy(r => r.UnitId)
            .Select(g => (UnitId: g.Key, Evidence: g.OrderBy(r => r.Rating.Month).SelectMany(r => evidence[r.AssessmentId]).ToList()))
            .Where(u => u.Evidence.Count > 0).ToList();
        var ids = withEvidence.Select(u => u.UnitId).ToList();
        var names = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.Code, u.Name, u.NetworkId, NetworkCode = u.Network!.Code }).ToDictionaryAsync(u => u.Id, ct);
        var ranked = Buddies.Rank(withEvidence, u => sustained[u.UnitId], u => names[u.UnitId].Code)
            .Select((u, i) =>
            {
                var (c, n) = (sustained[u.UnitId], names[u.UnitId]);
                return new BuddySuggestion(i + 1, u.UnitId, n.Code, n.Name, n.NetworkId, n.NetworkCode, n.NetworkId == unit.NetworkId,
                    c.MonthsHigh, months, c.MonthsRated, c.Mean, Months.Format(c.LatestHigh), u.Evidence);
            }).ToList();
        Paging.TryDecode(query.cursor, out var after);
        var rest = ranked.Where(s => after is null || string.CompareOrdinal(RankKey(s), after) > 0).Take(Paging.LimitOrDefault(query.limit) + 1).ToList();
        return TypedResults.Ok(Paging.ToPage(rest, Paging.LimitOrDefault(query.limit), RankKey));
    }

    private static string RankKey(BuddySuggestion s) => s.Rank.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);

    // ---- Pairings -----------------------------------------------------------------------------------------------

    public static async Task<Results<Created<BuddyPairingResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem, UnprocessableProblem>> AddBuddyPairing(
        Guid unitId, BuddyPairingRequest request, [AsParameters] BuddyingServices services, CancellationToken ct)
    {
        var db = services.Db;
        var unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId)
            .Select(u => new { Place = new UnitPlace(u.Id, u.NetworkId, u.CollaborativeId), u.Network!.OfferBuddiesNationally }).SingleOrDefaultAsync(ct);
        if (unit is null || !services.Caller.Scope.SeesBuddyingOf(unit.Place.NetworkId))
        {
            return UnitNotFound(unitId);
        }
        if (!services.Caller.Scope.RecordsBuddyPairingsOf(unit.Place))
        {
            return ApiProblems.Forbidden("Only the involvement leads of the unit's network record its buddy pairings.");
        }
        var buddy = await db.Units.AsNoTracking().Where(u => u.Id == request.BuddyUnitId && u.Active)
            .Select(u => new { u.Id, u.NetworkId, u.Network!.OfferBuddiesNationally }).SingleOrDefaultAsync(ct);
        if (buddy is null || buddy.Id == unitId || !Buddies.MayPair(unit.Place.NetworkId, unit.OfferBuddiesNationally, buddy.NetworkId, buddy.OfferBuddiesNationally))
        {
            return ApiProblems.Invalid("buddyUnitId", "'buddyUnitId' must be another active unit of the network, or of a network that offers buddies " +
                "nationally while the unit's network does too.");
        }
        var active = FrameworkShapes.ActiveVersionId(db);
        string? areaCode;
        if (request.StandardCode is not null)
        {
            areaCode = await db.Standards.AsNoTracking().Where(s => s.Code == request.StandardCode && active.Contains(s.FrameworkVersionId))
                .Select(s => db.Areas.Single(a => a.Id == s.AreaId).Code).SingleOrDefaultAsync(ct);
            if (areaCode is null)
            {
                return ApiProblems.Invalid("standardCode", $"'{request.StandardCode}' is not a standard of the active framework.");
            }
        }
        else
        {
            areaCode = await db.Areas.AsNoTracking().Where(a => a.Code == request.AreaCode && active.Contains(a.FrameworkVersionId))
                .Select(a => a.Code).SingleOrDefaultAsync(ct);
            if (areaCode is null)
            {
                return ApiProblems.Invalid("areaCode", $"'{request.AreaCode}' is not an area of the active framework.");
            }
        }
        var pairing = new BuddyPairing
        {
            UnitId = unitId,
            NetworkId = unit.Place.NetworkId,
            BuddyUnitId = buddy.Id,
            StandardCode = request.StandardCode,
            AreaCode = areaCode,
            StartedMonth = Months.Parse(request.StartedMonth),
            Notes = request.Notes,
            CreatedAt = services.Clock.Now(),
        };
        db.Set<BuddyPairing>().Add(pairing);
        // The notes stay in their row, where the readers' scope guards them; the audit trail records that they were written.
        services.Audit.Record("buddying.paired", EntityType, pairing.Id, pairing.NetworkId,
            new { pairing.UnitId, pairing.BuddyUnitId, pairing.StandardCode, pairing.AreaCode, startedMonth = request.StartedMonth });
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await RecordChangeAsync(db, ChangeKinds.BuddyingPaired, pairing, ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(Preconditions.ETag(pairing.Revision));
        return TypedResults.Created(Location(pairing), (await ToResponsesAsync(db, [pairing], ct)).Single());
    }

    public static async Task<Results<Ok<BuddyPairingResponse>, NotFoundProblem, ForbiddenProblem, ValidationProblem, UnprocessableProblem, PreconditionProblem>> RecordBuddyOutcome(
        Guid unitId, Guid pairingId, BuddyOutcomeRequest request, [AsParameters] BuddyingServices services, CancellationToken ct)
    {
        var db = services.Db;
        var pairing = await db.Set<BuddyPairing>().SingleOrDefaultAsync(p => p.Id == pairingId && p.UnitId == unitId, ct);
        var place = pairing is null ? default : await db.Units.AsNoTracking().Where(u => u.Id == unitId)
            .Select(u => new UnitPlace(u.Id, u.NetworkId, u.CollaborativeId)).SingleAsync(ct);
        if (pairing is null || !services.Caller.Scope.SeesBuddyingOf(pairing.NetworkId))
        {
            return PairingNotFound(unitId, pairingId);
        }
        if (!services.Caller.Scope.RecordsBuddyPairingsOf(place))
        {
            return ApiProblems.Forbidden("Only the involvement leads of the unit's network record how its buddy pairings turned out.");
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, Preconditions.ETag(pairing.Revision), "buddy pairing") is { } precondition)
        {
            return precondition;
        }
        var before = pairing.Outcome;
        pairing.Outcome = request.Outcome;
        pairing.OutcomeNote = request.Note;
        pairing.OutcomeRecordedAt = services.Clock.Now();
        pairing.Revision++;
        services.Audit.Record("buddying.outcome-recorded", EntityType, pairing.Id, pairing.NetworkId,
            new { old = new { outcome = before }, @new = new { outcome = pairing.Outcome } });
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        if (!await db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("buddy pairing");
        }
        await RecordChangeAsync(db, ChangeKinds.BuddyingOutcomeRecorded, pairing, ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(Preconditions.ETag(pairing.Revision));
        return TypedResults.Ok((await ToResponsesAsync(db, [pairing], ct)).Single());
    }

    // ---- Reads --------------------------------------------------------------------------------------------------

    public static async Task<Results<Ok<BuddyPairingResponse>, NotFoundProblem, StatusCodeHttpResult>> GetBuddyPairing(
        Guid unitId, Guid pairingId, Caller caller, HttpContext http, SeQuInDbContext db, CancellationToken ct)
    {
        var pairing = await db.Set<BuddyPairing>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == pairingId && p.UnitId == unitId, ct);
        if (pairing is null || !caller.Scope.SeesBuddyingOf(pairing.NetworkId))
        {
            return PairingNotFound(unitId, pairingId);
        }
        return Preconditions.NotModified(http, Preconditions.ETag(pairing.Revision))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok((await ToResponsesAsync(db, [pairing], ct)).Single());
    }

    public static async Task<Results<Ok<Page<BuddyPairingResponse>>, NotFoundProblem>> ListUnitBuddyPairings(
        Guid unitId, [AsParameters] BuddyPairingQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var networkId = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => (Guid?)u.NetworkId).SingleOrDefaultAsync(ct);
        if (networkId is null || !caller.Scope.SeesBuddyingOf(networkId.Value))
        {
            return UnitNotFound(unitId);
        }
        return TypedResults.Ok(await PageAsync(db, db.Set<BuddyPairing>().Where(p => p.UnitId == unitId), query, ct));
    }

    public static async Task<Results<Ok<Page<BuddyPairingResponse>>, NotFoundProblem>> ListNetworkBuddyPairings(
        Guid networkId, [AsParameters] BuddyPairingQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (!caller.Scope.SeesBuddyingOf(networkId) || !await db.Networks.AnyAsync(n => n.Id == networkId, ct))
        {
            return NetworkNotFound(networkId);
        }
        return TypedResults.Ok(await PageAsync(db, db.Set<BuddyPairing>().Where(p => p.NetworkId == networkId), query, ct));
    }

    public static async Task<Results<Ok<BuddyingSummary>, NotFoundProblem>> GetBuddyingSummary(
        Guid networkId, [AsParameters] BuddyingServices services, CancellationToken ct)
    {
        var db = services.Db;
        if (!services.Caller.Scope.SeesBuddyingOf(networkId) || !await db.Networks.AnyAsync(n => n.Id == networkId, ct))
        {
            return NetworkNotFound(networkId);
        }
        var pairings = await db.Set<BuddyPairing>().AsNoTracking().Where(p => p.NetworkId == networkId).OrderBy(p => p.Id).ToListAsync(ct);
        var compared = (await ToResponsesAsync(db, pairings, ct)).Where(p => p.BeforeAndAfter.Improved is not null).ToList();
        var minimum = BenchmarksApi.MinimumGroupSize(services.Configuration);
        var improved = compared.Count(p => p.BeforeAndAfter.Improved == true);
        var shown = compared.Count >= minimum;
        return TypedResults.Ok(new BuddyingSummary(networkId, pairings.Count, compared.Count, shown ? improved : null,
            shown && compared.Count > 0 ? Math.Round((decimal)improved / compared.Count, 3, MidpointRounding.AwayFromZero) : null, !shown, minimum));
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    private static async Task<Page<BuddyPairingResponse>> PageAsync(SeQuInDbContext db, IQueryable<BuddyPairing> pairings, BuddyPairingQuery query,
        CancellationToken ct)
    {
        var page = await pairings.AsNoTracking().WhereIf(query.Outcome is not null, p => p.Outcome == query.Outcome)
            .ToPageAsync(query, p => p.Id.ToString(), p => p, ct);
        return new Page<BuddyPairingResponse>(await ToResponsesAsync(db, page.Items, ct), page.NextCursor, page.Limit);
    }

    /// <summary>The pairings as the contract shows them, each with the unit's ratings before and after it started.</summary>
    private static async Task<IReadOnlyList<BuddyPairingResponse>> ToResponsesAsync(SeQuInDbContext db, IReadOnlyList<BuddyPairing> pairings,
        CancellationToken ct)
    {
        if (pairings.Count == 0)
        {
            return [];
        }
        var unitIds = pairings.SelectMany(p => new[] { p.UnitId, p.BuddyUnitId }).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), ct);
        var rated = pairings.Select(p => p.UnitId).Distinct().ToList();
        var from = pairings.Min(p => p.StartedMonth).AddMonths(-Buddies.BeforeAfterWindow);
        var to = pairings.Max(p => p.StartedMonth).AddMonths(Buddies.BeforeAfterWindow);
        var standards = pairings.Where(p => p.StandardCode is not null).Select(p => p.StandardCode!).Distinct().ToList();
        var areas = pairings.Where(p => p.StandardCode is null).Select(p => p.AreaCode).Distinct().ToList();
        var standardRatings = standards.Count == 0 ? [] : await db.StandardResults.AsNoTracking()
            .Where(r => rated.Contains(r.UnitId) && standards.Contains(r.StandardCode) && r.Month >= from && r.Month <= to && r.Value != null)
            .Select(r => new { r.UnitId, Code = r.StandardCode, r.Month, Value = (decimal)r.Value!.Value }).ToListAsync(ct);
        var areaRatings = areas.Count == 0 ? [] : await db.AreaResults.AsNoTracking()
            .Where(r => rated.Contains(r.UnitId) && areas.Contains(r.AreaCode) && r.Month >= from && r.Month <= to && r.Mean != null)
            .Select(r => new { r.UnitId, Code = r.AreaCode, r.Month, Value = r.Mean!.Value }).ToListAsync(ct);
        var byStandard = standardRatings.ToLookup(r => (r.UnitId, r.Code), r => new MonthRating(r.Month, r.Value));
        var byArea = areaRatings.ToLookup(r => (r.UnitId, r.Code), r => new MonthRating(r.Month, r.Value));
        return pairings.Select(p =>
        {
            var ratings = p.StandardCode is not null ? byStandard[(p.UnitId, p.StandardCode)] : byArea[(p.UnitId, p.AreaCode)];
            var c = Buddies.Compare(ratings, p.StartedMonth);
            var buddy = units[p.BuddyUnitId];
            return new BuddyPairingResponse(p.Id, p.UnitId, units[p.UnitId].Code, p.NetworkId, p.BuddyUnitId, buddy.Code, buddy.Name, p.StandardCode,
                p.AreaCode, Months.Format(p.StartedMonth), p.Notes, p.Outcome, p.OutcomeNote, p.OutcomeRecordedAt, p.CreatedAt, p.Revision,
                new PairingBeforeAndAfter(Months.Format(c.BeforeFrom), Months.Format(c.BeforeTo), c.Before, c.MonthsRatedBefore,
                    Months.Format(c.AfterFrom), Months.Format(c.AfterTo), c.After, c.MonthsRatedAfter, c.Improved));
        }).ToList();
    }

    /// <summary>The feed entry of a pairing's change, seen by its network's readers, in the transaction that makes it.</summary>
    private static Task RecordChangeAsync(SeQuInDbContext db, string kind, BuddyPairing pairing, CancellationToken ct) =>
        ChangeFeed.RecordAsync(db, kind, EntityType, pairing.Id, pairing.Revision, pairing.UnitId, pairing.NetworkId,
            pairing.OutcomeRecordedAt ?? pairing.CreatedAt,
            new { pairing.BuddyUnitId, pairing.StandardCode, pairing.AreaCode, startedMonth = Months.Format(pairing.StartedMonth), pairing.Outcome },
            ct, Location(pairing));

    private static string Location(BuddyPairing p) => $"/api/v1/units/{p.UnitId}/buddy-pairings/{p.Id}";

    private static NotFoundProblem UnitNotFound(Guid id) => ApiProblems.NotFound($"There is no unit {id} whose buddying you may see.");

    private static NotFoundProblem NetworkNotFound(Guid id) => ApiProblems.NotFound($"There is no network {id} whose buddy pairings you may see.");

    private static NotFoundProblem PairingNotFound(Guid unitId, Guid id) => ApiProblems.NotFound($"Unit {unitId} has no buddy pairing {id} that you may see.");
}
