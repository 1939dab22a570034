using System.Xml.Linq;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Pictures;

namespace SeQuIn.Api.Tests.Pictures;

/// <summary>The interim variation rule and the Making Data Count icons: pure, no host.</summary>
public sealed class VerdictIconTests
{
    private static Trend TrendEndingWith(params SpcSignal[] latest) => new(Guid.NewGuid(), "U", "INV", ComparisonGroup.Network, 2m, 3m, 1m,
        [new TrendPoint("2026-01", 2m, null, []), new TrendPoint("2026-02", 2.5m, null, latest), new TrendPoint("2026-03", null, null, [])]);

    [Theory]
    [InlineData(new[] { SpcSignal.AboveUpperLimit }, VariationIcon.SpecialCauseImprovement)]
    [InlineData(new[] { SpcSignal.RunAboveCentre, SpcSignal.TrendUp }, VariationIcon.SpecialCauseImprovement)]
    [InlineData(new[] { SpcSignal.BelowLowerLimit }, VariationIcon.SpecialCauseConcern)]
    [InlineData(new[] { SpcSignal.TrendDown }, VariationIcon.SpecialCauseConcern)]
    [InlineData(new[] { SpcSignal.TrendUp, SpcSignal.RunBelowCentre }, VariationIcon.CommonCause)]
    [InlineData(new SpcSignal[0], VariationIcon.CommonCause)]
    public void Variation_is_read_from_the_signals_of_the_latest_month_with_a_score(SpcSignal[] latest, VariationIcon expected) =>
        Assert.Equal(expected, VerdictIcons.VariationFromSignals(TrendEndingWith(latest)));

    [Fact]
    public void A_trend_without_process_limits_has_not_enough_data() =>
        Assert.Equal(VariationIcon.NotEnoughData, VerdictIcons.VariationFromSignals(TrendEndingWith(SpcSignal.AboveUpperLimit) with { UpperProcessLimit = null }));

    [Theory]
    [InlineData(VariationIcon.SpecialCauseImprovement, "H", "#005eb8")]
    [InlineData(VariationIcon.SpecialCauseConcern, "L", "#ed8b00")]
    [InlineData(VariationIcon.CommonCause, null, "#768692")]
    public void A_variation_icon_says_its_verdict_by_letter_as_well_as_colour(VariationIcon icon, string? letter, string colour)
    {
        var drawn = VerdictIcons.Draw(icon, 50, 50);

        Assert.Equal(EnumQuery.NameOf(icon), drawn.Attribute("data-verdict")!.Value);
        Assert.Equal(colour, drawn.Elements().First().Attribute("stroke")!.Value);
        Assert.Equal(letter, drawn.Elements().FirstOrDefault(e => e.Name.LocalName == "text")?.Value);
    }

    [Theory]
    [InlineData(AssuranceIcon.ConsistentlyPasses, "P")]
    [InlineData(AssuranceIcon.ConsistentlyFails, "F")]
    [InlineData(AssuranceIcon.HitAndMiss, "?")]
    public void An_assurance_icon_carries_its_letter_and_a_target_line(AssuranceIcon icon, string letter)
    {
        var drawn = VerdictIcons.Draw(icon, 50, 50);

        Assert.Equal(letter, drawn.Elements().Single(e => e.Name.LocalName == "text").Value);
        Assert.Single(drawn.Elements(), e => e.Name.LocalName == "line");
    }

    [Fact]
    public void A_drawn_assurance_verdict_appears_in_the_chart_and_its_words()
    {
        var words = new PictureWords(new Dictionary<string, AreaName>(), PictureLabels.Professional);

        var chart = XElement.Parse(Svg.Write(SpcPicture.Draw("t", TrendEndingWith(), 0, 4, VariationIcon.CommonCause, AssuranceIcon.HitAndMiss, words)));

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
