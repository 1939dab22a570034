using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;

namespace SeQuIn.Api.Data;

/// <summary>
/// The demo's action plans and two network priorities (ADR 0034), made from the demo history so that the figures agree:
/// two standards with units below the "met" point nine months ago become the network's priorities; each of those units
/// gets an action against that submission, linked to the priority, judged month by month on the later submissions by
/// the same rule as a live submission (so some are achieved and some slipped), and moved on to open, in-progress, done
/// or dropped in turn (an evidence state the two standards lack is shown by one unlinked action on another standard).
/// Runs once: a network that has priorities is left alone.
/// </summary>
public static class DemoActions
{
    private const string Actor = "system:demo";
    private static readonly ActionOwner[] Owners =
        [ActionOwner.WardManager, ActionOwner.ServiceUserRepresentative, ActionOwner.OccupationalTherapist, ActionOwner.Nurse, ActionOwner.PeerSupportWorker];
    private static readonly ActionStatus[] Statuses = [ActionStatus.InProgress, ActionStatus.Done, ActionStatus.Open, ActionStatus.Dropped, ActionStatus.InProgress];

    public static async Task LoadAsync(SeQuInDbContext db, string networkCode, DateTimeOffset now, CancellationToken ct)
    {
        var network = await db.Networks.AsNoTracking().SingleOrDefaultAsync(n => n.Code == networkCode, ct);
        if (network is null || await db.Set<NetworkPriority>().AnyAsync(p => p.NetworkId == network.Id, ct))
        {
            return;
        }
        var ratings = await (
            from r in db.Ratings.AsNoTracking()
            join a in db.Assessments on r.AssessmentId equals a.Id
            where a.NetworkId == network.Id && a.Status == AssessmentStatus.Submitted && r.Value != null
            select new { a.UnitId, a.Month, a.AreaCode, r.StandardCode, r.Value, AssessmentId = a.Id, a.FrameworkVersionId }).ToListAsync(ct);
        if (ratings.Count == 0)
        {
            return;
        }
        var latest = ratings.Max(r => r.Month);
        var baselineMonth = latest.AddMonths(-9);
        var scale = await db.ScalePoints.AsNoTracking().Where(p => p.FrameworkVersionId == ratings[0].FrameworkVersionId).Select(p => p.Value).ToListAsync(ct);
        var target = ActionRules.DefaultTarget(scale);
        var later = ratings.Where(r => r.Month > baselineMonth).ToLookup(r => (r.UnitId, r.StandardCode));
        // Every unit below the met point at the baseline, with what its later submissions would show an action on it.
        var gaps = ratings.Where(r => r.Month == baselineMonth && r.Value < target)
            .Select(r => (Gap: r, Shown: Simulate(r.StandardCode, baselineMonth, target, later[(r.UnitId, r.StandardCode)].Select(l => (l.Month, l.Value, l.AssessmentId)))))
            .ToList();
        // The two standards where most units were below it, preferring those where actions came to show something.
        var chosen = gaps.GroupBy(g => g.Gap.StandardCode)
            .OrderByDescending(g => g.Select(x => x.Shown).Distinct().Count()).ThenByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(2).ToList();
        var extra = Enum.GetValues<ActionEvidence>().Where(e => !chosen.Any(g => g.Any(x => x.Shown == e)))
            .Select(e => gaps.FirstOrDefault(x => x.Shown == e)).Where(x => x.Gap is not null).ToList();
        var i = 0;
        foreach (var standard in chosen.Select(g => (Key: g.Key, Items: g.ToList())).Append((Key: "", Items: extra)))
        {
            NetworkPriority? priority = null;
            if (standard.Key.Length > 0)
            {
                priority = new NetworkPriority
                {
                    NetworkId = network.Id, AreaCode = standard.Items[0].Gap.AreaCode, StandardCode = standard.Key, TargetRating = target,
                    Rationale = $"{standard.Items.Count} units rated {standard.Key} below the met point in {Months.Format(baselineMonth)}; agreed at the network meeting.",
                    ReviewMonth = latest.AddMonths(3), Status = PriorityStatus.Active,
                    CreatedAt = Start(baselineMonth), CreatedBy = Actor, UpdatedAt = Start(baselineMonth),
                };
                db.Set<NetworkPriority>().Add(priority);
            }
            foreach (var (gap, shown) in standard.Items.OrderBy(g => g.Gap.UnitId))
            {
                var status = Statuses[i % Statuses.Length];
                // Only an action nothing has shown yet is dropped: the rest stay in the cycle that shows evidence.
                status = status == ActionStatus.Dropped && shown != ActionEvidence.NotYetShown ? ActionStatus.Done : status;
                var created = Start(baselineMonth).AddDays(i % 5);
                var action = new ImprovementAction
                {
                    UnitId = gap.UnitId, NetworkId = network.Id, AssessmentId = gap.AssessmentId, BaselineMonth = baselineMonth,
                    AreaCode = gap.AreaCode, StandardCode = gap.StandardCode, Owner = Owners[i % Owners.Length],
                    What = $"Work on {gap.StandardCode} with service users: agree the first step at the community meeting and review it monthly.",
                    EvidenceExpected = "Community meeting minutes and the review notes, shared with the network.",
                    // Every third action is already past its month: the overdue list has something to show.
                    DueMonth = i % 3 == 0 ? baselineMonth.AddMonths(3) : latest.AddMonths(2 + i % 4),
                    TargetRating = target, BaselineRating = gap.Value, Status = status,
                    DropReason = status == ActionStatus.Dropped ? "Replaced by the network-wide approach agreed at the meeting." : null,
                    ClosedAt = status is ActionStatus.Done or ActionStatus.Dropped ? created.AddMonths(3) : null,
                    CreatedAt = created, CreatedBy = Actor, UpdatedAt = created,
                };
                foreach (var rating in later[(gap.UnitId, gap.StandardCode)].OrderBy(r => r.Month))
                {
                    Judge(action, rating.Month, rating.Value, rating.AssessmentId);
                }
                if (i % 4 == 1)
                {
                    action.Comments.Add(new ActionComment { Text = "The recovery college offered to co-facilitate: worth asking.", Author = Actor, CreatedAt = created.AddDays(7) });
                }
                db.Set<ImprovementAction>().Add(action);
                if (priority is not null)
                {
                    db.Set<PriorityAction>().Add(new PriorityAction { PriorityId = priority.Id, ActionId = action.Id, LinkedAt = created });
                }
                i++;
            }
        }
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = now, Actor = Actor, Action = "demo.actions-loaded", EntityType = "network", EntityId = network.Id.ToString(), NetworkId = network.Id,
            Changes = $$"""{"priorities":{{chosen.Count}},"actions":{{i}}}""",
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What the later submissions would show an open action on a standard, by the live rule.</summary>
    private static ActionEvidence Simulate(string standardCode, DateOnly baselineMonth, int target, IEnumerable<(DateOnly Month, int? Value, Guid AssessmentId)> later)
    {
        var probe = new ImprovementAction
        {
            AreaCode = "", StandardCode = standardCode, What = "", EvidenceExpected = "", CreatedBy = Actor, BaselineMonth = baselineMonth, TargetRating = target,
        };
        foreach (var (month, value, assessmentId) in later.OrderBy(l => l.Month))
        {
            Judge(probe, month, value, assessmentId);
        }
        return probe.Evidence;
    }

    /// <summary>The live rule, applied to one later submission as the submission itself would.</summary>
    private static void Judge(ImprovementAction action, DateOnly month, int? rating, Guid assessmentId)
    {
        if (ActionRules.Judge(action.Status, action.Evidence, action.BaselineMonth, action.EvidenceMonth, action.TargetRating, month, rating) is not { } change)
        {
            return;
        }
        var at = Start(month).AddDays(9);
        (action.Evidence, action.EvidenceAssessmentId, action.EvidenceMonth, action.EvidenceRating, action.Revision, action.UpdatedAt) =
            (change.Evidence, assessmentId, month, rating, action.Revision + 1, at);
        if (change.Evidence == ActionEvidence.Achieved)
        {
            (action.AchievedAt, action.AchievedMonth, action.AchievedByAssessmentId, action.SlippedAt, action.SlippedMonth) = (at, month, assessmentId, null, null);
        }
        else
        {
            (action.SlippedAt, action.SlippedMonth) = (at, month);
        }
    }

    /// <summary>Early in the month after <paramref name="month"/>: when its submissions are in.</summary>
    private static DateTimeOffset Start(DateOnly month) => new(month.AddMonths(1).Year, month.AddMonths(1).Month, 2, 10, 0, 0, TimeSpan.Zero);
}
