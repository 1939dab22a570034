using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Assessments;

/// <summary>The monthly co-produced rating of one area by one unit: create, rate, evidence, submit, review.</summary>
public static class AssessmentsApi
{
    public const string EntityType = "assessment";

    public static IEndpointRouteBuilder MapAssessmentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/assessments")
            .WithTags("Assessments")
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders);
        group.MapGet("/", ListAssessments)
            .WithName(nameof(ListAssessments))
            .WithSummary("List the assessments you may see, filtered by unit, area, months, status or framework version")
            .WithDescription("Drafts of your own units (or, for leads and administrators, of your network), and submitted " +
                "assessments across your network or analyst scope, ordered by month, unit and area.");
        group.MapGet("/{assessmentId:guid}", GetAssessment)
            .WithName(nameof(GetAssessment))
            .WithETag()
            .WithSummary("One assessment with its participants, ratings, area result, evidence and comments")
            .WithDescription("The ETag header carries the assessment's revision: send it back in " +
                "If-Match to change it, or in If-None-Match to revalidate.");
        group.MapGet("/{assessmentId:guid}/history", GetAssessmentHistory)
            .WithName(nameof(GetAssessmentHistory))
            .WithSummary("Who changed what in an assessment, and when")
            .WithDescription("The assessment's entries in the audit trail, oldest first. To a caller who may not read the unit's unshared " +
                "evidence (analysts, other units), rows about evidence that is not shared leave out its title and file name.");
        group.MapGet("/{assessmentId:guid}/evidence/{evidenceId:guid}/file", EvidenceApi.DownloadEvidenceFile)
            .WithName(nameof(EvidenceApi.DownloadEvidenceFile))
            .WithSummary("Download an evidence file")
            .WithDescription("Only for those who may see the evidence: evidence not marked shareable is " +
                "seen by the unit, its network's leads and administrators.")
            // Served with the type its content was recognised as on upload, so each is declared (a client picks by Content-Type).
            .Produces<byte[]>(StatusCodes.Status200OK, EvidenceFiles.Allowed[0], EvidenceFiles.Allowed[1..]);

        var edit = group.MapGroup("")
            .RequireAuthorization(Policies.UnitMember)
            .WithRoles(Role.UnitMember);
        edit.MapPost("/", CreateAssessment)
            .WithName(nameof(CreateAssessment))
            .WithIdempotency()
            .WithSummary("Start an assessment of one area for one unit and month")
            .WithDescription("Pinned to the framework version active now. One per unit, area and month: a second answers 409 " +
                "with a link to the first. Send an Idempotency-Key to make retries safe.");
        edit.MapPut("/{assessmentId:guid}/participants", ReplaceParticipants)
            .WithName(nameof(ReplaceParticipants))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Set who takes part, by role")
            .WithDescription("Replaces the list. Roles only, with optional pseudonymous labels: never names or identifiers. Needs If-Match.");
        edit.MapPut("/{assessmentId:guid}/ratings", SetRatings)
            .WithName(nameof(SetRatings))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Rate standards of the area")
            .WithDescription("Sets the agreed value of each standard listed (others keep theirs), with the staff and service-user views " +
                "where they differed. Values are checked against the pinned version's scale. Needs If-Match.");
        edit.MapPut("/{assessmentId:guid}/agreed-rating", SetAgreedRating)
            .WithName(nameof(SetAgreedRating))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Set the overall rating of the area that the participants agreed")
            .WithDescription("Flagged in the result when more than one scale point from the computed mean. Needs If-Match.");
        edit.MapPost("/{assessmentId:guid}/evidence", EvidenceApi.AddEvidence)
            .WithName(nameof(EvidenceApi.AddEvidence))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Add evidence for a standard or for the whole assessment")
            .WithDescription("A title, a description, an optional https link (never fetched by the service) and " +
                "whether to share it with the network's library. Needs If-Match.");
        edit.MapPut("/{assessmentId:guid}/evidence/{evidenceId:guid}/file", EvidenceApi.UploadEvidenceFile)
            .WithName(nameof(EvidenceApi.UploadEvidenceFile))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Attach a file to evidence")
            .WithDescription($"The request body is the file itself (at most {EvidenceFiles.MaxBytes / 1024 / 1024} MB): " +
                "PDF, PNG, JPEG, plain text, CSV or an Office document, as its content shows. " +
                $"The file name must end in an extension of that type ({EvidenceFiles.Extensions}); " +
                "any other (.html, .svg, .hta, …) is refused with 422 naming fileName. " +
                "A text or CSV file holding a personal identifier, or a file that would take the assessment's evidence files past their storage limit " +
                $"({EvidenceFiles.MaxBytesPerAssessmentKey}, {EvidenceFiles.DefaultMaxBytesPerAssessment / 1024 / 1024} MB by default), " +
                "is refused with 422 naming file. " +
                "Replaces any file the evidence had. Needs If-Match; of two uploads sent with the same one, one wins and the other answers 412.")
            .Accepts<byte[]>(EvidenceFiles.Allowed[0], EvidenceFiles.Allowed[1..])
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(EvidenceFiles.MaxBytes));
        edit.MapDelete("/{assessmentId:guid}/evidence/{evidenceId:guid}", EvidenceApi.DeleteEvidence)
            .WithName(nameof(EvidenceApi.DeleteEvidence))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Remove evidence from a draft")
            .WithDescription("Needs If-Match.");
        edit.MapPost("/{assessmentId:guid}/submit", SubmitAssessment)
            .WithName(nameof(SubmitAssessment))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Submit the assessment to the network")
            .WithDescription("Needs every standard rated (or not applicable with a reason), a staff and a service-user " +
                "participant, and an agreed overall rating; each missing item is named in the 422 answer. " +
                "A submitted assessment is read-only. Needs If-Match.");

        group.MapPost("/{assessmentId:guid}/return", ReturnAssessment)
            .WithName(nameof(ReturnAssessment))
            .WithIfMatch()
            .WithIdempotency()
            .RequireAuthorization(Policies.InvolvementLead)
            .WithRoles(Role.InvolvementLead)
            .WithSummary("Return a submission to the unit with a question")
            .WithDescription("The assessment becomes a draft again; the question stays as a comment. Needs If-Match.");
        group.MapPost("/{assessmentId:guid}/reopen", ReopenAssessment)
            .WithName(nameof(ReopenAssessment))
            .WithIfMatch()
            .WithIdempotency()
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin)
            .WithSummary("Reopen a submission, with a reason")
            .WithDescription("The assessment becomes a draft again; the reason stays as a comment and in the audit trail. Needs If-Match.");
        group.MapPost("/{assessmentId:guid}/comments", AddComment)
            .WithName(nameof(AddComment))
            .WithIdempotency()
            .RequireAuthorization(Policies.Reviewer)
            .WithRoles(Role.UnitMember, Role.InvolvementLead, Role.NetworkAdmin)
            .WithSummary("Comment on an assessment")
            .WithDescription("Comments are never changed or removed. Send an Idempotency-Key to make retries safe.");
        return routes;
    }

    // ---- Reads --------------------------------------------------------------------------------------------------

    public static async Task<Ok<Page<AssessmentSummary>>> ListAssessments(
        [AsParameters] AssessmentListQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        var from = query.from is null ? (DateOnly?)null : Months.Parse(query.from);
        var to = query.to is null ? (DateOnly?)null : Months.Parse(query.to);
        var assessments = db.Assessments.AsNoTracking().Include(a => a.Ratings)
            .Where(AssessmentAccess.Visible(caller, db))
            .WhereIf(query.unitId is not null, a => a.UnitId == query.unitId)
            .WhereIf(query.areaCode is not null, a => a.AreaCode == query.areaCode)
            .WhereIf(from is not null, a => a.Month >= from)
            .WhereIf(to is not null, a => a.Month <= to)
            .WhereIf(query.Status is not null, a => a.Status == query.Status)
            .WhereIf(query.frameworkVersion is not null, a => a.FrameworkIdentifier == query.frameworkVersion)
            .WhereIf(query.Confirmation == ConfirmationFilter.Agreed, a => a.Confirmation == ServiceUserConfirmation.Agreed)
            .WhereIf(query.Confirmation == ConfirmationFilter.Disagreed, a => a.Confirmation == ServiceUserConfirmation.Disagreed)
            .WhereIf(query.Confirmation == ConfirmationFilter.Unconfirmed, a => a.Confirmation == null);
        var page = await assessments.ToPageAsync(query, a => a.SortKey, a => a, ct);
        var context = await ScoringContext.LoadAsync(db, page.Items, ct);
        return TypedResults.Ok(new Page<AssessmentSummary>(page.Items.Select(context.Summary).ToList(), page.NextCursor, page.Limit));
    }

    public static async Task<Results<Ok<AssessmentDetail>, NotFoundProblem, StatusCodeHttpResult>> GetAssessment(
        Guid assessmentId, Caller caller, HttpContext http, SeQuInDbContext db, CancellationToken ct)
    {
        var assessment = await Load(db, caller).AsNoTracking().SingleOrDefaultAsync(a => a.Id == assessmentId, ct);
        if (assessment is null)
        {
            return NotVisible(assessmentId);
        }
        if (Preconditions.NotModified(http, ETag(assessment)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Ok(await DetailAsync(db, assessment, caller, ct));
    }

    public static async Task<Results<Ok<Page<AuditEventResponse>>, NotFoundProblem>> GetAssessmentHistory(
        Guid assessmentId, [AsParameters] AuditListQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (await db.Assessments.AsNoTracking().Where(AssessmentAccess.Visible(caller, db)).SingleOrDefaultAsync(a => a.Id == assessmentId, ct)
            is not { } assessment)
        {
            return NotVisible(assessmentId);
        }
        var page = await AuditApi.PageAsync(db.AuditEvents.AsNoTracking()
            .Where(e => e.EntityType == EntityType && e.EntityId == assessmentId.ToString()), query, ct);
        if (AssessmentAccess.SeesUnsharedEvidence(caller, assessment))
        {
            return TypedResults.Ok(page);
        }
        // Only what the caller could read directly keeps its names: evidence that is shared now.
        var shared = (await db.Evidence.AsNoTracking().Where(e => e.AssessmentId == assessmentId && e.Shared).Select(e => e.Id).ToListAsync(ct)).ToHashSet();
        return TypedResults.Ok(page with
        {
            Items = page.Items.Select(e => e with { Changes = HistoryRedaction.Redact(e.Action, e.Changes, shared) }).ToList(),
        });
    }

    // ---- Changes ------------------------------------------------------------------------------------------------

    public static async Task<Results<Created<AssessmentDetail>, ConflictProblem, ForbiddenProblem, ValidationProblem, UnprocessableProblem>> CreateAssessment(
        CreateAssessmentRequest request, [AsParameters] AssessmentServices services, CancellationToken ct)
    {
        var unit = await services.Db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Id == request.UnitId, ct);
        if (unit is null)
        {
            return ApiProblems.Invalid("unitId", $"There is no unit with id {request.UnitId}.");
        }
        if (!services.Caller.Scope.EditsAssessmentsOf(new UnitPlace(unit.Id, unit.NetworkId, unit.CollaborativeId)))
        {
            return ApiProblems.Forbidden("Only members of this unit may start its assessments.");
        }
        var area = await services.Db.Areas.AsNoTracking()
            .Where(a => a.Code == request.AreaCode
                        && services.Db.FrameworkVersions.Any(v => v.Id == a.FrameworkVersionId && v.Status == FrameworkStatus.Active))
            .Select(a => new
            {
                a.Id,
                a.Code,
                a.FrameworkVersionId,
                Identifier = services.Db.FrameworkVersions.Single(v => v.Id == a.FrameworkVersionId).Identifier,
            })
            .SingleOrDefaultAsync(ct);
        if (area is null)
        {
            return ApiProblems.Invalid("areaCode", $"The active framework version has no area '{request.AreaCode}'.");
        }
        var month = Months.Parse(request.Month);
        if (await services.Db.Assessments.AsNoTracking().Where(a => a.UnitId == unit.Id && a.AreaCode == area.Code && a.Month == month)
                .Select(a => (Guid?)a.Id).SingleOrDefaultAsync(ct) is { } existing)
        {
            return Exists(existing, unit.Code, area.Code, request.Month);
        }
        var now = services.Clock.Now();
        var assessment = new Assessment
        {
            UnitId = unit.Id,
            NetworkId = unit.NetworkId,
            FrameworkVersionId = area.FrameworkVersionId,
            FrameworkIdentifier = area.Identifier,
            AreaId = area.Id,
            AreaCode = area.Code,
            Month = month,
            Status = AssessmentStatus.Draft,
            CreatedAt = now,
            CreatedBy = services.Caller.Actor,
            UpdatedAt = now,
            Revision = 1,
            SortKey = Submission.SortKey(month, unit.Id, area.Code),
            Participants = (request.Participants ?? []).Select(p => new Participant { Role = p.Role, Label = p.Label }).ToList(),
        };
        services.Db.Assessments.Add(assessment);
        services.Audit.Record("assessment.created", EntityType, assessment.Id, assessment.NetworkId,
            new { unit = unit.Code, area = area.Code, month = request.Month, framework = area.Identifier, participants = request.Participants ?? [] });
        try
        {
            await services.Db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            services.Db.ChangeTracker.Clear();
            var winner = await services.Db.Assessments.AsNoTracking()
                .Where(a => a.UnitId == unit.Id && a.AreaCode == area.Code && a.Month == month).Select(a => a.Id).SingleAsync(ct);
            return Exists(winner, unit.Code, area.Code, request.Month);
        }
        services.Http.Response.SetETag(ETag(assessment));
        return TypedResults.Created(Location(assessment.Id), await DetailAsync(services.Db, assessment, services.Caller, ct));
    }

    public static Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> ReplaceParticipants(
        Guid assessmentId, ParticipantsRequest request, [AsParameters] AssessmentServices services, CancellationToken ct) =>
        ChangeDraftAsync(assessmentId, services, ct, "assessment.participants-set", (assessment, _) =>
        {
            var before = assessment.Participants.Select(p => new { p.Role, p.Label }).ToList();
            services.Db.Participants.RemoveRange(assessment.Participants);
            assessment.Participants = request.Participants.Select(p => new Participant { AssessmentId = assessment.Id, Role = p.Role, Label = p.Label }).ToList();
            services.Db.Participants.AddRange(assessment.Participants);
            return Task.FromResult(DraftChange.Applied(new { before, after = request.Participants }));
        });

    public static Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> SetRatings(
        Guid assessmentId, RatingsRequest request, [AsParameters] AssessmentServices services, CancellationToken ct) =>
        ChangeDraftAsync(assessmentId, services, ct, "assessment.ratings-set", async (assessment, token) =>
        {
            var framework = await FrameworkRules.LoadAsync(services.Db, assessment, token);
            var errors = new Dictionary<string, string[]>();
            for (var i = 0; i < request.Ratings.Count; i++)
            {
                foreach (var (field, message) in framework.Check(request.Ratings[i]))
                {
                    errors[$"ratings[{i}].{field}"] = [message];
                }
            }
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            var changes = new List<object>();
            foreach (var input in request.Ratings)
            {
                var rating = assessment.Ratings.SingleOrDefault(r => r.StandardCode == input.StandardCode);
                if (rating is null)
                {
                    rating = new Rating { AssessmentId = assessment.Id, StandardCode = input.StandardCode, StandardId = framework.StandardIds[input.StandardCode] };
                    assessment.Ratings.Add(rating);
                    services.Db.Ratings.Add(rating);
                }
                changes.Add(new { input.StandardCode, from = new { rating.Value, rating.NotApplicable }, to = new { input.Value, input.NotApplicable } });
                (rating.Value, rating.NotApplicable, rating.NotApplicableReason, rating.StaffView, rating.ServiceUserView, rating.Note) =
                    (input.Value, input.NotApplicable, input.NotApplicable ? input.NotApplicableReason : null, input.StaffView, input.ServiceUserView, input.Note);
            }
            return DraftChange.Applied(changes);
        });

    public static Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> SetAgreedRating(
        Guid assessmentId, AgreedRatingRequest request, [AsParameters] AssessmentServices services, CancellationToken ct) =>
        ChangeDraftAsync(assessmentId, services, ct, "assessment.agreed-rating-set", async (assessment, token) =>
        {
            var framework = await FrameworkRules.LoadAsync(services.Db, assessment, token);
            if (!framework.OnScale(request.Value))
            {
                return ApiProblems.Invalid("value", framework.ScaleMessage("value"));
            }
            var change = new { from = assessment.AgreedRating, to = request.Value };
            (assessment.AgreedRating, assessment.AgreedRatingNote) = (request.Value, request.Note);
            return DraftChange.Applied(change);
        });

    public static Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> SubmitAssessment(
        Guid assessmentId, [AsParameters] AssessmentServices services, CancellationToken ct) =>
        ChangeDraftAsync(assessmentId, services, ct, "assessment.submitted", async (assessment, token) =>
        {
            var framework = await FrameworkRules.LoadAsync(services.Db, assessment, token);
            var missing = Submission.Missing(assessment, framework.StandardIds.Keys);
            if (missing.Count > 0)
            {
                return new UnprocessableProblem(ApiProblems.Unprocessable(missing));
            }
            assessment.Status = AssessmentStatus.Submitted;
            assessment.SubmittedAt = services.Clock.Now();
            assessment.SubmittedBy = services.Caller.Actor;
            return DraftChange.Applied(new { status = AssessmentStatus.Submitted });
        });

    public static Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> ReturnAssessment(
        Guid assessmentId, CommentRequest request, [AsParameters] AssessmentServices services, CancellationToken ct) =>
        ReviewAsync(assessmentId, request, services, ct, "assessment.returned", CommentKind.Question, AssessmentAccess.MayReturn,
            "Only an involvement lead of the unit's network may return a submission.");

    public static Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> ReopenAssessment(
        Guid assessmentId, CommentRequest request, [AsParameters] AssessmentServices services, CancellationToken ct) =>
        ReviewAsync(assessmentId, request, services, ct, "assessment.reopened", CommentKind.Reopening, AssessmentAccess.MayReopen,
            "Only an administrator of the unit's network may reopen a submission.");

    public static async Task<Results<Created<CommentResponse>, NotFoundProblem, ForbiddenProblem, UnprocessableProblem>> AddComment(
        Guid assessmentId, CommentRequest request, [AsParameters] AssessmentServices services, CancellationToken ct)
    {
        var assessment = await services.Db.Assessments.Where(AssessmentAccess.Visible(services.Caller, services.Db))
            .SingleOrDefaultAsync(a => a.Id == assessmentId, ct);
        if (assessment is null)
        {
            return NotVisible(assessmentId);
        }
        if (!AssessmentAccess.MayComment(services.Caller, assessment))
        {
            return ApiProblems.Forbidden("Only the unit's members and its network's leads and administrators comment on an assessment.");
        }
        var comment = new Comment
        {
            AssessmentId = assessment.Id, Kind = CommentKind.Note, Text = request.Text, Author = services.Caller.Actor, CreatedAt = services.Clock.Now(),
        };
        services.Db.Comments.Add(comment);
        services.Audit.Record("assessment.commented", EntityType, assessment.Id, assessment.NetworkId, new { comment.Id, comment.Kind });
        await using var transaction = await services.Db.Database.BeginOrJoinTransactionAsync(ct);
        // Comments are only ever added, so they need no If-Match; but the assessment's ETag must move on. Bumping in
        // place keeps a comment from failing (or undoing) a change made at the same moment.
        await services.Db.Assessments.Where(a => a.Id == assessment.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Revision, a => a.Revision + 1), ct);
        await services.Db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"{Location(assessment.Id)}#comment-{comment.Id}", ToResponse(comment));
    }

    // ---- The change pipeline ------------------------------------------------------------------------------------

    /// <summary>
    /// Loads the assessment for a change by one of its unit's members, checks If-Match and that it is a draft,
    /// applies the change, bumps the revision and saves — all or nothing. A concurrent change that got there
    /// first makes this one a 412.
    /// </summary>
    internal static async Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> ChangeDraftAsync(
        Guid assessmentId, AssessmentServices services, CancellationToken ct, string action,
        Func<Assessment, CancellationToken, Task<DraftChange>> change)
    {
        var (assessment, problem) = await LoadForChangeAsync(assessmentId, services, AssessmentAccess.MayEdit,
            "Only members of the assessment's unit may change it.", requireDraft: true, ct);
        if (problem is not null)
        {
            return problem;
        }
        var done = await change(assessment!, ct);
        return done.Refusal ?? await SaveAsync(assessment!, action, done.Description!, null, services, ct);
    }

    private static async Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> ReviewAsync(
        Guid assessmentId, CommentRequest request, AssessmentServices services, CancellationToken ct, string action, CommentKind kind,
        Func<Caller, Assessment, bool> may, string refusal)
    {
        var (assessment, problem) = await LoadForChangeAsync(assessmentId, services, may, refusal, requireDraft: false, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (assessment!.Status != AssessmentStatus.Submitted)
        {
            return ChangeProblem.From(ApiProblems.Conflict("Only a submitted assessment can be returned or reopened; this one is a draft."));
        }
        assessment.Status = AssessmentStatus.Draft;
        // What the service user confirmed was this submission; a returned or reopened one must be confirmed afresh.
        var hadConfirmation = assessment.Confirmation is not null;
        assessment.Confirmation = null;
        assessment.ConfirmationReason = null;
        assessment.ConfirmedAt = null;
        var comment = new Comment
        {
            AssessmentId = assessment.Id, Kind = kind, Text = request.Text, Author = services.Caller.Actor, CreatedAt = services.Clock.Now(),
        };
        assessment.Comments.Add(comment);
        services.Db.Comments.Add(comment);
        return await SaveAsync(assessment, action, new { status = AssessmentStatus.Draft, commentId = comment.Id, confirmationCleared = hadConfirmation },
            request.Text, services, ct);
    }

    private static async Task<(Assessment? Assessment, ChangeProblem? Problem)> LoadForChangeAsync(Guid assessmentId, AssessmentServices services,
        Func<Caller, Assessment, bool> may, string refusal, bool requireDraft, CancellationToken ct)
    {
        var assessment = await Load(services.Db, services.Caller).SingleOrDefaultAsync(a => a.Id == assessmentId, ct);
        if (assessment is null)
        {
            return (null, ChangeProblem.From(NotVisible(assessmentId)));
        }
        if (!may(services.Caller, assessment))
        {
            return (null, ChangeProblem.From(ApiProblems.Forbidden(refusal)));
        }
        if (Preconditions.CheckIfMatch(services.Http.Request, ETag(assessment), "assessment") is { } precondition)
        {
            return (null, ChangeProblem.From(precondition));
        }
        if (requireDraft && assessment.Status != AssessmentStatus.Draft)
        {
            return (null, ChangeProblem.From(ApiProblems.Conflict("A submitted assessment is read-only; a lead may return it or an administrator reopen it.")));
        }
        return (assessment, null);
    }

    private static async Task<Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>> SaveAsync(
        Assessment assessment, string action, object change, string? reason, AssessmentServices services, CancellationToken ct)
    {
        var read = assessment.Revision;
        // Joins a transaction the caller already holds (an evidence upload locks the row first and replaces the file in it).
        await using var transaction = services.Db.Database.CurrentTransaction is null ? await services.Db.Database.BeginTransactionAsync(ct) : null;
        // Claim the next revision before any child row is written: changes sent concurrently with one ETag then
        // queue on the assessment's row and find it moved on (412), instead of racing to insert the same rating
        // rows, where the loser met a unique violation (answered 409, which a client cannot act on).
        if (await services.Db.Assessments.Where(a => a.Id == assessment.Id && a.Revision == read)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Revision, read + 1), ct) == 0)
        {
            return ChangeProblem.From(Preconditions.Stale("assessment"));
        }
        assessment.Revision = read + 1;
        services.Db.Entry(assessment).Property(a => a.Revision).OriginalValue = read + 1;
        assessment.UpdatedAt = services.Clock.Now();
        services.Audit.Record(action, EntityType, assessment.Id, assessment.NetworkId, change, reason);
        await services.Db.SaveChangesAsync(ct);
        await Changes.AssessmentChanges.RecordAsync(services.Db, action, assessment, assessment.UpdatedAt, ct);
        if (action == "assessment.submitted")
        {
            await Actions.ClosedByEvidence.ApplyAsync(services.Db, services.Audit, assessment, assessment.UpdatedAt, ct);
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        services.Http.Response.SetETag(ETag(assessment));
        return TypedResults.Ok(await DetailAsync(services.Db, assessment, services.Caller, ct));
    }

    // ---- Shared -------------------------------------------------------------------------------------------------

    internal static IQueryable<Assessment> Load(SeQuInDbContext db, Caller caller) =>
        db.Assessments.AsSplitQuery()
            .Include(a => a.Participants).Include(a => a.Ratings).Include(a => a.Evidence).Include(a => a.Comments)
            .Where(AssessmentAccess.Visible(caller, db));

    internal static async Task<AssessmentDetail> DetailAsync(SeQuInDbContext db, Assessment a, Caller caller, CancellationToken ct) =>
        (await DetailsAsync(db, [a], caller, ct))[0];

    /// <summary>The answers for a page of loaded assessments, in their order: one scoring context and one code lookup for all.</summary>
    internal static async Task<List<AssessmentDetail>> DetailsAsync(SeQuInDbContext db, IReadOnlyList<Assessment> assessments, Caller caller,
        CancellationToken ct)
    {
        var context = await ScoringContext.LoadAsync(db, assessments, ct);
        var waiting = assessments.Where(a => a.Status == AssessmentStatus.Submitted && a.Confirmation is null).Select(a => a.Id).ToList();
        // Expiry read by the database's clock (UtcNow is translated to now()).
        var codes = waiting.Count == 0 ? [] : await db.ConfirmationCodes
            .Where(c => waiting.Contains(c.AssessmentId) && c.UsedAt == null && c.VoidedAt == null && c.ExpiresAt > DateTimeOffset.UtcNow)
            .Select(c => new { c.AssessmentId, c.AssessmentRevision }).ToListAsync(ct);
        var pending = codes.Select(c => (c.AssessmentId, c.AssessmentRevision)).ToHashSet();
        return assessments.Select(a =>
        {
            var summary = context.Summary(a);
            var seesAll = AssessmentAccess.SeesUnsharedEvidence(caller, a);
            var codePending = a.Status == AssessmentStatus.Submitted && a.Confirmation is null && pending.Contains((a.Id, a.Revision));
            return new AssessmentDetail(a.Id, a.UnitId, summary.UnitCode, a.NetworkId, a.FrameworkIdentifier, a.AreaCode, summary.Month, a.Status,
                a.AgreedRating, a.AgreedRatingNote, summary.Result, a.Imported, a.Revision,
                a.Participants.OrderBy(p => p.Id).Select(p => new ParticipantResponse(p.Id, p.Role, p.Label)).ToList(),
                a.Ratings.OrderBy(r => r.StandardCode, StringComparer.Ordinal).Select(r => new RatingResponse(r.StandardCode, r.Value, r.NotApplicable,
                    r.NotApplicableReason, r.StaffView, r.ServiceUserView, r.StaffView is { } s && r.ServiceUserView is { } u && s != u, r.Note)).ToList(),
                a.Evidence.Where(e => seesAll || e.Shared).OrderBy(e => e.CreatedAt).Select(e => EvidenceApi.ToResponse(a.Id, e)).ToList(),
                a.Comments.OrderBy(c => c.CreatedAt).Select(ToResponse).ToList(),
                a.CreatedAt, a.CreatedBy, a.UpdatedAt, a.SubmittedAt, a.SubmittedBy,
                a.Confirmation, seesAll ? a.ConfirmationReason : null, a.ConfirmedAt, codePending);
        }).ToList();
    }

    public static string ETag(Assessment assessment) => Preconditions.ETag(assessment.Revision);

    internal static NotFoundProblem NotVisible(Guid id) => ApiProblems.NotFound($"There is no assessment {id} that you may see.");

    private static ConflictProblem Exists(Guid id, string unit, string area, string month) =>
        ApiProblems.Conflict($"Unit {unit} already has an assessment of {area} for {month}: {Location(id)}");

    internal static string Location(Guid id) => $"/api/v1/assessments/{id}";

    private static CommentResponse ToResponse(Comment c) => new(c.Id, c.Kind, c.Text, c.Author, c.CreatedAt);
}
