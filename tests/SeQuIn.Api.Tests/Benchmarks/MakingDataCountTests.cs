using CsCheck;
using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Tests.Benchmarks;

/// <summary>
/// The four Making Data Count rules, the verdicts and rebasing, on the worked examples published with the method's
/// reference implementations, then on invariants.
/// </summary>
public sealed class MakingDataCountTests
{
    private static decimal?[] Series(params decimal[] values) => values.Select(v => (decimal?)v).ToArray();

    private static int[] Marked(SpcChart chart, SpcSignal signal) =>
        chart.Points.Where(p => p.Signals.Contains(signal)).Select(p => p.Index).ToArray();

    [Fact]
    public void The_NHS_England_SPC_tool_demonstration_flags_only_the_point_below_the_lower_limit()
    {
        // The series NHS England's SPC tool demonstrates (https://www.england.nhs.uk/statistical-process-control-tool/),
        // as nhspy-plotthedots reproduces it in tests/unittests/test_pandas_spc_x_calc.py: mean 76.67, limits 57 and 96,
        // only the 12th point (54) is special cause, nothing is close to a limit.
        var chart = ProcessControl.XmR(Series(89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86));

        Assert.Equal(76.67m, Math.Round(chart.Centre!.Value, 2));
        Assert.Equal((57m, 96m), (Math.Round(chart.LowerProcessLimit!.Value), Math.Round(chart.UpperProcessLimit!.Value)));
        Assert.Equal([11], chart.Points.Where(p => p.Signals.Count > 0).Select(p => p.Index));
        Assert.Equal([SpcSignal.BelowLowerLimit], chart.Points[11].Signals);
    }

    [Fact]
    public void The_demonstration_ends_in_common_cause_so_its_variation_is_common_cause()
    {
        var analysis = ProcessControl.Analyse(Series(89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86), []);

        Assert.Equal(SpcVariation.CommonCause, analysis.Variation);
    }

