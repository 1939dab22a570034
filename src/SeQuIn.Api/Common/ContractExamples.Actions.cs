using SeQuIn.Api.Actions;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static Guid ActionId => Guid.Parse("0193b7d1-4c2a-7e10-9b3f-5a6c7d8e9f01");
    private static Guid PriorityId => Guid.Parse("0193b7d1-5d3b-7f21-8c40-6b7d8e9f0a12");

    private static IEnumerable<(Type Type, object Example)> Actions()
    {
        var comment = new ActionCommentResponse(Guid.Parse("0193b7d1-6e4c-7032-9d51-7c8e9f0a1b23"),
            "The recovery college can help: ask for their co-facilitation pack.", "key:1c2d3e4f5a6b", Created);
        var action = new ActionResponse(ActionId, UnitId, NetworkId, AssessmentId, Month, "INV", "INV-03",
            "Service users co-chair the monthly community meeting, with the agenda set together a week before.",
            ActionOwner.WardManager, "2027-01", "Minutes naming the co-chairs by role, and the agenda drafts.", 3, 1,
            ActionStatus.InProgress, null, null, false,
            new ActionEvidenceResponse(ActionEvidence.NotYetShown, null, null, null, null, null, null),
            [PriorityId], [comment], Created, UnitMemberKey, Created, 3);
        var priority = new PriorityResponse(PriorityId, NetworkId, "INV", "INV-03",
            "Seven of twelve units rate co-chaired meetings below established; agreed at the October network meeting.", 3, "2027-04",
            PriorityStatus.Active, 4, Created, "key:7a1c9e3b5d2f", Created, 2);
        return
        [
            (typeof(CreateActionRequest), new CreateActionRequest(AssessmentId, "INV-03",
                "Service users co-chair the monthly community meeting, with the agenda set together a week before.",
                ActionOwner.WardManager, "2027-01", "Minutes naming the co-chairs by role, and the agenda drafts.", 3)),
            (typeof(UpdateActionRequest), new UpdateActionRequest(
                "Service users co-chair the monthly community meeting, with the agenda set together a week before.",
                ActionOwner.PeerSupportWorker, "2027-03", "Minutes naming the co-chairs by role, and the agenda drafts.", 3)),
            (typeof(ActionStatusRequest), new ActionStatusRequest(ActionStatus.Dropped, "The community meeting was replaced by ward forums.")),
            (typeof(ActionCommentRequest), new ActionCommentRequest("The recovery college can help: ask for their co-facilitation pack.")),
            (typeof(ActionCommentResponse), comment),
            (typeof(ActionResponse), action),
            (typeof(Page<ActionResponse>), new Page<ActionResponse>([action], null, 100)),
            (typeof(CreatePriorityRequest), new CreatePriorityRequest("INV-03", "INV",
                "Seven of twelve units rate co-chaired meetings below established; agreed at the October network meeting.", 3, "2027-04")),
            (typeof(UpdatePriorityRequest), new UpdatePriorityRequest(
                "Seven of twelve units rate co-chaired meetings below established; agreed at the October network meeting.", 3, "2027-07",
                PriorityStatus.Active)),
            (typeof(LinkActionRequest), new LinkActionRequest(ActionId)),
            (typeof(PriorityResponse), priority),
            (typeof(Page<PriorityResponse>), new Page<PriorityResponse>([priority], null, 100)),
            (typeof(PriorityProgressResponse), new PriorityProgressResponse(PriorityId, NetworkId, "INV", "INV-03", "standard", 3, "2026-08", Month,
            [
                new PriorityMonth("2026-08", 12, 7, 2m, null, 0, 0),
                new PriorityMonth("2026-09", 11, 6, 2m, null, 3, 0),
                new PriorityMonth(Month, 2, null, null, SeQuIn.Api.Benchmarks.Disclosure.TooFewReason(3), 3, 1),
            ])),
        ];
    }
}
