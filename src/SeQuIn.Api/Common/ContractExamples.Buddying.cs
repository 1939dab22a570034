using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Buddying;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static IEnumerable<(Type Type, object Example)> Buddying()
    {
        var evidence = new SharedEvidence(Guid.Parse("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"), Guid.Parse("d8f3c2b1-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), "minutes",
            "Co-chaired community meeting: terms of reference", "How the co-chairs share the agenda and report back to each ward.", null);
        var suggestion = new BuddySuggestion(1, OtherUnitId, "ASHW-LSU", "Ashworth Grange Low Secure Unit", NetworkId, NetworkCode, true,
            5, 6, 6, 3.5m, Month, [evidence]);
        var pairing = new BuddyPairingResponse(Guid.Parse("0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"), UnitId, UnitCode, NetworkId, OtherUnitId, "ASHW-LSU",
            "Ashworth Grange Low Secure Unit", "INV-01", "INV", "2026-06", "Our co-chairs join two of their community meetings.",
            BuddyOutcome.Improved, "Co-chairing now runs on both wards.", Created, new DateTimeOffset(2026, 6, 3, 10, 0, 0, TimeSpan.Zero), 2,
            new PairingBeforeAndAfter("2026-03", "2026-05", 1.33m, 3, "2026-07", "2026-09", 2.67m, 3, true));
        return
        [
            (typeof(Page<BuddySuggestion>), new Page<BuddySuggestion>([suggestion], null, 100)),
            (typeof(BuddyPairingRequest), new BuddyPairingRequest(OtherUnitId, "INV-01", null, "2026-06", "Our co-chairs join two of their community meetings.")),
            (typeof(BuddyOutcomeRequest), new BuddyOutcomeRequest(BuddyOutcome.Improved, "Co-chairing now runs on both wards.")),
            (typeof(BuddyPairingResponse), pairing),
            (typeof(Page<BuddyPairingResponse>), new Page<BuddyPairingResponse>([pairing], null, 100)),
            (typeof(BuddyingSummary), new BuddyingSummary(NetworkId, 7, 5, 3, 0.6m, false, 3)),
        ];
    }
}