    [Fact]
    public void Two_points_close_to_opposite_limits_are_not_two_of_three()
    {
        // NHSRplotthedots, tests/testthat/test-ptd_spc_standard.R, "it only reports special cause for 2 of 3 points close to
        // limits when they are on the same side of the mean": 1, −1 alternating for 16 points, the 15th 5.5 and the 16th
        // −5.5 — both are close to a limit (beyond 2 sigma, 5.14) but on opposite sides: both common cause.
        var values = Enumerable.Range(0, 16).Select(i => i % 2 == 0 ? 1m : -1m).ToArray();
        values[14] = 5.5m;
        values[15] = -5.5m;

        var chart = ProcessControl.XmR(Series(values));

        Assert.All(chart.Points, p => Assert.Empty(p.Signals));
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 3, 4, 5, 6 }, new int[0])]                    // an equal value breaks the trend
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7 }, new[] { 0, 1, 2, 3, 4, 5, 6 })]
    [InlineData(new[] { 2, 1, 2, 3, 4, 5, 6, 7, 3 }, new[] { 1, 2, 3, 4, 5, 6, 7 })]
    public void A_trend_up_is_seven_points_each_above_the_one_before_as_plot_the_dots_tests_it(int[] values, int[] trend)
    {
        // NHSRplotthedots, tests/testthat/test-ptd_calculate_point_type.R, "ptd_seven_point_trend works as expected"
        // (with ptd_part_of_seven_trend: every point of the seven is part of the trend).
        var chart = ProcessControl.XmR(Series(values.Select(v => (decimal)v).ToArray()));

        Assert.Equal(trend, Marked(chart, SpcSignal.TrendUp));
        Assert.Empty(Marked(chart, SpcSignal.TrendDown));
    }

    [Theory]
    [InlineData(new[] { 7, 6, 5, 4, 3, 2, 1 }, new[] { 0, 1, 2, 3, 4, 5, 6 })]
    [InlineData(new[] { 2, 7, 6, 5, 4, 3, 2, 1, 3 }, new[] { 1, 2, 3, 4, 5, 6, 7 })]
    public void A_trend_down_is_seven_points_each_below_the_one_before_as_plot_the_dots_tests_it(int[] values, int[] trend)
    {
        var chart = ProcessControl.XmR(Series(values.Select(v => (decimal)v).ToArray()));

        Assert.Equal(trend, Marked(chart, SpcSignal.TrendDown));
    }

    [Fact]
    public void Eight_points_above_the_centre_are_a_shift_and_six_are_not_as_plot_the_dots_tests_it()
    {
        // NHSRplotthedots, "ptd_seven_point_one_side_mean works as expected": c(rep(1, 8), −1) flags the run of 8,
        // c(rep(1, 6), −1) nothing. Here the sides come from 3s above and one far lower value below the mean.
        var eight = ProcessControl.XmR(Series(3, 3, 3, 3, 3, 3, 3, 3, -30));
        var six = ProcessControl.XmR(Series(3, 3, 3, 3, 3, 3, -20));

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], Marked(eight, SpcSignal.RunAboveCentre));
        Assert.Empty(Marked(six, SpcSignal.RunAboveCentre));
    }

    [Theory]
    [InlineData(4, 1, 3, SpcAssurance.ConsistentlyFails)]
    [InlineData(4, 5, 7, SpcAssurance.ConsistentlyPasses)]
    [InlineData(4, 1, 5, SpcAssurance.HitAndMiss)]
    public void Assurance_places_the_target_against_the_limits_as_plot_the_dots_tests_it(decimal target, decimal lower, decimal upper, SpcAssurance expected)
    {
        // NHSRplotthedots, tests/testthat/test-ptd_calculate_assurance_type.R, improvement_direction "increase":
        // limits 1–3, 5–7 and 1–5 with target 4 are consistent_fail, consistent_pass and inconsistent.
        Assert.Equal(expected, ProcessControl.AssuranceOf(target, lower, upper));
    }

    // 2.0 and 2.2 alternating: centre 2.19…, average moving range 0.25, limits 1.53 and 2.86, 2 sigma at 2.64 and 1.75.
    private static readonly decimal[] Steady = [2.0m, 2.2m, 2.0m, 2.2m, 2.0m, 2.2m, 2.0m, 2.2m, 2.0m, 2.2m, 2.0m, 2.2m];

    [Fact]
    public void Two_of_three_points_beyond_two_sigma_on_one_side_signal_the_two_and_an_improvement()
    {
        var analysis = ProcessControl.Analyse(Series([.. Steady, 2.7m, 2.3m, 2.7m]), []);
        var chart = analysis.Latest.Chart;

        Assert.Equal([12, 14], Marked(chart, SpcSignal.TwoOfThreeNearUpperLimit));
        Assert.Empty(Marked(chart, SpcSignal.AboveUpperLimit));
        Assert.Equal(SpcVariation.SpecialCauseImprovement, analysis.Variation);
    }

    [Fact]
    public void Two_of_three_needs_all_three_on_the_same_side_of_the_centre()
    {
        var chart = ProcessControl.XmR(Series([.. Steady, 2.7m, 2.1m, 2.7m]));

        Assert.Empty(Marked(chart, SpcSignal.TwoOfThreeNearUpperLimit));
    }

    [Fact]
    public void Two_of_three_near_the_lower_limit_is_a_concern()
    {
        var analysis = ProcessControl.Analyse(Series([.. Steady.Select(v => -v), -2.7m, -2.3m, -2.7m]), []);

        Assert.Equal([12, 14], Marked(analysis.Latest.Chart, SpcSignal.TwoOfThreeNearLowerLimit));
        Assert.Equal(SpcVariation.SpecialCauseConcern, analysis.Variation);
    }

    [Fact]
    public void Run_and_trend_lengths_are_the_callers()
    {
        var series = Series(1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5);
        var rising = Series(1, 2, 3, 4, 5, 6);

        Assert.Empty(Marked(ProcessControl.XmR(series), SpcSignal.RunBelowCentre));
        Assert.Equal([0, 1, 2, 3, 4, 5], Marked(ProcessControl.XmR(series, rules: new SpcRules(RunLength: 6)), SpcSignal.RunBelowCentre));
        Assert.Empty(Marked(ProcessControl.XmR(rising), SpcSignal.TrendUp));
        Assert.Equal([0, 1, 2, 3, 4, 5], Marked(ProcessControl.XmR(rising, rules: new SpcRules(TrendLength: 6)), SpcSignal.TrendUp));
    }

    [Fact]
    public void Limits_are_recomputed_from_a_change_point_so_a_step_up_is_a_new_normal_not_a_shift()
    {
        var step = Series([.. Steady, .. Steady.Select(v => v + 1m)]);

        var whole = ProcessControl.Analyse(step, []);
        var rebased = ProcessControl.Analyse(step, [12]);

        Assert.Equal(Enumerable.Range(12, 12), Marked(whole.Latest.Chart, SpcSignal.RunAboveCentre));
        Assert.Equal(SpcVariation.SpecialCauseImprovement, whole.Variation);
        Assert.Equal([(0, 11), (12, 23)], rebased.Segments.Select(s => (s.Start, s.End)));
        Assert.Equal((2.1m, 3.1m), (rebased.Segments[0].Chart.Centre, rebased.Segments[1].Chart.Centre));
        Assert.Null(rebased.Points[12].MovingRange);
        Assert.All(rebased.Points, p => Assert.Empty(p.Signals));
        Assert.Equal(SpcVariation.CommonCause, rebased.Variation);
    }

    [Fact]
    public void Change_points_outside_the_series_or_repeated_are_ignored()
    {
        var analysis = ProcessControl.Analyse(Series(Steady), [0, -3, 12, 40, 6, 6]);

        Assert.Equal([0, 6], analysis.Segments.Select(s => s.Start));
    }

    [Fact]
    public void Assurance_uses_the_latest_limits_and_needs_a_target_and_enough_data()
    {
        // Centre 2.1, average moving range 0.2: limits 1.568 and 2.632.
        var steady = Series(Steady);

        Assert.Equal(SpcAssurance.ConsistentlyFails, ProcessControl.Analyse(steady, [], target: 3m).Assurance);
        Assert.Equal(SpcAssurance.ConsistentlyPasses, ProcessControl.Analyse(steady, [], target: 1.5m).Assurance);
        Assert.Equal(SpcAssurance.HitAndMiss, ProcessControl.Analyse(steady, [], target: 2.632m).Assurance);
        Assert.Null(ProcessControl.Analyse(steady, []).Assurance);
        var short11 = ProcessControl.Analyse(steady[..11], [], target: 3m);
        Assert.Equal((SpcVariation.NotEnoughData, (SpcAssurance?)null), (short11.Variation, short11.Assurance));
    }

    [Fact]
    public void Without_any_value_the_variation_is_not_enough_data()
    {
        Assert.Equal(SpcVariation.NotEnoughData, ProcessControl.Analyse([null, null], []).Variation);
        Assert.Equal(SpcVariation.NotEnoughData, ProcessControl.Analyse([], []).Variation);
    }

    private static readonly Gen<decimal?[]> AnySeries =
        Gen.Int[0, 40].Select(v => v % 9 == 0 ? (decimal?)null : v / 10m).Array[0, 30];

    private static SpcSignal Mirror(SpcSignal signal) => signal switch
    {
        SpcSignal.AboveUpperLimit => SpcSignal.BelowLowerLimit,
        SpcSignal.BelowLowerLimit => SpcSignal.AboveUpperLimit,
        SpcSignal.RunAboveCentre => SpcSignal.RunBelowCentre,
        SpcSignal.RunBelowCentre => SpcSignal.RunAboveCentre,
        SpcSignal.TrendUp => SpcSignal.TrendDown,
        SpcSignal.TrendDown => SpcSignal.TrendUp,
        SpcSignal.TwoOfThreeNearUpperLimit => SpcSignal.TwoOfThreeNearLowerLimit,
        _ => SpcSignal.TwoOfThreeNearUpperLimit,
    };

    [Fact]
    public void Turning_a_series_upside_down_mirrors_every_signal_and_verdict()
    {
        Gen.Select(AnySeries, Gen.Int[0, 30].Array[0, 3], Gen.Int[0, 50]).Sample((series, changes, target) =>
        {
            var up = ProcessControl.Analyse(series, changes, target: target / 10m);
            var down = ProcessControl.Analyse(series.Select(v => -v).ToArray(), changes, target: -target / 10m);

            Assert.Equal(up.Points.Select(p => p.Signals.Select(Mirror).Order()), down.Points.Select(p => p.Signals.Order()));
            Assert.Equal(up.Variation switch
            {
                SpcVariation.SpecialCauseImprovement => SpcVariation.SpecialCauseConcern,
                SpcVariation.SpecialCauseConcern => SpcVariation.SpecialCauseImprovement,
                var same => same,
            }, down.Variation);
            Assert.Equal(up.Assurance switch
            {
                SpcAssurance.ConsistentlyPasses => SpcAssurance.ConsistentlyFails,
                SpcAssurance.ConsistentlyFails => SpcAssurance.ConsistentlyPasses,
                var same => same,
            }, down.Assurance);
        });
    }

    [Fact]
    public void Every_two_of_three_signal_lies_between_two_sigma_and_the_limit_on_its_side()
    {
        AnySeries.Sample(series =>
        {
            var chart = ProcessControl.XmR(series);
            foreach (var point in chart.Points.Where(p => p.Signals.Contains(SpcSignal.TwoOfThreeNearUpperLimit)))
            {
                Assert.True(point.Value > chart.Centre + 2m * ProcessControl.LimitFactor / 3m * chart.AverageMovingRange);
                Assert.True(point.Value <= chart.UpperProcessLimit);
            }
            foreach (var point in chart.Points.Where(p => p.Signals.Contains(SpcSignal.TwoOfThreeNearLowerLimit)))
            {
                Assert.True(point.Value < chart.Centre - 2m * ProcessControl.LimitFactor / 3m * chart.AverageMovingRange);
                Assert.True(point.Value >= chart.LowerProcessLimit);
            }
        });
    }

    [Fact]
    public void Each_segment_is_the_chart_its_periods_would_have_alone()
    {
        Gen.Select(AnySeries, Gen.Int[1, 29].Array[0, 3]).Sample((series, changes) =>
        {
            var analysis = ProcessControl.Analyse(series, changes);
            Assert.Equal(series.Length, analysis.Points.Count);
            foreach (var segment in analysis.Segments.Where(s => series.Length > 0))
            {
                var alone = ProcessControl.XmR(series[segment.Start..(segment.End + 1)]);
                Assert.Equal((alone.Centre, alone.UpperProcessLimit, alone.LowerProcessLimit), (segment.Chart.Centre, segment.Chart.UpperProcessLimit, segment.Chart.LowerProcessLimit));
                Assert.Equal(alone.Points.Select(p => p.Signals), analysis.Points.Skip(segment.Start).Take(segment.End - segment.Start + 1).Select(p => p.Signals));
            }
        });
    }

    [Fact]
    public void Without_change_points_the_analysis_is_the_plain_chart()
    {
        AnySeries.Sample(series =>
        {
            var chart = ProcessControl.XmR(series);
            var analysis = ProcessControl.Analyse(series, []);
            Assert.Equal(chart.Points.Select(p => (p.Index, p.Value, p.MovingRange, string.Join(',', p.Signals))),
                analysis.Points.Select(p => (p.Index, p.Value, p.MovingRange, string.Join(',', p.Signals))));
        });
    }
}

