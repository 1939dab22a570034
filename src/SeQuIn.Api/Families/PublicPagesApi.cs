using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Families;

/// <summary>
/// What families and carers reach with a unit's share code, without a key: the unit's published page, and their
/// response to it. The code travels in the body, never in the URL, so that no proxy's or telemetry's log of
/// paths says which unit an address asked about (ADR 0029).
/// </summary>
public static class PublicPagesApi
{
    private const int DefaultMonths = 6;

    public static IEndpointRouteBuilder MapPublicPagesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/public")
            .WithTags("Families")
            .WithValidation()
            .AllowAnonymous()
            .WithAnonymousAccess()
            .AddEndpointFilter(FamilyLimits.RefuseGuessers);
        group.MapPost("/unit-pages", GetUnitPage)
            .WithName(nameof(GetUnitPage))
            .WithIdempotency()
            .WithSummary("A unit's page for families and carers, found by its share code")
            .WithDescription("The latest months the unit submitted (6 by default, up to 24), each area's easy-read words and the overall " +
                "rating staff and service users agreed. Only while both the unit and its network publish to families; a wrong code " +
                "and an unpublished unit answer the same 404. Wrong codes are counted per address: after " +
                "SeQuIn:RateLimits:FamilyWrongCodesPerHour (default 10) every share-code request from it gets 429 until the hour is out.");
        group.MapPost("/family-responses", RespondToUnitPage)
            .WithName(nameof(RespondToUnitPage))
            .WithMetadata(new IdempotencyMetadata())
            .WithSummary("A family member's or carer's response to one area of a published month")
            .WithDescription("concur, partly or disagree, with an optional comment (no personal identifiers: 422, never echoed). " +
                "Nothing is shown or counted until an involvement lead approves it. Nothing that could tie it to its sender is kept: " +
                "no address, no time finer than the month. At most SeQuIn:RateLimits:FamilyResponsesPerHour (default 30) per " +
                "address and hour. An Idempotency-Key makes a retry safe until the response is moderated: the same key and " +
                "request answers again with Idempotent-Replayed, the key with another request 422.");
        return routes;
    }

    public static async Task<Results<Ok<PublicUnitPage>, NotFoundProblem>> GetUnitPage(UnitPageRequest request, [AsParameters] FamilyServices services,
        CancellationToken ct)
    {
        if (await PublishedUnitAsync(services, request.ShareCode, ct) is not { } unit)
        {
            return NoSuchPage();
        }
        var months = await services.Db.Assessments.AsNoTracking()
            .Where(a => a.UnitId == unit.Id && a.Status == AssessmentStatus.Submitted)
            .Select(a => a.Month).Distinct().OrderByDescending(m => m).Take(request.Months ?? DefaultMonths).ToListAsync(ct);
        var areas = await PublishedAreasAsync(services.Db, unit.Id, months, ct);
        return TypedResults.Ok(new PublicUnitPage(unit.Code, unit.Name, months
            .Select(month => new PublicMonth(Months.Format(month), areas.Where(a => a.Month == month).Select(a => a.Area).ToList()))
            .ToList()));
    }

    public static async Task<Results<Accepted<FamilyResponseReceipt>, NotFoundProblem, UnprocessableProblem, ValidationProblem, ProblemHttpResult>> RespondToUnitPage(
        FamilyResponseRequest request, [AsParameters] FamilyServices services, CancellationToken ct)
    {
        if (await PublishedUnitAsync(services, request.ShareCode, ct) is not { } unit)
        {
            return NoSuchPage();
        }
        var month = Months.Parse(request.Month);
        var receipt = new FamilyResponseReceipt(request.Month, request.AreaCode, request.Response, request.Comment is not null, FamilyResponseStatus.Pending);
        var retryKey = services.Http.Request.Headers[Idempotency.Header].ToString();
        string? retryKeyHash = null;
        if (retryKey.Length > 0)
        {
            if (retryKey.Length > 200 || retryKey.Any(c => c is < '!' or > '~'))
            {
                return ApiProblems.Invalid(Idempotency.Header, $"'{Idempotency.Header}' may be at most 200 visible ASCII characters (a UUID is a good key).");
            }
            retryKeyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"family-response\n{unit.Id}\n{retryKey}")));
            if (await ReplayAsync(services, unit.Id, retryKeyHash, request, month, receipt, ct) is { } replay)
            {
                return replay;
            }
        }
        if (!await services.Db.Assessments.AnyAsync(a => a.UnitId == unit.Id && a.Month == month && a.AreaCode == request.AreaCode
                                                         && a.Status == AssessmentStatus.Submitted, ct))
        {
            return ApiProblems.Unprocessable("areaCode", $"The unit has published no result for area {request.AreaCode} in {request.Month}.");
        }
        if (services.Limits.TakeResponse(services.Http) is { } tooMany)
        {
            return tooMany;
        }
        services.Db.FamilyResponses.Add(new FamilyResponse
        {
            UnitId = unit.Id,
            NetworkId = unit.NetworkId,
            Month = month,
            AreaCode = request.AreaCode,
            Verdict = request.Response,
            Comment = request.Comment,
            ReceivedIn = Months.Current(services.Clock),
            Status = FamilyResponseStatus.Pending,
            RetryKeyHash = retryKeyHash,
        }.WithSortKey());
        // Not audited: an audit row's exact time is what this table refuses to keep. The moderation decision is audited.
        try
        {
            await services.Db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (retryKeyHash is not null && e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            // The same key sent twice at once: the first one in is the response, the other its replay.
            services.Db.ChangeTracker.Clear();
            if (await ReplayAsync(services, unit.Id, retryKeyHash, request, month, receipt, ct) is { } replay)
            {
                return replay;
            }
            throw;
        }
        return TypedResults.Accepted((string?)null, receipt);
    }

    private static async Task<Results<Accepted<FamilyResponseReceipt>, NotFoundProblem, UnprocessableProblem, ValidationProblem, ProblemHttpResult>?> ReplayAsync(
        FamilyServices services, Guid unitId, string retryKeyHash, FamilyResponseRequest request, DateOnly month, FamilyResponseReceipt receipt,
        CancellationToken ct)
    {
        var first = await services.Db.FamilyResponses.AsNoTracking().SingleOrDefaultAsync(r => r.UnitId == unitId && r.RetryKeyHash == retryKeyHash, ct);
        if (first is null)
        {
            return null;
        }
        if (first.Month != month || first.AreaCode != request.AreaCode || first.Verdict != request.Response || first.Comment != request.Comment)
        {
            return ApiProblems.Unprocessable(Idempotency.Header, $"This {Idempotency.Header} was used for a different request; use a new key for a new request.");
        }
        services.Http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Accepted((string?)null, receipt);
    }

    /// <summary>
    /// The unit a share code opens, only while the unit (active) and its network both publish to families. Anything
    /// else — a wrong code, a voided one, an unpublished unit — counts as a wrong guess, so that the limit cannot tell them apart either.
    /// </summary>
    private static async Task<PublishedUnit?> PublishedUnitAsync(FamilyServices services, string shareCode, CancellationToken ct)
    {
        var hash = ShareCodes.Hash(ShareCodes.Normalise(shareCode)!);
        var unit = await (from code in services.Db.FamilyShareCodes.AsNoTracking()
                          join u in services.Db.Units on code.UnitId equals u.Id
                          where code.CodeHash == hash && u.Active && u.PublishToFamilies && u.Network!.PublishToFamilies
                          select new PublishedUnit(u.Id, u.NetworkId, u.Code, u.Name)).SingleOrDefaultAsync(ct);
        if (unit is null)
        {
            services.Limits.RecordWrongCode(services.Http);
        }
        return unit;
    }

    /// <summary>The submitted areas of the given months with their framework words and the agreed rating's scale point.</summary>
    internal static async Task<List<(DateOnly Month, PublicArea Area)>> PublishedAreasAsync(SeQuInDbContext db, Guid unitId, List<DateOnly> months,
        CancellationToken ct)
    {
        var rows = await (from a in db.Assessments.AsNoTracking()
                          where a.UnitId == unitId && a.Status == AssessmentStatus.Submitted && months.Contains(a.Month)
                          join area in db.Areas on a.AreaId equals area.Id
                          join point in db.ScalePoints on new { Version = a.FrameworkVersionId, Value = a.AgreedRating }
                              equals new { Version = point.FrameworkVersionId, Value = (int?)point.Value } into points
                          from point in points.DefaultIfEmpty()
                          orderby a.Month descending, area.Order
                          select new
                          {
                              a.Month, area.Code, area.Name, area.EasyReadName, area.EasyReadDescription, a.AgreedRating,
                              Label = point == null ? null : point.Label, EasyRead = point == null ? null : point.EasyReadLabel,
                          }).ToListAsync(ct);
        return rows.Select(r => (r.Month, new PublicArea(r.Code, r.Name, r.EasyReadName, r.EasyReadDescription, r.AgreedRating, r.Label, r.EasyRead)))
            .ToList();
    }

    private static NotFoundProblem NoSuchPage() =>
        ApiProblems.NotFound("No published unit page has this share code. Check the code with the unit.");

    private sealed record PublishedUnit(Guid Id, Guid NetworkId, string Code, string Name);
}
