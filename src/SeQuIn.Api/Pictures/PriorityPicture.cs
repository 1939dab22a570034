using System.Globalization;
using System.Xml.Linq;
using SeQuIn.Api.Actions;
using static SeQuIn.Api.Pictures.Svg;

namespace SeQuIn.Api.Pictures;

/// <summary>
/// A network priority's progress, month by month, in three panels over one month axis: the network median (blue line
/// with circles) against the target (dark dashed line); the units below target (orange bars) within the units reporting
/// (pale bars); and the linked actions open (grey squares) and achieved (green triangles). A month whose figures are
/// withheld is hatched and says "not shown" — never a number; a month nobody reported has a dash. The review month is a
/// purple dashed line with a triangle on the month axis. Drawn from the <see cref="PriorityProgressResponse"/> the JSON
/// endpoint answers, figure for figure.
/// </summary>
public static class PriorityPicture
{
    private const double Left = 64, Right = 736;
    private const double MedianTop = 104, MedianBottom = 284, UnitsTop = 332, UnitsBottom = 452, ActionsTop = 500, ActionsBottom = 600;
    private const string Green = "#007f3b";
    private const string Pale = "#e8edee";

    public static XElement Draw(string id, PriorityProgressResponse progress, string reviewMonth, int scaleMin, int scaleMax, PictureWords words)
    {
        var months = progress.Months;
        var n = Math.Max(months.Count, 1);
        var column = (Right - Left) / n;
        double X(int i) => Left + column * (i + 0.5);
        var low = Math.Min(scaleMin, Math.Min(progress.TargetRating, months.Select(m => m.NetworkMedian).OfType<decimal>().DefaultIfEmpty(scaleMin).Min()));
        var high = Math.Max(scaleMax, Math.Max(progress.TargetRating, months.Select(m => m.NetworkMedian).OfType<decimal>().DefaultIfEmpty(scaleMax).Max()));
        double Y(decimal v) => MedianBottom - (MedianBottom - MedianTop) * (double)((v - low) / Math.Max(1m, high - low));
        var most = Math.Max(1, months.Select(m => m.UnitsReporting).DefaultIfEmpty(0).Max());
        // Room above the tallest bar for its count, under the panel's heading.
        double UnitsY(int v) => UnitsBottom - (UnitsBottom - UnitsTop - 22) * v / most;
        var busiest = Math.Max(1, months.Select(m => Math.Max(m.ActionsOpen, m.ActionsAchieved)).DefaultIfEmpty(0).Max());
        double ActionsY(int v) => ActionsBottom - (ActionsBottom - ActionsTop) * v / busiest;

        var headings = new object?[]
        {
            Text(24, MedianTop - 12, words.Say("Network median against the target", "The middle score of all units, and the aim"), Body, weight: "bold"),
            Text(24, UnitsTop - 12, words.Say("Units below target, of the units reporting", "Units under the aim, of the units that sent scores"), Body, weight: "bold"),
            Text(24, ActionsTop - 12, words.Say("Linked actions open and achieved", "Actions still open, and actions that worked"), Body, weight: "bold"),
            // The chart's axis shows only 0 and the most: the latest counts are written out.
            months.Count == 0 ? null : Text(Right, ActionsTop - 12, words.Say($"{months[^1].Month}: {months[^1].ActionsOpen} open, {months[^1].ActionsAchieved} achieved",
                $"{months[^1].Month}: {months[^1].ActionsOpen} open, {months[^1].ActionsAchieved} worked"), Small, "end", fill: Muted),
        };
        var grid = new object?[]
        {
            Enumerable.Range((int)Math.Ceiling(low), (int)Math.Floor(high) - (int)Math.Ceiling(low) + 1).Select(v => Axis(Y(v), v)),
            Axis(UnitsBottom, 0), Axis(UnitsY(most), most), Axis(ActionsBottom, 0), Axis(ActionsTop, busiest),
        };
        var target = new object?[]
        {
            E("line", A("data-line", "target"), A("x1", Left), A("y1", Y(progress.TargetRating)), A("x2", Right), A("y2", Y(progress.TargetRating)),
                A("stroke", Ink), A("stroke-width", 2), A("stroke-dasharray", "10 6")),
            E("text", A("x", Right), A("y", Y(progress.TargetRating) - 8), A("font-size", Small), A("text-anchor", "end"), A("font-weight", "bold"),
                A("stroke", "#ffffff"), A("stroke-width", 4), A("paint-order", "stroke"),
                words.Say($"Target {progress.TargetRating}", $"Aim {progress.TargetRating}")),
        };
        var medianLine = SpcPicture.Path(months.Select((m, i) => m.NetworkMedian is { } v ? (X(i), Y(v)) : ((double, double)?)null).ToList(), Blue, null, 2.5);
        var openLine = SpcPicture.Path(months.Select((m, i) => ((double, double)?)(X(i), ActionsY(m.ActionsOpen))).ToList(), Grey, "6 4", 2.5);
        var achievedLine = SpcPicture.Path(months.Select((m, i) => ((double, double)?)(X(i), ActionsY(m.ActionsAchieved))).ToList(), Green, null, 2.5);
        var marks = months.Select((m, i) => Month(id, m, X(i), column, Y, UnitsY, ActionsY, words));

        // About twelve month labels, the latest always among them; the year under January and under the first label.
        var every = Math.Max(1, (int)Math.Ceiling(months.Count / 12.0));
        var labelled = months.Select((m, i) => (m, i)).Where(x => x.i % every == (months.Count - 1) % every).ToList();
        var axis = labelled.Select((x, k) =>
        {
            var month = Assessments.Months.Parse(x.m.Month);
            var name = DateTimeFormatInfo.InvariantInfo.GetAbbreviatedMonthName(month.Month);
            return k == 0 || month.Month == 1
                ? Lines(X(x.i), ActionsBottom + 22, [name, month.Year.ToString(CultureInfo.InvariantCulture)], Small, "middle")
                : Text(X(x.i), ActionsBottom + 22, name, Small, "middle");
        });
        var reviewAt = months.Select((m, i) => (m.Month, i)).Where(x => x.Month == reviewMonth).Select(x => (int?)x.i).SingleOrDefault();
        var review = reviewAt is { } r
            ? E("g", A("data-review-month", reviewMonth),
                E("line", A("x1", X(r)), A("y1", MedianTop - 4), A("x2", X(r)), A("y2", ActionsBottom), A("stroke", Purple), A("stroke-width", 2),
                    A("stroke-dasharray", "3 3")),
                Marker(Shape.TriangleUp, X(r), ActionsBottom + 52, 7, Purple),
                Text(Math.Clamp(X(r), Left + 40, Right - 40), ActionsBottom + 76, words.Say($"Review {reviewMonth}", $"Look again {reviewMonth}"), Small, "middle",
                    "bold", Purple))
            : null;

        var legendY = ActionsBottom + (reviewAt is null ? 72 : 112);
        var legend = new object?[]
        {
            LegendLine(24, legendY, Blue, null), Marker(Shape.Circle, 41, legendY, 6, Blue), Text(66, legendY + 5, words.Say("Network median", "Middle score")),
            LegendLine(210, legendY, Ink, "10 6"), Text(252, legendY + 5, words.Say("Target", "Aim")),
            E("rect", A("x", 400), A("y", legendY - 9), A("width", 18), A("height", 18), A("fill", Orange)),
            Text(426, legendY + 5, words.Say("Units below target", "Units under the aim")),
            E("rect", A("x", 590), A("y", legendY - 9), A("width", 18), A("height", 18), A("fill", Pale), A("stroke", Grey)),
            Text(616, legendY + 5, words.Say("Units reporting", "Units that sent scores")),
            LegendLine(24, legendY + 32, Grey, "6 4"), Marker(Shape.Square, 41, legendY + 32, 5, Grey), Text(66, legendY + 37, words.Say("Actions open", "Actions still open")),
            LegendLine(210, legendY + 32, Green, null), Marker(Shape.TriangleUp, 227, legendY + 32, 6, Green),
            Text(252, legendY + 37, words.Say("Actions achieved", "Actions that worked")),
            E("rect", A("x", 400), A("y", legendY + 23), A("width", 18), A("height", 18), A("fill", $"url(#{id}-withheld)"), A("stroke", Grey)),
            Text(426, legendY + 37, words.Say("Not shown (withheld)", "Not shown")),
            Text(590, legendY + 37, "–", Small, weight: "bold", fill: Muted), Text(616, legendY + 37, words.Say("No units reported", "No scores sent")),
            reviewAt is null
                ? Text(24, legendY + 69, words.Say($"Review month {reviewMonth}, outside these months.", $"Look again in {reviewMonth}."), Small, fill: Purple)
                : null,
        };

        var subject = Subject(progress, words);
        var title = words.Say($"Priority {subject}: progress to target {progress.TargetRating}", $"What the network is working on: {subject}");
        var span = $"{progress.From} to {progress.To}";
        return Document(id, (int)legendY + (reviewAt is null ? 92 : 60), title,
            words.Say($"{span}, scale {scaleMin} to {scaleMax}, higher is better; review {reviewMonth}.", $"{span}. Higher is better. Look again in {reviewMonth}."),
            Describe(progress, reviewMonth, subject, words),
            [A("data-priority", progress.PriorityId.ToString()), A("data-area", progress.AreaCode), A("data-standard", progress.StandardCode ?? ""),
             A("data-measure", progress.Measure), A("data-target", progress.TargetRating), A("data-review-month", reviewMonth),
             A("data-from", progress.From), A("data-to", progress.To)],
            E("defs", E("pattern", A("id", $"{id}-withheld"), A("width", 8), A("height", 8), A("patternUnits", "userSpaceOnUse"),
                E("rect", A("width", 8), A("height", 8), A("fill", "#f0f4f5")),
                E("path", A("d", "M 0 8 L 8 0"), A("stroke", "#aeb7bd"), A("stroke-width", 2)))),
            // The target goes over a withheld month's hatch: the aim is no figure about units, and stays in sight.
            headings, grid, review, medianLine, openLine, achievedLine, marks, target, axis, legend);
    }

