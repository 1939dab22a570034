namespace SeQuIn.Api.Actions;

/// <summary>Who carries an action, by role in the unit's life: never a person's name.</summary>
public enum ActionOwner
{
    WardManager,
    ClinicalLead,
    Consultant,
    Nurse,
    OccupationalTherapist,
    Psychologist,
    PeerSupportWorker,
    InvolvementLead,
    ServiceUserRepresentative,
    CarerRepresentative,
    Advocate,
    MultidisciplinaryTeam,
    Other,
}

/// <summary>Where the people carrying an action say it is: open → in progress → done, or dropped (with a reason).</summary>
public enum ActionStatus
{
    Open,
    InProgress,
    Done,
    Dropped,
}

/// <summary>What later submitted assessments show (closed by evidence): not yet shown, achieved, or slipped back below target after it.</summary>
public enum ActionEvidence
{
    NotYetShown,
    Achieved,
    Slipped,
}

/// <summary>
/// What a unit will do about one standard an assessment rated: what, who by role, by when, which evidence will show it,
/// and the rating it aims for. Its status is what the unit says; <see cref="Evidence"/> is what later submissions show.
/// </summary>
public sealed class ImprovementAction
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UnitId { get; set; }
    public Guid NetworkId { get; set; }
    /// <summary>The assessment it was made against; its month is the baseline month.</summary>
    public Guid AssessmentId { get; set; }
    public DateOnly BaselineMonth { get; set; }
    public required string AreaCode { get; set; }
    public required string StandardCode { get; set; }
    public required string What { get; set; }
    public ActionOwner Owner { get; set; }
    /// <summary>The first day of the month by the end of which it should be done.</summary>
    public DateOnly DueMonth { get; set; }
    public required string EvidenceExpected { get; set; }
    public int TargetRating { get; set; }
    /// <summary>The standard's rating in the assessment (null when it was not applicable).</summary>
    public int? BaselineRating { get; set; }
    public ActionStatus Status { get; set; }
    public string? DropReason { get; set; }
    /// <summary>When it became done or dropped.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    public ActionEvidence Evidence { get; set; }
    /// <summary>The latest submitted assessment that changed <see cref="Evidence"/>, and its month.</summary>
    public Guid? EvidenceAssessmentId { get; set; }
    public DateOnly? EvidenceMonth { get; set; }
    public int? EvidenceRating { get; set; }
    public DateTimeOffset? AchievedAt { get; set; }
    /// <summary>The month of the assessment that first showed the target met (kept when it later slips).</summary>
    public DateOnly? AchievedMonth { get; set; }
    public Guid? AchievedByAssessmentId { get; set; }
    public DateTimeOffset? SlippedAt { get; set; }
    public DateOnly? SlippedMonth { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; } = 1;
    public List<ActionComment> Comments { get; set; } = [];
}

/// <summary>A lead's comment on an action. Never changed or removed once made.</summary>
public sealed class ActionComment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ActionId { get; set; }
    public required string Text { get; set; }
    public required string Author { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>active (the network works on it) or closed (reviewed and put aside; never deleted).</summary>
public enum PriorityStatus
{
    Active,
    Closed,
}

/// <summary>A gap a network agreed to work on together: one standard (or a whole area), why, the target and when to review it.</summary>
public sealed class NetworkPriority
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid NetworkId { get; set; }
    /// <summary>The area: of the standard, or the whole area when <see cref="StandardCode"/> is null.</summary>
    public required string AreaCode { get; set; }
    public string? StandardCode { get; set; }
    public required string Rationale { get; set; }
    public int TargetRating { get; set; }
    public DateOnly ReviewMonth { get; set; }
    public PriorityStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Revision { get; set; } = 1;
}

/// <summary>An action of a member unit linked to a network priority.</summary>
public sealed class PriorityAction
{
    public Guid PriorityId { get; set; }
    public Guid ActionId { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
}