public sealed class ChangePointTests
{
    [Fact]
    public void A_new_framework_version_starts_a_segment_even_after_months_without_a_score()
    {
        var changes = ChangePoints.Of(["2021.1", "2021.1", null, "2024.1", "2024.1", null, "2024.1"], []);

        Assert.Equal([3], changes.Keys);
        Assert.Equal([ChangePointReason.FrameworkVersion], changes[3]);
    }

    [Fact]
    public void Asked_for_change_points_join_the_versions_once_each_and_the_first_month_is_no_change()
    {
        var changes = ChangePoints.Of(["2021.1", "2021.1", "2024.1", "2024.1"], [2, 2, 1, 0, 9]);

        Assert.Equal([1, 2], changes.Keys);
        Assert.Equal([ChangePointReason.Requested], changes[1]);
        Assert.Equal([ChangePointReason.FrameworkVersion, ChangePointReason.Requested], changes[2]);
    }

    [Fact]
    public void Actions_take_effect_once_per_month_after_the_other_reasons_and_not_in_the_first_month_or_outside_the_series()
    {
        var changes = ChangePoints.Of(["2021.1", "2021.1", "2024.1", "2024.1", "2024.1"], [2], [3, 3, 2, 0, -1, 5]);

        Assert.Equal([2, 3], changes.Keys);
        Assert.Equal([ChangePointReason.FrameworkVersion, ChangePointReason.Requested, ChangePointReason.Action], changes[2]);
        Assert.Equal([ChangePointReason.Action], changes[3]);
    }

    [Fact]
    public void Without_actions_the_change_points_are_what_they_were()
    {
        var versions = new string?[] { "2021.1", null, "2024.1", "2024.1" };

        static string Listed(SortedDictionary<int, IReadOnlyList<ChangePointReason>> changes) =>
            string.Join(';', changes.Select(c => $"{c.Key}:{string.Join(',', c.Value)}"));

        Assert.Equal("2:FrameworkVersion;3:Requested", Listed(ChangePoints.Of(versions, [3], [])));
        Assert.Equal(Listed(ChangePoints.Of(versions, [3])), Listed(ChangePoints.Of(versions, [3], [])));
    }
}
