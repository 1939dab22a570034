using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Progress;

/// <summary>A sustained improvement: the series' latest values form a run above its centre line.</summary>
/// <param name="Start">Position of the run's first value in the series.</param>
/// <param name="Before">Mean of the present values before the run (the level it improved from).</param>
/// <param name="After">Mean of the run's values (the level it holds now).</param>
public sealed record SustainedShift(int Start, decimal Before, decimal After)
{
    /// <summary>After − Before.</summary>
    public decimal Change => After - Before;
}

/// <summary>The rule that tells a real improvement from noise (ADR 0035).</summary>
public static class ProgressFigures
{
    /// <summary>
    /// The series' sustained improvement, or null. Higher is better.
    /// </summary>
    /// <remarks>
    /// A series has improved when its latest present value belongs to a Making Data Count shift upwards: a run of
    /// <see cref="SpcRules.RunLength"/> (7) or more consecutive present values above the centre line of its XmR chart
    /// (<see cref="ProcessControl.XmR"/>), with at least one present value before the run to improve from. A single
    /// good month, or ups and downs around a level, never qualify; a shift that has ended (the latest value is back
    /// at or below the centre) does not either. Before and After are exact means; round them where they are shown.
    /// </remarks>
    public static SustainedShift? SustainedImprovement(IReadOnlyList<decimal?> series, SpcRules? rules = null)
    {
        var chart = ProcessControl.XmR(series, rules: rules);
        var present = chart.Points.Where(p => p.Value is not null).ToList();
        if (present.Count == 0 || !present[^1].Signals.Contains(SpcSignal.RunAboveCentre))
        {
            return null;
        }
        var start = present.Count - 1;
        while (start > 0 && present[start - 1].Signals.Contains(SpcSignal.RunAboveCentre))
        {
            start--;
        }
        if (start == 0)
        {
            return null;
        }
        var before = present.Take(start).Average(p => p.Value!.Value);
        var after = present.Skip(start).Average(p => p.Value!.Value);
        return new SustainedShift(present[start].Index, before, after);
    }
}
