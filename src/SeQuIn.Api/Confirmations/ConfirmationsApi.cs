using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Confirmations;

/// <summary>What the confirmation handlers share.</summary>
public readonly record struct ConfirmationServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock,
    WrongCodes WrongCodes, ConfirmationSettings Settings) : IServiceBundle;

/// <summary>
/// A submission counts as co-produced once its service-user participant confirms it in their own right (issue #13,
/// ADR 0031): a unit member issues a one-time code to a submitted assessment; the service user enters it, without any
/// credentials, to read what was agreed in easy-read words and to agree or, with a short reason, disagree.
/// </summary>
public static class ConfirmationsApi
{
    /// <summary>Who confirmed, in the audit trail: never a person, never staff.</summary>
    public const string ServiceUserActor = "service-user (code)";

    public static IEndpointRouteBuilder MapConfirmationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/assessments/{assessmentId:guid}/confirmation-codes", IssueConfirmationCode)
            .WithTags("Confirmations")
            .WithValidation()
            .RequireAuthorization(Policies.UnitMember)
            .WithRoles(Role.UnitMember)
            .WithName(nameof(IssueConfirmationCode))
            .WithIfMatch()
            .WithIdempotency(secretAnswer: true)
            .WithSummary("Issue a one-time code for the service-user participant to confirm a submission")
            .WithDescription("For a submitted assessment of your unit that has a service-user participant and is not confirmed yet. " +
                "The code (8 characters, e.g. K7PM-3XQ2) is shown once and SeQuIn keeps only a keyed hash of it; it works once, until " +
                "expiresAt (SeQuIn:Confirmations:CodeLifetime, 30 minutes by default), and only while the assessment is unchanged. " +
                "Issuing a new code voids any earlier unused one. Needs If-Match; moves the assessment's ETag on. " +
                "A repeat with the same Idempotency-Key answers 409: the code is never kept to be replayed.");
        routes.MapGet("/api/v1/confirmations/wording", GetConfirmationWording)
            .WithTags("Confirmations")
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithName(nameof(GetConfirmationWording))
            .WithSummary("The easy-read words of the confirmation page")
            .WithDescription("The question, the two choices, the prompt for a reason and the other messages a client shows the service user.");

