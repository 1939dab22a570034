using System.Globalization;
using System.Xml.Linq;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using static SeQuIn.Api.Pictures.Svg;

namespace SeQuIn.Api.Pictures;

/// <summary>
/// An area's trend as a Making Data Count XmR chart: centre line (solid), process limits (dashed), the group's median
/// (dotted, pink), the unit's months joined by a line. Each point's shape says what it signals, as its colour does:
/// grey circle common cause, blue triangle up a high-side (improvement) signal, orange triangle down a low-side
/// (concern) signal, purple diamond both. Below the chart, the variation and assurance icons with their names.
/// </summary>
public static class SpcPicture
{
    // Room on the right for half of the last month's label.
    private const double Left = 64, Right = 712, Top = 84, Bottom = 404;

    /// <summary>The chart of a trend, with the variation and assurance verdicts the trend carries (assurance only where a target was given).</summary>
    public static XElement Draw(string id, Trend trend, int scaleMin, int scaleMax, PictureWords words)
    {
        var (variation, assurance) = (trend.Variation, trend.Assurance);
        var points = trend.Points;
        var values = points.SelectMany(p => new[] { p.Score, p.GroupMedian })
            .Concat(trend.Segments.SelectMany(g => new[] { g.UpperProcessLimit, g.LowerProcessLimit })).OfType<decimal>().ToList();
        var low = Math.Min(scaleMin, values.DefaultIfEmpty(scaleMin).Min());
        var high = Math.Max(scaleMax, values.DefaultIfEmpty(scaleMax).Max());
        double X(int i) => points.Count <= 1 ? (Left + Right) / 2 : Left + (Right - Left) * i / (points.Count - 1);
        double Y(decimal v) => Bottom - (Bottom - Top) * (double)((v - low) / Math.Max(1m, high - low));

        var grid = Enumerable.Range((int)Math.Ceiling(low), (int)Math.Floor(high) - (int)Math.Ceiling(low) + 1).Select(v => new object[]
        {
            E("line", A("x1", Left), A("y1", Y(v)), A("x2", Right), A("y2", Y(v)), A("stroke", Rule), A("stroke-width", 1)),
            Text(Left - 10, Y(v) + 5, v.ToString(CultureInfo.InvariantCulture), Small, "end", fill: Muted),
        });
        // About eight month labels, the latest always among them.
        var every = Math.Max(1, (int)Math.Ceiling(points.Count / 8.0));
        var months = points.Select((p, i) => (p, i)).Where(x => x.i % every == (points.Count - 1) % every)
            .Select(x => Text(X(x.i), Bottom + 24, x.p.Month, Small, "middle", fill: Muted));
        // Each segment's own centre and limits, from its first month to its last: limits rebased at a change point step.
        var index = points.Select((p, i) => (p.Month, i)).ToDictionary(x => x.Month, x => x.i, StringComparer.Ordinal);
        var limits = trend.Segments.Where(g => index.ContainsKey(g.From) && index.ContainsKey(g.To)).SelectMany(g =>
        {
            var (from, to) = (X(index[g.From]), X(index[g.To]));
            return new object?[]
            {
                g.Centre is { } c ? HLine(Y(c), Ink, null, 2, "centre", from, to) : null,
                g.UpperProcessLimit is { } u ? HLine(Y(u), Grey, "8 5", 2, "upper-process-limit", from, to) : null,
                g.LowerProcessLimit is { } l ? HLine(Y(l), Grey, "8 5", 2, "lower-process-limit", from, to) : null,
            };
        }).ToList();
        var median = Path(points.Select((p, i) => p.GroupMedian is { } m ? (X(i), Y(m)) : ((double, double)?)null).ToList(), Pink, "2 4", 2);
        var unit = Path(points.Select((p, i) => p.Score is { } s ? (X(i), Y(s)) : ((double, double)?)null).ToList(), "#425563", null, 2);
        var marks = points.Select((p, i) => E("g", A("data-month", p.Month), A("data-score", Exact(p.Score)), A("data-group-median", Exact(p.GroupMedian)),
            A("data-signals", string.Join(' ', p.Signals.Select(s => EnumQuery.NameOf(s)))),
            p.Score is { } s ? Marker(ShapeOf(p.Signals), X(i), Y(s), p.Signals.Count == 0 ? 5 : 7, ColourOf(p.Signals)) : null));

        var y = Bottom + 56;
        var legend = new object?[]
        {
            LegendLine(40, y, Ink, null, words.Say("Centre (mean)", "Average")),
            LegendLine(230, y, Grey, "8 5", words.Say("Process limits", "Usual range")),
            LegendLine(440, y, Pink, "2 4", words.Say("Group median", "Other units' middle score")),
            Marker(Shape.Circle, 50, y + 30, 5, Grey), Text(66, y + 35, words.Say("Common cause", "Usual")),
            Marker(Shape.TriangleUp, 200, y + 30, 7, Blue), Text(216, y + 35, words.Say("Improvement signal", "Better than usual")),
            Marker(Shape.TriangleDown, 420, y + 30, 7, Orange), Text(436, y + 35, words.Say("Concern signal", "Worse than usual")),
            Marker(Shape.Diamond, 620, y + 30, 7, Purple), Text(636, y + 35, words.Say("Both", "Both")),
        };
        var iconsY = y + 90;
        var icons = new object?[]
        {
            VerdictIcons.Draw(variation, 56, iconsY),
            Text(96, iconsY + 5, VerdictIcons.Name(variation, words), Body),
            assurance is { } a ? VerdictIcons.Draw(a, 56, iconsY + 64) : null,
            Text(assurance is null ? 40 : 96, iconsY + 69, VerdictIcons.Name(assurance, words), Body, fill: assurance is null ? Muted : Ink),
        };
        var title = words.Say($"{trend.UnitCode}: {words.Area(trend.AreaCode)} month by month",
            $"{trend.UnitCode}: {words.Area(trend.AreaCode)} over time");
        return Document(id, (int)iconsY + 110, title,
            words.Say($"XmR chart (Making Data Count), higher is better, scale {scaleMin} to {scaleMax}.", "Higher is better. Each mark is one month."),
            Describe(trend, variation, assurance, words),
            [A("data-unit", trend.UnitCode), A("data-area", trend.AreaCode), A("data-centre", Exact(trend.Centre)),
             A("data-upper-process-limit", Exact(trend.UpperProcessLimit)), A("data-lower-process-limit", Exact(trend.LowerProcessLimit)),
             A("data-variation", EnumQuery.NameOf(variation)), A("data-assurance", assurance is { } v ? EnumQuery.NameOf(v) : "")],
            grid, months, limits, median, unit, marks, legend, icons);
    }