    /// <summary>What the priority is on: its standard (and area), or the whole area.</summary>
    public static string Subject(PriorityProgressResponse progress, PictureWords words) => progress.StandardCode is { } code
        ? $"{code} ({words.Area(progress.AreaCode)})"
        : words.Say($"the whole area {words.Area(progress.AreaCode)} ({progress.AreaCode})", $"all of {words.Area(progress.AreaCode)}");

    /// <summary>
    /// One month's column: its figures in data-* attributes, and its marks in the three panels. A withheld month draws
    /// no median and no count, only the hatch and the words "not shown".
    /// </summary>
    private static XElement Month(string id, PriorityMonth m, double x, double column, Func<decimal, double> y, Func<int, double> unitsY,
        Func<int, double> actionsY, PictureWords words)
    {
        var withheld = m.WithheldReason is not null;
        var bar = Math.Min(column * 0.6, 36);
        var wide = column >= 48;
        object? median = (m.NetworkMedian, withheld, m.UnitsReporting) switch
        {
            ({ } v, _, _) => Marker(Shape.Circle, x, y(v), 6, Blue),
            (_, true, _) => new object?[]
            {
                E("rect", A("data-withheld", "median"), A("x", x - column / 2 + 2), A("y", MedianTop), A("width", column - 4), A("height", MedianBottom - MedianTop),
                    A("fill", $"url(#{id}-withheld)")),
                wide ? Lines(x, (MedianTop + MedianBottom) / 2, ["not", "shown"], Small, "middle") : null,
            },
            _ => column >= 16 ? Text(x, (MedianTop + MedianBottom) / 2 + 5, "–", Small, "middle", "bold", Muted) : null,
        };
        var units = new object?[]
        {
            m.UnitsReporting > 0
                ? E("rect", A("x", x - bar / 2), A("y", unitsY(m.UnitsReporting)), A("width", bar), A("height", UnitsBottom - unitsY(m.UnitsReporting)),
                    A("fill", withheld ? $"url(#{id}-withheld)" : Pale), A("stroke", Grey), A("stroke-width", 1))
                : null,
            m.UnitsBelowTarget is { } count && count > 0
                ? E("rect", A("data-bar", "below-target"), A("x", x - bar / 2), A("y", unitsY(count)), A("width", bar), A("height", UnitsBottom - unitsY(count)),
                    A("fill", Orange))
                : null,
            (m.UnitsBelowTarget, withheld, m.UnitsReporting) switch
            {
                ({ } below, _, var of) when column >= 24 => Text(x, unitsY(of) - 6, wide ? $"{below}/{of}" : below.ToString(CultureInfo.InvariantCulture), Small, "middle"),
                (_, true, _) when wide => Text(x, unitsY(m.UnitsReporting) - 6, "not shown", Small, "middle", fill: Muted),
                (null, false, 0) when column >= 16 => Text(x, UnitsBottom - 6, "–", Small, "middle", "bold", Muted),
                _ => null,
            },
        };
        var actions = new object?[]
        {
            Marker(Shape.Square, x, actionsY(m.ActionsOpen), 5, Grey),
            Marker(Shape.TriangleUp, x, actionsY(m.ActionsAchieved), 6, Green),
        };
        return E("g", A("data-month", m.Month), A("data-units-reporting", m.UnitsReporting), A("data-units-below-target", Exact(m.UnitsBelowTarget)),
            A("data-network-median", Exact(m.NetworkMedian)), withheld ? A("data-withheld", m.WithheldReason!) : null,
            A("data-actions-open", m.ActionsOpen), A("data-actions-achieved", m.ActionsAchieved),
            median, units, actions);
    }