        // The service user's own side: no credentials, ever. Refusals that tell a guesser nothing come first.
        var serviceUser = routes.MapGroup("/api/v1/confirmations")
            .WithTags("Confirmations")
            .AllowAnonymous()
            .WithAnonymousAccess()
            .AddEndpointFilter(ServiceUserOnly)
            .WithValidation();
        serviceUser.MapPost("/lookup", LookUpConfirmationCode)
            .WithName(nameof(LookUpConfirmationCode))
            .WithIdempotency()
            .WithSummary("What a confirmation code asks the service user to confirm, in easy-read words")
            .WithDescription("Send the code without credentials. Answers the unit, the area, the month, the agreed rating and each standard's " +
                "agreed value, with their easy-read text, and the page's wording. A code that is wrong, used, expired, replaced by a newer one " +
                "or issued before the assessment last changed answers the same 404. Wrong codes are counted per address and across the " +
                "service: once too many, every code request answers 429 with Retry-After, a right code too.");
        serviceUser.MapPost("/", ConfirmAssessment)
            .WithName(nameof(ConfirmAssessment))
            .WithIdempotency()
            .WithSummary("The service user agrees with a submission, or records that they disagree and why")
            .WithDescription("Send the code without credentials: a request that carries any (an API key, a token) is refused with 403, " +
                "because staff cannot confirm on a service user's behalf. To disagree, give a reason (at most 500 characters, screened " +
                "for personal identifiers: 422, never echoed); to agree, leave it out. The code is then used up. Codes that do not work " +
                "answer 404, and too many of them 429, as for lookup.");
        return routes;
    }

    public static Ok<ConfirmationWording> GetConfirmationWording() => TypedResults.Ok(ConfirmationWordingText.English);

    // ---- Staff: issuing ----------------------------------------------------------------------------------------

    public static async Task<Results<Created<IssuedCode>, ChangeProblem>> IssueConfirmationCode(
        Guid assessmentId, [AsParameters] ConfirmationServices services, CancellationToken ct)
    {
        var db = services.Db;
        var assessment = await db.Assessments.Include(a => a.Participants).Where(AssessmentAccess.Visible(services.Caller, db))
            .SingleOrDefaultAsync(a => a.Id == assessmentId, ct);
        if (assessment is null)
        {
            return ChangeProblem.From(AssessmentsApi.NotVisible(assessmentId));
        }
        if (!AssessmentAccess.MayEdit(services.Caller, assessment))
        {
            return ChangeProblem.From(ApiProblems.Forbidden("Only members of the assessment's unit issue confirmation codes for it."));
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, AssessmentsApi.ETag(assessment), "assessment") is { } precondition)
        {
            return ChangeProblem.From(precondition);
        }
        if (ConfirmationRules.WhyNoCode(assessment) is { } refusal)
        {
            return ChangeProblem.From(ApiProblems.Conflict(refusal));
        }
        var now = services.Clock.Now();
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        var read = assessment.Revision;
        if (await db.Assessments.Where(a => a.Id == assessment.Id && a.Revision == read)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Revision, read + 1).SetProperty(a => a.UpdatedAt, now), ct) == 0)
        {
            return ChangeProblem.From(Preconditions.Stale("assessment"));
        }
        var voided = await db.ConfirmationCodes.Where(c => c.AssessmentId == assessment.Id && c.UsedAt == null && c.VoidedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.VoidedAt, now), ct);
        var (code, hash) = await NewCodeAsync(services, now, ct);
        var expiresAt = now + services.Settings.CodeLifetime;
        db.ConfirmationCodes.Add(new ConfirmationCode
        {
            AssessmentId = assessment.Id, CodeHash = hash, AssessmentRevision = read + 1, IssuedAt = now, IssuedBy = services.Caller.Actor, ExpiresAt = expiresAt,
        });
        // Never the code itself.
        services.Audit.Record("assessment.confirmation-code-issued", AssessmentsApi.EntityType, assessment.Id, assessment.NetworkId,
            new { expiresAt, voidedEarlierCodes = voided });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(Preconditions.ETag(read + 1));
        // Where its effect shows: the assessment, whose confirmationCodePending is now true.
        return TypedResults.Created($"{AssessmentsApi.Location(assessment.Id)}#confirmation-code", new IssuedCode(ConfirmationCodeFormat.Display(code), expiresAt));
    }

    /// <summary>A code no live code already has (two live codes alike would be a 1-in-10^12 chance; checked anyway).</summary>
    private static async Task<(string Code, byte[] Hash)> NewCodeAsync(ConfirmationServices services, DateTimeOffset now, CancellationToken ct)
    {
        while (true)
        {
            var code = ConfirmationCodeFormat.Generate();
            var hash = ConfirmationCodeFormat.Hash(services.Settings.Key, code);
            if (!await services.Db.ConfirmationCodes.AnyAsync(c => c.CodeHash == hash && c.UsedAt == null && c.VoidedAt == null && c.ExpiresAt > now, ct))
            {
                return (code, hash);
            }
        }
    }

    // ---- The service user: looking up and confirming -------------------------------------------------------------

    /// <summary>
    /// Before anything else on the service user's endpoints: credentials are refused (staff cannot confirm for a service
    /// user), an address or a service that has used up its wrong codes is refused, and an Idempotency-Key is kept
    /// under the code's hash, so one caller's key never replays another's answer.
    /// </summary>
    private static async ValueTask<object?> ServiceUserOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.Headers.Authorization.Count > 0)
        {
            return ApiProblems.Forbidden("Only the service user confirms an assessment, with the code they were given: send it without " +
                "credentials (no Authorization header). Staff cannot confirm on a service user's behalf.");
        }
        if (http.RequestServices.GetRequiredService<WrongCodes>().IsExhausted(http, out var retryAfter))
        {
            return new TooManyWrongCodes(retryAfter);
        }
        var typed = context.Arguments.OfType<CodeRequest>().Select(r => r.Code).Concat(context.Arguments.OfType<ConfirmationRequest>().Select(r => r.Code))
            .FirstOrDefault();
        if (ConfirmationCodeFormat.Normalise(typed) is { } code)
        {
            var key = http.RequestServices.GetRequiredService<ConfirmationSettings>().Key;
            http.Items[Idempotency.ActorItem] = "confirmation-code:" + Convert.ToHexStringLower(ConfirmationCodeFormat.Hash(key, code))[..32];
        }
        return await next(context);
    }

    public static async Task<Results<Ok<ConfirmationLookup>, NotFoundProblem, ForbiddenProblem, ValidationProblem>> LookUpConfirmationCode(
        CodeRequest request, [AsParameters] ConfirmationServices services, CancellationToken ct)
    {
        if (await FindLiveAsync(request.Code, services, ct) is not var (code, assessment))
        {
            return NotRecognised(services);
        }
        var db = services.Db;
        var unitName = await db.Units.AsNoTracking().Where(u => u.Id == assessment.UnitId).Select(u => u.Name).SingleAsync(ct);
        var area = await db.Areas.AsNoTracking().Where(a => a.Id == assessment.AreaId)
            .Select(a => new EasyReadArea(a.Code, a.EasyReadName, a.EasyReadDescription)).SingleAsync(ct);
        var labels = await db.ScalePoints.AsNoTracking().Where(p => p.FrameworkVersionId == assessment.FrameworkVersionId)
            .ToDictionaryAsync(p => p.Value, p => p.EasyReadLabel, ct);
        var standards = await db.Standards.AsNoTracking().Where(s => s.AreaId == assessment.AreaId).OrderBy(s => s.Order)
            .Select(s => new { s.Code, s.EasyReadStatement }).ToListAsync(ct);
        var ratings = await db.Ratings.AsNoTracking().Where(r => r.AssessmentId == assessment.Id).ToDictionaryAsync(r => r.StandardCode, ct);
        EasyReadRating? Rated(int? value) => value is { } v ? new EasyReadRating(v, labels.GetValueOrDefault(v, v.ToString(CultureInfo.InvariantCulture))) : null;
        return TypedResults.Ok(new ConfirmationLookup(unitName, area, Months.Format(assessment.Month),
            assessment.Month.ToString("MMMM yyyy", CultureInfo.InvariantCulture), Rated(assessment.AgreedRating)!,
            standards.Select(s => ratings.GetValueOrDefault(s.Code) is { } r
                ? new EasyReadStandard(s.Code, s.EasyReadStatement, Rated(r.Value), r.NotApplicable)
                : new EasyReadStandard(s.Code, s.EasyReadStatement, null, false)).ToList(),
            ConfirmationWordingText.English, code.ExpiresAt));
    }

    public static async Task<Results<Ok<ConfirmationReceipt>, NotFoundProblem, ForbiddenProblem, ValidationProblem, UnprocessableProblem>> ConfirmAssessment(
        ConfirmationRequest request, [AsParameters] ConfirmationServices services, CancellationToken ct)
    {
        if (await FindLiveAsync(request.Code, services, ct) is not var (code, assessment))
        {
            return NotRecognised(services);
        }
        var db = services.Db;
        var now = services.Clock.Now();
        var confirmation = request.Decision == ConfirmationDecision.Agree ? ServiceUserConfirmation.Agreed : ServiceUserConfirmation.Disagreed;
        var reason = confirmation == ServiceUserConfirmation.Disagreed ? request.Reason : null;
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        // The code is used up and the assessment moved on together, each only if nothing got there first (a second
        // request with the same code, a return): the loser finds the code no longer works.
        var claimed = await db.ConfirmationCodes.Where(c => c.Id == code.Id && c.UsedAt == null && c.VoidedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
        var revision = code.AssessmentRevision + 1;
        if (claimed == 0 || await db.Assessments
                .Where(a => a.Id == assessment.Id && a.Revision == code.AssessmentRevision && a.Status == AssessmentStatus.Submitted && a.Confirmation == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Revision, revision).SetProperty(a => a.UpdatedAt, now)
                    .SetProperty(a => a.Confirmation, confirmation).SetProperty(a => a.ConfirmationReason, reason).SetProperty(a => a.ConfirmedAt, now), ct) == 0)
        {
            await transaction.RollbackAsync(ct);
            return NotRecognised(services);
        }
        // The reason is kept on the assessment, for those who see its drafts; the trail (read more widely) only says there is one.
        services.Audit.ActingAs(ServiceUserActor).Record("assessment.confirmed", AssessmentsApi.EntityType, assessment.Id, assessment.NetworkId,
            new { confirmation, withReason = reason is not null, codeIssuedBy = code.IssuedBy });
        await db.SaveChangesAsync(ct);
        await ChangeFeed.RecordAsync(db, ChangeKinds.AssessmentConfirmed, "assessment", assessment.Id, revision, assessment.UnitId, assessment.NetworkId,
            now, new { confirmation }, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new ConfirmationReceipt(request.Decision, now, ConfirmationWordingText.English.Thanks));
    }

    /// <summary>The live code typed and its assessment: unused, not voided, not expired, and the assessment unchanged since and not yet confirmed.</summary>
    private static async Task<(ConfirmationCode Code, Assessment Assessment)?> FindLiveAsync(string typed, ConfirmationServices services, CancellationToken ct)
    {
        var hash = ConfirmationCodeFormat.Hash(services.Settings.Key, ConfirmationCodeFormat.Normalise(typed)!);
        var now = services.Clock.Now();
        var found = await services.Db.ConfirmationCodes.AsNoTracking()
            .Where(c => c.CodeHash == hash && c.UsedAt == null && c.VoidedAt == null && c.ExpiresAt > now)
            .Join(services.Db.Assessments.AsNoTracking(), c => c.AssessmentId, a => a.Id, (c, a) => new { Code = c, Assessment = a })
            .Where(x => x.Assessment.Revision == x.Code.AssessmentRevision && x.Assessment.Status == AssessmentStatus.Submitted && x.Assessment.Confirmation == null)
            .FirstOrDefaultAsync(ct);
        return found is null ? null : (found.Code, found.Assessment);
    }

    /// <summary>Wrong, used, expired, voided and stale codes all get this one answer, and count against the address.</summary>
    private static NotFoundProblem NotRecognised(ConfirmationServices services)
    {
        services.WrongCodes.RecordWrongCode(services.Http);
        return ApiProblems.NotFound("This code does not work: it may be mistyped, used already, too old, or replaced by a newer one. Ask staff for a new code.");
    }

    /// <summary>429 with Retry-After: too many wrong codes from this address, or across the service.</summary>
    private sealed class TooManyWrongCodes(TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            Hardening.WriteTooManyRequestsAsync(httpContext, retryAfter, "Too many codes that did not work");
    }
}

/// <summary>When a code may be issued for an assessment. Pure.</summary>
public static class ConfirmationRules
{
    /// <summary>Why no code can be issued for the assessment now; null when one can.</summary>
    public static string? WhyNoCode(Assessment assessment) =>
        assessment.Status != AssessmentStatus.Submitted
            ? "Only a submitted assessment is confirmed by its service user: submit it first."
            : assessment.Participants.All(p => p.Role != ParticipantRole.ServiceUser)
                ? "The assessment has no service-user participant to confirm it."
                : assessment.Confirmation is not null
                    ? "The service user has already confirmed this submission; it can be confirmed again only after it is returned or reopened and resubmitted."
                    : null;
}
