using FluentValidation;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Webhooks;

/// <summary>Where a delivery stands.</summary>
public enum DeliveryState
{
    /// <summary>Not yet taken by the receiver: due now, or waiting for its next attempt.</summary>
    Pending,
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,
    /// <summary>Retried until the subscription's give-up time without success; the subscription was disabled.</summary>
    Failed,
}

/// <summary>A new webhook subscription: where to send which changes of which network or collaborative.</summary>
/// <param name="Url">The https endpoint events are POSTed to. It must resolve to public addresses only.</param>
/// <param name="EventKinds">The change kinds to receive (see the change feed's kinds); empty or left out for all of them.</param>
/// <param name="NetworkId">The network whose changes it receives (its administrators manage it). Give this or collaborativeId.</param>
/// <param name="CollaborativeId">The provider collaborative whose units' changes it receives (managed by administrators of every network its units are in).</param>
/// <param name="Description">What the endpoint is, for the people who look after it.</param>
public sealed record CreateSubscriptionRequest(string Url, string[]? EventKinds, Guid? NetworkId, Guid? CollaborativeId, string? Description);

/// <summary>Everything about a subscription that may change, replaced as a whole.</summary>
/// <param name="Url">The https endpoint events are POSTed to.</param>
/// <param name="EventKinds">The change kinds to receive; empty for all of them.</param>
/// <param name="Description">What the endpoint is.</param>
/// <param name="Active">False pauses deliveries (they wait, nothing is lost); true resumes them, also after the service disabled the subscription.</param>
public sealed record UpdateSubscriptionRequest(string Url, string[] EventKinds, string? Description, bool Active);

/// <summary>A secret rotation.</summary>
/// <param name="OverlapMinutes">How long the old secret keeps signing beside the new one, 0 to 10080 (default 1440): time to deploy the new secret.</param>
public sealed record RotateSecretRequest(int? OverlapMinutes);

