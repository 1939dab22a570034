using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Tests.Benchmarks;

public sealed class StatisticsTests
{
    [Fact]
    public void The_quartiles_of_1_2_3_4_match_PostgreSQL_percentile_cont()
    {
        // percentile_cont: h = (n − 1)p. Q1: h = 0.75 → 1 + 0.75 × 1 = 1.75; median: h = 1.5 → 2.5; Q3: h = 2.25 → 3.25.
        // (R type 6 / "exclusive" quartiles would give 1.25 and 3.75.)
        Assert.Equal(new Distribution(4, 1m, 1.75m, 2.5m, 3.25m, 4m, 2.5m), Statistics.Describe([1m, 2m, 3m, 4m]));
    }

    [Fact]
    public void The_order_of_the_values_does_not_matter()
    {
        Assert.Equal(new Distribution(4, 1m, 1.75m, 2.5m, 3.25m, 4m, 2.5m), Statistics.Describe([4m, 1m, 3m, 2m]));
    }

    [Fact]
    public void A_single_value_is_every_statistic_of_its_group()
    {
        Assert.Equal(new Distribution(1, 2.5m, 2.5m, 2.5m, 2.5m, 2.5m, 2.5m), Statistics.Describe([2.5m]));
    }

    [Fact]
    public void Duplicates_are_separate_order_statistics_and_midpoints_round_away_from_zero()
    {
        // Sorted: 1, 2.5, 3, 3, 3, 4. Q1: h = 1.25 → 2.5 + 0.25 × 0.5 = 2.625 → 2.63 (banker's rounding would give 2.62).
        // Median: h = 2.5 → 3; Q3: h = 3.75 → 3; mean 16.5 / 6 = 2.75.
        Assert.Equal(new Distribution(6, 1m, 2.63m, 3m, 3m, 4m, 2.75m), Statistics.Describe([3m, 1m, 3m, 2.5m, 4m, 3m]));
    }

    [Fact]
    public void Describe_rounds_to_two_places_only_at_the_end()
    {
        // Mean of the exact values: 3.022 / 3 = 1.0073… → 1.01. Rounding the values first (1.00, 1.00, 1.01) would give 1.00.
        var summary = Statistics.Describe([1.004m, 1.004m, 1.014m]);

        Assert.Equal(1.01m, summary.Mean);
        Assert.Equal(1.00m, summary.Median);
        Assert.Equal(1.01m, summary.Maximum);
    }

    [Fact]
    public void The_median_of_an_even_count_interpolates_between_the_middle_values()
    {
        Assert.Equal(3m, Statistics.Percentile([8m, 1m, 4m, 2m], 0.5m));
    }

    [Theory]
    // SELECT percentile_cont(p) WITHIN GROUP (ORDER BY g) FROM generate_series(1, 10) g
    [InlineData(0.0, 1.0)]
    [InlineData(0.1, 1.9)]
    [InlineData(0.25, 3.25)]
    [InlineData(0.33, 3.97)]
    [InlineData(0.9, 9.1)]
    [InlineData(1.0, 10.0)]
    public void Percentiles_match_PostgreSQL_percentile_cont(double p, double expected)
    {
        decimal[] values = [.. Enumerable.Range(1, 10).Select(i => (decimal)i)];

        Assert.Equal((decimal)expected, Statistics.Percentile(values, (decimal)p));
    }

    [Fact]
    public void A_percentile_itself_is_not_rounded()
    {
        Assert.Equal(0.005m, Statistics.Percentile([0m, 0.01m], 0.5m));
        Assert.Equal(0.01m, Statistics.Describe([0m, 0.01m]).Median);
    }

