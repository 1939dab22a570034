using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Actions;

/// <summary>
/// Closes actions by evidence in the transaction that submits an assessment: each action of the unit on a standard the
/// submission rates is judged by <see cref="ActionRules.Judge"/>; a change is saved, audited and written to the feed
/// with the submission, or not at all.
/// </summary>
public static class ClosedByEvidence
{
    /// <summary>
    /// The same for imported history: each imported assessment that a live action of its unit and area could be judged
    /// by (a later month than the action's baseline), oldest month first, so that the rule's "not older than the month
    /// that last moved it" sees them in the order they happened. Imports without such actions read only the action table.
    /// </summary>
    public static async Task ApplyToImportAsync(SeQuInDbContext db, AuditTrail audit, IReadOnlyList<Guid> imported, DateTimeOffset now, CancellationToken ct)
    {
        var ids = imported.ToArray();
        var judged = await db.Assessments.AsNoTracking().Include(a => a.Ratings)
            .Where(a => ids.Contains(a.Id) && db.Set<ImprovementAction>().Any(x =>
                x.UnitId == a.UnitId && x.AreaCode == a.AreaCode && x.Status != ActionStatus.Dropped && x.BaselineMonth < a.Month))
            .OrderBy(a => a.Month).ThenBy(a => a.Id)
            .ToListAsync(ct);
        foreach (var assessment in judged)
        {
            await ApplyAsync(db, audit, assessment, now, ct);
        }
    }

    public static async Task ApplyAsync(SeQuInDbContext db, AuditTrail audit, Assessment submitted, DateTimeOffset now, CancellationToken ct)
    {
        var rated = submitted.Ratings.ToDictionary(r => r.StandardCode, r => r.NotApplicable ? null : r.Value);
        var codes = rated.Keys.ToList();
        var actions = await db.Set<ImprovementAction>()
            .Where(a => a.UnitId == submitted.UnitId && codes.Contains(a.StandardCode) && a.Status != ActionStatus.Dropped && a.BaselineMonth < submitted.Month)
            .OrderBy(a => a.Id)
            .ToListAsync(ct);
        var changed = new List<(ImprovementAction Action, string Kind)>();
        foreach (var action in actions)
        {
            var rating = rated[action.StandardCode];
            if (ActionRules.Judge(action.Status, action.Evidence, action.BaselineMonth, action.EvidenceMonth, action.TargetRating, submitted.Month, rating)
                is not { } change)
            {
                continue;
            }
            action.Evidence = change.Evidence;
            action.EvidenceAssessmentId = submitted.Id;
            action.EvidenceMonth = submitted.Month;
            action.EvidenceRating = rating;
            if (change.Evidence == ActionEvidence.Achieved)
            {
                action.AchievedAt = now;
                action.AchievedMonth = submitted.Month;
                action.AchievedByAssessmentId = submitted.Id;
                action.SlippedAt = null;
                action.SlippedMonth = null;
            }
            else
            {
                action.SlippedAt = now;
                action.SlippedMonth = submitted.Month;
            }
            action.Revision++;
            action.UpdatedAt = now;
            var kind = change.Evidence == ActionEvidence.Achieved ? ChangeKinds.ActionAchieved : ChangeKinds.ActionSlipped;
            audit.Record(kind, ActionsApi.EntityType, action.Id, action.NetworkId,
                new { assessmentId = submitted.Id, month = Months.Format(submitted.Month), rating, action.TargetRating, evidence = change.Evidence });
            changed.Add((action, kind));
        }
        if (changed.Count == 0)
        {
            return;
        }
        await db.SaveChangesAsync(ct);
        foreach (var (action, kind) in changed)
        {
            await ActionsApi.RecordChangeAsync(db, kind, action, now, ct, new { assessmentId = submitted.Id, month = Months.Format(submitted.Month) });
        }
    }
}
