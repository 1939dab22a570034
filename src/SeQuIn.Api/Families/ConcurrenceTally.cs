using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Families;

/// <summary>How many responses of one kind and state a unit's month and area received.</summary>
public readonly record struct FamilyCount(Guid UnitId, DateOnly Month, string AreaCode, FamilyVerdict Verdict, FamilyResponseStatus Status, int Count);

/// <summary>
/// Turns counts into concurrence rows: approved responses are counted by verdict, pending ones apart (awaiting
/// moderation), rejected ones nowhere. Pure: no ASP.NET, no EF.
/// </summary>
public static class ConcurrenceTally
{
    /// <summary>One row per month and area that has any response not rejected, by month then area.</summary>
    public static List<ConcurrenceRow> Rows(IEnumerable<FamilyCount> counts) =>
        counts.Where(c => c.Status != FamilyResponseStatus.Rejected)
            .GroupBy(c => (c.Month, c.AreaCode))
            .OrderBy(g => g.Key.Month).ThenBy(g => g.Key.AreaCode, StringComparer.Ordinal)
            .Select(g => Row(g.Key.Month, g.Key.AreaCode, g.ToList()))
            .ToList();

    private static ConcurrenceRow Row(DateOnly month, string areaCode, List<FamilyCount> counts)
    {
        int Approved(FamilyVerdict verdict) =>
            counts.Where(c => c.Status == FamilyResponseStatus.Approved && c.Verdict == verdict).Sum(c => c.Count);
        var concur = Approved(FamilyVerdict.Concur);
        var partly = Approved(FamilyVerdict.Partly);
        var disagree = Approved(FamilyVerdict.Disagree);
        var responses = concur + partly + disagree;
        return new ConcurrenceRow(Months.Format(month), areaCode, responses, concur, partly, disagree,
            responses == 0 ? null : Math.Round((double)concur / responses, 4),
            counts.Where(c => c.Status == FamilyResponseStatus.Pending).Sum(c => c.Count));
    }
}