    [Fact]
    public void An_empty_group_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Statistics.Describe([]));
        Assert.Throws<ArgumentException>(() => Statistics.Percentile([], 0.5m));
        Assert.Throws<ArgumentException>(() => Statistics.PercentileRank([], 1m));
        Assert.Throws<ArgumentException>(() => Statistics.Rank([], 1m));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    public void A_percentile_outside_0_to_1_is_rejected(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.Percentile([1m, 2m], (decimal)p));
    }

    [Theory]
    // Group 1, 2, 2, 3. For 2: (1 below + 2 equal / 2) / 4 = 50 ("below only" would say 25, "at or below" 75).
    [InlineData(2.0, 50.0)]
    [InlineData(1.0, 12.5)]
    [InlineData(3.0, 87.5)]
    [InlineData(2.5, 75.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(9.0, 100.0)]
    public void A_percentile_rank_counts_the_values_below_and_half_the_values_equal(double value, double expected)
    {
        Assert.Equal((decimal)expected, Statistics.PercentileRank([1m, 2m, 2m, 3m], (decimal)value));
    }

    [Fact]
    public void A_percentile_rank_is_rounded_to_one_place_away_from_zero()
    {
        // 0.5 / 3 × 100 = 16.66… → 16.7; 0.5 / 8 × 100 = 6.25 → 6.3 (banker's rounding would give 6.2).
        Assert.Equal(16.7m, Statistics.PercentileRank([1m, 2m, 3m], 1m));
        Assert.Equal(6.3m, Statistics.PercentileRank([1m, 2m, 3m, 4m, 5m, 6m, 7m, 8m], 1m));
    }

    [Fact]
    public void Ranks_are_competition_ranks_with_ties_sharing_the_best()
    {
        decimal[] group = [7m, 9m, 8m, 8m];

        Assert.Equal(1, Statistics.Rank(group, 9m));
        Assert.Equal(2, Statistics.Rank(group, 8m));
        Assert.Equal(4, Statistics.Rank(group, 7m));
        // A value from outside the group takes the rank it would have among them.
        Assert.Equal(2, Statistics.Rank(group, 8.5m));
        Assert.Equal(5, Statistics.Rank(group, 6m));
    }
}

public sealed class ProcessControlTests
{
    [Fact]
    public void An_XmR_chart_has_the_mean_as_centre_and_limits_at_2_66_average_moving_ranges()
    {
        // Values 2.0, 2.4, 2.2, 2.6, 2.3: centre = 11.5 / 5 = 2.3.
        // Moving ranges 0.4, 0.2, 0.4, 0.3: average = 1.3 / 4 = 0.325 (dividing by 5 values would give 0.26).
        // Limits = 2.3 ± 2.66 × 0.325 = 2.3 ± 0.8645 → 3.1645 and 1.4355 (3 / 1.128 = 2.6596… would not be exact).
        var chart = ProcessControl.XmR([2.0m, 2.4m, 2.2m, 2.6m, 2.3m]);

        Assert.Equal(2.3m, chart.Centre);
        Assert.Equal(0.325m, chart.AverageMovingRange);
        Assert.Equal(3.1645m, chart.UpperProcessLimit);
        Assert.Equal(1.4355m, chart.LowerProcessLimit);
        Assert.Equal(5, chart.PointsUsed);
        Assert.Equal([null, 0.4m, 0.2m, 0.4m, 0.3m], chart.Points.Select(p => p.MovingRange));
        Assert.Equal([0, 1, 2, 3, 4], chart.Points.Select(p => p.Index));
        Assert.All(chart.Points, p => Assert.Empty(p.Signals));
    }

    [Fact]
    public void A_point_beyond_the_upper_limit_is_flagged_alone()
    {
        // 2.4, 2.6 alternating ten times, then 4.0: centre 54 / 21 = 2.5714…;
        // moving ranges 19 × 0.2 + 1.4 = 5.2 over 20 = 0.26; UPL = 2.5714 + 0.6916 = 3.2630.
        var chart = ProcessControl.XmR([.. Alternating(2.4m, 2.6m, 20), 4.0m]);

        Assert.Equal([20], Flagged(chart, SpcSignal.AboveUpperLimit));
        Assert.All(chart.Points.Take(20), p => Assert.Empty(p.Signals));
    }

    [Fact]
    public void A_point_beyond_the_lower_limit_is_flagged_alone()
    {
        // 2.4, 2.6 alternating ten times, then 1.0: centre 51 / 21 = 2.4286;
        // moving ranges 19 × 0.2 + 1.6 = 5.4 over 20 = 0.27; LPL = 2.4286 − 0.7182 = 1.7104.
        var chart = ProcessControl.XmR([.. Alternating(2.4m, 2.6m, 20), 1.0m]);

        Assert.Equal([20], Flagged(chart, SpcSignal.BelowLowerLimit));
        Assert.Empty(Flagged(chart, SpcSignal.AboveUpperLimit));
    }

