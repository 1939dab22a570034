using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Commissioning;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static IEnumerable<(Type Type, object Example)> Commissioning()
    {
        var shown = new RollUpRow("2026-09", "INV", 5, 4, 83.3m, 2.9m, 0.2m, 3.0m, null, 80m, 60m, 20m, 14, 71.4m, null);
        var withheld = new RollUpRow("2026-09", "INV", 2, 2, 100m, null, null, null, null, null, null, null, null, null, Disclosure.TooFewReason(3));
        return
        [
            (typeof(CommissioningSummary), new CommissioningSummary(RollUpSubject.Collaborative, CollaborativeId, "PC-RIDINGS",
                "Ridings Secure Care Provider Collaborative", "2026-09", "2026-09", 6, 3, [shown],
                [new ProviderRollUp(ProviderId, "DEMO-NHS1", "Dalesbridge Health NHS Foundation Trust", 2, [withheld])])),
        ];
    }
}
