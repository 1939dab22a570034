using System.Linq.Expressions;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Assessments;

/// <summary>
/// Who sees and who changes an assessment. Drafts are private to the unit (its members) and to its network's
/// leads and administrators; submitted assessments are read across the network, and by analysts within their
/// scope. Evidence not marked shareable is seen only by the unit, its network's leads and its administrators.
/// </summary>
public static class AssessmentAccess
{
    public static Expression<Func<Assessment, bool>> Visible(Caller caller, SeQuInDbContext db)
    {
        if (caller.IsNationalAdmin)
        {
            return a => true;
        }
        var reviewerNetworks = caller.Grants.Where(g => g.Role is Role.NetworkAdmin or Role.InvolvementLead && g.NetworkId is not null)
            .Select(g => g.NetworkId!.Value).ToList();
        var ownUnits = caller.Grants.Where(g => g.Role == Role.UnitMember).SelectMany(g => g.UnitIds).ToList();
        var readerNetworks = caller.Grants.Where(g => g.NetworkId is not null).Select(g => g.NetworkId!.Value).ToList();
        var collaboratives = caller.Grants.Where(g => g.Role == Role.Analyst && g.CollaborativeId is not null)
            .Select(g => g.CollaborativeId!.Value).ToList();
        return a => reviewerNetworks.Contains(a.NetworkId)
                    || ownUnits.Contains(a.UnitId)
                    || (a.Status == AssessmentStatus.Submitted
                        && (readerNetworks.Contains(a.NetworkId)
                            || db.Units.Any(u => u.Id == a.UnitId && u.CollaborativeId != null && collaboratives.Contains(u.CollaborativeId.Value))));
    }

    /// <summary>Unit members edit their own units' drafts; nobody else edits ratings.</summary>
    public static bool MayEdit(Caller caller, Assessment assessment) =>
        caller.Grants.Any(g => g.Role == Role.UnitMember && g.UnitIds.Contains(assessment.UnitId));

    public static bool MayReturn(Caller caller, Assessment assessment) =>
        caller.Grants.Any(g => g.Role == Role.InvolvementLead && g.CoversNetwork(assessment.NetworkId));

    public static bool MayReopen(Caller caller, Assessment assessment) => caller.AdministersNetwork(assessment.NetworkId);

    /// <summary>Unit members of the unit, and the network's leads and administrators, see evidence that is not shared.</summary>
    public static bool SeesUnsharedEvidence(Caller caller, Assessment assessment) =>
        caller.IsNationalAdmin
        || MayEdit(caller, assessment)
        || caller.Grants.Any(g => g.Role is Role.NetworkAdmin or Role.InvolvementLead && g.CoversNetwork(assessment.NetworkId));

    /// <summary>Those who see all of it — the unit and its network's reviewers — may comment; analysts never write.</summary>
    public static bool MayComment(Caller caller, Assessment assessment) => SeesUnsharedEvidence(caller, assessment);
}
