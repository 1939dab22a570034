using SeQuIn.Api.Common;

namespace SeQuIn.Api.Assessments;

// ---- Requests -------------------------------------------------------------------------------------------------

/// <summary>A new assessment: one area, one unit, one month. It is pinned to the framework version active now.</summary>
/// <param name="Month">The month assessed, YYYY-MM; not in the future.</param>
/// <param name="AreaCode">The area's stable code, e.g. INV.</param>
/// <param name="Participants">Who takes part, by role. Submitting needs at least one staff and one service-user participant.</param>
public sealed record CreateAssessmentRequest(Guid UnitId, string AreaCode, string Month, IReadOnlyList<ParticipantInput>? Participants = null);

/// <summary>A participant, by role. Never a name or an identifier of a person.</summary>
/// <param name="Label">An optional pseudonymous label such as "SU1" or "Ward nurse"; screened for personal identifiers.</param>
public sealed record ParticipantInput(ParticipantRole Role, string? Label = null);

/// <summary>The whole list of participants, replacing the one before.</summary>
public sealed record ParticipantsRequest(IReadOnlyList<ParticipantInput> Participants);

/// <summary>Ratings to set; standards not listed keep theirs. Each rating listed is set whole: a member left out of it takes its default (no note, no views), it does not keep the stored one.</summary>
public sealed record RatingsRequest(IReadOnlyList<RatingInput> Ratings);

/// <summary>The rating of one standard.</summary>
/// <param name="StandardCode">A standard of the assessment's area, in its framework version.</param>
/// <param name="Value">The agreed value on the version's scale; omit (null) when not applicable.</param>
/// <param name="NotApplicable">Allowed only where the framework allows it, and then with a reason.</param>
/// <param name="StaffView">What the staff participant would have rated, where it differed.</param>
/// <param name="ServiceUserView">What the service-user participant would have rated, where it differed.</param>
public sealed record RatingInput(string StandardCode, int? Value = null, bool NotApplicable = false, string? NotApplicableReason = null,
    int? StaffView = null, int? ServiceUserView = null, string? Note = null);

/// <summary>The overall rating of the area that the participants agreed, set together with its note: leaving the note out clears it.</summary>
public sealed record AgreedRatingRequest(int Value, string? Note = null);

/// <summary>Evidence for a standard, or for the whole assessment when standardCode is omitted.</summary>
/// <param name="Link">An https address; stored and shown, never fetched by the service.</param>
/// <param name="Shared">Share it with the network's library of good practice once the assessment is submitted.</param>
/// <param name="Kind">What the evidence is: a document, minutes, a policy, an observation, a conversation, a photo, a link or something else.</param>
public sealed record EvidenceInput(EvidenceKind Kind, string Title, string? Description = null, string? Link = null,
    string? StandardCode = null, bool Shared = false);

/// <summary>A comment; a question when returning, a reason when reopening.</summary>
public sealed record CommentRequest(string Text);

