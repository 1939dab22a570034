namespace SeQuIn.Api.Buddying;

/// <summary>A unit's rating of a standard (or its mean over an area) in one submitted month.</summary>
public readonly record struct MonthRating(DateOnly Month, decimal Value);

/// <summary>How consistently a unit rated something high over a window of months.</summary>
/// <param name="MonthsHigh">Months of the window in which the rating was at or above the high point.</param>
/// <param name="MonthsRated">Months of the window with a submitted rating at all.</param>
/// <param name="Mean">The mean rating over the rated months of the window, to two places.</param>
/// <param name="LatestHigh">The latest month of the window rated high.</param>
public sealed record Consistency(int MonthsHigh, int MonthsRated, decimal Mean, DateOnly LatestHigh);

/// <summary>A unit's rating before and after a pairing started.</summary>
/// <param name="Before">Mean over the rated months of the window before the started month; null when none was rated.</param>
/// <param name="After">Mean over the rated months of the window after the started month; null when none was rated yet.</param>
/// <param name="Improved">Whether after is above before; null while either is missing.</param>
public sealed record BeforeAndAfter(DateOnly BeforeFrom, DateOnly BeforeTo, decimal? Before, int MonthsRatedBefore,
    DateOnly AfterFrom, DateOnly AfterTo, decimal? After, int MonthsRatedAfter, bool? Improved);

/// <summary>
/// The rules of buddying (ADR 0036), pure: who counts as rating something high for a sustained period, how
/// candidates are ranked, who may be paired with whom, and what "came before improvement" means.
/// </summary>
public static class Buddies
{
    /// <summary>Default window of a suggestion: the last 6 months up to the month asked about.</summary>
    public const int DefaultMonths = 6;
    /// <summary>Default number of those months that must be rated high.</summary>
    public const int DefaultAtLeast = 4;
    /// <summary>Default high point: 3, "Established" on the shipped scale (the standard is met).</summary>
    public const int DefaultHighAt = 3;
    public const int MaxMonths = 36;
    /// <summary>Months compared before and after a pairing's started month (which itself is in neither).</summary>
    public const int BeforeAfterWindow = 3;

    /// <summary>
    /// The unit's consistency over the <paramref name="months"/> months ending with <paramref name="month"/>, or null
    /// when fewer than <paramref name="atLeast"/> of them were rated at or above <paramref name="highAt"/>. A month
    /// without a submission counts as not high. Several ratings in one month count once, by the highest.
    /// </summary>
    public static Consistency? Sustained(IEnumerable<MonthRating> ratings, DateOnly month, int months, int atLeast, decimal highAt)
    {
        var from = month.AddMonths(-(months - 1));
        var inWindow = PerMonth(ratings.Where(r => r.Month >= from && r.Month <= month));
        var high = inWindow.Where(r => r.Value >= highAt).ToList();
        if (high.Count < atLeast || high.Count == 0)
        {
            return null;
        }
        return new Consistency(high.Count, inWindow.Count, Mean(inWindow)!.Value, high.Max(r => r.Month));
    }

    /// <summary>
    /// Ranked by consistency: more months rated high first; then more months rated at all; then the higher mean;
    /// then the more recent high month; then the unit's code (ordinal), so that the order never depends on the database.
    /// </summary>
    public static IReadOnlyList<T> Rank<T>(IEnumerable<T> candidates, Func<T, Consistency> consistency, Func<T, string> code) =>
        candidates.OrderByDescending(c => consistency(c).MonthsHigh)
            .ThenByDescending(c => consistency(c).MonthsRated)
            .ThenByDescending(c => consistency(c).Mean)
            .ThenByDescending(c => consistency(c).LatestHigh)
            .ThenBy(code, StringComparer.Ordinal)
            .ToList();

    /// <summary>A unit of the same network always; one of another network only when both networks offer buddies nationally.</summary>
    public static bool MayPair(Guid unitNetwork, bool unitOffersNationally, Guid buddyNetwork, bool buddyOffersNationally) =>
        unitNetwork == buddyNetwork || (unitOffersNationally && buddyOffersNationally);

    /// <summary>
    /// The unit's rating in the <paramref name="window"/> months before the started month against the same number of
    /// months after it. The started month is in neither: a pairing starts during it.
    /// </summary>
    public static BeforeAndAfter Compare(IEnumerable<MonthRating> ratings, DateOnly started, int window = BeforeAfterWindow)
    {
        var all = PerMonth(ratings);
        var (beforeFrom, beforeTo, afterFrom, afterTo) = (started.AddMonths(-window), started.AddMonths(-1), started.AddMonths(1), started.AddMonths(window));
        var before = all.Where(r => r.Month >= beforeFrom && r.Month <= beforeTo).ToList();
        var after = all.Where(r => r.Month >= afterFrom && r.Month <= afterTo).ToList();
        var (b, a) = (Mean(before), Mean(after));
        return new BeforeAndAfter(beforeFrom, beforeTo, b, before.Count, afterFrom, afterTo, a, after.Count,
            b is null || a is null ? null : a > b);
    }

    private static List<MonthRating> PerMonth(IEnumerable<MonthRating> ratings) =>
        ratings.GroupBy(r => r.Month).Select(g => new MonthRating(g.Key, g.Max(r => r.Value))).OrderBy(r => r.Month).ToList();

    private static decimal? Mean(IReadOnlyCollection<MonthRating> ratings) =>
        ratings.Count == 0 ? null : Math.Round(ratings.Average(r => r.Value), 2, MidpointRounding.AwayFromZero);
}