/// <summary>A webhook subscription. Its secret is never shown again after it is made or rotated.</summary>
/// <param name="Active">Whether events are being delivered. The service sets it false when a delivery failed for the give-up period.</param>
/// <param name="DisabledReason">Why it is not active, when the service disabled it.</param>
/// <param name="PreviousSecretExpiresAt">While a rotated-out secret still signs beside the new one: until when.</param>
public sealed record SubscriptionResponse(Guid Id, Guid? NetworkId, Guid? CollaborativeId, string Url, string? Description,
    IReadOnlyList<string> EventKinds, bool Active, string? DisabledReason, DateTimeOffset? DisabledAt, DateTimeOffset? PreviousSecretExpiresAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A new subscription and its signing secret, shown this once.</summary>
/// <param name="Secret">The signing secret (whsec_ and base64), for a Standard Webhooks verifier. Keep it: it is not shown again.</param>
public sealed record CreatedSubscription(SubscriptionResponse Subscription, string Secret);

/// <summary>A rotated signing secret, shown this once.</summary>
/// <param name="Secret">The new signing secret.</param>
/// <param name="PreviousSecretExpiresAt">Until when events are signed with the old secret too.</param>
public sealed record RotatedSecret(Guid SubscriptionId, string Secret, DateTimeOffset PreviousSecretExpiresAt);

/// <summary>One try at sending an event.</summary>
/// <param name="StatusCode">The receiver's HTTP status; null when no answer came (refused, timed out).</param>
/// <param name="LatencyMs">From sending to the answer (or the failure), in milliseconds.</param>
/// <param name="Error">What went wrong, when it did.</param>
/// <param name="Trigger">scheduled (the dispatcher's own try) or redelivery (asked for through the API).</param>
public sealed record AttemptResponse(DateTimeOffset AttemptedAt, int? StatusCode, int LatencyMs, string? Error, string Trigger);

/// <summary>One event for one subscription, and every attempt to send it.</summary>
/// <param name="EventType">A change kind, or webhook.test.</param>
/// <param name="State">pending, delivered or failed.</param>
/// <param name="NextAttemptAt">When it will be tried next, while pending.</param>
/// <param name="Payload">The body as sent (and signed).</param>
public sealed record DeliveryResponse(Guid Id, Guid SubscriptionId, string EventType, string ResourceType, Guid ResourceId,
    [property: EnumText(typeof(DeliveryState))] string State, int AttemptCount, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt, string Payload, IReadOnlyList<AttemptResponse> Attempts);

/// <param name="networkId">Only subscriptions of this network.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record SubscriptionListQuery(Guid? networkId, int? limit, string? cursor) : IPagedQuery
{
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

/// <param name="state">Only deliveries in this state.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record DeliveryListQuery([property: EnumQuery(typeof(DeliveryState))] string? state, int? limit, string? cursor) : IPagedQuery
{
    public DeliveryState? State => EnumQuery.Parse<DeliveryState>(state);
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

/// <summary>What every webhook's body is (Standard Webhooks' envelope): the type, when it was sent, and the feed entry.</summary>
/// <param name="Type">The event type: a change kind (assessment.submitted, …) or webhook.test.</param>
/// <param name="Timestamp">When the event happened.</param>
/// <param name="Data">The change feed's entry, exactly as GET /api/v1/changes shows it.</param>
public sealed record WebhookEvent(string Type, DateTimeOffset Timestamp, ChangeEntry Data);

internal static class SubscriptionRules
{
    public const int MaxKinds = 20;

    public static void AddSubscriptionRules<T>(this AbstractValidator<T> validator, Func<T, string?> url, Func<T, string[]?> kinds,
        Func<T, string?> description, TimeProvider clock)
    {
        validator.RuleFor(r => url(r)).NotEmpty().MaximumLength(2000)
            .Must(u => u is null || !u.Any(char.IsControl)).WithMessage("'url' must not contain control characters.")
            .OverridePropertyName("url");
        validator.RuleFor(r => kinds(r)).Must(k => k is null || k.Length <= MaxKinds).WithMessage($"At most {MaxKinds} event kinds.")
            .OverridePropertyName("eventKinds");
        validator.RuleForEach(r => kinds(r)).NotNull()
            .Must(k => k is null || ChangeKinds.All.Contains(k)).WithMessage(k => $"'eventKinds' items must be change kinds: {string.Join(", ", ChangeKinds.All)}.")
            .OverridePropertyName("eventKinds");
        validator.RuleFor(r => description(r)).MaximumLength(500).HasNoPersonalIdentifiers(clock).OverridePropertyName("description");
    }
}

public sealed class CreateSubscriptionRequestValidator : AbstractValidator<CreateSubscriptionRequest>
{
    public CreateSubscriptionRequestValidator(TimeProvider clock)
    {
        this.AddSubscriptionRules(r => r.Url, r => r.EventKinds, r => r.Description, clock);
        RuleFor(r => r.NetworkId).NotEqual(Guid.Empty);
        RuleFor(r => r.CollaborativeId).NotEqual(Guid.Empty);
        RuleFor(r => r.NetworkId).Must((r, n) => (n is null) != (r.CollaborativeId is null))
            .WithMessage("Give either networkId or collaborativeId: whose changes the subscription receives.");
    }
}

public sealed class UpdateSubscriptionRequestValidator : AbstractValidator<UpdateSubscriptionRequest>
{
    public UpdateSubscriptionRequestValidator(TimeProvider clock)
    {
        this.AddSubscriptionRules(r => r.Url, r => r.EventKinds, r => r.Description, clock);
        RuleFor(r => r.EventKinds).NotNull();
    }
}

public sealed class RotateSecretRequestValidator : AbstractValidator<RotateSecretRequest>
{
    public RotateSecretRequestValidator() => RuleFor(r => r.OverlapMinutes).InclusiveBetween(0, 7 * 24 * 60);
}

public sealed class SubscriptionListQueryValidator : AbstractValidator<SubscriptionListQuery>
{
    public SubscriptionListQueryValidator() => this.AddPagingRules();
}

public sealed class DeliveryListQueryValidator : AbstractValidator<DeliveryListQuery>
{
    public DeliveryListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.state).IsEnumName<DeliveryListQuery, DeliveryState>();
    }
}
