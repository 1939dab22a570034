using System.Net;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Organisations;

public sealed class UnitsTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_unit_is_created_and_read_back_with_the_bodies_it_belongs_to()
    {
        var (network, provider, collaborative) = await CreateBodiesAsync(ProviderSector.Independent);
        var code = UniqueCode("U");

        var response = await PostAsync("/api/v1/units",
            new CreateUnitRequest(code, "Larchfield Ward", SecurityLevel.Medium, provider.Id, network.Id, collaborative.Id));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await ReadAsync<UnitResponse>(response);
        var read = await ReadAsync<UnitResponse>(await Client.GetAsync(response.Headers.Location));
        Assert.Equal(created, read);
        Assert.Equal((code, SecurityLevel.Medium, ProviderSector.Independent, true), (read.Code, read.SecurityLevel, read.Sector, read.Active));
        Assert.Equal((network.Code, provider.Code, collaborative.Code), (read.Network.Code, read.Provider.Code, read.Collaborative!.Code));
    }

    [Fact]
    public async Task A_second_unit_with_the_same_code_is_a_conflict()
    {
        var (network, provider, _) = await CreateBodiesAsync(ProviderSector.Nhs);
        var request = new CreateUnitRequest(UniqueCode("U"), "Ward", SecurityLevel.Low, provider.Id, network.Id);
        await PostAsync("/api/v1/units", request);

        await ReadProblemAsync(await PostAsync("/api/v1/units", request with { Name = "Another" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_unit_must_point_at_a_provider_and_network_that_exist()
    {
        var response = await PostAsync("/api/v1/units",
            new CreateUnitRequest(UniqueCode("U"), "Ward", SecurityLevel.Low, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()));

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["collaborativeId", "networkId", "providerId"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Fact]
    public async Task A_deactivated_unit_stays_readable_and_can_be_reactivated()
    {
        var unit = await CreateUnitAsync(SecurityLevel.Low);

        var deactivated = await ReadAsync<UnitResponse>(await Client.ChangeCurrentAsync(HttpMethod.Post, $"/api/v1/units/{unit.Id}/deactivate", null, $"/api/v1/units/{unit.Id}"));
        Assert.False(deactivated.Active);
        Assert.False((await ReadAsync<UnitResponse>(await Client.GetAsync($"/api/v1/units/{unit.Id}"))).Active);
        var inactive = await ReadAsync<Page<UnitResponse>>(await Client.GetAsync($"/api/v1/units?networkId={unit.Network.Id}&active=false"));
        Assert.Equal([unit.Code], inactive.Items.Select(u => u.Code));

        var reactivated = await ReadAsync<UnitResponse>(await Client.ChangeCurrentAsync(HttpMethod.Post, $"/api/v1/units/{unit.Id}/reactivate", null, $"/api/v1/units/{unit.Id}"));
        Assert.True(reactivated.Active);
    }

    [Fact]
    public async Task A_unit_is_updated_in_full()
    {
        var unit = await CreateUnitAsync(SecurityLevel.Low);
        var (network, provider, collaborative) = await CreateBodiesAsync(ProviderSector.Independent);

        var updated = await ReadAsync<UnitResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/units/{unit.Id}",
            new UpdateUnitRequest("Renamed", SecurityLevel.High, provider.Id, network.Id, Active: true, collaborative.Id)));

        Assert.Equal(("Renamed", SecurityLevel.High, provider.Code, network.Code, ProviderSector.Independent),
            (updated.Name, updated.SecurityLevel, updated.Provider.Code, updated.Network.Code, updated.Sector));
        Assert.Equal(unit.Code, updated.Code);
        Assert.True(updated.UpdatedAt > unit.UpdatedAt);
    }

    [Fact]
    public async Task Units_are_filtered_by_security_level_and_sector_in_their_json_spelling()
    {
        var (network, nhs, _) = await CreateBodiesAsync(ProviderSector.Nhs);
        var independent = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers",
            new CreateProviderRequest(UniqueCode("P"), "Independent provider", ProviderSector.Independent)));
        var medium = await CreateUnitAsync(network.Id, nhs.Id, SecurityLevel.Medium);
        await CreateUnitAsync(network.Id, nhs.Id, SecurityLevel.Low);
        var independentLow = await CreateUnitAsync(network.Id, independent.Id, SecurityLevel.Low);

        var mediumUnits = await ReadAsync<Page<UnitResponse>>(await Client.GetAsync($"/api/v1/units?networkId={network.Id}&securityLevel=medium"));
        var independentUnits = await ReadAsync<Page<UnitResponse>>(await Client.GetAsync($"/api/v1/units?networkId={network.Id}&sector=independent"));

        Assert.Equal([medium.Code], mediumUnits.Items.Select(u => u.Code));
        Assert.Equal([independentLow.Code], independentUnits.Items.Select(u => u.Code));
    }

    [Fact]
    public async Task Following_next_cursors_reads_every_unit_once_in_code_order()
    {
        var (network, provider, _) = await CreateBodiesAsync(ProviderSector.Nhs);
        var codes = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            codes.Add((await CreateUnitAsync(network.Id, provider.Id, SecurityLevel.Low)).Code);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/units?networkId={network.Id}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await ReadAsync<Page<UnitResponse>>(await Client.GetAsync(url));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(u => u.Code));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(codes.Order(StringComparer.Ordinal), seen);
    }

    [Theory]
    [InlineData("securityLevel=secret", "securityLevel")]
    [InlineData("sector=private", "sector")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor!", "cursor")]
    [InlineData("networkId=42", "networkId")]
    [InlineData("active=maybe", "active")]
    public async Task A_bad_list_filter_is_refused_naming_the_parameter(string query, string field)
    {
        Assert.NotEmpty(await ReadFieldErrorAsync(await Client.GetAsync($"/api/v1/units?{query}"), field));
    }

    [Fact]
    public async Task An_unknown_unit_is_a_404_problem()
    {
        var problem = await ReadProblemAsync(await Client.GetAsync($"/api/v1/units/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Assert.Contains("no unit", problem["detail"]!.GetValue<string>());
        await ReadProblemAsync(await Client.PostAsync($"/api/v1/units/{Guid.NewGuid()}/deactivate", null), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"code":"lower-case","name":"W","securityLevel":"low","providerId":"00000000-0000-0000-0000-000000000001","networkId":"00000000-0000-0000-0000-000000000001"}""", "code")]
    [InlineData("""{"code":"U-OK","name":"","securityLevel":"low","providerId":"00000000-0000-0000-0000-000000000001","networkId":"00000000-0000-0000-0000-000000000001"}""", "name")]
    [InlineData("""{"code":"U-OK","name":"W","securityLevel":"maximum","providerId":"00000000-0000-0000-0000-000000000001","networkId":"00000000-0000-0000-0000-000000000001"}""", "securityLevel")]
    [InlineData("""{"code":"U-OK","name":"W","securityLevel":"low","providerId":"not-a-uuid","networkId":"00000000-0000-0000-0000-000000000001"}""", "providerId")]
    [InlineData("""{"code":"U-OK","name":"W","securityLevel":"low","providerId":"00000000-0000-0000-0000-000000000000","networkId":"00000000-0000-0000-0000-000000000001"}""", "providerId")]
    [InlineData("""{"code":"U-OK","name":"W","securityLevel":"low","networkId":"00000000-0000-0000-0000-000000000001"}""", "providerId")]
    public async Task A_bad_unit_is_refused_naming_the_field(string json, string field)
    {
        Assert.NotEmpty(await ReadFieldErrorAsync(await Client.PostAsync("/api/v1/units", JsonBody(json)), field));
    }

    private async Task<(NetworkResponse Network, ProviderResponse Provider, CollaborativeResponse Collaborative)> CreateBodiesAsync(
        ProviderSector sector)
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Provider", sector)));
        var collaborative = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives",
            new CreateCollaborativeRequest(UniqueCode("C"), "Collaborative")));
        return (network, provider, collaborative);
    }

    private async Task<UnitResponse> CreateUnitAsync(SecurityLevel level)
    {
        var (network, provider, _) = await CreateBodiesAsync(ProviderSector.Nhs);
        return await CreateUnitAsync(network.Id, provider.Id, level);
    }

    private async Task<UnitResponse> CreateUnitAsync(Guid networkId, Guid providerId, SecurityLevel level) =>
        await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units",
            new CreateUnitRequest(UniqueCode("U"), "Ward", level, providerId, networkId)));
}
