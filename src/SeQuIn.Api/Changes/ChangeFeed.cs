using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Changes;

/// <summary>What changed, for an integrator's copy of SeQuIn's data.</summary>
public static class ChangeKinds
{
    public const string AssessmentSubmitted = "assessment.submitted";
    public const string AssessmentResubmitted = "assessment.resubmitted";
    public const string AssessmentReturned = "assessment.returned";
    public const string AssessmentReopened = "assessment.reopened";
    public const string AssessmentImported = "assessment.imported";
    /// <summary>The service-user participant confirmed a submission in their own right (agreed or disagreed; ADR 0031).</summary>
    public const string AssessmentConfirmed = "assessment.confirmed";
    public const string UnitCreated = "unit.created";
    public const string UnitChanged = "unit.changed";
    public const string UnitDeactivated = "unit.deactivated";
    public const string UnitReactivated = "unit.reactivated";
    public const string NetworkChanged = "network.changed";
    public const string FrameworkVersionActivated = "framework-version.activated";
    /// <summary>A lead recorded a buddy pairing for a unit (ADR 0036).</summary>
    public const string BuddyingPaired = "buddying.paired";
    /// <summary>A lead recorded how a buddy pairing turned out.</summary>
    public const string BuddyingOutcomeRecorded = "buddying.outcome-recorded";
    /// <summary>Action plans and network priorities (ADR 0034).</summary>
    public const string ActionCreated = "action.created";
    public const string ActionStatusChanged = "action.status-changed";
    /// <summary>An open or in-progress action's what, owner, due month, evidence expected or target was changed (never the text in the feed).</summary>
    public const string ActionChanged = "action.changed";
    /// <summary>A later submitted assessment rated the action's standard at or above its target (closed by evidence).</summary>
    public const string ActionAchieved = "action.achieved";
    /// <summary>A later submitted assessment rated an achieved action's standard below its target again.</summary>
    public const string ActionSlipped = "action.slipped";
    public const string PriorityCreated = "priority.created";
    public const string PriorityChanged = "priority.changed";
    public const string PriorityActionLinked = "priority.action-linked";
    public const string PriorityActionUnlinked = "priority.action-unlinked";

    /// <summary>Every kind, in the order the contract lists them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        AssessmentSubmitted, AssessmentResubmitted, AssessmentReturned, AssessmentReopened, AssessmentImported, AssessmentConfirmed,
        UnitCreated, UnitChanged, UnitDeactivated, UnitReactivated, NetworkChanged, FrameworkVersionActivated,
        BuddyingPaired, BuddyingOutcomeRecorded,
        ActionCreated, ActionStatusChanged, ActionAchieved, ActionSlipped,
        PriorityCreated, PriorityChanged, PriorityActionLinked, PriorityActionUnlinked,
    ];
}

/// <summary>
/// The transactional outbox behind <c>GET /api/v1/changes</c> (ADR 0027): a change writes its entry in the
/// transaction that makes it, so an entry exists exactly when its change has committed. Each entry carries the id of
/// the transaction that wrote it (<c>pg_current_xact_id()</c>); readers see an entry only once every older
/// transaction has finished, and read in (transaction, position) order — which is what makes the feed gapless.
/// </summary>
public static class ChangeFeed
{
    /// <summary>Writes one entry in the caller's open transaction. <paramref name="data"/> is what the entry says beyond its resource.</summary>
    public static Task RecordAsync(SeQuInDbContext db, string kind, string resourceType, Guid resourceId, int? revision, Guid? unitId,
        Guid? networkId, DateTimeOffset occurredAt, object? data, CancellationToken ct, string? link = null)
    {
        var json = data is null ? null : JsonSerializer.Serialize(data, data.GetType(), Common.Json.Options);
        link ??= $"/api/v1/{resourceType}s/{resourceId}";
        return db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO change_events (occurred_at, kind, resource_type, resource_id, revision, unit_id, network_id, collaborative_id, data, link)
            VALUES ({occurredAt}, {kind}, {resourceType}, {resourceId}, {revision}, {unitId}, {networkId},
                    (SELECT collaborative_id FROM units WHERE id = {unitId}), {json}::jsonb, {link})
            """, ct);
    }
}

/// <summary>The feed entries of an assessment's life after drafting.</summary>
public static class AssessmentChanges
{
    /// <summary>
    /// The entry for a submission, return or reopening, in the transaction that makes it. A return or reopening runs
    /// before the summary trigger (deferred to commit) removes the assessment's figures, so the tombstone can name them.
    /// </summary>
    public static async Task RecordAsync(SeQuInDbContext db, string action, Assessments.Assessment assessment, DateTimeOffset now, CancellationToken ct)
    {
        var kind = action switch
        {
            "assessment.submitted" => assessment.Comments.Any(c => c.Kind is Assessments.CommentKind.Question or Assessments.CommentKind.Reopening)
                ? ChangeKinds.AssessmentResubmitted
                : ChangeKinds.AssessmentSubmitted,
            "assessment.returned" => ChangeKinds.AssessmentReturned,
            "assessment.reopened" => ChangeKinds.AssessmentReopened,
            _ => null,
        };
        if (kind is null)
        {
            return;
        }
        object? data = null;
        if (kind is ChangeKinds.AssessmentReturned or ChangeKinds.AssessmentReopened)
        {
            data = await db.AreaResults.AsNoTracking().Where(r => r.AssessmentId == assessment.Id)
                .Select(r => new Withdrawn(r.UnitId, r.AreaCode, Assessments.Months.Format(r.Month), r.FrameworkIdentifier, r.Mean, r.Percentage,
                    r.AgreedRating, r.ApplicableStandards))
                .SingleOrDefaultAsync(ct);
        }
        await ChangeFeed.RecordAsync(db, kind, "assessment", assessment.Id, assessment.Revision, assessment.UnitId, assessment.NetworkId, now,
            data is null ? null : new { withdrawn = data }, ct);
    }

    /// <summary>The figures a return or reopening takes out of every benchmark until the assessment is submitted again.</summary>
    public sealed record Withdrawn(Guid UnitId, string AreaCode, string Month, string FrameworkVersion, decimal? Mean, decimal? Percentage,
        int? AgreedRating, int ApplicableStandards);
}
