using System.Xml.Linq;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using static SeQuIn.Api.Pictures.Svg;

namespace SeQuIn.Api.Pictures;

/// <summary>
/// The Making Data Count icons: a ring in the verdict's colour holding a letter and a small run of points, so that the
/// verdict reads from the letter and the points' direction as well as the colour. Variation: grey with a level run
/// (common cause), blue with H and a rising run (special cause improvement, higher is better here), orange with L and
/// a falling run (special cause concern). Assurance, against a target line: blue P (consistently passes), orange F
/// (consistently fails), grey ? (hit and miss).
/// </summary>
public static class VerdictIcons
{
    /// <summary>Signals on the high side of the chart: with higher better, these are improvement.</summary>
    public static bool IsHigh(SpcSignal signal) =>
        signal is SpcSignal.AboveUpperLimit or SpcSignal.RunAboveCentre or SpcSignal.TrendUp or SpcSignal.TwoOfThreeNearUpperLimit;

    public static string Name(SpcVariation icon, PictureWords words) => icon switch
    {
        SpcVariation.SpecialCauseImprovement => words.Say("Special cause variation: improvement", "Getting better"),
        SpcVariation.SpecialCauseConcern => words.Say("Special cause variation: concern", "Getting worse"),
        SpcVariation.NotEnoughData => words.Say("Not enough data to judge variation", "Not enough months yet to tell"),
        _ => words.Say("Common cause variation: no significant change", "Staying about the same"),
    };

    public static string Name(SpcAssurance? icon, PictureWords words) => icon switch
    {
        SpcAssurance.ConsistentlyPasses => words.Say("Assurance: consistently passes the target", "Always reaches the target"),
        SpcAssurance.ConsistentlyFails => words.Say("Assurance: consistently fails the target", "Does not reach the target"),
        SpcAssurance.HitAndMiss => words.Say("Assurance: hit and miss against the target", "Sometimes reaches the target"),
        _ => words.Say("Assurance: no target set", "No target set"),
    };

    /// <summary>The variation icon, a circle of radius 26 centred on (x, y).</summary>
    public static XElement Draw(SpcVariation icon, double x, double y)
    {
        var (colour, letter, rise) = icon switch
        {
            SpcVariation.SpecialCauseImprovement => (Blue, "H", 1),
            SpcVariation.SpecialCauseConcern => (Orange, "L", -1),
            SpcVariation.NotEnoughData => (Grey, "", 0),
            _ => (Grey, "", 0),
        };
        var dots = icon == SpcVariation.NotEnoughData
            ? []
            : Enumerable.Range(0, 5).Select(i => (X: x - 14 + 7 * i, Y: y + 12 - (rise == 0 ? (i % 2 == 0 ? 0 : 3) : rise * (i >= 3 ? 3 * (i - 2) : 0))))
                .Select((p, i) => E("circle", A("cx", p.X), A("cy", p.Y), A("r", 2.5), A("fill", i >= 3 && rise != 0 ? colour : Grey)))
                .ToList();
        return E("g", A("data-icon", "variation"), A("data-verdict", EnumQuery.NameOf(icon)), A("aria-hidden", "true"),
            E("circle", A("cx", x), A("cy", y), A("r", 26), A("fill", "#ffffff"), A("stroke", colour), A("stroke-width", 4),
                icon == SpcVariation.NotEnoughData ? A("stroke-dasharray", "6 4") : null),
            letter == "" ? null : Text(x, y + 2, letter, Body, "middle", "bold", colour),
            dots);
    }

    /// <summary>The assurance icon, a circle of radius 26 centred on (x, y), with the target as a line across it.</summary>
    public static XElement Draw(SpcAssurance icon, double x, double y)
    {
        var (colour, letter) = icon switch
        {
            SpcAssurance.ConsistentlyPasses => (Blue, "P"),
            SpcAssurance.ConsistentlyFails => (Orange, "F"),
            _ => (Grey, "?"),
        };
        return E("g", A("data-icon", "assurance"), A("data-verdict", EnumQuery.NameOf(icon)), A("aria-hidden", "true"),
            E("circle", A("cx", x), A("cy", y), A("r", 26), A("fill", "#ffffff"), A("stroke", colour), A("stroke-width", 4)),
            E("line", A("x1", x - 17), A("y1", y + 10), A("x2", x + 17), A("y2", y + 10), A("stroke", Pink), A("stroke-width", 2)),
            Text(x, y + 3, letter, Body, "middle", "bold", colour));
    }
}
