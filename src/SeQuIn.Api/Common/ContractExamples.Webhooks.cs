using SeQuIn.Api.Changes;
using SeQuIn.Api.Webhooks;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static Guid SubscriptionId => Guid.Parse("4c3b2a19-0f8e-4d7c-9b6a-5f4e3d2c1b0a");
    private static Guid DeliveryId => Guid.Parse("01a2312b-ffed-709b-811c-4a27f222bcc1");
    private const string HookUrl = "https://reporting.ridings-collaborative.example.org/sequin/events";

    private static SubscriptionResponse Subscription => new(SubscriptionId, NetworkId, null, HookUrl, "Ridings reporting warehouse",
        [ChangeKinds.AssessmentSubmitted, ChangeKinds.AssessmentResubmitted, ChangeKinds.AssessmentReturned, ChangeKinds.AssessmentReopened],
        true, null, null, null, Created, Created);

    private static ChangeEntry SubmittedEntry => new("azo5MDQ1MTIuNTUxMjA", Created, ChangeKinds.AssessmentSubmitted, "assessment", AssessmentId, 7, UnitId,
        NetworkId, $"/api/v1/assessments/{AssessmentId}", null);

    private static string SubmittedPayload => WebhookPayloads.Serialize(new WebhookEvent(ChangeKinds.AssessmentSubmitted, Created, SubmittedEntry));

    private static DeliveryResponse Delivery => new(DeliveryId, SubscriptionId, ChangeKinds.AssessmentSubmitted, "assessment", AssessmentId, "pending", 2,
        Created, Created.AddSeconds(31), null, SubmittedPayload,
        [
            new AttemptResponse(Created.AddSeconds(1), 503, 112, "The receiver answered 503.", "scheduled"),
            new AttemptResponse(Created.AddSeconds(7), null, 10_000, "No answer within 10 s.", "scheduled"),
        ]);

    private static IEnumerable<(Type Type, object Example)> Webhooks() =>
    [
        (typeof(CreateSubscriptionRequest), new CreateSubscriptionRequest(HookUrl, Subscription.EventKinds.ToArray(), NetworkId, null, Subscription.Description)),
        (typeof(UpdateSubscriptionRequest), new UpdateSubscriptionRequest(HookUrl, Subscription.EventKinds.ToArray(), Subscription.Description, true)),
        (typeof(RotateSecretRequest), new RotateSecretRequest(1440)),
        (typeof(SubscriptionResponse), Subscription),
        (typeof(Page<SubscriptionResponse>), new Page<SubscriptionResponse>([Subscription], null, 100)),
        (typeof(CreatedSubscription), new CreatedSubscription(Subscription, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")),
        (typeof(RotatedSecret), new RotatedSecret(SubscriptionId, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", Created.AddDays(1))),
        (typeof(DeliveryResponse), Delivery),
        (typeof(Page<DeliveryResponse>), new Page<DeliveryResponse>([Delivery], null, 100)),
        (typeof(WebhookEvent), new WebhookEvent(ChangeKinds.AssessmentSubmitted, Created, SubmittedEntry)),
    ];
}
