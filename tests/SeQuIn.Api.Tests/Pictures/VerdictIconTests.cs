using System.Xml.Linq;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Pictures;

namespace SeQuIn.Api.Tests.Pictures;

/// <summary>The Making Data Count icons and how the chart draws verdicts, signals and rebased limits: pure, no host.</summary>
public sealed class VerdictIconTests
{
    private static Trend TrendEndingWith(params SpcSignal[] latest) => new(Guid.NewGuid(), "U", "INV", ComparisonGroup.Network, 2m, 3m, 1m,
        [new TrendPoint("2026-01", 2m, null, []), new TrendPoint("2026-02", 2.5m, null, latest), new TrendPoint("2026-03", null, null, [])],
        AreaFigure.Mean, false, SpcVariation.CommonCause, null, null, 7, 7, [], [new TrendSegment("2026-01", "2026-03", 2, 2m, 3m, 1m)]);

    [Theory]
    [InlineData(new[] { SpcSignal.TwoOfThreeNearUpperLimit }, true)]
    [InlineData(new[] { SpcSignal.TwoOfThreeNearLowerLimit }, false)]
    public void Two_of_three_near_a_limit_is_drawn_on_its_own_side(SpcSignal[] signals, bool high) =>
        Assert.Equal(high ? Shape.TriangleUp : Shape.TriangleDown, SpcPicture.ShapeOf(signals));

    [Fact]
    public void Rebased_limits_are_drawn_for_each_segment_from_its_first_month_to_its_last()
    {
        var words = new PictureWords(new Dictionary<string, AreaName>(), PictureLabels.Professional);
        var trend = TrendEndingWith() with
        {
            Segments = [new TrendSegment("2026-01", "2026-02", 2, 2.25m, 3.5m, 1m), new TrendSegment("2026-03", "2026-03", 0, null, null, null)],
        };

        var chart = XElement.Parse(Svg.Write(SpcPicture.Draw("t", trend, 0, 4, words)));

        var centre = Assert.Single(chart.Descendants(), e => e.Attribute("data-line")?.Value == "centre");
        Assert.True(double.Parse(centre.Attribute("x2")!.Value, System.Globalization.CultureInfo.InvariantCulture)
                    < double.Parse(chart.Descendants().Single(e => e.Attribute("data-month")?.Value == "2026-03").Descendants().FirstOrDefault()?.Attribute("cx")?.Value ?? "712",
                        System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(SpcVariation.SpecialCauseImprovement, "H", "#005eb8")]
    [InlineData(SpcVariation.SpecialCauseConcern, "L", "#ed8b00")]
    [InlineData(SpcVariation.CommonCause, null, "#768692")]
    public void A_variation_icon_says_its_verdict_by_letter_as_well_as_colour(SpcVariation icon, string? letter, string colour)
    {
        var drawn = VerdictIcons.Draw(icon, 50, 50);

        Assert.Equal(EnumQuery.NameOf(icon), drawn.Attribute("data-verdict")!.Value);
        Assert.Equal(colour, drawn.Elements().First().Attribute("stroke")!.Value);
        Assert.Equal(letter, drawn.Elements().FirstOrDefault(e => e.Name.LocalName == "text")?.Value);
    }

    [Theory]
    [InlineData(SpcAssurance.ConsistentlyPasses, "P")]
    [InlineData(SpcAssurance.ConsistentlyFails, "F")]
    [InlineData(SpcAssurance.HitAndMiss, "?")]
    public void An_assurance_icon_carries_its_letter_and_a_target_line(SpcAssurance icon, string letter)
    {
        var drawn = VerdictIcons.Draw(icon, 50, 50);

        Assert.Equal(letter, drawn.Elements().Single(e => e.Name.LocalName == "text").Value);
        Assert.Single(drawn.Elements(), e => e.Name.LocalName == "line");
    }

    [Fact]
    public void A_drawn_assurance_verdict_appears_in_the_chart_and_its_words()
    {
        var words = new PictureWords(new Dictionary<string, AreaName>(), PictureLabels.Professional);

        var chart = XElement.Parse(Svg.Write(SpcPicture.Draw("t", TrendEndingWith() with { Assurance = SpcAssurance.HitAndMiss, Target = 2.5m }, 0, 4, words)));

        Assert.Equal("hit-and-miss", chart.Attribute("data-assurance")!.Value);
        Assert.EndsWith("Assurance: hit and miss against the target.", chart.Elements().Single(e => e.Name.LocalName == "desc").Value);
    }

    [Theory]
    [InlineData(new[] { SpcSignal.AboveUpperLimit }, Shape.TriangleUp)]
    [InlineData(new[] { SpcSignal.RunBelowCentre }, Shape.TriangleDown)]
    [InlineData(new[] { SpcSignal.TrendUp, SpcSignal.BelowLowerLimit }, Shape.Diamond)]
    [InlineData(new SpcSignal[0], Shape.Circle)]
    public void A_points_shape_says_which_side_its_signals_are_on(SpcSignal[] signals, Shape shape) =>
        Assert.Equal(shape, SpcPicture.ShapeOf(signals));
}