    [Fact]
    public void A_point_exactly_on_a_limit_is_not_beyond_it()
    {
        // A flat series has no moving range, so both limits sit on the centre line, under every value.
        var flat = ProcessControl.XmR([2m, 2m, 2m, 2m]);
        // A top score on a limit clamped to the top of the scale.
        var top = ProcessControl.XmR([0.5m, 3.5m, 0.5m, 3.5m, 4m], floor: 0m, ceiling: 4m);

        Assert.Equal(2m, flat.UpperProcessLimit);
        Assert.Equal(2m, flat.LowerProcessLimit);
        Assert.All(flat.Points, p => Assert.Empty(p.Signals));
        Assert.Equal(4m, top.UpperProcessLimit);
        Assert.Empty(Flagged(top, SpcSignal.AboveUpperLimit));
    }

    [Fact]
    public void Every_point_of_a_run_of_exactly_seven_above_the_centre_is_flagged()
    {
        // Centre 31 / 13 = 2.38: the seven 3s at 1–7 are a run; the later 3s stand alone.
        var chart = ProcessControl.XmR([1m, 3m, 3m, 3m, 3m, 3m, 3m, 3m, 1m, 3m, 1m, 3m, 1m]);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], Flagged(chart, SpcSignal.RunAboveCentre));
        Assert.Empty(Flagged(chart, SpcSignal.RunBelowCentre));
    }

    [Fact]
    public void Every_point_of_a_run_of_seven_below_the_centre_is_flagged()
    {
        // Centre 21 / 13 = 1.62.
        var chart = ProcessControl.XmR([3m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 3m, 1m, 3m, 1m, 3m]);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], Flagged(chart, SpcSignal.RunBelowCentre));
        Assert.Empty(Flagged(chart, SpcSignal.RunAboveCentre));
    }

    [Fact]
    public void A_run_of_six_is_not_a_signal()
    {
        var chart = ProcessControl.XmR([1m, 3m, 3m, 3m, 3m, 3m, 3m, 1m, 3m, 1m, 3m, 1m]);

        Assert.Empty(Flagged(chart, SpcSignal.RunAboveCentre));
        Assert.Empty(Flagged(chart, SpcSignal.RunBelowCentre));
    }

    [Fact]
    public void A_value_on_the_centre_line_breaks_a_run()
    {
        // Sum 24 over 12 values: centre exactly 2. Seven 3s surround the 2 on the centre line, split 4 + 3.
        var chart = ProcessControl.XmR([3m, 3m, 3m, 3m, 2m, 3m, 3m, 3m, 0m, 1m, 0m, 0m]);

        Assert.Equal(2m, chart.Centre);
        Assert.Empty(Flagged(chart, SpcSignal.RunAboveCentre));
    }

    [Fact]
    public void Every_point_of_a_trend_of_seven_rising_values_is_flagged()
    {
        // 1.0 … 1.6 at indices 1–7: seven points, six rises. The fall from 2.0 before and to 1.2 after are not part of it.
        var chart = ProcessControl.XmR([2.0m, 1.0m, 1.1m, 1.2m, 1.3m, 1.4m, 1.5m, 1.6m, 1.2m]);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], Flagged(chart, SpcSignal.TrendUp));
        Assert.Empty(Flagged(chart, SpcSignal.TrendDown));
    }

    [Fact]
    public void Every_point_of_a_trend_of_seven_falling_values_is_flagged()
    {
        var chart = ProcessControl.XmR([1.6m, 1.5m, 1.4m, 1.3m, 1.2m, 1.1m, 1.0m]);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6], Flagged(chart, SpcSignal.TrendDown));
        Assert.Empty(Flagged(chart, SpcSignal.TrendUp));
    }

    [Fact]
    public void Six_rising_values_are_not_a_trend()
    {
        var chart = ProcessControl.XmR([2.0m, 1.0m, 1.1m, 1.2m, 1.3m, 1.4m, 1.5m, 1.2m]);

        Assert.Empty(Flagged(chart, SpcSignal.TrendUp));
    }

    [Fact]
    public void An_equal_value_breaks_a_trend()
    {
        // Eight values never falling, but the repeated 1.2 splits them into rises of 3 and 5 points.
        var chart = ProcessControl.XmR([1.0m, 1.1m, 1.2m, 1.2m, 1.3m, 1.4m, 1.5m, 1.6m]);

        Assert.Empty(Flagged(chart, SpcSignal.TrendUp));
    }

    [Fact]
    public void A_missing_month_is_skipped_with_no_value_no_moving_range_and_no_signals()
    {
        // The known series with two gaps: the same centre, average moving range and limits as without them.
        var chart = ProcessControl.XmR([2.0m, null, 2.4m, 2.2m, null, 2.6m, 2.3m]);

        Assert.Equal(2.3m, chart.Centre);
        Assert.Equal(0.325m, chart.AverageMovingRange);
        Assert.Equal(3.1645m, chart.UpperProcessLimit);
        Assert.Equal(5, chart.PointsUsed);
        Assert.Equal(7, chart.Points.Count);
        Assert.Equal([null, null, 0.4m, 0.2m, null, 0.4m, 0.3m], chart.Points.Select(p => p.MovingRange));
        Assert.Null(chart.Points[1].Value);
        Assert.Empty(chart.Points[4].Signals);
    }

    [Fact]
    public void A_missing_month_breaks_neither_a_run_nor_a_trend()
    {
        var run = ProcessControl.XmR([1m, 3m, 3m, 3m, null, null, 3m, 3m, 3m, 3m, 1m, 3m, 1m, 3m, 1m]);
        var trend = ProcessControl.XmR([1.0m, 1.1m, 1.2m, null, 1.3m, 1.4m, 1.5m, 1.6m]);

        Assert.Equal([1, 2, 3, 6, 7, 8, 9], Flagged(run, SpcSignal.RunAboveCentre));
        Assert.Equal([0, 1, 2, 4, 5, 6, 7], Flagged(trend, SpcSignal.TrendUp));
    }

    [Fact]
    public void Limits_are_clamped_to_the_scale_only_when_bounds_are_given()
    {
        // Centre 2, average moving range 3: raw limits 2 ± 7.98 → −5.98 and 9.98.
        decimal?[] series = [0.5m, 3.5m, 0.5m, 3.5m];

        var raw = ProcessControl.XmR(series);
        var clamped = ProcessControl.XmR(series, floor: 0m, ceiling: 4m);
        var inside = ProcessControl.XmR([2.0m, 2.4m, 2.2m, 2.6m, 2.3m], floor: 0m, ceiling: 4m);

        Assert.Equal(9.98m, raw.UpperProcessLimit);
        Assert.Equal(-5.98m, raw.LowerProcessLimit);
        Assert.Equal(4m, clamped.UpperProcessLimit);
        Assert.Equal(0m, clamped.LowerProcessLimit);
        Assert.Equal(3.1645m, inside.UpperProcessLimit);
        Assert.Equal(1.4355m, inside.LowerProcessLimit);
    }

    [Fact]
    public void Fewer_than_two_values_give_a_centre_but_no_limits_or_signals()
    {
        var one = ProcessControl.XmR([null, 2.5m, null]);
        var none = ProcessControl.XmR([null, null]);

        Assert.Equal(2.5m, one.Centre);
        Assert.Null(one.UpperProcessLimit);
        Assert.Null(one.LowerProcessLimit);
        Assert.Null(one.AverageMovingRange);
        Assert.Equal(1, one.PointsUsed);
        Assert.Equal(3, one.Points.Count);
        Assert.All(one.Points, p => Assert.Empty(p.Signals));
        Assert.Null(none.Centre);
        Assert.Equal(0, none.PointsUsed);
    }

    private static IEnumerable<decimal?> Alternating(decimal first, decimal second, int count) =>
        Enumerable.Range(0, count).Select(i => (decimal?)(i % 2 == 0 ? first : second));

    private static int[] Flagged(SpcChart chart, SpcSignal signal) =>
        [.. chart.Points.Where(p => p.Signals.Contains(signal)).Select(p => p.Index)];
}

