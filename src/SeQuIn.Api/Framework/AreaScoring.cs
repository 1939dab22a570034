namespace SeQuIn.Api.Framework;

/// <summary>An area's score under a version's declared rule.</summary>
/// <param name="Mean">Mean of the applicable standards' values; null when none is applicable.</param>
/// <param name="Percentage">The mean as a percentage of the scale maximum, 0 to 100.</param>
/// <param name="ApplicableStandards">How many standards counted.</param>
public sealed record AreaScore(decimal? Mean, decimal? Percentage, int ApplicableStandards);

/// <summary>Scores an area from its standard ratings. Pure: no I/O, no framework types.</summary>
public static class AreaScoring
{
    /// <param name="ratings">One entry per rated standard; null means "not applicable".</param>
    public static AreaScore Score(ScoringRule rule, IEnumerable<int?> ratings, int scaleMinimum, int scaleMaximum)
    {
        if (scaleMaximum <= scaleMinimum)
        {
            throw new ArgumentOutOfRangeException(nameof(scaleMaximum), "The scale needs at least two points.");
        }
        return rule switch
        {
            ScoringRule.MeanOfApplicable => MeanOfApplicable(ratings, scaleMinimum, scaleMaximum),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown scoring rule."),
        };
    }

    private static AreaScore MeanOfApplicable(IEnumerable<int?> ratings, int minimum, int maximum)
    {
        var applicable = ratings.Where(r => r.HasValue).Select(r => r!.Value).ToList();
        if (applicable.Any(v => v < minimum || v > maximum))
        {
            throw new ArgumentOutOfRangeException(nameof(ratings), "A rating lies outside the scale.");
        }
        if (applicable.Count == 0)
        {
            return new AreaScore(null, null, 0);
        }
        var mean = (decimal)applicable.Sum() / applicable.Count;
        var percentage = (mean - minimum) / (maximum - minimum) * 100m;
        return new AreaScore(Math.Round(mean, 2, MidpointRounding.AwayFromZero), Math.Round(percentage, 1, MidpointRounding.AwayFromZero), applicable.Count);
    }
}
