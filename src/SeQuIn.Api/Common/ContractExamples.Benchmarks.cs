using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static readonly GroupFigures Figures = new(9, 1.4m, 2.1m, 2.5m, 2.9m, 3.6m, 2.48m, null);

    private static readonly GroupFigures Withheld = new(2, null, null, null, null, null, null,
        Disclosure.TooFewReason(3));

    private static readonly RatingExportRow[] ExportRows =
    [
        new(NetworkCode, "PC-RIDINGS", "DEMO-NHS1", "nhs", UnitCode, "medium", Month, Framework, "INV", "INV-01", 3, false, Created.AddDays(2), AssessmentId,
            3, 2.67m, 3, 2, "agreed"),
        new(NetworkCode, "PC-RIDINGS", "DEMO-NHS1", "nhs", UnitCode, "medium", Month, Framework, "INV", "INV-04", null, true, Created.AddDays(2), AssessmentId,
            3, 2.67m, null, null, "agreed"),
    ];

    private static IEnumerable<(Type Type, object Example)> Benchmarks() =>
    [
        (typeof(UnitBenchmark), new UnitBenchmark(UnitId, UnitCode, Month, ComparisonGroup.Network,
            [new Benchmark("INV", 2.67m, 66.7m, 0.33m, 72.2m, null, Figures),
             new Benchmark("RRP", null, null, null, null, null, Withheld)])),
        (typeof(AreaBenchmark), new AreaBenchmark(UnitId, UnitCode, Month, "INV", ComparisonGroup.Network,
            [new Benchmark("INV-01", 3m, null, 1m, 77.8m, null, new GroupFigures(9, 1m, 2m, 2m, 3m, 4m, 2.33m, null)),
             new Benchmark("INV-02", 2m, null, 0m, 44.4m, null, new GroupFigures(9, 0m, 1m, 2m, 3m, 3m, 1.89m, null))])),
        (typeof(Trend), new Trend(UnitId, UnitCode, "INV", ComparisonGroup.Network, 2.05m, 2.58m, 1.52m,
            [.. new[] { 1.8m, 2.0m, 1.9m, 2.1m, 1.9m, 2.0m, 2.1m, 1.9m, 2.0m, 2.1m, 2.0m }.Select((score, i) =>
                new TrendPoint(Months.Format(new DateOnly(2025, 11, 1).AddMonths(i)), score, 2.2m, [])),
             new TrendPoint(Month, 2.8m, 2.3m, [SpcSignal.AboveUpperLimit])],
            AreaFigure.Mean, false, SpcVariation.SpecialCauseImprovement, SpcAssurance.HitAndMiss, 2.5m, 7, 7,
            [],
            [new TrendSegment("2025-11", Month, 12, 2.05m, 2.58m, 1.52m)])),
        (typeof(RatingExportRow), ExportRows[0]),
        (typeof(Page<RatingExportRow>), new Page<RatingExportRow>(ExportRows, "eyJzIjoiMjAyNi0xMS0wN1QxMzowMDoyMS4wMDBaIn0", 1000)),
    ];
}