    public static Shape ShapeOf(IReadOnlyList<SpcSignal> signals) =>
        (signals.Any(VerdictIcons.IsHigh), signals.Any(s => !VerdictIcons.IsHigh(s))) switch
        {
            (true, true) => Shape.Diamond,
            (true, false) => Shape.TriangleUp,
            (false, true) => Shape.TriangleDown,
            _ => Shape.Circle,
        };

    private static string ColourOf(IReadOnlyList<SpcSignal> signals) => ShapeOf(signals) switch
    {
        Shape.Diamond => Purple,
        Shape.TriangleUp => Blue,
        Shape.TriangleDown => Orange,
        _ => Grey,
    };

    private static XElement HLine(double y, string colour, string? dashes, double width, string role, double from = Left, double to = Right) =>
        E("line", A("data-line", role), A("x1", from), A("y1", y), A("x2", to), A("y2", y), A("stroke", colour), A("stroke-width", width),
            dashes is null ? null : A("stroke-dasharray", dashes));

    private static object[] LegendLine(double x, double y, string colour, string? dashes, string label) =>
    [
        E("line", A("x1", x), A("y1", y), A("x2", x + 34), A("y2", y), A("stroke", colour), A("stroke-width", 2), dashes is null ? null : A("stroke-dasharray", dashes)),
        Text(x + 42, y + 5, label),
    ];

