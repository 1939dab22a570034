using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static IEnumerable<(Type Type, object Example)> Insight() =>
    [
        (typeof(GapsReport), new GapsReport(NetworkId, Month, 1, 3,
            [new Gap("FFC-04", "FFC", 9, 13, 4), new Gap("TEC-02", "TEC", 7, 12, 2)], [new AreaGap("FFC", 5, 13, 2)])),
        // A network that keeps comparisons anonymous: the caller's own unit is named, the others are rows.
        (typeof(Heatmap), new Heatmap(NetworkId, Month, ["INV", "RRP", "TEC"],
            [new HeatmapRow(UnitId, UnitCode, "Ridgeview Medium Secure Unit", new Dictionary<string, decimal?> { ["INV"] = 66.7m, ["RRP"] = 55m, ["TEC"] = null }),
             new HeatmapRow(null, null, null, new Dictionary<string, decimal?> { ["INV"] = 72.5m, ["RRP"] = 61.1m, ["TEC"] = 40m })])),
        (typeof(BestPractice), new BestPractice(NetworkId, "INV-01", Month, 4,
            [new BestPracticeUnit(OtherUnitId, "ASHW-LSU", "Ashworth Grange Low Secure Unit", 4,
                [new SharedEvidence(Guid.Parse("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"), Guid.Parse("d8f3c2b1-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), "minutes",
                    "Co-chaired community meeting: terms of reference", "How the co-chairs share the agenda and report back to each ward.", null)])])),
        (typeof(Participation), new Participation(NetworkId, Month, 15, 12, 141, 78.3m, 91.5m, 128,
            [new UnitParticipation(UnitId, UnitCode, 11, 10, 11, ["CPA", "DHW", "FFC", "INV", "MAC", "MDT", "RAS", "RCO", "RPW", "RRP", "SRA"], 8, 1)],
            96, 9, 0.681m, false)),
        (typeof(AgreementReport), new AgreementReport(NetworkId, "2026-01", Month,
            [new AgreementFigures("INV", 412, 71.4m, 0.62m), new AgreementFigures("RRP", 388, 58.2m, 0.47m)],
            [new AgreementFigures(UnitCode, 96, 68.8m, 0.55m)])),
        (typeof(PublicSummary), new PublicSummary(NetworkCode, NetworkName, Month,
            [new PublicAreaSummary("INV", Figures), new PublicAreaSummary("TEC", Withheld)])),
    ];
}
