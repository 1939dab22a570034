using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Webhooks;

/// <summary>What the webhook handlers share: who asks, the request, the database, the audit trail, the clock, the address rule.</summary>
public readonly record struct WebhookServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock,
    WebhookAddresses Addresses, WebhookOptions Options) : IServiceBundle;

/// <summary>
/// Webhook subscriptions (ADR 0028): network and collaborative administrators point an https endpoint at the change
/// feed of their network or collaborative; the dispatcher (<see cref="WebhookDispatcher"/>) delivers from the feed.
/// A subscription the caller does not manage does not exist for it (404).
/// </summary>
public static class WebhooksApi
{
    public const string TestEvent = "webhook.test";

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/webhooks/subscriptions")
            .WithTags("Webhooks")
            .WithValidation()
            .RequireAuthorization(Policies.NetworkAdmin)
            .WithRoles(Role.NetworkAdmin);
        group.MapGet("/", ListSubscriptions)
            .WithName(nameof(ListSubscriptions))
            .WithSummary("List the webhook subscriptions you manage")
            .WithDescription("Subscriptions of the networks you administer, and of the provider collaboratives whose units all lie in them; oldest first.");
        group.MapPost("/", CreateSubscription)
            .WithName(nameof(CreateSubscription))
            .WithIdempotency()
            .WithSummary("Subscribe an https endpoint to a network's or a collaborative's changes; the signing secret is shown this once")
            .WithDescription("Every change-feed entry of the network (or of the collaborative's units) from now on, of the kinds asked for, is POSTed " +
                "to the URL as a WebhookEvent, signed to the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature) " +
                "with the secret in the answer. At least once, in order per resource; retried with exponential back-off and jitter for three days, " +
                "then the subscription is disabled. The URL must resolve to public addresses only.");
        group.MapGet("/{subscriptionId:guid}", GetSubscription)
            .WithName(nameof(GetSubscription))
            .WithETag()
            .WithSummary("One webhook subscription (never its secret)");
        group.MapPut("/{subscriptionId:guid}", UpdateSubscription)
            .WithName(nameof(UpdateSubscription))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Change a subscription's URL, kinds or description; pause or resume it")
            .WithDescription("Replaces URL, kinds, description and active flag. Active true resumes a subscription the service disabled: " +
                "deliveries still pending are sent again from where they stopped. Needs If-Match.");
        group.MapDelete("/{subscriptionId:guid}", DeleteSubscription)
            .WithName(nameof(DeleteSubscription))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Remove a subscription and its delivery log. Needs If-Match.");
        group.MapPost("/{subscriptionId:guid}/rotate-secret", RotateSecret)
            .WithName(nameof(RotateSecret))
            .WithIfMatch()
            .WithIdempotency()
            .WithSummary("Replace the signing secret; the old one keeps signing beside it for an overlap period")
            .WithDescription("The new secret is shown this once. Until previousSecretExpiresAt every event carries two signatures (old and new), " +
                "so the receiver can switch at any moment in that period. Needs If-Match.");
        group.MapPost("/{subscriptionId:guid}/test", SendTestEvent)
            .WithName(nameof(SendTestEvent))
            .WithIdempotency()
            .WithSummary("Send a webhook.test event now, to check the endpoint and its verification")
            .WithDescription("Queues one event of type webhook.test; follow it in the deliveries log.");
        group.MapGet("/{subscriptionId:guid}/deliveries", ListDeliveries)
            .WithName(nameof(ListDeliveries))
            .WithSummary("The delivery log: every event, its state and every attempt (time, status, latency, error, next attempt)")
            .WithDescription("Oldest first; filter by state. Kept for as long as the subscription.");
        group.MapGet("/{subscriptionId:guid}/deliveries/{deliveryId:guid}", GetDelivery)
            .WithName(nameof(GetDelivery))
            .WithSummary("One delivery and its attempts");
        group.MapPost("/{subscriptionId:guid}/deliveries/{deliveryId:guid}/redeliver", Redeliver)
            .WithName(nameof(Redeliver))
            .WithIdempotency()
            .WithSummary("Send a delivered or failed event again")
            .WithDescription("The event goes out again with the same webhook-id (receivers that de-duplicate see a repeat), after any earlier event " +
                "of the same resource still pending. The subscription must be active.");
        return routes;
    }

    public static async Task<Ok<Page<SubscriptionResponse>>> ListSubscriptions([AsParameters] SubscriptionListQuery query, Caller caller,
        SeQuInDbContext db, CancellationToken ct)
    {
        var managed = Managed(db, caller.Scope).WhereIf(query.networkId is not null, s => s.NetworkId == query.networkId);
        return TypedResults.Ok(await managed.ToPageAsync(query, s => s.Id.ToString(), ToResponse, ct));
    }

    public static async Task<Results<Ok<SubscriptionResponse>, NotFoundProblem, StatusCodeHttpResult>> GetSubscription(Guid subscriptionId,
        HttpContext http, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (await Managed(db, caller.Scope).SingleOrDefaultAsync(s => s.Id == subscriptionId, ct) is not { } subscription)
        {
            return NotFound(subscriptionId);
        }
        return Preconditions.NotModified(http, ETag(subscription))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(ToResponse(subscription));
    }

    public static async Task<Results<Created<CreatedSubscription>, ForbiddenProblem, ValidationProblem>> CreateSubscription(
        CreateSubscriptionRequest request, [AsParameters] WebhookServices services, CancellationToken ct)
    {
        var db = services.Db;
        if (request.NetworkId is { } networkId && !await db.Networks.AnyAsync(n => n.Id == networkId, ct))
        {
            return ApiProblems.Invalid("networkId", $"There is no network with id {networkId}.");
        }
        if (request.CollaborativeId is { } collaborativeId && !await db.Collaboratives.AnyAsync(c => c.Id == collaborativeId, ct))
        {
            return ApiProblems.Invalid("collaborativeId", $"There is no provider collaborative with id {collaborativeId}.");
        }
        if (!await ManagesAsync(db, services.Caller.Scope, request.NetworkId, request.CollaborativeId, ct))
        {
            return ApiProblems.Forbidden("Only an administrator of the network (for a collaborative: of every network its units are in) may subscribe to its changes.");
        }
        if (await services.Addresses.ProblemWithAsync(request.Url, ct) is { } refused)
        {
            return ApiProblems.Invalid("url", refused);
        }
        var now = services.Clock.Now();
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(ct);
        // From now on: entries of transactions still running may come too (at least once), none already finished.
        var from = await db.Database.SqlQueryRaw<string>("SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS \"Value\"").SingleAsync(ct);
        var subscription = new WebhookSubscription
        {
            NetworkId = request.NetworkId,
            CollaborativeId = request.CollaborativeId,
            Url = request.Url,
            Description = request.Description,
            EventKinds = request.EventKinds?.Distinct(StringComparer.Ordinal).ToArray() ?? [],
            Secret = NewSecret(),
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = services.Caller.Actor,
            ReadToTransaction = long.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            ReadToPosition = 0,
        };
        db.WebhookSubscriptions.Add(subscription);
        var created = ToResponse(subscription);
        services.Audit.Record("webhook-subscription.created", "webhook-subscription", subscription.Id, subscription.NetworkId, created);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        services.Http.Response.SetETag(ETag(subscription));
        return TypedResults.Created($"/api/v1/webhooks/subscriptions/{subscription.Id}", new CreatedSubscription(created, subscription.Secret));
    }

    public static async Task<Results<Ok<SubscriptionResponse>, NotFoundProblem, ValidationProblem, PreconditionProblem>> UpdateSubscription(
        Guid subscriptionId, UpdateSubscriptionRequest request, [AsParameters] WebhookServices services, CancellationToken ct)
    {
        var db = services.Db;
        var (subscription, refusal) = await ForChangeAsync(subscriptionId, services, ct);
        if (subscription is null)
        {
            return refusal!.Missing is { } missing ? missing : refusal.Precondition!;
        }
        if (request.Url != subscription.Url && await services.Addresses.ProblemWithAsync(request.Url, ct) is { } refused)
        {
            return ApiProblems.Invalid("url", refused);
        }
        var before = ToResponse(subscription);
        subscription.Url = request.Url;
        subscription.EventKinds = request.EventKinds.Distinct(StringComparer.Ordinal).ToArray();
        subscription.Description = request.Description;
        if (request.Active && !subscription.Active)
        {
            subscription.DisabledReason = null;
            subscription.DisabledAt = null;
        }
        subscription.Active = request.Active;
        subscription.UpdatedAt = services.Clock.Now();
        subscription.Revision++;
        var after = ToResponse(subscription);
        services.Audit.Record("webhook-subscription.updated", "webhook-subscription", subscription.Id, subscription.NetworkId, AuditChanges.Between(before, after));
        if (!await db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("webhook subscription");
        }
        services.Http.Response.SetETag(ETag(subscription));
        return TypedResults.Ok(after);
    }

    public static async Task<Results<NoContent, NotFoundProblem, PreconditionProblem>> DeleteSubscription(Guid subscriptionId,
        [AsParameters] WebhookServices services, CancellationToken ct)
    {
        var db = services.Db;
        var (subscription, refusal) = await ForChangeAsync(subscriptionId, services, ct);
        if (subscription is null)
        {
            return refusal!.Missing is { } missing ? missing : refusal.Precondition!;
        }
        db.WebhookSubscriptions.Remove(subscription);
        services.Audit.Record("webhook-subscription.deleted", "webhook-subscription", subscription.Id, subscription.NetworkId, ToResponse(subscription));
        if (!await db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("webhook subscription");
        }
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<RotatedSecret>, NotFoundProblem, PreconditionProblem>> RotateSecret(Guid subscriptionId,
        RotateSecretRequest request, [AsParameters] WebhookServices services, CancellationToken ct)
    {
        var db = services.Db;
        var (subscription, refusal) = await ForChangeAsync(subscriptionId, services, ct);
        if (subscription is null)
        {
            return refusal!.Missing is { } missing ? missing : refusal.Precondition!;
        }
        var now = services.Clock.Now();
        var overlap = request.OverlapMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : services.Options.DefaultSecretOverlap;
        subscription.PreviousSecret = subscription.Secret;
        subscription.PreviousSecretExpiresAt = now + overlap;
        subscription.Secret = NewSecret();
        subscription.UpdatedAt = now;
        subscription.Revision++;
        services.Audit.Record("webhook-subscription.secret-rotated", "webhook-subscription", subscription.Id, subscription.NetworkId,
            new { previousSecretExpiresAt = subscription.PreviousSecretExpiresAt });
        if (!await db.TrySaveRevisionAsync(ct))
        {
            return Preconditions.Stale("webhook subscription");
        }
        services.Http.Response.SetETag(ETag(subscription));
        return TypedResults.Ok(new RotatedSecret(subscription.Id, subscription.Secret, subscription.PreviousSecretExpiresAt.Value));
    }

    public static async Task<Results<Accepted<DeliveryResponse>, NotFoundProblem, ConflictProblem>> SendTestEvent(Guid subscriptionId,
        [AsParameters] WebhookServices services, CancellationToken ct)
    {
        var db = services.Db;
        if (await Managed(db, services.Caller.Scope).SingleOrDefaultAsync(s => s.Id == subscriptionId, ct) is not { } subscription)
        {
            return NotFound(subscriptionId);
        }
        if (!subscription.Active)
        {
            return NotActive();
        }
        var now = services.Clock.Now();
        var link = $"/api/v1/webhooks/subscriptions/{subscription.Id}";
        var entry = new ChangeEntry("test", now, TestEvent, "webhook-subscription", subscription.Id, subscription.Revision, null,
            subscription.NetworkId, link, null);
        var delivery = new WebhookDelivery
        {
            SubscriptionId = subscription.Id,
            EventType = TestEvent,
            ResourceType = "webhook-subscription",
            // A test event orders after nothing and holds back nothing: a resource of its own.
            ResourceId = Guid.CreateVersion7(),
            FeedPosition = 0,
            Payload = WebhookPayloads.Serialize(new WebhookEvent(TestEvent, now, entry)),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.WebhookDeliveries.Add(delivery);
        services.Audit.Record("webhook-subscription.test-sent", "webhook-subscription", subscription.Id, subscription.NetworkId, new { deliveryId = delivery.Id });
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null, ToResponse(delivery));
    }

    public static async Task<Results<Ok<Page<DeliveryResponse>>, NotFoundProblem>> ListDeliveries(Guid subscriptionId,
        [AsParameters] DeliveryListQuery query, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (!await Managed(db, caller.Scope).AnyAsync(s => s.Id == subscriptionId, ct))
        {
            return NotFound(subscriptionId);
        }
        var state = query.State is { } s ? EnumQuery.NameOf(s) : null;
        var deliveries = db.WebhookDeliveries.AsNoTracking().Include(d => d.Attempts)
            .Where(d => d.SubscriptionId == subscriptionId)
            .WhereIf(state is not null, d => d.State == state);
        return TypedResults.Ok(await deliveries.ToPageAsync(query, d => d.Id.ToString(), ToResponse, ct));
    }

    public static async Task<Results<Ok<DeliveryResponse>, NotFoundProblem>> GetDelivery(Guid subscriptionId, Guid deliveryId, Caller caller,
        SeQuInDbContext db, CancellationToken ct)
    {
        if (!await Managed(db, caller.Scope).AnyAsync(s => s.Id == subscriptionId, ct)
            || await db.WebhookDeliveries.AsNoTracking().Include(d => d.Attempts)
                .SingleOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == subscriptionId, ct) is not { } delivery)
        {
            return ApiProblems.NotFound($"There is no delivery {deliveryId} of a subscription {subscriptionId} you manage.");
        }
        return TypedResults.Ok(ToResponse(delivery));
    }

    public static async Task<Results<Accepted<DeliveryResponse>, NotFoundProblem, ConflictProblem>> Redeliver(Guid subscriptionId, Guid deliveryId,
        [AsParameters] WebhookServices services, CancellationToken ct)
    {
        var db = services.Db;
        if (await Managed(db, services.Caller.Scope).SingleOrDefaultAsync(s => s.Id == subscriptionId, ct) is not { } subscription)
        {
            return NotFound(subscriptionId);
        }
        if (!subscription.Active)
        {
            return NotActive();
        }
        var now = services.Clock.Now();
        // One statement: a delivery being sent right now (leased) is not taken from under its sender.
        var updated = await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && d.SubscriptionId == subscriptionId && d.State != DeliveryStates.Pending)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.State, DeliveryStates.Pending).SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.FirstAttemptAt, (DateTimeOffset?)null).SetProperty(d => d.Redelivery, true), ct);
        var delivery = await db.WebhookDeliveries.AsNoTracking().Include(d => d.Attempts)
            .SingleOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == subscriptionId, ct);
        if (delivery is null)
        {
            return ApiProblems.NotFound($"There is no delivery {deliveryId} of subscription {subscriptionId}.");
        }
        if (updated == 0)
        {
            return ApiProblems.Conflict("This delivery is still pending: it will be sent at its next attempt.");
        }
        services.Audit.Record("webhook-delivery.redelivery-requested", "webhook-subscription", subscription.Id, subscription.NetworkId, new { deliveryId });
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null, ToResponse(delivery));
    }

    private sealed record Refusal(NotFoundProblem? Missing, PreconditionProblem? Precondition);

    /// <summary>A subscription the caller manages, tracked for a change that names its current ETag in If-Match; or why not.</summary>
    private static async Task<(WebhookSubscription? Subscription, Refusal? Refusal)> ForChangeAsync(Guid id, WebhookServices services, CancellationToken ct)
    {
        if (await Managed(services.Db, services.Caller.Scope).AsTracking().SingleOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return (null, new Refusal(NotFound(id), null));
        }
        return Preconditions.CheckIfMatch(services.Http.Request, ETag(subscription), "webhook subscription") is { } precondition
            ? (null, new Refusal(null, precondition))
            : (subscription, null);
    }

    /// <summary>A 32-byte random signing secret in the form Standard Webhooks libraries read.</summary>
    internal static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The subscriptions the caller manages: those of networks it administers, and those of collaboratives whose units
    /// (at least one) all lie in networks it administers — the rule <see cref="Scope.CoversAllOf"/> states, in SQL.
    /// </summary>
    private static IQueryable<WebhookSubscription> Managed(SeQuInDbContext db, Scope scope)
    {
        var subscriptions = db.WebhookSubscriptions.AsNoTracking();
        if (scope.IsNationalAdmin)
        {
            return subscriptions;
        }
        var networks = scope.AdministeredNetworks.Ids;
        return subscriptions.Where(s =>
            (s.NetworkId != null && networks.Contains(s.NetworkId.Value))
            || (s.CollaborativeId != null && db.Units.Any(u => u.CollaborativeId == s.CollaborativeId)
                && !db.Units.Any(u => u.CollaborativeId == s.CollaborativeId && !networks.Contains(u.NetworkId))));
    }

    private static async Task<bool> ManagesAsync(SeQuInDbContext db, Scope scope, Guid? networkId, Guid? collaborativeId, CancellationToken ct) =>
        networkId is { } network
            ? scope.AdministersNetwork(network)
            : scope.CoversAllOf(await db.Units.Where(u => u.CollaborativeId == collaborativeId).Select(u => u.NetworkId).Distinct().ToListAsync(ct));

    private static NotFoundProblem NotFound(Guid id) => ApiProblems.NotFound($"There is no webhook subscription {id} that you manage.");

    private static ConflictProblem NotActive() =>
        ApiProblems.Conflict("The subscription is not active: resume it (PUT with active true) before sending events to it.");

    internal static string ETag(WebhookSubscription s) => Preconditions.ETag(s.Revision);

    internal static SubscriptionResponse ToResponse(WebhookSubscription s) => new(s.Id, s.NetworkId, s.CollaborativeId, s.Url, s.Description,
        s.EventKinds, s.Active, s.DisabledReason, s.DisabledAt, s.PreviousSecretExpiresAt, s.CreatedAt, s.UpdatedAt);

    internal static DeliveryResponse ToResponse(WebhookDelivery d) => new(d.Id, d.SubscriptionId, d.EventType, d.ResourceType, d.ResourceId,
        d.State, d.AttemptCount, d.CreatedAt, d.State == DeliveryStates.Pending ? d.NextAttemptAt : null, d.DeliveredAt, d.Payload,
        d.Attempts.OrderBy(a => a.Id).Select(a => new AttemptResponse(a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Error, a.Trigger)).ToList());
}