    /// <summary>A line through consecutive months that have a value: a month without one leaves a gap.</summary>
    internal static XElement? Path(IReadOnlyList<(double X, double Y)?> points, string colour, string? dashes, double width)
    {
        if (points.All(p => p is null))
        {
            return null;
        }
        var d = string.Join(" ", points.Select((p, i) => (p, i)).Where(x => x.p is not null).Select(x =>
            (x.i > 0 && points[x.i - 1] is not null ? "L " : "M ") + $"{Num(x.p!.Value.X)} {Num(x.p.Value.Y)}"));
        return E("path", A("d", d), A("fill", "none"), A("stroke", colour), A("stroke-width", width), dashes is null ? null : A("stroke-dasharray", dashes));
    }

    private static string Describe(Trend trend, SpcVariation variation, SpcAssurance? assurance, PictureWords words)
    {
        var present = trend.Points.Where(p => p.Score is not null).ToList();
        var span = trend.Points.Count == 0 ? "" : $"{trend.Points[0].Month} to {trend.Points[^1].Month}";
        var text = words.Say($"Process control chart of {words.Area(trend.AreaCode)} ({trend.AreaCode}) for unit {trend.UnitCode}, {span}: {present.Count} months with a score.",
            $"{words.Area(trend.AreaCode)} for {trend.UnitCode}, {span}: {present.Count} months with a score.");
        if (trend.Centre is { } c)
        {
            text += words.Say($" Centre line {Num(c)}", $" Average {Num(c)}");
        }
        if (trend is { LowerProcessLimit: { } lo, UpperProcessLimit: { } hi })
        {
            text += words.Say($", process limits {Num(lo)} to {Num(hi)}", $", usual range {Num(lo)} to {Num(hi)}");
        }
        text += ".";
        if (present.LastOrDefault() is { Score: { } last } latest)
        {
            text += words.Say($" Latest month {latest.Month}: {Num(last)}", $" Latest month {latest.Month}: {Num(last)}")
                    + (latest.GroupMedian is { } m ? words.Say($", group median {Num(m)}", $", other units' middle score {Num(m)}") : "") + ".";
        }
        var signalled = present.Where(p => p.Signals.Count > 0).ToList();
        text += signalled.Count == 0
            ? words.Say(" No special-cause signals.", " Nothing unusual.")
            : words.Say(" Signals: ", " Unusual months: ") + string.Join("; ", signalled.Select(p =>
                $"{p.Month} {Num(p.Score!.Value)} ({string.Join(", ", p.Signals.Select(s => SignalName(s, words)))})")) + ".";
        return text + $" {VerdictIcons.Name(variation, words)}. {VerdictIcons.Name(assurance, words)}.";
    }

    private static string SignalName(SpcSignal signal, PictureWords words) => signal switch
    {
        SpcSignal.AboveUpperLimit => words.Say("above the upper process limit", "higher than usual"),
        SpcSignal.BelowLowerLimit => words.Say("below the lower process limit", "lower than usual"),
        SpcSignal.RunAboveCentre => words.Say("a run above the centre line", "above average for a long time"),
        SpcSignal.RunBelowCentre => words.Say("a run below the centre line", "below average for a long time"),
        SpcSignal.TrendUp => words.Say("a run of rises", "going up month after month"),
        SpcSignal.TrendDown => words.Say("a run of falls", "going down month after month"),
        SpcSignal.TwoOfThreeNearUpperLimit => words.Say("two of three months near the upper process limit", "close to higher than usual"),
        _ => words.Say("two of three months near the lower process limit", "close to lower than usual"),
    };
}
