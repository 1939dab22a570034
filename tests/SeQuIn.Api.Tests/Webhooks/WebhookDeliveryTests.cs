using System.Net;
using System.Net.Http.Json;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;
using SeQuIn.Api.Webhooks;
using StandardWebhooks;

namespace SeQuIn.Api.Tests.Webhooks;

[Collection(WaitingApiCollection.Name)]
public sealed class WebhookDeliveryTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_submission_a_return_and_a_resubmission_reach_a_real_receiver_in_order_each_verified_with_the_packages_verifier()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var created = await SubscribeAsync(world.Admin, receiver.Url, world.Network.Id);

        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        var returned = await AssessmentDriver.ReadAsync<AssessmentDetail>(await world.Lead.SendIfMatchAsync(HttpMethod.Post,
            $"/api/v1/assessments/{submitted.Id}/return", new CommentRequest("Which meetings do the minutes cover?"), AssessmentDriver.ETagOf(submitted)));
        await world.Member.SubmitAsync(returned);

        var taken = await receiver.WaitForAsync(t => t.Count(e => e.ResourceId == submitted.Id) == 3);
        var events = taken.Where(e => e.ResourceId == submitted.Id).ToList();
        Assert.Equal([ChangeKinds.AssessmentSubmitted, ChangeKinds.AssessmentReturned, ChangeKinds.AssessmentResubmitted], events.Select(e => e.Type));
        var verifier = new StandardWebhook(created.Secret);
        Assert.All(events, e => verifier.Verify(e.Body, e.Headers));
        Assert.Equal("INV", events[1].Json.GetProperty("data").GetProperty("data").GetProperty("withdrawn").GetProperty("areaCode").GetString());
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(WebhooksApi.NewSecret()).Verify(events[0].Body, events[0].Headers));

        var log = await ReadAsync<Page<DeliveryResponse>>(await world.Admin.GetAsync($"/api/v1/webhooks/subscriptions/{created.Subscription.Id}/deliveries?state=delivered"));
        Assert.Equal(3, log.Items.Count(d => d.ResourceId == submitted.Id));
        Assert.All(log.Items, d => Assert.Equal(204, d.Attempts.Single().StatusCode));
    }

    [Fact]
    public async Task While_the_receiver_is_down_events_wait_then_every_one_arrives_in_order_per_resource_and_each_failed_attempt_is_in_the_log()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var created = await SubscribeAsync(world.Admin, receiver.Url, world.Network.Id, ChangeKinds.UnitChanged);
        var renames = await RenameEachAsync(world, times: 4);

        // Only the first event of each unit is tried: the later ones wait behind it, in order.
        var log = await WaitForLogAsync(world.Admin, created.Subscription.Id,
            l => l.Items.Count == 8 && l.Items.Count(d => d.Attempts.Count >= 2) == 2);
        Assert.All(log.Items, d => Assert.Equal("pending", d.State));
        var tried = log.Items.Where(d => d.Attempts.Count > 0).ToList();
        Assert.Equal(renames.Keys.Order(), tried.Select(d => d.ResourceId).Order());
        Assert.All(tried, d => Assert.Equal(renames[d.ResourceId][0], System.Text.Json.JsonDocument.Parse(d.Payload).RootElement.GetProperty("data").GetProperty("revision").GetInt32()));
        Assert.All(tried.SelectMany(d => d.Attempts), a => Assert.Equal((503, "The receiver answered 503."), (a.StatusCode!.Value, a.Error!)));
        Assert.All(log.Items, d => Assert.NotNull(d.NextAttemptAt));
        receiver.Down = false;

        var taken = await receiver.WaitForAsync(t => t.Count == 8);
        foreach (var (unit, names) in renames)
        {
            Assert.Equal(names, taken.Where(e => e.ResourceId == unit).Select(e => e.Json.GetProperty("data").GetProperty("revision").GetInt32()));
        }
    }

    [Fact]
    public async Task Events_pending_when_the_service_stops_are_delivered_by_the_service_that_starts_next()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        var first = await Fixture.CreateIsolatedAppAsync();
        var national = first.CreateClient(Fixture.NationalAdminToken);
        var world = await AssessmentWorld.CreateAsync(first, national);
        var created = await SubscribeAsync(world.Admin, receiver.Url, world.Network.Id, ChangeKinds.UnitChanged);
        await RenameEachAsync(world, times: 1);
        await WaitForLogAsync(world.Admin, created.Subscription.Id, l => l.Items.Count == 2 && l.Items.All(d => d.Attempts.Count >= 1));
        await first.DisposeAsync();

        receiver.Down = false;
        await using var second = new SeQuInApp(first.ConnectionString, null, first.OwnerConnectionString);
        _ = second.Services;

        var taken = await receiver.WaitForAsync(t => t.Count == 2);
        Assert.All(taken, e => new StandardWebhook(created.Secret).Verify(e.Body, e.Headers));
    }

    [Fact]
    public async Task Two_instances_deliver_every_event_and_never_send_one_event_twice_at_the_same_time()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(150);
        var first = await Fixture.CreateIsolatedAppAsync();
        await using var second = new SeQuInApp(first.ConnectionString, null, first.OwnerConnectionString);
        _ = second.Services;
        var world = await AssessmentWorld.CreateAsync(first, first.CreateClient(Fixture.NationalAdminToken));
        await SubscribeAsync(world.Admin, receiver.Url, world.Network.Id, ChangeKinds.UnitChanged);

        var renames = await RenameEachAsync(world, times: 10);

        var taken = await receiver.WaitForAsync(t => t.Select(e => e.Id).Distinct().Count() == 20, seconds: 60);
        Assert.Equal(0, receiver.ConcurrentRepeats);
        Assert.Equal(20, taken.Count);
        foreach (var (unit, revisions) in renames)
        {
            Assert.Equal(revisions, taken.Where(e => e.ResourceId == unit).Select(e => e.Json.GetProperty("data").GetProperty("revision").GetInt32()));
        }
    }

    [Fact]
    public async Task A_delivery_failing_for_the_give_up_period_disables_the_subscription_with_an_audit_event_and_resuming_delivers_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?> { ["SeQuIn:Webhooks:GiveUpAfter"] = "00:00:01.5" });
        var national = app.CreateClient(Fixture.NationalAdminToken);
        var world = await AssessmentWorld.CreateAsync(app, national);
        var created = await SubscribeAsync(world.Admin, receiver.Url, world.Network.Id, ChangeKinds.UnitChanged);
        var url = $"/api/v1/webhooks/subscriptions/{created.Subscription.Id}";
        await RenameEachAsync(world, times: 1, onlyFirst: true);

        var disabled = await WaitForAsync(async () => await ReadAsync<SubscriptionResponse>(await world.Admin.GetAsync(url)), s => !s.Active);
        Assert.StartsWith("A delivery failed for", disabled.DisabledReason);
        var failed = (await ReadAsync<Page<DeliveryResponse>>(await world.Admin.GetAsync($"{url}/deliveries?state=failed"))).Items.Single();
        Assert.True(failed.Attempts.Count >= 2);
        Assert.Null(failed.NextAttemptAt);
        var audit = await national.GetStringAsync($"/api/v1/audit-events?entityType=webhook-subscription&entityId={created.Subscription.Id}&action=webhook-subscription.disabled");
        Assert.Contains("webhook-subscription.disabled", audit);
        Assert.Contains("system:webhooks", audit);

        receiver.Down = false;
        var resumed = await world.Admin.ChangeCurrentAsync(HttpMethod.Put, url,
            new UpdateSubscriptionRequest(receiver.Url, [ChangeKinds.UnitChanged], null, Active: true), url);
        Assert.Null((await ReadAsync<SubscriptionResponse>(resumed)).DisabledReason);
        var redelivered = await world.Admin.PostAsync($"{url}/deliveries/{failed.Id}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redelivered.StatusCode);

        var taken = await receiver.WaitForAsync(t => t.Count == 1);
        Assert.Equal(WebhookPayloads.MessageId(failed.Id), taken[0].Id);
        var log = await WaitForAsync(async () => await ReadAsync<DeliveryResponse>(await world.Admin.GetAsync($"{url}/deliveries/{failed.Id}")),
            d => d.State == "delivered");
        Assert.Equal("redelivery", log.Attempts[^1].Trigger);
    }

    [Fact]
    public async Task After_a_rotation_events_carry_both_signatures_until_the_overlap_ends_and_then_only_the_new_one()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var created = await SubscribeAsync(world.Admin, receiver.Url, world.Network.Id);
        var url = $"/api/v1/webhooks/subscriptions/{created.Subscription.Id}";

        var rotated = await ReadAsync<RotatedSecret>(await world.Admin.ChangeCurrentAsync(HttpMethod.Post, $"{url}/rotate-secret", new RotateSecretRequest(60), url));
        await world.Admin.PostAsync($"{url}/test", null);
        var during = (await receiver.WaitForAsync(t => t.Count == 1))[0];
        // The package's verifier reads the first signature only: the old secret's, for receivers not yet switched.
        new StandardWebhook(created.Secret).Verify(during.Body, during.Headers);
        Assert.True(VerifiesWith(created.Secret, during));
        Assert.True(VerifiesWith(rotated.Secret, during));
        Assert.Equal(WebhooksApi.TestEvent, during.Type);

        var again = await ReadAsync<RotatedSecret>(await world.Admin.ChangeCurrentAsync(HttpMethod.Post, $"{url}/rotate-secret", new RotateSecretRequest(0), url));
        await world.Admin.PostAsync($"{url}/test", null);
        var after = (await receiver.WaitForAsync(t => t.Count == 2))[1];
        new StandardWebhook(again.Secret).Verify(after.Body, after.Headers);
        Assert.False(VerifiesWith(rotated.Secret, after));
        Assert.False(VerifiesWith(created.Secret, after));
    }

    /// <summary>As the specification has a receiver check: any of the space-separated signatures, each with the package's verifier.</summary>
    private static bool VerifiesWith(string secret, WebhookReceiver.Received received)
    {
        foreach (var signature in received.Headers[WebhookPayloads.SignatureHeader].ToString().Split(' '))
        {
            var headers = new Microsoft.AspNetCore.Http.HeaderDictionary
            {
                [WebhookPayloads.IdHeader] = received.Headers[WebhookPayloads.IdHeader],
                [WebhookPayloads.TimestampHeader] = received.Headers[WebhookPayloads.TimestampHeader],
                [WebhookPayloads.SignatureHeader] = signature,
            };
            try
            {
                new StandardWebhook(secret).Verify(received.Body, headers);
                return true;
            }
            catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
            {
            }
        }
        return false;
    }

    [Fact]
    public async Task A_subscription_receives_only_its_kinds_and_its_own_networks_changes_and_framework_activations()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var elsewhere = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        await SubscribeAsync(world.Admin, receiver.Url, world.Network.Id, ChangeKinds.UnitChanged);

        await world.Member.CreateSubmittedAsync();
        await RenameEachAsync(elsewhere, times: 1);
        await RenameEachAsync(world, times: 1, onlyFirst: true);

        var taken = await receiver.WaitForAsync(t => t.Count >= 1);
        await Task.Delay(500);
        Assert.Equal([world.Unit.Id], receiver.Taken.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task An_idle_dispatcher_neither_locks_nor_rewrites_a_subscription_round_after_round()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync();
        var world = await AssessmentWorld.CreateAsync(app, app.CreateClient(Fixture.NationalAdminToken));
        var created = await SubscribeAsync(world.Admin, "http://127.0.0.1:9/hooks", world.Network.Id, ChangeKinds.UnitChanged);
        await using var owner = new Npgsql.NpgsqlConnection(app.OwnerConnectionString);
        await owner.OpenAsync();
        async Task<string> VersionAsync()
        {
            await using var command = new Npgsql.NpgsqlCommand("SELECT xmin::text || '/' || xmax::text FROM webhook_subscriptions WHERE id = $1", owner)
            {
                Parameters = { new Npgsql.NpgsqlParameter<Guid> { TypedValue = created.Subscription.Id } },
            };
            return (string)(await command.ExecuteScalarAsync())!;
        }
        await Task.Delay(600);
        var before = await VersionAsync();

        await Task.Delay(1500); // seven polls with nothing new in the feed

        Assert.Equal(before, await VersionAsync());
    }

    internal static async Task<CreatedSubscription> SubscribeAsync(HttpClient admin, string url, Guid networkId, params string[] kinds)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks/subscriptions",
            new CreateSubscriptionRequest(url, kinds, networkId, null, "Test receiver"), Json.Options);
        return await ReadAsync<CreatedSubscription>(response);
    }

    /// <summary>Renames the world's units (both, or the first only) <paramref name="times"/> times; the revisions each rename left, per unit.</summary>
    private static async Task<Dictionary<Guid, List<int>>> RenameEachAsync(AssessmentWorld world, int times, bool onlyFirst = false)
    {
        var units = onlyFirst ? new[] { world.Unit } : new[] { world.Unit, world.OtherUnit };
        var revisions = units.ToDictionary(u => u.Id, _ => new List<int>());
        for (var i = 0; i < times; i++)
        {
            foreach (var unit in units)
            {
                var url = $"/api/v1/units/{unit.Id}";
                var response = await world.Admin.ChangeCurrentAsync(HttpMethod.Put, url,
                    new UpdateUnitRequest($"Ward {i}", unit.SecurityLevel, unit.Provider.Id, unit.Network.Id, true, null), url);
                response.EnsureSuccessStatusCode();
                revisions[unit.Id].Add(int.Parse(response.Headers.ETag!.Tag.Trim('"').Split('.')[0], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return revisions;
    }

    private static Task<Page<DeliveryResponse>> WaitForLogAsync(HttpClient admin, Guid subscription, Func<Page<DeliveryResponse>, bool> done) =>
        WaitForAsync(async () => await ReadAsync<Page<DeliveryResponse>>(await admin.GetAsync($"/api/v1/webhooks/subscriptions/{subscription}/deliveries")), done);

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < until, $"Still waiting after {seconds} s: {System.Text.Json.JsonSerializer.Serialize(value, Json.Options)}");
            await Task.Delay(100);
        }
    }
}
