using System.Text.Json;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Benchmarks;

/// <summary>
/// The benchmark, trend and heat-map answers as CSV tables for analysts: the figures the JSON holds, after the same
/// disclosure control (a withheld figure is an empty field, and <c>suppressed</c> says why), one row per figure. The
/// last columns repeat which figure and filter the answer used (<c>figure</c>, <c>confirmedOnly</c>), so a file read on
/// its own says what it holds; columns are only ever added at the end.
/// </summary>
public static class BenchmarkCsv
{
    public const string GroupColumns = "groupUnits,groupMinimum,groupLowerQuartile,groupMedian,groupUpperQuartile,groupMaximum,groupMean,suppressed";
    public const string UnitColumns = "unitId,unitCode,month,group,area,score,percentage,change,percentile,rank," + GroupColumns + ",figure,confirmedOnly";
    public const string AreaColumns = "unitId,unitCode,month,group,area,standard,score,change,percentile,rank," + GroupColumns + ",confirmedOnly";
    public const string TrendColumns = "unitId,unitCode,area,group,month,score,groupMedian,signals,centre,upperProcessLimit,lowerProcessLimit,figure,confirmedOnly";
    public const string HeatmapColumns = "networkId,month,row,unitId,unitCode,unitName,area,percentage,figure,confirmedOnly";

    /// <summary>One row per area.</summary>
    public static CsvTable Of(UnitBenchmark benchmark)
    {
        var table = new CsvTable(UnitColumns.Split(','));
        foreach (var area in benchmark.Areas)
        {
            table.Add(benchmark.UnitId).Add(benchmark.UnitCode).Add(benchmark.Month).Add(Name(benchmark.Group)).Add(area.Code)
                .Add(area.Score).Add(area.Percentage).Add(area.Change).Add(area.Percentile).Add(area.Rank);
            Group(table, area.Group).Add(Name(benchmark.Figure)).Add(benchmark.ConfirmedOnly).EndRow();
        }
        return table;
    }

    /// <summary>One row per standard.</summary>
    public static CsvTable Of(AreaBenchmark benchmark)
    {
        var table = new CsvTable(AreaColumns.Split(','));
        foreach (var standard in benchmark.Standards)
        {
            table.Add(benchmark.UnitId).Add(benchmark.UnitCode).Add(benchmark.Month).Add(Name(benchmark.Group)).Add(benchmark.AreaCode).Add(standard.Code)
                .Add(standard.Score).Add(standard.Change).Add(standard.Percentile).Add(standard.Rank);
            Group(table, standard.Group).Add(benchmark.ConfirmedOnly).EndRow();
        }
        return table;
    }

    /// <summary>One row per month with its segment's centre and limits (the same on every row until a change point), signals separated by semicolons.</summary>
    public static CsvTable Of(Trend trend)
    {
        var table = new CsvTable(TrendColumns.Split(','));
        foreach (var point in trend.Points)
        {
            var segment = trend.Segments.LastOrDefault(s => string.CompareOrdinal(s.From, point.Month) <= 0) ?? trend.Segments[0];
            table.Add(trend.UnitId).Add(trend.UnitCode).Add(trend.AreaCode).Add(Name(trend.Group)).Add(point.Month).Add(point.Score).Add(point.GroupMedian)
                .Add(string.Join(';', point.Signals.Select(Name))).Add(segment.Centre).Add(segment.UpperProcessLimit).Add(segment.LowerProcessLimit)
                .Add(Name(trend.Figure)).Add(trend.ConfirmedOnly).EndRow();
        }
        return table;
    }

    /// <summary>
    /// One row per unit and area, in the grid's order. <c>row</c> is the unit's row in the grid: it ties together the
    /// areas of a unit whose name is withheld, as the JSON's row does, and says nothing more of who it is.
    /// </summary>
    public static CsvTable Of(Heatmap heatmap)
    {
        var table = new CsvTable(HeatmapColumns.Split(','));
        foreach (var (unit, row) in heatmap.Units.Select((unit, i) => (unit, i + 1)))
        {
            foreach (var area in heatmap.AreaCodes)
            {
                table.Add(heatmap.NetworkId).Add(heatmap.Month).Add(row).Add(unit.UnitId).Add(unit.UnitCode).Add(unit.UnitName).Add(area)
                    .Add(unit.Areas.GetValueOrDefault(area)).Add(Name(heatmap.Figure)).Add(heatmap.ConfirmedOnly).EndRow();
            }
        }
        return table;
    }

    private static CsvTable Group(CsvTable table, GroupFigures group) =>
        table.Add(group.Units).Add(group.Minimum).Add(group.LowerQuartile).Add(group.Median).Add(group.UpperQuartile).Add(group.Maximum).Add(group.Mean)
            .Add(group.Suppressed);

    /// <summary>Enum values as the JSON names them (kebab-case).</summary>
    private static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
