using SeQuIn.Api.Progress;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static IEnumerable<(Type Type, object Example)> Progress() =>
    [
        (typeof(NetworkProgress), new NetworkProgress(NetworkId, "2026-08", Month,
            [new AreaProgress("INV", [new ProgressMonth("2026-08", 9, 58.3m), new ProgressMonth("2026-09", 9, 61.1m), new ProgressMonth(Month, 2, null)])],
            [new ImprovedUnitArea(UnitId, UnitCode, "INV", "2026-03", 50.5m, 66.7m, 16.2m)],
            1,
            [new ImprovedStandard("INV-03", "INV", "2026-02", 1.5m, 2.5m, 1m)],
            new ActionsAchieved(7, 4, [new AchievedMonth("2026-08", 4, 3), new AchievedMonth("2026-09", 3, 3), new AchievedMonth(Month, null, 1)]))),
    ];
}
