using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>
/// A network with one unit and a unit member's key, made through any instance's API by a national admin: for tests
/// that run the service as processes (<see cref="ServiceProcess"/>), where a key must work on every instance.
/// </summary>
public sealed record ServiceWorld(NetworkResponse Network, UnitResponse Unit, string MemberToken)
{
    public static async Task<ServiceWorld> CreateAsync(HttpClient nationalAdmin)
    {
        async Task<T> Post<T>(string url, object body) =>
            await AssessmentDriver.ReadAsync<T>(await nationalAdmin.PostAsync(url, JsonContent.Create(body, body.GetType(), options: Json.Options)));
        var network = await Post<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(Code("N"), "Network"));
        var provider = await Post<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(Code("P"), "Provider", ProviderSector.Nhs));
        var unit = await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest(Code("U"), "Unit", SecurityLevel.Low, provider.Id, network.Id));
        var member = await Post<CreatedApiKeyResponse>("/api/v1/keys",
            new CreateApiKeyRequest("Ward tablet", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id])));
        return new ServiceWorld(network, unit, member.Token);
    }

    /// <summary>A fresh assessment of this unit, made as its member through <paramref name="member"/>.</summary>
    public static async Task<AssessmentDetail> CreateAssessmentAsync(HttpClient member, Guid unitId, string areaCode = "INV") =>
        await new AssessmentDriver(member, unitId).CreateAsync(areaCode);

    private static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
}
