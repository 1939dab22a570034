using System.Xml.Linq;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using static SeQuIn.Api.Pictures.Svg;

namespace SeQuIn.Api.Pictures;

/// <summary>
/// A unit's month as a radar: one spoke per area, the scale from the centre outwards; the group's middle half
/// (lower to upper quartile) as a grey band, its median as a dashed line with squares, the unit as a solid line with
/// circles. Drawn from the <see cref="UnitBenchmark"/> the JSON endpoint answers, figure for figure.
/// </summary>
public static class RadarPicture
{
    private const double Cx = 384, Cy = 350, Radius = 220;

    public static XElement Draw(string id, UnitBenchmark benchmark, int scaleMin, int scaleMax, PictureWords words)
    {
        var areas = benchmark.Areas;
        var n = Math.Max(areas.Count, 1);
        double Angle(int i) => -Math.PI / 2 + 2 * Math.PI * i / n;
        (double X, double Y) At(int i, decimal value)
        {
            var r = Radius * (double)Math.Clamp((value - scaleMin) / Math.Max(1, scaleMax - scaleMin), 0m, 1m);
            return (Cx + r * Math.Cos(Angle(i)), Cy + r * Math.Sin(Angle(i)));
        }

        var rings = Enumerable.Range(scaleMin, scaleMax - scaleMin + 1).Select(v =>
            E("polygon", A("points", Points(Enumerable.Range(0, n).Select(i => At(i, v)))), A("fill", "none"), A("stroke", Rule), A("stroke-width", 1)));
        // The scale's numbers go over the band and the lines, with a white halo, so that no figure hides them.
        var numbers = Enumerable.Range(scaleMin, scaleMax - scaleMin + 1).Select(v =>
            E("text", A("x", Cx + 6), A("y", At(0, v).Y + 5), A("font-size", Small), A("fill", Muted), A("stroke", "#ffffff"), A("stroke-width", 4),
                A("paint-order", "stroke"), v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var spokes = Enumerable.Range(0, n).Select(i => E("line", A("x1", Cx), A("y1", Cy), A("x2", At(i, scaleMax).X), A("y2", At(i, scaleMax).Y),
            A("stroke", Rule), A("stroke-width", 1)));
        var shown = areas.Select(a => a.Group is { Suppressed: null, LowerQuartile: not null, UpperQuartile: not null }).ToList();
        var band = Enumerable.Range(0, n).Any(i => i < areas.Count && shown[i]) && shown.All(s => s)
            ? E("path", A("d", Closed(Enumerable.Range(0, n).Select(i => At(i, areas[i].Group.UpperQuartile!.Value)))
                              + " " + Closed(Enumerable.Range(0, n).Select(i => At(i, areas[i].Group.LowerQuartile!.Value)))),
                A("fill", "#c8d4dc"), A("fill-rule", "evenodd"), A("stroke", "none"))
            : null;
        // Where only some areas have quartiles, each shows its own span on its spoke instead of a band.
        var spans = band is null
            ? areas.Select((a, i) => shown[i]
                ? E("line", A("x1", At(i, a.Group.LowerQuartile!.Value).X), A("y1", At(i, a.Group.LowerQuartile!.Value).Y),
                    A("x2", At(i, a.Group.UpperQuartile!.Value).X), A("y2", At(i, a.Group.UpperQuartile!.Value).Y), A("stroke", "#aebcc7"), A("stroke-width", 10))
                : null)
            : [];
        var median = Line(areas.Select((a, i) => a.Group.Median is { } m ? At(i, m) : ((double, double)?)null).ToList(), Pink, "7 5");
        var unit = Line(areas.Select((a, i) => a.Score is { } s ? At(i, s) : ((double, double)?)null).ToList(), Blue, null);
        var marks = areas.Select((a, i) => E("g", A("data-area", a.Code), A("data-score", Exact(a.Score)), A("data-median", Exact(a.Group.Median)),
            A("data-lower-quartile", Exact(a.Group.LowerQuartile)), A("data-upper-quartile", Exact(a.Group.UpperQuartile)),
            A("data-units", a.Group.Units), a.Group.Suppressed is null ? null : A("data-suppressed", "true"),
            a.Group.Median is { } m ? Marker(Shape.Square, At(i, m).X, At(i, m).Y, 5, Pink) : null,
            a.Score is { } s ? Marker(Shape.Circle, At(i, s).X, At(i, s).Y, 6, Blue) : null,
            Label(i, Angle(i), a, words)));

        var groupName = GroupName(benchmark.Group, words);
        var notShown = areas.Count(a => a.Group.Median is null);
        var title = words.Say($"{benchmark.UnitCode}, {benchmark.Month}: each area beside {groupName}",
            $"{benchmark.UnitCode}, {benchmark.Month}: your scores and other units' scores");
        var legendY = Cy + Radius + 80;
        var legend = new object?[]
        {
            E("line", A("x1", 40), A("y1", legendY), A("x2", 80), A("y2", legendY), A("stroke", Blue), A("stroke-width", 3)),
            Marker(Shape.Circle, 60, legendY, 6, Blue),
            Text(92, legendY + 5, words.Say($"This unit ({benchmark.UnitCode})", $"Your unit ({benchmark.UnitCode})")),
            E("line", A("x1", 40), A("y1", legendY + 28), A("x2", 80), A("y2", legendY + 28), A("stroke", Pink), A("stroke-width", 3), A("stroke-dasharray", "7 5")),
            Marker(Shape.Square, 60, legendY + 28, 5, Pink),
            Text(92, legendY + 33, words.Say($"Median of {groupName}", "The middle score of the other units")),
            E("rect", A("x", 40), A("y", legendY + 46), A("width", 40), A("height", 18), A("fill", "#c8d4dc")),
            Text(92, legendY + 61, words.Say($"Middle half of {groupName} (lower to upper quartile)", "Where half of the other units score")),
            notShown == 0 ? null : Lines(40, legendY + 92, Wrap(NotShown(areas, words), 90)),
        };
        return Document(id, (int)legendY + (notShown == 0 ? 90 : 130), title,
            words.Say($"Scale {scaleMin} (centre) to {scaleMax} (edge); {Figure(benchmark.Figure)}.",
                $"The further out, the better: {scaleMin} in the middle, {scaleMax} at the edge."),
            Describe(benchmark, scaleMin, scaleMax, groupName, words),
            [A("data-unit", benchmark.UnitCode), A("data-month", benchmark.Month), A("data-group", EnumQuery.NameOf(benchmark.Group))],
            rings, spokes, band, spans, median, unit, numbers, marks, legend);
    }

    private static string Closed(IEnumerable<(double X, double Y)> points) =>
        "M " + string.Join(" L ", points.Select(p => $"{Num(p.X)} {Num(p.Y)}")) + " Z";

    /// <summary>A line through the areas that have a value; it closes round the radar only when every area has one.</summary>
    private static XElement? Line(IReadOnlyList<(double X, double Y)?> points, string colour, string? dashes)
    {
        if (points.All(p => p is null))
        {
            return null;
        }
        var d = points.All(p => p is not null)
            ? Closed(points.Select(p => p!.Value))
            : string.Join(" ", points.Select((p, i) => (p, i)).Where(x => x.p is not null).Select(x =>
                (x.i > 0 && points[x.i - 1] is not null ? "L " : "M ") + $"{Num(x.p!.Value.X)} {Num(x.p.Value.Y)}"));
        return E("path", A("d", d), A("fill", "none"), A("stroke", colour), A("stroke-width", 3), dashes is null ? null : A("stroke-dasharray", dashes));
    }

    private static XElement Label(int i, double angle, Benchmark area, PictureWords words)
    {
        var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
        var x = Cx + (Radius + 18) * cos;
        var y = Cy + (Radius + 18) * sin;
        var anchor = cos > 0.2 ? "start" : cos < -0.2 ? "end" : "middle";
        // A missing score is an absent point: say so beside the area's name, not by absence alone.
        var lines = Wrap(words.Area(area.Code), 16).Concat(area.Score is null ? [words.Say("(no score)", "(no score yet)")] : []).ToList();
        var top = sin < -0.5 ? y - (lines.Count - 1) * 17 - 4 : sin > 0.5 ? y + 14 : y - (lines.Count - 1) * 17 / 2.0 + 5;
        return Lines(x, top, lines, Small, anchor);
    }

    internal static string GroupName(ComparisonGroup group, PictureWords words) => group switch
    {
        ComparisonGroup.SecurityLevel => words.Say("units of the same security level", "units like yours"),
        ComparisonGroup.Sector => words.Say("units of the same sector", "units like yours"),
        ComparisonGroup.Collaborative => words.Say("its provider collaborative", "units in your area"),
        ComparisonGroup.National => words.Say("every unit nationally", "all units in the country"),
        ComparisonGroup.Provider => words.Say("its provider's units", "your provider's other units"),
        _ => words.Say("its network", "units in your network"),
    };

    private static string Figure(AreaFigure figure) =>
        figure == AreaFigure.Agreed ? "each area's agreed overall rating" : "each area's mean standard rating";

    private static string NotShown(IReadOnlyList<Benchmark> areas, PictureWords words)
    {
        var reasons = areas.Where(a => a.Group.Median is null).Select(a => a.Group.Suppressed).OfType<string>().Distinct().ToList();
        var count = areas.Count(a => a.Group.Median is null);
        return words.Say($"Group figures not shown for {count} of {areas.Count} areas" + (reasons.Count > 0 ? ": " + string.Join(" ", reasons) : "."),
            $"Other units' scores are not shown for {count} of {areas.Count} areas, to keep units from being identified.");
    }

    private static string Describe(UnitBenchmark benchmark, int scaleMin, int scaleMax, string groupName, PictureWords words)
    {
        var parts = benchmark.Areas.Select(a =>
        {
            var unit = a.Score is { } s ? words.Say($"unit {Num(s)}", $"you {Num(s)}") : words.Say("unit no score", "you no score");
            var group = a.Group.Median is { } m
                ? words.Say($"group median {Num(m)}", $"others' middle score {Num(m)}")
                  + (a.Group is { LowerQuartile: { } lo, UpperQuartile: { } hi } ? words.Say($" (quartiles {Num(lo)} to {Num(hi)})", "") : "")
                : words.Say("group figures not shown", "others' scores not shown");
            return $"{words.Area(a.Code)} ({a.Code}): {unit}, {group}.";
        });
        return words.Say($"Radar chart of unit {benchmark.UnitCode} for {benchmark.Month} on a scale of {scaleMin} to {scaleMax}, compared with {groupName}. ",
                   $"Picture of {benchmark.UnitCode}'s scores for {benchmark.Month}, from {scaleMin} to {scaleMax}. ")
               + string.Join(" ", parts);
    }
}
