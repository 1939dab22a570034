using SeQuIn.Api.Common;

namespace SeQuIn.Api.Actions;

/// <summary>A new action against one standard of a submitted assessment of your unit.</summary>
/// <param name="AssessmentId">The submitted assessment whose rating of the standard the action starts from.</param>
/// <param name="StandardCode">A standard of the assessment's area, e.g. INV-03.</param>
/// <param name="What">What will be done, up to 1000 characters; no names or identifiers of anyone (refused with 422).</param>
/// <param name="Owner">Who carries it, by role (never a name).</param>
/// <param name="DueMonth">By when: the month (YYYY-MM) by the end of which it should be done.</param>
/// <param name="EvidenceExpected">Which evidence will show it is done, up to 1000 characters, screened like what.</param>
/// <param name="TargetRating">The rating aimed for, on the assessment's scale; null: the scale's "met" point (the point below the top).</param>
public sealed record CreateActionRequest(Guid AssessmentId, string StandardCode, string What, ActionOwner Owner, string DueMonth, string EvidenceExpected,
    int? TargetRating = null);

/// <summary>A new wording of an open or in-progress action: every member it can change, as a PUT replaces them.</summary>
/// <param name="What">What will be done, up to 1000 characters; no names or identifiers of anyone (refused with 422).</param>
/// <param name="Owner">Who carries it, by role (never a name).</param>
/// <param name="DueMonth">By when: the month (YYYY-MM) by the end of which it should be done.</param>
/// <param name="EvidenceExpected">Which evidence will show it is done, up to 1000 characters, screened like what.</param>
/// <param name="TargetRating">The rating aimed for, a point of the scale of the action's assessment. It judges the submissions from now on: what earlier ones showed stands.</param>
public sealed record UpdateActionRequest(string What, ActionOwner Owner, string DueMonth, string EvidenceExpected, int TargetRating);

/// <summary>Moving an action on: open → in-progress → done, or dropped with a reason.</summary>
/// <param name="Status">The new status.</param>
/// <param name="Reason">Why: required to drop, optional otherwise; up to 1000 characters, screened.</param>
public sealed record ActionStatusRequest(ActionStatus Status, string? Reason = null);

/// <summary>A lead's comment on an action.</summary>
/// <param name="Text">Up to 2000 characters; no names or identifiers of anyone (refused with 422).</param>
public sealed record ActionCommentRequest(string Text);

public sealed record ActionCommentResponse(Guid Id, string Text, string Author, DateTimeOffset CreatedAt);

/// <summary>What later submitted assessments showed about the action's standard.</summary>
/// <param name="State">not-yet-shown, achieved (a later submitted rating met the target) or slipped (it fell back below after).</param>
/// <param name="AssessmentId">The submitted assessment that last moved the state.</param>
/// <param name="Month">Its month.</param>
/// <param name="Rating">Its rating of the standard.</param>
/// <param name="AchievedAt">When a submission first showed the target met (kept after a slip: history is kept).</param>
/// <param name="AchievedByAssessmentId">The assessment that first showed it.</param>
/// <param name="SlippedAt">When a later submission fell back below target.</param>
public sealed record ActionEvidenceResponse(ActionEvidence State, Guid? AssessmentId, string? Month, int? Rating, DateTimeOffset? AchievedAt,
    Guid? AchievedByAssessmentId, DateTimeOffset? SlippedAt);

/// <summary>An action of a unit's plan.</summary>
/// <param name="BaselineMonth">The month of the assessment it was made against.</param>
/// <param name="BaselineRating">The standard's rating there (null: not applicable).</param>
/// <param name="Overdue">Past its due month while open or in progress and not yet achieved.</param>
/// <param name="PriorityIds">The network priorities it is linked to.</param>
/// <param name="Revision">Bumped by every change; the ETag. Send it in If-Match to change the status.</param>
public sealed record ActionResponse(
    Guid Id,
    Guid UnitId,
    Guid NetworkId,
    Guid AssessmentId,
    string BaselineMonth,
    string AreaCode,
    string StandardCode,
    string What,
    ActionOwner Owner,
    string DueMonth,
    string EvidenceExpected,
    int TargetRating,
    int? BaselineRating,
    ActionStatus Status,
    string? DropReason,
    DateTimeOffset? ClosedAt,
    bool Overdue,
    ActionEvidenceResponse Evidence,
    IReadOnlyList<Guid> PriorityIds,
    IReadOnlyList<ActionCommentResponse> Comments,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    int Revision);

/// <summary>Filters for the actions you may see.</summary>
/// <param name="assessmentId">Only actions made against this assessment.</param>
/// <param name="unitId">Only this unit's actions.</param>
/// <param name="status">Only open, in-progress, done or dropped actions.</param>
/// <param name="areaCode">Only actions on this area's standards.</param>
/// <param name="standardCode">Only actions on this standard.</param>
/// <param name="overdue">true: only overdue actions (past due, open or in progress, not achieved); false: only the others.</param>
/// <param name="priorityId">Only actions linked to this network priority.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record ActionListQuery(
    Guid? assessmentId,
    Guid? unitId,
    [property: EnumQuery(typeof(ActionStatus))] string? status,
    string? areaCode,
    string? standardCode,
    bool? overdue,
    Guid? priorityId,
    int? limit,
    string? cursor) : IPagedQuery
{
    public ActionStatus? Status => EnumQuery.Parse<ActionStatus>(status);

    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}
