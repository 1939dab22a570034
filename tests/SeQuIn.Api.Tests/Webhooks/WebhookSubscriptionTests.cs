using System.Net;
using System.Net.Http.Json;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;
using SeQuIn.Api.Webhooks;

namespace SeQuIn.Api.Tests.Webhooks;

public sealed class WebhookSubscriptionTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("https://10.1.2.3/hooks", "10.1.2.3")]
    [InlineData("https://169.254.169.254/latest/meta-data", "169.254.169.254")]
    [InlineData("https://192.168.0.10/hooks", "192.168.0.10")]
    [InlineData("https://172.20.0.1/hooks", "172.20.0.1")]
    [InlineData("https://[::1]/hooks", "::1")]
    [InlineData("https://[fe80::1]/hooks", "fe80::1")]
    [InlineData("https://[::ffff:10.0.0.1]/hooks", "10.0.0.1")]
    [InlineData("https://localhost/hooks", "localhost")]
    public async Task An_endpoint_that_resolves_to_a_private_loopback_or_link_local_address_is_refused_naming_the_url(string url, string named)
    {
        // The tests allow 127.0.0.0/8 only; everything else not public is refused (localhost may resolve to ::1 as well).
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var response = await world.Admin.PostAsJsonAsync("/api/v1/webhooks/subscriptions",
            new CreateSubscriptionRequest(url, [], world.Network.Id, null, null), Json.Options);
        if (named == "localhost" && response.IsSuccessStatusCode)
        {
            return; // this machine resolves localhost to 127.0.0.1 only, which the tests allow
        }
        Assert.Contains("private, loopback or link-local", await ReadFieldErrorAsync(response, "url"));
    }

    [Theory]
    [InlineData("""{"url":null,"eventKinds":[],"networkId":"NETWORK","collaborativeId":null,"description":null}""", "url")]
    [InlineData("""{"url":"ftp://example.org/x","eventKinds":[],"networkId":"NETWORK","collaborativeId":null,"description":null}""", "url")]
    [InlineData("""{"url":"https://user:pw@example.org/x","eventKinds":[],"networkId":"NETWORK","collaborativeId":null,"description":null}""", "url")]
    [InlineData("""{"url":"/relative","eventKinds":[],"networkId":"NETWORK","collaborativeId":null,"description":null}""", "url")]
    [InlineData("""{"url":"https://example.org/x","eventKinds":[null],"networkId":"NETWORK","collaborativeId":null,"description":null}""", "eventKinds[0]")]
    [InlineData("""{"url":"https://example.org/x","eventKinds":["assessment.deleted"],"networkId":"NETWORK","collaborativeId":null,"description":null}""", "eventKinds[0]")]
    [InlineData("""{"url":"https://example.org/x","eventKinds":[],"networkId":null,"collaborativeId":null,"description":null}""", "networkId")]
    [InlineData("""{"url":"https://example.org/x","eventKinds":[],"networkId":"NETWORK","collaborativeId":"NETWORK","description":null}""", "networkId")]
    public async Task A_bad_subscription_is_refused_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var response = await world.Admin.PostAsync("/api/v1/webhooks/subscriptions", JsonBody(json.Replace("NETWORK", world.Network.Id.ToString())));
        await ReadFieldErrorAsync(response, field);
        var list = await ReadAsync<Page<SubscriptionResponse>>(await world.Admin.GetAsync($"/api/v1/webhooks/subscriptions?networkId={world.Network.Id}"));
        Assert.Empty(list.Items);
    }

    [Fact]
    public async Task A_description_holding_a_personal_identifier_is_refused_unread_by_the_privacy_screen()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var response = await world.Admin.PostAsJsonAsync("/api/v1/webhooks/subscriptions",
            new CreateSubscriptionRequest("http://127.0.0.1:9/hooks", [], world.Network.Id, null, "Call the ward on 07700 900123"), Json.Options);
        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.DoesNotContain("07700 900123", problem.ToJsonString()); // with its space: a random traceId can hold the digits
        Assert.True(problem["errors"]!.AsObject().ContainsKey("description"));
    }

    [Fact]
    public async Task A_huge_url_is_refused_for_its_length_without_being_resolved()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var response = await world.Admin.PostAsJsonAsync("/api/v1/webhooks/subscriptions",
            new CreateSubscriptionRequest("https://" + new string('a', 1_000_000) + ".example.org/", [], world.Network.Id, null, null), Json.Options);
        Assert.Contains("2000", await ReadFieldErrorAsync(response, "url"));
    }

    [Fact]
    public async Task The_secret_is_shown_once_changes_need_the_current_etag_and_another_networks_admin_cannot_see_the_subscription()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var elsewhere = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var created = await WebhookDeliveryTests.SubscribeAsync(world.Admin, "http://127.0.0.1:9/hooks", world.Network.Id);
        var url = $"/api/v1/webhooks/subscriptions/{created.Subscription.Id}";
        Assert.StartsWith("whsec_", created.Secret);

        var read = await world.Admin.GetAsync(url);
        Assert.DoesNotContain(created.Secret, await read.Content.ReadAsStringAsync());
        Assert.DoesNotContain(created.Secret, await world.Admin.GetStringAsync("/api/v1/webhooks/subscriptions"));
        Assert.DoesNotContain(created.Secret[6..], await Client.GetStringAsync($"/api/v1/audit-events?entityId={created.Subscription.Id}"));

        var unconditional = await world.Admin.PutAsJsonAsync(url, new UpdateSubscriptionRequest("http://127.0.0.1:9/other", [], null, true), Json.Options);
        Assert.Equal(HttpStatusCode.PreconditionRequired, unconditional.StatusCode);
        var stale = await world.Admin.SendIfMatchAsync(HttpMethod.Put, url, new UpdateSubscriptionRequest("http://127.0.0.1:9/other", [], null, true), "\"99\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var changed = await ReadAsync<SubscriptionResponse>(await world.Admin.SendIfMatchAsync(HttpMethod.Put, url,
            new UpdateSubscriptionRequest("http://127.0.0.1:9/other", ["unit.changed"], "Moved", false), read.Headers.ETag!.Tag));
        Assert.Equal(("http://127.0.0.1:9/other", false), (changed.Url, changed.Active));

        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.Admin.GetAsync(url)).StatusCode);
        Assert.DoesNotContain(created.Subscription.Id.ToString(), await elsewhere.Admin.GetStringAsync("/api/v1/webhooks/subscriptions"));
        Assert.Equal(HttpStatusCode.Conflict, (await world.Admin.PostAsync($"{url}/test", null)).StatusCode);

        var deleted = await world.Admin.SendIfMatchAsync(HttpMethod.Delete, url, null, await world.Admin.ETagOfAsync(url));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await world.Admin.GetAsync(url)).StatusCode);
    }
}
