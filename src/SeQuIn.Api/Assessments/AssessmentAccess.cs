using System.Linq.Expressions;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Assessments;

/// <summary>
/// Who sees and who changes an assessment, as <see cref="Scope"/> rules it. Drafts are private to the unit (its
/// members) and to its network's leads and administrators; submitted assessments are read across the network, and by
/// analysts within their scope. Evidence not marked shareable is seen only by the unit, its network's leads and its
/// administrators.
/// </summary>
public static class AssessmentAccess
{
    public static Expression<Func<Assessment, bool>> Visible(Caller caller, SeQuInDbContext db)
    {
        var scope = caller.Scope;
        if (scope.ReviewedNetworks.All)
        {
            return a => true;
        }
        var reviewerNetworks = scope.ReviewedNetworks.Ids;
        var ownUnits = scope.MemberUnits.Ids;
        var readerNetworks = scope.ResultNetworks.Ids;
        var collaboratives = scope.ResultCollaboratives.Ids;
        return a => reviewerNetworks.Contains(a.NetworkId)
                    || ownUnits.Contains(a.UnitId)
                    || (a.Status == AssessmentStatus.Submitted
                        && (readerNetworks.Contains(a.NetworkId)
                            || db.Units.Any(u => u.Id == a.UnitId && u.CollaborativeId != null && collaboratives.Contains(u.CollaborativeId.Value))));
    }

    /// <summary>Unit members edit their own units' drafts; nobody else edits ratings.</summary>
    public static bool MayEdit(Caller caller, Assessment assessment) => caller.Scope.EditsAssessmentsOf(Place(assessment));

    public static bool MayReturn(Caller caller, Assessment assessment) => caller.Scope.ReturnsSubmissionsOf(Place(assessment));

    public static bool MayReopen(Caller caller, Assessment assessment) => caller.Scope.ReopensSubmissionsOf(Place(assessment));

    /// <summary>Unit members of the unit, and the network's leads and administrators, see evidence that is not shared.</summary>
    public static bool SeesUnsharedEvidence(Caller caller, Assessment assessment) => caller.Scope.SeesDraftsOf(Place(assessment));

    /// <summary>Those who see all of it — the unit and its network's reviewers — may comment; analysts never write.</summary>
    public static bool MayComment(Caller caller, Assessment assessment) => caller.Scope.CommentsOn(Place(assessment));

    /// <summary>
    /// Where the assessment's unit belongs, for the rules above; they do not depend on its collaborative, which the
    /// assessment does not carry (visibility through a collaborative is decided in <see cref="Visible"/>).
    /// </summary>
    private static UnitPlace Place(Assessment assessment) => new(assessment.UnitId, assessment.NetworkId, null);
}
