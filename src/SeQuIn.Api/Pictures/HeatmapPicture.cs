using System.Xml.Linq;
using SeQuIn.Api.Benchmarks;
using static SeQuIn.Api.Pictures.Svg;

namespace SeQuIn.Api.Pictures;

/// <summary>
/// The network's units × areas grid: each cell's percentage written in it and shaded in one of five bands (a light to
/// dark blue scale that stays ordered in grey and for colour-blind readers); a month a unit did not submit is hatched
/// with a dash. Rows the network does not name stay unnamed, in the order the JSON gives them.
/// </summary>
public static class HeatmapPicture
{
    private const double LabelWidth = 164, CellWidth = 48, CellHeight = 30, GridTop = 104;
    private static readonly (decimal From, string Fill, string Text)[] Bands =
    [
        (0m, "#eff3ff", Ink), (20m, "#bdd7e7", Ink), (40m, "#6baed6", Ink), (60m, "#3182bd", "#ffffff"), (80m, "#08519c", "#ffffff"),
    ];

    public static XElement Draw(string id, Heatmap heatmap, string networkName, PictureWords words)
    {
        var codes = heatmap.AreaCodes;
        var header = codes.Select((code, j) => Text(LabelWidth + CellWidth * (j + 0.5), GridTop - 10, code, Small, "middle", "bold"));
        var unnamed = 0;
        var rows = heatmap.Units.Select((row, i) =>
        {
            var y = GridTop + CellHeight * i;
            var label = row.UnitCode ?? Unnamed(++unnamed, words);
            return E("g", A("data-unit", row.UnitCode ?? ""),
                Text(LabelWidth - 8, y + 20, label, Small, "end"),
                codes.Select((code, j) =>
                {
                    var x = LabelWidth + CellWidth * j;
                    var value = row.Areas.TryGetValue(code, out var v) ? v : null;
                    var band = value is { } p ? Bands.Last(b => p >= b.From) : default;
                    return E("g", A("data-area", code), A("data-percentage", Exact(value)),
                        E("rect", A("x", x), A("y", y), A("width", CellWidth), A("height", CellHeight),
                            A("fill", value is null ? $"url(#{id}-none)" : band.Fill), A("stroke", "#ffffff"), A("stroke-width", 2)),
                        Text(x + CellWidth / 2, y + 20, value is { } shown ? Num(Math.Round(shown, 0, MidpointRounding.AwayFromZero)) : "–", Small, "middle", fill: value is null ? Muted : band.Text));
                }));
        }).ToList();

        var legendY = GridTop + CellHeight * heatmap.Units.Count + 36;
        var legend = new List<object?> { Text(24, legendY, words.Say("Score as % of the scale:", "Score out of 100:"), Small, weight: "bold") };
        for (var b = 0; b < Bands.Length; b++)
        {
            var x = 210 + 96 * b;
            var to = b + 1 < Bands.Length ? Bands[b + 1].From : 100m;
            legend.Add(E("rect", A("x", x), A("y", legendY - 16), A("width", 28), A("height", 22), A("fill", Bands[b].Fill), A("stroke", Rule)));
            legend.Add(Text(x + 34, legendY, $"{Num(Bands[b].From)}–{Num(to)}"));
        }
        legend.Add(E("rect", A("x", 24), A("y", legendY + 14), A("width", 28), A("height", 22), A("fill", $"url(#{id}-none)"), A("stroke", Rule)));
        legend.Add(Text(60, legendY + 30, words.Say("– not submitted this month", "– no score this month")));
        var keyY = legendY + 66;
        var half = (codes.Count + 1) / 2;
        var key = codes.Select((code, j) => Text(24 + (j < half ? 0 : 372), keyY + 20 * (j % half), $"{code}: {Clip(words.Area(code), 38)}"));

        var title = words.Say($"{networkName}, {heatmap.Month}: every unit's score in every area", $"{networkName}, {heatmap.Month}: scores of each unit");
        return Document(id, (int)(keyY + 20 * half + 16), title,
            words.Say(heatmap.Figure == AreaFigure.Agreed ? "Agreed overall rating as a percentage of its scale." : "Mean standard rating as a percentage of the scale.",
                "Darker means a higher score."),
            Describe(heatmap, networkName, words),
            [A("data-network", heatmap.NetworkId.ToString()), A("data-month", heatmap.Month)],
            E("defs", E("pattern", A("id", $"{id}-none"), A("width", 8), A("height", 8), A("patternUnits", "userSpaceOnUse"),
                E("rect", A("width", 8), A("height", 8), A("fill", "#f0f4f5")),
                E("path", A("d", "M 0 8 L 8 0"), A("stroke", Rule), A("stroke-width", 2)))),
            header, rows, legend, key);
    }

    private static string Unnamed(int number, PictureWords words) => words.Say($"Unit not named ({number})", $"A unit ({number})");

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Describe(Heatmap heatmap, string networkName, PictureWords words)
    {
        var unnamed = 0;
        var rows = heatmap.Units.Select(row =>
        {
            var name = row.UnitCode ?? Unnamed(++unnamed, words);
            var cells = heatmap.AreaCodes.Select(code => row.Areas.TryGetValue(code, out var v) && v is { } p ? $"{code} {Num(p)}" : $"{code} –");
            return $"{name}: {string.Join(", ", cells)}.";
        });
        return words.Say($"Heat map of {networkName} for {heatmap.Month}: {heatmap.Units.Count} units by {heatmap.AreaCodes.Count} areas, percentage scores. ",
                   $"Scores of {heatmap.Units.Count} units in {heatmap.AreaCodes.Count} areas for {heatmap.Month}, out of 100. ")
               + string.Join(" ", rows);
    }
}
