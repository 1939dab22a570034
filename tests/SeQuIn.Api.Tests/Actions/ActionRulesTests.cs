using SeQuIn.Api.Actions;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Tests.Actions;

/// <summary>The pure rules of actions (status, overdue, default target, closed by evidence) and of a priority's progress.</summary>
public sealed class ActionRulesTests
{
    private static readonly DateOnly January = new(2026, 1, 1);

    [Fact]
    public void The_default_target_is_the_point_below_the_top_of_the_scale()
    {
        Assert.Equal(3, ActionRules.DefaultTarget([0, 1, 2, 3, 4]));
        Assert.Equal(6, ActionRules.DefaultTarget([7, 1, 6, 3]));
        Assert.Equal(1, ActionRules.DefaultTarget([0, 1]));
    }

    [Theory]
    [InlineData(ActionStatus.Open, ActionStatus.InProgress, true)]
    [InlineData(ActionStatus.Open, ActionStatus.Done, true)]
    [InlineData(ActionStatus.InProgress, ActionStatus.Dropped, true)]
    [InlineData(ActionStatus.InProgress, ActionStatus.Open, false)]
    [InlineData(ActionStatus.Done, ActionStatus.InProgress, false)]
    [InlineData(ActionStatus.Dropped, ActionStatus.Open, false)]
    [InlineData(ActionStatus.Open, ActionStatus.Open, false)]
    public void Status_moves_forward_only_and_done_and_dropped_are_final(ActionStatus from, ActionStatus to, bool allowed) =>
        Assert.Equal(allowed, ActionRules.MayMove(from, to));

    [Fact]
    public void An_action_is_overdue_only_once_its_due_month_is_over_while_it_is_open_and_not_achieved()
    {
        var march = January.AddMonths(2);
        Assert.False(ActionRules.IsOverdue(ActionStatus.Open, ActionEvidence.NotYetShown, march, march));
        Assert.True(ActionRules.IsOverdue(ActionStatus.Open, ActionEvidence.NotYetShown, January, march));
        Assert.True(ActionRules.IsOverdue(ActionStatus.InProgress, ActionEvidence.Slipped, January, march));
        Assert.False(ActionRules.IsOverdue(ActionStatus.InProgress, ActionEvidence.Achieved, January, march));
        Assert.False(ActionRules.IsOverdue(ActionStatus.Done, ActionEvidence.NotYetShown, January, march));
        Assert.False(ActionRules.IsOverdue(ActionStatus.Dropped, ActionEvidence.NotYetShown, January, march));
    }

    [Fact]
    public void An_action_changes_the_process_from_the_UTC_month_it_was_marked_done_and_only_once_done()
    {
        // 23:30 on 31 January in New York is already February in UTC.
        var lateEvening = new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.FromHours(-5));

        Assert.Equal(new DateOnly(2026, 2, 1), ActionRules.InterventionMonth(ActionStatus.Done, lateEvening));
        Assert.Equal(January, ActionRules.InterventionMonth(ActionStatus.Done, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Null(ActionRules.InterventionMonth(ActionStatus.Dropped, lateEvening));
        Assert.Null(ActionRules.InterventionMonth(ActionStatus.InProgress, null));
        Assert.Null(ActionRules.InterventionMonth(ActionStatus.Open, null));
    }

    [Fact]
    public void A_later_rating_at_or_above_target_achieves_and_a_fall_back_after_it_slips()
    {
        var february = January.AddMonths(1);
        Assert.Equal(ActionEvidence.Achieved, ActionRules.Judge(ActionStatus.Open, ActionEvidence.NotYetShown, January, null, 3, february, 3)?.Evidence);
        Assert.Equal(ActionEvidence.Achieved, ActionRules.Judge(ActionStatus.Done, ActionEvidence.NotYetShown, January, null, 3, february, 4)?.Evidence);
        Assert.Null(ActionRules.Judge(ActionStatus.Open, ActionEvidence.NotYetShown, January, null, 3, february, 2));
        Assert.Equal(ActionEvidence.Slipped, ActionRules.Judge(ActionStatus.Done, ActionEvidence.Achieved, January, february, 3, february.AddMonths(1), 2)?.Evidence);
        Assert.Equal(ActionEvidence.Achieved, ActionRules.Judge(ActionStatus.Done, ActionEvidence.Slipped, January, february, 3, february.AddMonths(1), 3)?.Evidence);
        Assert.Null(ActionRules.Judge(ActionStatus.Done, ActionEvidence.Achieved, January, february, 3, february.AddMonths(1), 4));
    }

    [Fact]
    public void Evidence_ignores_the_baseline_month_earlier_months_not_applicable_ratings_and_dropped_actions()
    {
        var march = January.AddMonths(2);
        Assert.Null(ActionRules.Judge(ActionStatus.Open, ActionEvidence.NotYetShown, march, null, 3, march, 4));
        Assert.Null(ActionRules.Judge(ActionStatus.Open, ActionEvidence.NotYetShown, march, null, 3, January, 4));
        Assert.Null(ActionRules.Judge(ActionStatus.Open, ActionEvidence.NotYetShown, January, null, 3, march, null));
        Assert.Null(ActionRules.Judge(ActionStatus.Dropped, ActionEvidence.NotYetShown, January, null, 3, march, 4));
        // A late submission for February does not undo what March showed.
        Assert.Null(ActionRules.Judge(ActionStatus.Done, ActionEvidence.Achieved, January, march, 3, January.AddMonths(1), 1));
    }

    [Fact]
    public void Progress_shows_counts_and_median_only_for_groups_the_caller_sees_in_full_and_at_least_the_minimum()
    {
        var network = Guid.NewGuid();
        Contributor Unit(decimal value, Guid? inNetwork = null) =>
            new(Guid.NewGuid(), inNetwork ?? network, null, SecurityLevel.Low, ProviderSector.Nhs, value);
        var february = January.AddMonths(1);
        var march = february.AddMonths(1);
        var values = new List<(DateOnly, Contributor)>
        {
            (January, Unit(1)), (January, Unit(2)), (January, Unit(3)), (January, Unit(4)),
            (february, Unit(1)), (february, Unit(4)),
            (march, Unit(1)), (march, Unit(2)), (march, Unit(4, Guid.NewGuid())),
        };
        var actions = new List<LinkedActionHistory>
        {
            new(January, null, february, march),   // achieved in February, slipped in March
            new(february, february, null, null),   // opened and closed (done or dropped) in February
            new(January, null, null, null),        // open throughout
        };

        var months = PriorityProgress.Compute(January, march, 3, values, actions, new Viewer(false, [network], []), 3);

        Assert.Equal(["2026-01", "2026-02", "2026-03"], months.Select(m => m.Month));
        Assert.Equal((4, 2, 2.5m, (string?)null), (months[0].UnitsReporting, months[0].UnitsBelowTarget, months[0].NetworkMedian, months[0].WithheldReason));
        Assert.Equal((2, (int?)null, (decimal?)null), (months[1].UnitsReporting, months[1].UnitsBelowTarget, months[1].NetworkMedian));
        Assert.Equal(Disclosure.TooFewReason(3), months[1].WithheldReason);
        Assert.Equal((int?)null, months[2].UnitsBelowTarget);
        Assert.Equal(PriorityProgress.HiddenUnitsReason, months[2].WithheldReason);
        Assert.Equal([(2, 0), (1, 1), (2, 0)], months.Select(m => (m.ActionsOpen, m.ActionsAchieved)));
    }
}
