using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Access;

/// <summary>
/// Two networks with a unit each, two collaboratives, and a key for every persona the access rules speak of,
/// made through the API by a national administrator on an app of their own.
/// </summary>
public sealed class AccessWorld
{
    public const string Anonymous = "anonymous";
    public static readonly string[] Personas =
        ["national-admin", "admin-a", "admin-b", "member-a", "member-b", "lead-a", "analyst-a", "analyst-other-collaborative", Anonymous, "expired-key", "revoked-key",
         "commissioner-a", "commissioner-collaborative-a"];

    private readonly Dictionary<string, HttpClient> _clients = [];

    private AccessWorld(SeQuInApp app, HttpClient national)
    {
        App = app;
        National = national;
    }

    public SeQuInApp App { get; }
    public HttpClient National { get; }
    public NetworkResponse NetworkA { get; private set; } = null!;
    public NetworkResponse NetworkB { get; private set; } = null!;
    public ProviderResponse Provider { get; private set; } = null!;
    public CollaborativeResponse CollaborativeA { get; private set; } = null!;
    public CollaborativeResponse CollaborativeB { get; private set; } = null!;
    public UnitResponse UnitA { get; private set; } = null!;
    public UnitResponse UnitB { get; private set; } = null!;
    public IReadOnlyDictionary<string, string> Tokens { get; private set; } = new Dictionary<string, string>();

    public HttpClient ClientFor(string persona)
    {
        if (!_clients.TryGetValue(persona, out var client))
        {
            client = App.CreateClient(persona == Anonymous ? null : Tokens[persona]);
            _clients[persona] = client;
        }
        return client;
    }

    public static async Task<AccessWorld> CreateAsync(SeQuInApp app, string nationalToken)
    {
        var world = new AccessWorld(app, app.CreateClient(nationalToken));
        await world.BuildAsync(nationalToken);
        return world;
    }

    private async Task BuildAsync(string nationalToken)
    {
        NetworkA = await PostAsync<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(Code("NA"), "Network A", PublishSummaries: true));
        NetworkB = await PostAsync<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(Code("NB"), "Network B"));
        Provider = await PostAsync<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(Code("P"), "Provider", ProviderSector.Nhs));
        CollaborativeA = await PostAsync<CollaborativeResponse>("/api/v1/collaboratives", new CreateCollaborativeRequest(Code("CA"), "Collaborative A"));
        CollaborativeB = await PostAsync<CollaborativeResponse>("/api/v1/collaboratives", new CreateCollaborativeRequest(Code("CB"), "Collaborative B"));
        UnitA = await PostAsync<UnitResponse>("/api/v1/units", new CreateUnitRequest(Code("UA"), "Unit A", SecurityLevel.Low, Provider.Id, NetworkA.Id, CollaborativeA.Id));
        UnitB = await PostAsync<UnitResponse>("/api/v1/units", new CreateUnitRequest(Code("UB"), "Unit B", SecurityLevel.Medium, Provider.Id, NetworkB.Id, CollaborativeB.Id));

        var tokens = new Dictionary<string, string>
        {
            ["national-admin"] = nationalToken,
            ["admin-a"] = await KeyAsync(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, NetworkA.Id)),
            ["admin-b"] = await KeyAsync(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, NetworkB.Id)),
            ["member-a"] = await KeyAsync(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [UnitA.Id])),
            ["member-b"] = await KeyAsync(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [UnitB.Id])),
            ["lead-a"] = await KeyAsync(Role.InvolvementLead, new ScopeInput(ScopeKind.Network, NetworkA.Id)),
            ["analyst-a"] = await KeyAsync(Role.Analyst, new ScopeInput(ScopeKind.Network, NetworkA.Id)),
            ["analyst-other-collaborative"] = await KeyAsync(Role.Analyst, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: CollaborativeB.Id)),
            ["commissioner-a"] = await KeyAsync(Role.Commissioner, new ScopeInput(ScopeKind.Network, NetworkA.Id)),
            ["commissioner-collaborative-a"] = await KeyAsync(Role.Commissioner, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: CollaborativeA.Id)),
            ["expired-key"] = await KeyAsync(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, NetworkA.Id)),
            ["revoked-key"] = await KeyAsync(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, NetworkA.Id)),
        };
        await ExpireAsync(tokens["expired-key"]);
        var revoked = (await CreateKeyAsync(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, NetworkA.Id)));
        tokens["revoked-key"] = revoked.Token;
        (await National.PostAsJsonAsync($"/api/v1/keys/{revoked.Key.Id}/revoke", new RevokeRequest("test"), Json.Options)).EnsureSuccessStatusCode();
        Tokens = tokens;
    }

    public async Task<CreatedApiKeyResponse> CreateKeyAsync(Role role, ScopeInput scope, string name = "matrix key") =>
        await PostAsync<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest(name, role, scope));

    public async Task ExpireAsync(string token)
    {
        ApiKeyFormat.TryParse(token, out var keyId, out _);
        await using var db = App.CreateDbContext();
        await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE key_id = {keyId}");
    }

    public async Task<T> PostAsync<T>(string url, object body)
    {
        var response = await National.PostAsync(url, JsonContent.Create(body, body.GetType(), options: Json.Options));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}: {text}");
        }
        return System.Text.Json.JsonSerializer.Deserialize<T>(text, Json.Options)!;
    }

    private async Task<string> KeyAsync(Role role, ScopeInput scope) => (await CreateKeyAsync(role, scope)).Token;

    public static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
}