    private static object[] Axis(double y, int value) =>
    [
        E("line", A("x1", Left), A("y1", y), A("x2", Right), A("y2", y), A("stroke", Rule), A("stroke-width", 1)),
        Text(Left - 10, y + 5, value.ToString(CultureInfo.InvariantCulture), Small, "end", fill: Muted),
    ];

    private static XElement LegendLine(double x, double y, string colour, string? dashes) =>
        E("line", A("x1", x), A("y1", y), A("x2", x + 34), A("y2", y), A("stroke", colour), A("stroke-width", 2), dashes is null ? null : A("stroke-dasharray", dashes));

    /// <summary>The latest month's progress in one sentence (what the meeting pack lists beside the chart).</summary>
    public static string Line(PriorityMonth m, int target, PictureWords words)
    {
        var figures = (m.NetworkMedian, m.UnitsBelowTarget, m.WithheldReason) switch
        {
            ({ } median, { } below, _) => words.Say($"network median {Num(median)} against a target of {target}; {below} of {m.UnitsReporting} units reporting were below target",
                $"middle score {Num(median)}, aim {target}; {below} of {m.UnitsReporting} units under the aim"),
            (_, _, { } reason) => words.Say($"{m.UnitsReporting} units reporting; median and units below target not shown ({reason.TrimEnd('.')})",
                $"{m.UnitsReporting} units sent scores; the scores are not shown, to keep units from being identified"),
            _ => words.Say("no unit reported it", "no scores sent"),
        };
        return $"{m.Month}: {figures}; " + words.Say($"{m.ActionsOpen} linked actions open, {m.ActionsAchieved} achieved.",
            $"{m.ActionsOpen} actions still open, {m.ActionsAchieved} worked.");
    }

    private static string Describe(PriorityProgressResponse progress, string reviewMonth, string subject, PictureWords words) =>
        words.Say($"Progress of the network priority on {subject}, target {progress.TargetRating}, review {reviewMonth}, month by month from {progress.From} to {progress.To}. ",
            $"How the network is doing on {subject}, aim {progress.TargetRating}, look again in {reviewMonth}, from {progress.From} to {progress.To}. ")
        + string.Join(" ", progress.Months.Select(m => Line(m, progress.TargetRating, words)));
}
