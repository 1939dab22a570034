using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Actions;

/// <summary>What the progress of a priority needs to know of a linked action: when it was opened, closed, achieved and slipped (months).</summary>
public readonly record struct LinkedActionHistory(DateOnly CreatedMonth, DateOnly? ClosedMonth, DateOnly? AchievedMonth, DateOnly? SlippedMonth);

/// <summary>
/// A priority's progress month by month, pure: units below target and the network median, through the one disclosure
/// rule (ADR 0009), and the linked actions open and achieved at each month's end.
/// </summary>
public static class PriorityProgress
{
    public const string HiddenUnitsReason = "Withheld: the figure would include units whose results you may not see.";

    public static IReadOnlyList<PriorityMonth> Compute(DateOnly from, DateOnly to, decimal target, IReadOnlyList<(DateOnly Month, Contributor Unit)> values,
        IReadOnlyList<LinkedActionHistory> actions, Viewer viewer, int minimum)
    {
        var byMonth = values.ToLookup(v => v.Month, v => v.Unit);
        var months = new List<PriorityMonth>();
        for (var month = from; month <= to; month = month.AddMonths(1))
        {
            var group = byMonth[month].ToList();
            var (below, median, reason) = Figures(group, target, viewer, minimum);
            var achieved = actions.Count(a => IsAchieved(a, month));
            var open = actions.Count(a => a.CreatedMonth <= month && !(a.ClosedMonth <= month) && !IsAchieved(a, month));
            months.Add(new PriorityMonth(Assessments.Months.Format(month), group.Count, below, median, reason, open, achieved));
        }
        return months;
    }

    /// <summary>
    /// A count below target and a median single out nobody only when every unit in them is one the caller can already read
    /// (else nothing is shown: a priority is a network's, read by its own members) and at least the minimum group reported.
    /// </summary>
    private static (int? Below, decimal? Median, string? Reason) Figures(List<Contributor> group, decimal target, Viewer viewer, int minimum)
    {
        if (group.Count == 0)
        {
            return (null, null, null);
        }
        if (Disclosure.Hidden(group, viewer) > 0)
        {
            return (null, null, HiddenUnitsReason);
        }
        if (group.Count < minimum)
        {
            return (null, null, Disclosure.TooFewReason(minimum));
        }
        var values = group.Select(c => c.Value).ToList();
        return (values.Count(v => v < target), Statistics.Describe(values).Median, null);
    }

    private static bool IsAchieved(LinkedActionHistory a, DateOnly month) => a.AchievedMonth <= month && !(a.SlippedMonth <= month);
}
