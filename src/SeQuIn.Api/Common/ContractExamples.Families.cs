using SeQuIn.Api.Families;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private const string ShareCode = "K7MPQ-4XRTW";

    private static IEnumerable<(Type Type, object Example)> Families()
    {
        var area = new PublicArea("INV", "Involvement", "Having a say", "How the unit asks you what you think and listens to you.", 4,
            "Good", "Good: this is done well most of the time");
        var row = new ConcurrenceRow(Month, "INV", 5, 3, 1, 1, 0.6, 2);
        var view = new FamilyResponseView(Guid.Parse("8d1e6f3a-2b4c-4d5e-9f60-7a8b9c0d1e2f"), Month, "INV", FamilyVerdict.Partly,
            "Visits are welcoming but we rarely hear about ward rounds.", "2026-11", FamilyResponseStatus.Pending, null, 1);
        return
        [
            (typeof(UnitPageRequest), new UnitPageRequest(ShareCode, 6)),
            (typeof(PublicUnitPage), new PublicUnitPage(UnitCode, "Ridgeview Medium Secure Unit", [new PublicMonth(Month, [area])])),
            (typeof(FamilyResponseRequest), new FamilyResponseRequest(ShareCode, Month, "INV", FamilyVerdict.Partly,
                "Visits are welcoming but we rarely hear about ward rounds.")),
            (typeof(FamilyResponseReceipt), new FamilyResponseReceipt(Month, "INV", FamilyVerdict.Partly, true, FamilyResponseStatus.Pending)),
            (typeof(ShareCodeResponse), new ShareCodeResponse(UnitId, ShareCode, "K7", Created)),
            (typeof(FamilyResponseView), view),
            (typeof(Page<FamilyResponseView>), new Page<FamilyResponseView>([view], null, 100)),
            (typeof(ModerationRequest), new ModerationRequest(ModerationDecision.Approve, "Shared with the ward manager.")),
            (typeof(UnitConcurrenceReport), new UnitConcurrenceReport(UnitId, UnitCode, "2025-11", Month, [row],
                [new FamilyComment(Month, "INV", FamilyVerdict.Concur, "Staff explain changes to us at visits.")])),
            (typeof(NetworkConcurrenceReport), new NetworkConcurrenceReport(NetworkId, NetworkCode, "2025-11", Month, [row],
                [new UnitConcurrence(UnitId, UnitCode, [row])])),
        ];
    }
}