/// <param name="unitId">Only this unit's assessments.</param>
/// <param name="areaCode">Only this area.</param>
/// <param name="from">From this month, YYYY-MM.</param>
/// <param name="to">Up to and including this month, YYYY-MM.</param>
/// <param name="status">Only drafts or only submitted assessments.</param>
/// <param name="frameworkVersion">Only assessments pinned to this framework version.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
/// <param name="confirmation">Only assessments the service-user participant confirmed (agreed), recorded disagreement with (disagreed), or has not confirmed (unconfirmed, drafts and imported history included).</param>
public sealed record AssessmentListQuery(Guid? unitId, string? areaCode, string? from, string? to,
    [property: EnumQuery(typeof(AssessmentStatus))] string? status, string? frameworkVersion, int? limit, string? cursor,
    [property: EnumQuery(typeof(ConfirmationFilter))] string? confirmation = null) : IPagedQuery
{
    public AssessmentStatus? Status => EnumQuery.Parse<AssessmentStatus>(status);
    public ConfirmationFilter? Confirmation => EnumQuery.Parse<ConfirmationFilter>(confirmation);
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

/// <summary>What the list filters on: the service user's confirmation, or its absence.</summary>
public enum ConfirmationFilter
{
    Agreed,
    Disagreed,
    Unconfirmed,
}

// ---- Responses ------------------------------------------------------------------------------------------------

/// <summary>An assessment without its detail.</summary>
/// <param name="Revision">Changes with every edit; the ETag is derived from it. Send the ETag back in If-Match to change the assessment.</param>
/// <param name="Status">draft while the unit works on it (again after a return or a reopening); submitted once sent to the network.</param>
/// <param name="Confirmation">The service-user participant's own confirmation of the submission: agreed, disagreed, or null (not confirmed; always null for imported history).</param>
/// <param name="ConfirmedAt">When the service user confirmed it.</param>
public sealed record AssessmentSummary(Guid Id, Guid UnitId, string UnitCode, Guid NetworkId, string FrameworkIdentifier, string AreaCode,
    string Month, AssessmentStatus Status, int? AgreedRating, AreaResult Result, bool Imported, int Revision,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SubmittedAt,
    ServiceUserConfirmation? Confirmation = null, DateTimeOffset? ConfirmedAt = null);

/// <summary>The area result under the version's declared scoring rule, beside the rating the participants agreed.</summary>
/// <param name="Mean">Mean of the applicable standards rated so far; null when none is.</param>
/// <param name="Percentage">The mean as a percentage of the scale, 0 to 100.</param>
/// <param name="ApplicableStandards">How many standards counted.</param>
/// <param name="RatedStandards">How many standards have a rating (including not applicable).</param>
/// <param name="AgreedDiffersFromComputed">The agreed rating lies more than one scale point from the computed mean.</param>
public sealed record AreaResult(decimal? Mean, decimal? Percentage, int ApplicableStandards, int RatedStandards, int StandardsInArea,
    bool AgreedDiffersFromComputed);

/// <summary>An assessment with everything in it.</summary>
/// <param name="Status">draft while the unit works on it (again after a return or a reopening); submitted once sent to the network.</param>
/// <param name="Confirmation">The service-user participant's own confirmation of the submission: agreed, disagreed, or null (not confirmed; always null for imported history). Cleared when the submission is returned or reopened.</param>
/// <param name="ConfirmationReason">Why the service user disagrees, in their own (screened) words; shown only to those who see the unit's drafts (its members, the network's leads and administrators), null for others.</param>
/// <param name="ConfirmedAt">When the service user confirmed it.</param>
/// <param name="ConfirmationCodePending">A confirmation code issued for this submission is still unused and unexpired.</param>
public sealed record AssessmentDetail(Guid Id, Guid UnitId, string UnitCode, Guid NetworkId, string FrameworkIdentifier, string AreaCode,
    string Month, AssessmentStatus Status, int? AgreedRating, string? AgreedRatingNote, AreaResult Result, bool Imported, int Revision,
    IReadOnlyList<ParticipantResponse> Participants, IReadOnlyList<RatingResponse> Ratings, IReadOnlyList<EvidenceResponse> Evidence,
    IReadOnlyList<CommentResponse> Comments, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt,
    DateTimeOffset? SubmittedAt, string? SubmittedBy,
    ServiceUserConfirmation? Confirmation = null, string? ConfirmationReason = null, DateTimeOffset? ConfirmedAt = null, bool ConfirmationCodePending = false);

public sealed record ParticipantResponse(Guid Id, ParticipantRole Role, string? Label);

/// <param name="ViewsDiffer">Staff and service-user views were both given and differ.</param>
public sealed record RatingResponse(string StandardCode, int? Value, bool NotApplicable, string? NotApplicableReason,
    int? StaffView, int? ServiceUserView, bool ViewsDiffer, string? Note);

/// <param name="File">The attached file, if any; download it from its url.</param>
/// <param name="Kind">What the evidence is: a document, minutes, a policy, an observation, a conversation, a photo, a link or something else.</param>
public sealed record EvidenceResponse(Guid Id, string? StandardCode, EvidenceKind Kind, string Title, string? Description, string? Link,
    bool Shared, EvidenceFileResponse? File, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record EvidenceFileResponse(string FileName, string ContentType, long Size, string Url);

/// <param name="Kind">question (a lead's, returning a submission), reopening (an administrator's reason for reopening one) or note.</param>
public sealed record CommentResponse(Guid Id, CommentKind Kind, string Text, string Author, DateTimeOffset CreatedAt);

/// <summary>Why an assessment cannot be submitted yet: every missing item.</summary>
public sealed record SubmissionProblem(IReadOnlyList<string> Missing);
