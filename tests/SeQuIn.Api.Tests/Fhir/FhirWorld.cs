using SeQuIn.Api.Access;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Access;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>A network, a provider, a collaborative and a unit in all three, made through the REST API with unique codes.</summary>
public sealed record FhirWorld(NetworkResponse Network, ProviderResponse Provider, CollaborativeResponse Collaborative, UnitResponse Unit)
{
    public static async Task<FhirWorld> CreateAsync(HttpClient national, string namePrefix = "Fhir")
    {
        async Task<T> Post<T>(string url, object body)
        {
            var response = await national.PostAsync(url, System.Net.Http.Json.JsonContent.Create(body, body.GetType(), options: SeQuIn.Api.Common.Json.Options));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"POST {url} answered {(int)response.StatusCode}: {text}");
            return System.Text.Json.JsonSerializer.Deserialize<T>(text, SeQuIn.Api.Common.Json.Options)!;
        }
        var network = await Post<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(AccessWorld.Code("FN"), $"{namePrefix} Network", "North"));
        var provider = await Post<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(AccessWorld.Code("FP"), $"{namePrefix} Provider", ProviderSector.Independent));
        var collaborative = await Post<CollaborativeResponse>("/api/v1/collaboratives", new CreateCollaborativeRequest(AccessWorld.Code("FC"), $"{namePrefix} Collaborative"));
        var unit = await Post<UnitResponse>("/api/v1/units",
            new CreateUnitRequest(AccessWorld.Code("FU"), $"{namePrefix} Unit", SecurityLevel.Medium, provider.Id, network.Id, collaborative.Id));
        return new FhirWorld(network, provider, collaborative, unit);
    }

    /// <summary>A client holding a key of this role over the world's unit (or network).</summary>
    public async Task<HttpClient> ClientAsync(SeQuInApp app, HttpClient national, Role role)
    {
        var scope = role == Role.UnitMember ? new ScopeInput(ScopeKind.Units, UnitIds: [Unit.Id]) : new ScopeInput(ScopeKind.Network, Network.Id);
        var response = await national.PostAsync("/api/v1/keys", System.Net.Http.Json.JsonContent.Create(
            new CreateApiKeyRequest("fhir test", role, scope), options: SeQuIn.Api.Common.Json.Options));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return app.CreateClient(System.Text.Json.JsonSerializer.Deserialize<CreatedApiKeyResponse>(text, SeQuIn.Api.Common.Json.Options)!.Token);
    }
}
