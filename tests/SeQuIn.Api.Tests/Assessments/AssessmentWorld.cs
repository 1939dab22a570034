using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

/// <summary>A network with two units, and keys for a member of each, a lead and an analyst; made fresh for a test.</summary>
public sealed record AssessmentWorld(NetworkResponse Network, UnitResponse Unit, UnitResponse OtherUnit, AssessmentDriver Member,
    HttpClient OtherMember, HttpClient Lead, HttpClient Analyst, HttpClient Admin)
{
    public static async Task<AssessmentWorld> CreateAsync(SeQuInApp app, HttpClient national)
    {
        async Task<T> Post<T>(string url, object body) =>
            await AssessmentDriver.ReadAsync<T>(await national.PostAsync(url, JsonContent.Create(body, body.GetType(), options: Api.Common.Json.Options)));
        var network = await Post<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(Code("N"), "Network"));
        var provider = await Post<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(Code("P"), "Provider", ProviderSector.Nhs));
        var unit = await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest(Code("U"), "Unit", SecurityLevel.Low, provider.Id, network.Id));
        var other = await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest(Code("U"), "Other unit", SecurityLevel.Low, provider.Id, network.Id));
        async Task<HttpClient> Key(Role role, ScopeInput scope) =>
            app.CreateClient((await Post<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest("Test", role, scope))).Token);
        return new AssessmentWorld(network, unit, other,
            new AssessmentDriver(await Key(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id])), unit.Id),
            await Key(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [other.Id])),
            await Key(Role.InvolvementLead, new ScopeInput(ScopeKind.Network, network.Id)),
            await Key(Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id)),
            await Key(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, network.Id)));
    }

    private static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
}
