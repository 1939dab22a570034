using System.Net;
using System.Net.Http.Headers;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Organisations;

/// <summary>No lost updates on networks, collaboratives, providers and units: If-Match on every change.</summary>
public sealed class OrganisationConcurrencyTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("network")]
    [InlineData("collaborative")]
    [InlineData("provider")]
    [InlineData("unit")]
    public async Task A_change_without_if_match_is_428_a_stale_one_412_and_a_current_one_gets_a_new_etag(string kind)
    {
        var (url, body) = await CreateAsync(kind);
        var etag = await Client.ETagOfAsync(url);

        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Put, url, body, null), (HttpStatusCode)428);
        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Put, url, body, "\"999\""), HttpStatusCode.PreconditionFailed);
        var changed = await Client.SendIfMatchAsync(HttpMethod.Put, url, body, etag);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var newETag = changed.Headers.ETag?.Tag;
        Assert.NotNull(newETag);
        Assert.NotEqual(etag, newETag);
        Assert.Equal(newETag, await Client.ETagOfAsync(url));
        var problem = await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Put, url, body, etag), HttpStatusCode.PreconditionFailed);
        Assert.Contains(newETag, problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("network")]
    [InlineData("collaborative")]
    [InlineData("provider")]
    [InlineData("unit")]
    public async Task A_read_with_the_current_etag_in_if_none_match_is_304(string kind)
    {
        var (url, _) = await CreateAsync(kind);
        var etag = await Client.ETagOfAsync(url);

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task If_match_star_changes_whatever_the_current_state_is_as_for_assessments()
    {
        var (url, body) = await CreateAsync("network");
        var before = await Client.ETagOfAsync(url);

        var changed = await Client.SendIfMatchAsync(HttpMethod.Put, url, body, "*");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(before, changed.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Of_twenty_concurrent_unit_updates_with_the_same_etag_exactly_one_succeeds_and_the_rest_get_412()
    {
        var (url, _) = await CreateAsync("unit");
        var unit = await ReadAsync<UnitResponse>(await Client.GetAsync(url));
        var etag = await Client.ETagOfAsync(url);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Client.SendIfMatchAsync(HttpMethod.Put, url,
            new UpdateUnitRequest($"Ward {i}", SecurityLevel.Low, unit.Provider.Id, unit.Network.Id, true, null), etag)));

        Assert.Equal(new Dictionary<int, int> { [200] = 1, [412] = 19 }, answers.GroupBy(a => (int)a.StatusCode).ToDictionary(g => g.Key, g => g.Count()));
        var winner = await ReadAsync<UnitResponse>(answers.Single(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(winner.Name, (await ReadAsync<UnitResponse>(await Client.GetAsync(url))).Name);
    }

    [Fact]
    public async Task Leaving_publish_summaries_out_of_a_network_update_is_refused_naming_it_and_publishing_stays_on()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks",
            new CreateNetworkRequest(UniqueCode("N"), "North", "North East", AllowRanks: true, PublishSummaries: true)));
        var url = $"/api/v1/networks/{network.Id}";

        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonBody("""{"name":"North","active":true,"region":"North East","allowRanks":true}""") };
        request.Headers.TryAddWithoutValidation("If-Match", await Client.ETagOfAsync(url));
        var response = await Client.SendAsync(request);

        Assert.NotEmpty(await ReadFieldErrorAsync(response, "publishSummaries"));
        var stored = await ReadAsync<NetworkResponse>(await Client.GetAsync(url));
        Assert.Equal((true, true, "North East"), (stored.PublishSummaries, stored.AllowRanks, stored.Region));
    }

    [Fact]
    public async Task Leaving_the_collaborative_out_of_a_unit_update_is_refused_and_the_unit_keeps_it()
    {
        var (url, _) = await CreateAsync("unit");
        var unit = await ReadAsync<UnitResponse>(await Client.GetAsync(url));
        Assert.NotNull(unit.Collaborative);

        var request = new HttpRequestMessage(HttpMethod.Put, url)
        {
            Content = JsonBody($$"""{"name":"Ward","securityLevel":"low","providerId":"{{unit.Provider.Id}}","networkId":"{{unit.Network.Id}}","active":true}"""),
        };
        request.Headers.TryAddWithoutValidation("If-Match", await Client.ETagOfAsync(url));

        Assert.NotEmpty(await ReadFieldErrorAsync(await Client.SendAsync(request), "collaborativeId"));
        Assert.Equal(unit.Collaborative, (await ReadAsync<UnitResponse>(await Client.GetAsync(url))).Collaborative);
    }

    [Fact]
    public async Task Renaming_a_units_provider_moves_the_units_etag_on_so_a_cached_copy_is_not_kept()
    {
        var (url, _) = await CreateAsync("unit");
        var unit = await ReadAsync<UnitResponse>(await Client.GetAsync(url));
        var etag = await Client.ETagOfAsync(url);
        var providerUrl = $"/api/v1/providers/{unit.Provider.Id}";

        await ReadAsync<ProviderResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, providerUrl,
            new UpdateProviderRequest("Renamed Provider", unit.Sector, true)));

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
        var reread = await ReadAsync<UnitResponse>(await Client.SendAsync(request));
        Assert.Equal("Renamed Provider", reread.Provider.Name);
    }

    [Fact]
    public async Task Deactivating_a_unit_needs_its_current_etag()
    {
        var (url, _) = await CreateAsync("unit");
        var etag = await Client.ETagOfAsync(url);

        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Post, $"{url}/deactivate", null, null), (HttpStatusCode)428);
        var deactivated = await Client.SendIfMatchAsync(HttpMethod.Post, $"{url}/deactivate", null, etag);
        Assert.False((await ReadAsync<UnitResponse>(deactivated)).Active);
        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Post, $"{url}/reactivate", null, etag), HttpStatusCode.PreconditionFailed);
        Assert.True((await ReadAsync<UnitResponse>(await Client.SendIfMatchAsync(HttpMethod.Post, $"{url}/reactivate", null,
            deactivated.Headers.ETag!.Tag))).Active);
    }

    private async Task<(string Url, object UpdateBody)> CreateAsync(string kind)
    {
        switch (kind)
        {
            case "network":
                var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));
                return ($"/api/v1/networks/{network.Id}", new UpdateNetworkRequest("Renamed", true, null, false, false));
            case "collaborative":
                var collaborative = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "C")));
                return ($"/api/v1/collaboratives/{collaborative.Id}", new UpdateCollaborativeRequest("Renamed", true));
            case "provider":
                var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
                return ($"/api/v1/providers/{provider.Id}", new UpdateProviderRequest("Renamed", ProviderSector.Nhs, true));
            default:
                var n = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));
                var p = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
                var c = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "C")));
                var unit = await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Ward", SecurityLevel.Low, p.Id, n.Id, c.Id)));
                return ($"/api/v1/units/{unit.Id}", new UpdateUnitRequest("Renamed", SecurityLevel.Medium, p.Id, n.Id, true, c.Id));
        }
    }
}
