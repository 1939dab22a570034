using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Analysts;

/// <summary>
/// A network of its own with units whose INV ratings are loaded through the import, and an analyst's key for it:
/// what an analyst's pull reads. Made through <paramref name="nationalAdmin"/> on any instance.
/// </summary>
public sealed record AnalystWorld(NetworkResponse Network, UnitResponse[] Units, string AdminToken, string AnalystToken)
{
    public static async Task<AnalystWorld> CreateAsync(HttpClient nationalAdmin, int units = 2, string networkName = "Analysts' network")
    {
        async Task<T> Post<T>(string url, object body)
        {
            var response = await nationalAdmin.PostAsync(url, JsonContent.Create(body, body.GetType(), options: Json.Options));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
            return System.Text.Json.JsonSerializer.Deserialize<T>(text, Json.Options)!;
        }
        var network = await Post<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(Code("N"), networkName));
        var provider = await Post<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(Code("P"), "Provider, \"quoted\"", ProviderSector.Nhs));
        var made = new List<UnitResponse>();
        for (var i = 0; i < units; i++)
        {
            made.Add(await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest(Code("U"), $"Unit {i}", SecurityLevel.Low, provider.Id, network.Id)));
        }
        var admin = await Post<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest("Admin", Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, network.Id)));
        var analyst = await Post<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest("Analyst", Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id)));
        return new AnalystWorld(network, made.ToArray(), admin.Token, analyst.Token);
    }

    /// <summary>Every unit rates the ten INV standards in <paramref name="month"/>: unit i rates (standard + i) mod 4 + 1, INV-03 not applicable.</summary>
    public async Task ImportAsync(HttpClient admin, string month)
    {
        var rows = Units.SelectMany((unit, u) => Enumerable.Range(1, 10).Select(i => i == 3
            ? new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", NotApplicable: true, NotApplicableReason: "Not in place here")
            : new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", (i + u) % 4 + 1))).ToList();
        var response = await admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), Json.Options);
        Assert.True(response.IsSuccessStatusCode, $"import: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
}
