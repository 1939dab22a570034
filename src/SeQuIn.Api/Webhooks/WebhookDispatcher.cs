using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Webhooks;

/// <summary>
/// Delivers webhooks from the change feed's outbox (ADR 0028), on every instance at once:
/// <list type="number">
/// <item><b>Fan-out.</b> Each active subscription's feed cursor is moved on in one transaction that locks the
/// subscriptions it moves (SKIP LOCKED: another instance takes the others), turning each new entry in its scope and
/// kinds into a pending delivery. It reads behind the oldest running transaction, as the feed does, so no entry is
/// skipped.</item>
/// <item><b>Claim.</b> Due deliveries are leased (lease_until, leased_by) in one statement with SKIP LOCKED: an
/// instance sends only what it leased, and no other instance takes it before the lease ends. A delivery is due only
/// when no earlier event of the same resource is pending for its subscription: in order per resource.</item>
/// <item><b>Send and record.</b> Each attempt is written (time, status, latency, error); success ends the delivery,
/// failure schedules the next attempt with exponential back-off and full jitter; one that has failed for the
/// give-up period fails, and its subscription is disabled with an audit event.</item>
/// </list>
/// Everything is in the database, so a restart loses nothing: an unfinished lease runs out and the delivery is due again.
/// </summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, IHttpClientFactory http, WebhookOptions options, TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : PollingService(clock, logger)
{
    public const string HttpClientName = "webhooks";
    private const int FanOutBatch = 500;
    private readonly string _instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override bool Enabled => options.Dispatch;
    protected override TimeSpan PollInterval => options.PollInterval;
    protected override string Activity => "Webhook dispatch";
    protected override Task<bool> RoundAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>One round: fan out, claim, send. True when there may be more to do at once.</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SeQuInDbContext>();
        // Idle, a round is one indexed look: nothing to fan out or send without an active subscription.
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Active, ct))
        {
            return false;
        }
        var fannedOut = await FanOutAsync(db, ct);
        var claimed = await ClaimAsync(db, ct);
        if (claimed.Count > 0)
        {
            // A send is never cancelled half-way by shutdown: it ends within the request time-out and is recorded.
            await Task.WhenAll(claimed.Select(d => SendAsync(d, CancellationToken.None)));
        }
        return fannedOut == FanOutBatch || claimed.Count == options.Concurrency;
    }

    private sealed record Cursor(Guid Subscription, long Transaction, long Position);

    private async Task<int> FanOutAsync(SeQuInDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            // The bound, and whether any active subscription has an entry to read before it: one read-only statement, so
            // an idle round neither locks nor writes (nor takes a transaction id). Taken before the fan-out's transaction
            // begins: every transaction older than the bound has finished, and it only grows, so it stays sound.
            ulong bound;
            await using (var command = new NpgsqlCommand(
                """
                WITH b AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
                SELECT b.xmin::text, EXISTS (
                    SELECT 1 FROM webhook_subscriptions s
                    WHERE s.active AND EXISTS (
                        SELECT 1 FROM change_events e
                        WHERE (e.transaction_id, e.position) > (s.read_to_transaction::text::xid8, s.read_to_position) AND e.transaction_id < b.xmin))
                FROM b
                """, connection))
            {
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                bound = ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
                if (!reader.GetBoolean(1))
                {
                    return 0;
                }
            }
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var now = Clock.Now();
            var picked = new List<(Guid Subscription, long Transaction, long Position, WebhookEvent Event)>();
            var subscriptions = new List<Guid>();
            await using (var command = new NpgsqlCommand(
                """
                WITH subs AS (
                    SELECT id, network_id, collaborative_id, event_kinds, read_to_transaction, read_to_position
                    FROM webhook_subscriptions WHERE active ORDER BY id FOR UPDATE SKIP LOCKED)
                SELECT s.id, e.transaction_id::text, e.position, e.occurred_at, e.kind, e.resource_type, e.resource_id, e.revision,
                       e.unit_id, e.network_id, e.data::text, e.link
                FROM subs s
                LEFT JOIN LATERAL (
                    SELECT * FROM change_events e
                    WHERE (e.transaction_id, e.position) > (s.read_to_transaction::text::xid8, s.read_to_position)
                      AND e.transaction_id < $1::text::xid8
                      AND (e.network_id = s.network_id OR e.collaborative_id = s.collaborative_id OR (e.network_id IS NULL AND e.unit_id IS NULL))
                      AND (cardinality(s.event_kinds) = 0 OR e.kind = ANY(s.event_kinds))
                    ORDER BY e.transaction_id, e.position
                    LIMIT $2) e ON true
                ORDER BY s.id, e.transaction_id, e.position
                """, connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = bound.ToString(CultureInfo.InvariantCulture) });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = FanOutBatch });
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var subscription = reader.GetGuid(0);
                    if (subscriptions.Count == 0 || subscriptions[^1] != subscription)
                    {
                        subscriptions.Add(subscription);
                    }
                    if (reader.IsDBNull(1))
                    {
                        continue;
                    }
                    var position = (ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt64(2));
                    var kind = reader.GetString(4);
                    var entry = new ChangeEntry(ChangesApi.Encode(position), reader.GetFieldValue<DateTimeOffset>(3), kind, reader.GetString(5),
                        reader.GetGuid(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetGuid(8),
                        reader.IsDBNull(9) ? null : reader.GetGuid(9), reader.GetString(11),
                        reader.IsDBNull(10) ? null : JsonSerializer.Deserialize<JsonElement>(reader.GetString(10)));
                    picked.Add((subscription, (long)position.Item1, position.Item2, new WebhookEvent(kind, entry.OccurredAt, entry)));
                }
            }
            if (subscriptions.Count == 0)
            {
                return 0;
            }
            // Each subscription moves to its last entry when its batch was full, otherwise to the bound: the entries it
            // skipped (other kinds, other networks) are not read again.
            var cursors = subscriptions.Select(id =>
            {
                var mine = picked.Where(p => p.Subscription == id).ToList();
                return mine.Count == FanOutBatch
                    ? new Cursor(id, mine[^1].Transaction, mine[^1].Position)
                    : new Cursor(id, (long)bound - 1, long.MaxValue);
            }).ToList();
            if (picked.Count > 0)
            {
                await using var insert = new NpgsqlCommand(
                    """
                    INSERT INTO webhook_deliveries (id, subscription_id, event_type, resource_type, resource_id, feed_position, payload, state,
                                                    attempt_count, created_at, next_attempt_at, redelivery)
                    SELECT d.id, d.subscription_id, d.event_type, d.resource_type, d.resource_id, d.feed_position, d.payload, 'pending', 0, $8, $8, false
                    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::bigint[], $7::text[])
                         AS d(id, subscription_id, event_type, resource_type, resource_id, feed_position, payload)
                    """, connection, transaction);
                insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = picked.Select(_ => Guid.CreateVersion7()).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = picked.Select(p => p.Subscription).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = picked.Select(p => p.Event.Type).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = picked.Select(p => p.Event.Data.ResourceType).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = picked.Select(p => p.Event.Data.ResourceId).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = picked.Select(p => p.Position).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = picked.Select(p => WebhookPayloads.Serialize(p.Event)).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
                await insert.ExecuteNonQueryAsync(ct);
            }
            await using (var move = new NpgsqlCommand(
                """
                UPDATE webhook_subscriptions s SET read_to_transaction = c.tx, read_to_position = c.pos
                FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS c(id, tx, pos)
                WHERE s.id = c.id AND (s.read_to_transaction, s.read_to_position) < (c.tx, c.pos)
                """, connection, transaction))
            {
                move.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = cursors.Select(c => c.Subscription).ToArray() });
                move.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = cursors.Select(c => c.Transaction).ToArray() });
                move.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = cursors.Select(c => c.Position).ToArray() });
                await move.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return cursors.Count == 0 ? 0 : picked.GroupBy(p => p.Subscription).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    internal sealed record Claimed(Guid Id, Guid SubscriptionId, string Payload, int AttemptCount, DateTimeOffset? FirstAttemptAt, bool Redelivery,
        string Url, string Secret, string? PreviousSecret, DateTimeOffset? PreviousSecretExpiresAt, Guid? NetworkId);

    private async Task<List<Claimed>> ClaimAsync(SeQuInDbContext db, CancellationToken ct)
    {
        var now = Clock.Now();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // A data-modifying WITH must be the whole statement: sent as it is, not composed by EF.
            // "The earliest pending event of its resource" is a correlated min(), always one index probe per candidate
            // (ix_webhook_deliveries_pending_per_resource). As NOT EXISTS it was planned as an anti-join, and right after a
            // burst of fan-out, with statistics from when nothing was pending (estimate: one row), the planner chose an
            // unparameterized scan of every pending delivery per candidate: quadratic, 0.8–1.3 s a claim with 5,400
            // pending (run.sh webhooks, auto_explain).
            await using var command = new NpgsqlCommand(
                """
                WITH due AS (
                    SELECT d.id FROM webhook_deliveries d
                    JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active
                    WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until < $1)
                      AND d.feed_position = (
                          SELECT min(e.feed_position) FROM webhook_deliveries e
                          WHERE e.subscription_id = d.subscription_id AND e.resource_id = d.resource_id AND e.state = 'pending')
                    ORDER BY d.next_attempt_at, d.feed_position
                    LIMIT $2
                    FOR UPDATE OF d SKIP LOCKED),
                leased AS (
                    UPDATE webhook_deliveries d SET lease_until = $3, leased_by = $4
                    FROM due WHERE d.id = due.id
                    RETURNING d.id, d.subscription_id, d.payload, d.attempt_count, d.first_attempt_at, d.redelivery)
                SELECT l.id, l.subscription_id, l.payload, l.attempt_count, l.first_attempt_at, l.redelivery, s.url, s.secret,
                       s.previous_secret, s.previous_secret_expires_at, s.network_id
                FROM leased l JOIN webhook_subscriptions s ON s.id = l.subscription_id
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = options.Concurrency });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + options.RequestTimeout + TimeSpan.FromSeconds(30) });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _instance });
            var claimed = new List<Claimed>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                claimed.Add(new Claimed(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5), reader.GetString(6), reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                    reader.IsDBNull(10) ? null : reader.GetGuid(10)));
            }
            return claimed;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task SendAsync(Claimed delivery, CancellationToken ct)
    {
        var started = Clock.Now();
        var previous = delivery.PreviousSecretExpiresAt > started ? delivery.PreviousSecret : null;
        int? status = null;
        string? error = null;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var request = WebhookPayloads.Request(delivery.Url, delivery.Id, delivery.Payload, started, delivery.Secret, previous);
            using var timeout = new CancellationTokenSource(options.RequestTimeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"The receiver answered {status}.";
            }
        }
        catch (OperationCanceledException)
        {
            error = $"No answer within {options.RequestTimeout.TotalSeconds:0.#} s.";
        }
        catch (HttpRequestException fault)
        {
            error = fault.InnerException is { } inner ? $"{fault.Message} {inner.Message}" : fault.Message;
        }
        catch (Exception fault) when (fault is InvalidOperationException or UriFormatException or IOException)
        {
            // Whatever else stops this one send is a failed attempt of this delivery, not a fault of the dispatcher.
            error = fault.Message;
        }
        var latency = (int)Math.Min(int.MaxValue, stopwatch.ElapsedMilliseconds);
        try
        {
            await RecordAsync(delivery, started, status, latency, error, ct);
        }
        catch (Exception fault) when (Unavailable(fault))
        {
            // The lease runs out and the delivery is sent again: at least once.
            Logger.LogWarning("Webhook delivery {Delivery} not recorded: {Reason}", delivery.Id, fault.Message);
        }
    }

    private async Task RecordAsync(Claimed delivery, DateTimeOffset at, int? status, int latency, string? error, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SeQuInDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var first = delivery.FirstAttemptAt ?? at;
        var attempts = delivery.AttemptCount + 1;
        var row = db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.LeasedBy == _instance);
        int updated;
        var failed = false;
        if (error is null)
        {
            updated = await row.ExecuteUpdateAsync(set => set.SetProperty(d => d.State, DeliveryStates.Delivered).SetProperty(d => d.DeliveredAt, at)
                .SetProperty(d => d.AttemptCount, attempts).SetProperty(d => d.FirstAttemptAt, first).SetProperty(d => d.LastAttemptAt, at)
                .SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(d => d.LeasedBy, (string?)null).SetProperty(d => d.Redelivery, false), ct);
        }
        else
        {
            var next = at + Backoff(attempts);
            failed = next - first >= options.GiveUpAfter;
            updated = await row.ExecuteUpdateAsync(set => set.SetProperty(d => d.State, failed ? DeliveryStates.Failed : DeliveryStates.Pending)
                .SetProperty(d => d.AttemptCount, attempts).SetProperty(d => d.FirstAttemptAt, first).SetProperty(d => d.LastAttemptAt, at)
                .SetProperty(d => d.NextAttemptAt, failed ? null : next).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(d => d.LeasedBy, (string?)null).SetProperty(d => d.Redelivery, false), ct);
        }
        if (updated == 0)
        {
            // The lease ran out and another instance took the delivery (or it was deleted with its subscription).
            return;
        }
        db.Add(new WebhookAttempt
        {
            DeliveryId = delivery.Id,
            AttemptedAt = at,
            StatusCode = status,
            LatencyMs = latency,
            Error = error?.Length > 500 ? error[..500] : error,
            Trigger = delivery.Redelivery ? "redelivery" : "scheduled",
        });
        if (failed)
        {
            var reason = $"A delivery failed for {options.GiveUpAfter.TotalHours:0.#} hours ({attempts} attempts; last: {error}).";
            reason = reason.Length > 500 ? reason[..500] : reason;
            var disabled = await db.WebhookSubscriptions.Where(s => s.Id == delivery.SubscriptionId && s.Active)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.Active, false).SetProperty(s => s.DisabledReason, reason)
                    .SetProperty(s => s.DisabledAt, at).SetProperty(s => s.UpdatedAt, at).SetProperty(s => s.Revision, s => s.Revision + 1), ct);
            if (disabled > 0)
            {
                scope.ServiceProvider.GetRequiredService<AuditTrail>().ActingAs("system:webhooks")
                    .Record("webhook-subscription.disabled", "webhook-subscription", delivery.SubscriptionId, delivery.NetworkId,
                        new { deliveryId = delivery.Id, attempts }, reason);
                Logger.LogWarning("Webhook subscription {Subscription} disabled: {Reason}", delivery.SubscriptionId, reason);
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Exponential from <see cref="WebhookOptions.FirstBackoff"/>, capped, with full jitter in its upper half.</summary>
    internal TimeSpan Backoff(int attempts)
    {
        var exponential = options.FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, options.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}