public sealed class AgreementTests
{
    [Fact]
    public void Perfect_agreement_has_a_kappa_of_one()
    {
        var result = Agreement.Measure([(0, 0), (1, 1), (4, 4), (2, 2)], 0, 4);

        Assert.Equal(new AgreementResult(4, 1m, 1m), result);
    }

    [Fact]
    public void Kappa_uses_quadratic_weights_as_in_the_worked_example()
    {
        // Scale 1–3 (k = 3), ten pairs; rows staff, columns service user:
        //            1  2  3 | row
        //        1   3  1  0 |  4
        //        2   1  2  1 |  4
        //        3   0  0  2 |  2
        //      col   4  3  3 | 10
        // Weights w = 1 − ((i − j) / 2)²: 1 on the diagonal, 0.75 one step off, 0 two steps off.
        // Observed  Po = (3 + 2 + 2 + 0.75 × (1 + 1 + 1 + 0)) / 10 = 9.25 / 10 = 0.925.
        // Expected  Pe = Σ w r c / 100 = (4·4 + 4·3 + 2·3 + 0.75 × (4·3 + 4·4 + 4·3 + 2·3)) / 100 = (34 + 34.5) / 100 = 0.685.
        // Kappa = (0.925 − 0.685) / (1 − 0.685) = 0.24 / 0.315 = 16/21 = 0.7619 → 0.762.
        // (Linear weights would give 0.651, no weights 0.545.) Exact agreement 7 / 10 = 0.700.
        var result = Agreement.Measure(WorkedExample, 1, 3);

        Assert.Equal(new AgreementResult(10, 0.7m, 0.762m), result);
    }

