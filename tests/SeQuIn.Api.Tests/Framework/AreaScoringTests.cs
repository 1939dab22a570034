using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Tests.Framework;

public sealed class AreaScoringTests
{
    [Fact]
    public void The_area_score_is_the_mean_of_the_applicable_standards_and_its_percentage_of_the_maximum()
    {
        var score = AreaScoring.Score(ScoringRule.MeanOfApplicable, [4, 3, 3, 2, null, 4, 4, 3, 2, 1], 0, 4);

        Assert.Equal(9, score.ApplicableStandards);
        Assert.Equal(2.89m, score.Mean);
        Assert.Equal(72.2m, score.Percentage);
    }

    [Fact]
    public void Not_applicable_standards_are_left_out_rather_than_counted_as_zero()
    {
        var withNotApplicable = AreaScoring.Score(ScoringRule.MeanOfApplicable, [4, null, null], 0, 4);

        Assert.Equal((4m, 100m, 1), (withNotApplicable.Mean, withNotApplicable.Percentage, withNotApplicable.ApplicableStandards));
    }

    [Fact]
    public void An_area_with_nothing_applicable_has_no_score()
    {
        Assert.Equal(new AreaScore(null, null, 0), AreaScoring.Score(ScoringRule.MeanOfApplicable, [null, null], 0, 4));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    public void A_rating_outside_the_scale_is_refused(int rating)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AreaScoring.Score(ScoringRule.MeanOfApplicable, [rating], 0, 4));
    }

    [Fact]
    public void The_percentage_is_measured_from_the_bottom_of_the_scale()
    {
        Assert.Equal(50m, AreaScoring.Score(ScoringRule.MeanOfApplicable, [2], 1, 3).Percentage);
    }
}
