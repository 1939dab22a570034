using System.Net;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Organisations;

public sealed class NetworksProvidersAndCollaborativesTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_network_is_created_found_by_code_and_updated()
    {
        var code = UniqueCode("N");
        var created = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(code, "North", "North East")));

        var found = await ReadAsync<Page<NetworkResponse>>(await Client.GetAsync($"/api/v1/networks?code={code}"));
        Assert.Equal([created], found.Items);

        var updated = await ReadAsync<NetworkResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/networks/{created.Id}",
            new UpdateNetworkRequest("North and Cumbria", Active: false, "North", false, false)));
        Assert.Equal(("North and Cumbria", "North", false, code), (updated.Name, updated.Region, updated.Active, updated.Code));
    }

    [Fact]
    public async Task A_provider_keeps_its_sector_and_can_be_filtered_by_it()
    {
        var code = UniqueCode("P");
        var created = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers",
            new CreateProviderRequest(code, "Moorside Healthcare", ProviderSector.Independent)));

        var independent = await ReadAsync<Page<ProviderResponse>>(await Client.GetAsync($"/api/v1/providers?code={code}&sector=independent"));
        var nhs = await ReadAsync<Page<ProviderResponse>>(await Client.GetAsync($"/api/v1/providers?code={code}&sector=nhs"));

        Assert.Equal([created], independent.Items);
        Assert.Empty(nhs.Items);
    }

    [Fact]
    public async Task A_collaborative_is_created_and_updated()
    {
        var created = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives",
            new CreateCollaborativeRequest(UniqueCode("C"), "West Collaborative")));

        var updated = await ReadAsync<CollaborativeResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/collaboratives/{created.Id}",
            new UpdateCollaborativeRequest("West and Wales Collaborative", Active: true)));

        Assert.Equal("West and Wales Collaborative", updated.Name);
        Assert.Equal(updated, await ReadAsync<CollaborativeResponse>(await Client.GetAsync($"/api/v1/collaboratives/{created.Id}")));
    }

    [Theory]
    [InlineData("/api/v1/networks")]
    [InlineData("/api/v1/providers")]
    [InlineData("/api/v1/collaboratives")]
    public async Task Codes_are_unique_per_kind_of_body(string url)
    {
        var code = UniqueCode("X");
        object body = url switch
        {
            "/api/v1/providers" => new CreateProviderRequest(code, "Body", ProviderSector.Nhs),
            "/api/v1/collaboratives" => new CreateCollaborativeRequest(code, "Body"),
            _ => new CreateNetworkRequest(code, "Body"),
        };
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(url, body)).StatusCode);

        var problem = await ReadProblemAsync(await PostAsync(url, body), HttpStatusCode.Conflict);
        Assert.Contains(code, problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/networks/{0}")]
    [InlineData("/api/v1/providers/{0}")]
    [InlineData("/api/v1/collaboratives/{0}")]
    public async Task Unknown_bodies_answer_404_problems(string template)
    {
        await ReadProblemAsync(await Client.GetAsync(string.Format(template, Guid.NewGuid())), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_update_of_an_unknown_network_stores_nothing_and_answers_404()
    {
        await ReadProblemAsync(await PutAsync($"/api/v1/networks/{Guid.NewGuid()}", new UpdateNetworkRequest("X", true, null, false, false)),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_provider_sector_must_be_nhs_or_independent()
    {
        var response = await Client.PostAsync("/api/v1/providers", JsonBody("""{"code":"P-1","name":"X","sector":"private"}"""));

        Assert.Contains("nhs, independent", await ReadFieldErrorAsync(response, "sector"));
    }
}
