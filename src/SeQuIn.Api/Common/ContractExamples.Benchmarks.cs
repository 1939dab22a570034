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
        (typeof(Trend), new Trend(UnitId, UnitCode, "INV", ComparisonGroup.Network, 2.18m, 2.64m, 1.72m,
            [new TrendPoint("2026-05", 1.8m, 2.2m, []),
             new TrendPoint("2026-06", 1.9m, 2.2m, []),
             new TrendPoint("2026-07", 2.1m, 2.3m, []),
             new TrendPoint("2026-08", 2.2m, 2.3m, []),
             new TrendPoint("2026-09", 2.4m, 2.4m, []),
             new TrendPoint(Month, 2.67m, 2.5m, [SpcSignal.AboveUpperLimit, SpcSignal.TrendUp])],
            AreaFigure.Mean, false, SpcVariation.NotEnoughData, null, 2.5m, 7, 6,
            // The series starts where the framework version changed (an earlier 'from' would show the segment before it).
            [new TrendChangePoint("2026-05", [ChangePointReason.FrameworkVersion])],
            [new TrendSegment("2026-05", Month, 6, 2.18m, 2.64m, 1.72m)])),
        (typeof(RatingExportRow), ExportRows[0]),
        (typeof(Page<RatingExportRow>), new Page<RatingExportRow>(ExportRows, "eyJzIjoiMjAyNi0xMS0wN1QxMzowMDoyMS4wMDBaIn0", 1000)),
    ];
}