    [Fact]
    public void Quadratic_kappa_does_not_depend_on_the_width_of_the_scale()
    {
        // On 0–4 the weights become 1, 0.9375, 0.75: Po = 0.98125, Pe = 0.92125, kappa = 0.06 / 0.07875 = 16/21 again.
        Assert.Equal(0.762m, Agreement.Measure(WorkedExample, 0, 4).WeightedKappa);
    }

    [Fact]
    public void Kappa_is_null_when_every_rating_is_the_same()
    {
        // Expected agreement is 1: nothing varies, so kappa is 0 / 0.
        var result = Agreement.Measure([(2, 2), (2, 2), (2, 2)], 0, 4);

        Assert.Equal(new AgreementResult(3, 1m, null), result);
    }

    [Fact]
    public void Raters_who_each_never_vary_but_differ_agree_no_better_than_chance()
    {
        // Po = Pe = w(2, 3) = 0.9375 < 1, so kappa is 0, not null.
        var result = Agreement.Measure([(2, 3), (2, 3)], 0, 4);

        Assert.Equal(new AgreementResult(2, 0m, 0m), result);
    }

    [Fact]
    public void The_exact_agreement_share_is_rounded_to_three_places()
    {
        // 1 of 3 identical = 0.333…; 1 of 8 = 0.125 exactly.
        Assert.Equal(0.333m, Agreement.Measure([(1, 1), (1, 2), (3, 2)], 0, 4).ExactAgreement);
        Assert.Equal(0.125m, Agreement.Measure([(1, 1), .. Enumerable.Repeat((0, 4), 7)], 0, 4).ExactAgreement);
    }

    [Fact]
    public void No_pairs_give_no_agreement_figures()
    {
        Assert.Equal(new AgreementResult(0, null, null), Agreement.Measure([], 0, 4));
    }

    [Fact]
    public void Ratings_off_the_scale_and_scales_of_one_point_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Agreement.Measure([(1, 5)], 0, 4));
        Assert.Throws<ArgumentException>(() => Agreement.Measure([(1, 1)], 2, 2));
    }

    private static readonly (int Staff, int ServiceUser)[] WorkedExample =
    [
        (1, 1), (1, 1), (1, 1), (1, 2),
        (2, 1), (2, 2), (2, 2), (2, 3),
        (3, 3), (3, 3),
    ];
}
