namespace SeQuIn.Api.Assessments;

public enum AssessmentStatus
{
    Draft,
    Submitted,
}

/// <summary>Who took part, by role only: never a name or identifier of a person.</summary>
public enum ParticipantRole
{
    Staff,
    ServiceUser,
    CarerOrFamilyMember,
    Advocate,
}

/// <summary>
/// What the service-user participant said, in their own right, about a submitted assessment: a submission counts as
/// co-produced only once a service-user participant has confirmed it (issue #13, ADR 0031).
/// </summary>
public enum ServiceUserConfirmation
{
    /// <summary>The service-user participant agrees that the submission is the rating they arrived at together.</summary>
    Agreed,
    /// <summary>The service-user participant took part but records that they disagree, with a short reason.</summary>
    Disagreed,
}

public enum EvidenceKind
{
    Document,
    Minutes,
    Policy,
    Observation,
    Conversation,
    Photo,
    Link,
    Other,
}

public enum CommentKind
{
    /// <summary>A lead's question when returning a submission.</summary>
    Question,
    /// <summary>An administrator's reason for reopening a submission.</summary>
    Reopening,
    /// <summary>Anything else said about the assessment.</summary>
    Note,
}

/// <summary>The rating of one area of practice for one unit and one month, made together by staff and service users.</summary>
public sealed class Assessment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UnitId { get; set; }
    /// <summary>The unit's network when the assessment was made: who may read it follows from this.</summary>
    public Guid NetworkId { get; set; }
    public Guid FrameworkVersionId { get; set; }
    public required string FrameworkIdentifier { get; set; }
    public Guid AreaId { get; set; }
    public required string AreaCode { get; set; }
    /// <summary>The first day of the month assessed.</summary>
    public DateOnly Month { get; set; }
    public AssessmentStatus Status { get; set; }
    public int? AgreedRating { get; set; }
    public string? AgreedRatingNote { get; set; }
    public bool Imported { get; set; }
    /// <summary>The service-user participant's own confirmation of the submission; null until they give it. Cleared when the submission is returned or reopened.</summary>
    public ServiceUserConfirmation? Confirmation { get; set; }
    /// <summary>Why the service-user participant disagrees (screened, short); null when they agree.</summary>
    public string? ConfirmationReason { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public string? SubmittedBy { get; set; }
    /// <summary>"YYYY-MM|unit id|area code": the stable order lists are paged in.</summary>
    public string SortKey { get; set; } = "";
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; }
    public List<Participant> Participants { get; set; } = [];
    public List<Rating> Ratings { get; set; } = [];
    public List<Evidence> Evidence { get; set; } = [];
    public List<Comment> Comments { get; set; } = [];
}

public sealed class Participant
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AssessmentId { get; set; }
    public ParticipantRole Role { get; set; }
    /// <summary>An optional pseudonymous label such as "SU1"; screened for personal identifiers.</summary>
    public string? Label { get; set; }
}

public sealed class Rating
{
    public Guid AssessmentId { get; set; }
    public required string StandardCode { get; set; }
    public Guid StandardId { get; set; }
    /// <summary>The agreed value on the version's scale; null when not applicable.</summary>
    public int? Value { get; set; }
    public bool NotApplicable { get; set; }
    public string? NotApplicableReason { get; set; }
    public int? StaffView { get; set; }
    public int? ServiceUserView { get; set; }
    public string? Note { get; set; }
}

public sealed class Evidence
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AssessmentId { get; set; }
    /// <summary>The standard it backs; null when it backs the whole assessment.</summary>
    public string? StandardCode { get; set; }
    public EvidenceKind Kind { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    /// <summary>An https link, stored and shown, never fetched by the server.</summary>
    public string? Link { get; set; }
    public bool Shared { get; set; }
    public string? FileName { get; set; }
    public string? FileContentType { get; set; }
    public long? FileSize { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>The bytes of an evidence file, kept apart so that listing evidence never reads them.</summary>
public sealed class EvidenceFile
{
    public Guid EvidenceId { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>A comment on an assessment. Never changed or removed once made.</summary>
public sealed class Comment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AssessmentId { get; set; }
    public CommentKind Kind { get; set; }
    public required string Text { get; set; }
    public required string Author { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The first answer to a change made with an Idempotency-Key, replayed for repeats of it.</summary>
public sealed class IdempotencyRecord
{
    public required string Key { get; set; }
    public required string Actor { get; set; }
    public required string RequestHash { get; set; }
    public bool Completed { get; set; }
    public int StatusCode { get; set; }
    public string? Location { get; set; }
    /// <summary>The ETag the first answer carried, so a replay hands the client the same one.</summary>
    public string? ETag { get; set; }
    public string? Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
