namespace SeQuIn.Api.Actions;

/// <summary>What a later submitted rating does to an action: nothing, or a new evidence state.</summary>
public readonly record struct EvidenceChange(ActionEvidence Evidence);

/// <summary>
/// The rules of an action's life, pure (no ASP.NET, no EF): which status changes are allowed, when it is overdue,
/// the default target, and how it is closed by evidence (ADR 0034).
/// </summary>
public static class ActionRules
{
    /// <summary>
    /// The scale point an action aims for when none is given: the scale's "met" point. The framework names no such
    /// point, so it is the point below the top (on the shipped 0–4 scale, 3 "Established": the practice happens
    /// consistently with clear evidence); the top point is "embedded and shared", beyond what one action plans for.
    /// A scale of two points has only its top.
    /// </summary>
    public static int DefaultTarget(IReadOnlyCollection<int> scale)
    {
        var ordered = scale.Distinct().Order().ToArray();
        return ordered.Length >= 3 ? ordered[^2] : ordered[^1];
    }

    /// <summary>Open → in progress → done; open or in progress → dropped. Done and dropped are final.</summary>
    public static bool MayMove(ActionStatus from, ActionStatus to) => (from, to) switch
    {
        (ActionStatus.Open, ActionStatus.InProgress or ActionStatus.Done or ActionStatus.Dropped) => true,
        (ActionStatus.InProgress, ActionStatus.Done or ActionStatus.Dropped) => true,
        _ => false,
    };

    /// <summary>Past its due month (the month is over) while still open or in progress and not yet shown achieved.</summary>
    public static bool IsOverdue(ActionStatus status, ActionEvidence evidence, DateOnly dueMonth, DateOnly currentMonth) =>
        status is ActionStatus.Open or ActionStatus.InProgress && evidence != ActionEvidence.Achieved && dueMonth < currentMonth;

    /// <summary>
    /// The month from which an action is taken to have changed the unit's process, a change point of its area's trend
    /// (ADR 0035): the month (UTC) it was marked done — the unit's own word that the change is in place, a fact from
    /// outside the series. Null for an action that is not done (open, in progress or dropped). Not the month a
    /// submission showed it achieved: that month is read off the very ratings the chart judges (the first at or above
    /// target), so limits rebased there would manufacture the step they then find.
    /// </summary>
    public static DateOnly? InterventionMonth(ActionStatus status, DateTimeOffset? closedAt) =>
        status == ActionStatus.Done && closedAt is { } at ? new DateOnly(at.UtcDateTime.Year, at.UtcDateTime.Month, 1) : null;

    /// <summary>
    /// Closed by evidence: what a submitted rating of the action's standard, for <paramref name="ratedMonth"/>, does to it.
    /// Only ratings of later months than the baseline count, and not older ones than the rating that last moved it (a
    /// late submission for an earlier month does not undo what a newer month showed). At or above target: achieved
    /// (again, after a slip). Below target after being achieved: slipped. A dropped action, and a standard rated not
    /// applicable, are left as they are. Null: no change.
    /// </summary>
    public static EvidenceChange? Judge(ActionStatus status, ActionEvidence evidence, DateOnly baselineMonth, DateOnly? evidenceMonth,
        int target, DateOnly ratedMonth, int? rating)
    {
        if (status == ActionStatus.Dropped || rating is not { } value || ratedMonth <= baselineMonth
            || (evidenceMonth is { } last && ratedMonth < last))
        {
            return null;
        }
        if (value >= target)
        {
            return evidence == ActionEvidence.Achieved ? null : new EvidenceChange(ActionEvidence.Achieved);
        }
        return evidence == ActionEvidence.Achieved ? new EvidenceChange(ActionEvidence.Slipped) : null;
    }
}
