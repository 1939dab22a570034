using CsCheck;
using SeQuIn.Api.Progress;

namespace SeQuIn.Api.Tests.Progress;

public sealed class ProgressFiguresTests
{
    [Fact]
    public void Seven_months_above_the_centre_after_a_lower_level_are_a_sustained_improvement()
    {
        var shift = ProgressFigures.SustainedImprovement([2m, 2.2m, 2m, null, 2.2m, 3m, 3.2m, 3m, 3.2m, 3m, 3.2m, 3m]);

        Assert.NotNull(shift);
        Assert.Equal((5, 2.1m, 3.09m), (shift.Start, shift.Before, Math.Round(shift.After, 2)));
    }

    [Fact]
    public void One_good_month_a_shift_that_ended_or_a_series_that_was_always_high_are_not()
    {
        Assert.Null(ProgressFigures.SustainedImprovement([2m, 2m, 2m, 2m, 2m, 2m, 2m, 4m]));
        Assert.Null(ProgressFigures.SustainedImprovement([2m, 2m, 3m, 3m, 3m, 3m, 3m, 3m, 3m, 2m]));
        Assert.Null(ProgressFigures.SustainedImprovement([3m, 3m, 3m, 3m, 3m, 3m, 3m]));
        Assert.Null(ProgressFigures.SustainedImprovement([]));
    }

    [Fact]
    public void An_improvement_is_always_upwards_and_starts_after_its_baseline()
    {
        Gen.Int[0, 40].Select(v => v % 7 == 0 ? (decimal?)null : v / 10m).Array[0, 30].Sample(series =>
        {
            if (ProgressFigures.SustainedImprovement(series) is { } shift)
            {
                Assert.True(shift.Change > 0);
                Assert.Contains(series.Take(shift.Start), v => v is not null);
                Assert.True(series.Skip(shift.Start).Count(v => v is not null) >= 7);
            }
        });
    }
}
