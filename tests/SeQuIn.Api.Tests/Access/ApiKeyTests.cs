using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Access;

public sealed class ApiKeyTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_new_key_is_shown_once_works_and_is_never_listed_with_its_secret()
    {
        var network = await NetworkAsync();
        var created = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Reporting pipeline", Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id))));

        Assert.Matches("^sqn_k_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", created.Token);
        Assert.StartsWith($"sqn_k_{created.Key.KeyId}_", created.Token);
        Assert.InRange(created.Key.ExpiresAt, DateTimeOffset.UtcNow.AddDays(89), DateTimeOffset.UtcNow.AddDays(91));
        using var analyst = Fixture.App.CreateClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/v1/units")).StatusCode);

        var listed = await Client.GetStringAsync("/api/v1/keys?limit=1000");
        var one = await Client.GetStringAsync($"/api/v1/keys/{created.Key.Id}");
        var secret = SecretOf(created.Token);
        Assert.DoesNotContain(secret, listed);
        Assert.DoesNotContain(secret, one);
        Assert.NotNull((await ReadAsync<ApiKeyResponse>(await Client.GetAsync($"/api/v1/keys/{created.Key.Id}"))).LastUsedAt);
    }

    [Fact]
    public async Task A_revoked_key_fails_on_its_very_next_request()
    {
        var (key, client) = await KeyAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/units")).StatusCode);

        var revoked = await ReadAsync<ApiKeyResponse>(await PostAsync($"/api/v1/keys/{key.Key.Id}/revoke", new RevokeRequest("Left the project")));

        Assert.False(revoked.Active);
        var problem = await ReadProblemAsync(await client.GetAsync("/api/v1/units"), HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem["detail"]!.GetValue<string>());
        await ReadProblemAsync(await PostAsync($"/api/v1/keys/{key.Key.Id}/revoke", new RevokeRequest("Again")), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_rotated_key_overlaps_with_its_successor_then_ends()
    {
        var (old, oldClient) = await KeyAsync();

        var rotated = await ReadAsync<CreatedApiKeyResponse>(await PostAsync($"/api/v1/keys/{old.Key.Id}/rotate", new RotateApiKeyRequest(OverlapDays: 2)));
        using var newClient = Fixture.App.CreateClient(rotated.Token);

        Assert.Equal(old.Key.Id, rotated.Key.RotatedFromId);
        Assert.Equal((old.Key.Name, old.Key.Role, old.Key.Scope.NetworkId), (rotated.Key.Name, rotated.Key.Role, rotated.Key.Scope.NetworkId));
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/api/v1/units")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("/api/v1/units")).StatusCode);
        var oldNow = await ReadAsync<ApiKeyResponse>(await Client.GetAsync($"/api/v1/keys/{old.Key.Id}"));
        Assert.InRange(oldNow.ExpiresAt, DateTimeOffset.UtcNow.AddDays(1.9), DateTimeOffset.UtcNow.AddDays(2.1));

        await PostAsync($"/api/v1/keys/{old.Key.Id}/rotate", new RotateApiKeyRequest(OverlapDays: 0));
        await ReadProblemAsync(await oldClient.GetAsync("/api/v1/units"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_key_is_refused()
    {
        var (key, client) = await KeyAsync();
        await using (var db = Fixture.App.CreateDbContext())
        {
            await db.ApiKeys.Where(k => k.Id == key.Key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        var problem = await ReadProblemAsync(await client.GetAsync("/api/v1/frameworks/active"), HttpStatusCode.Unauthorized);
        Assert.Contains("expired", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("sqn_k_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sqn_k_not-a-key")]
    [InlineData("just-some-text")]
    public async Task Unknown_and_malformed_keys_are_refused_with_a_challenge(string token)
    {
        using var client = Fixture.App.CreateClient(token);

        var response = await client.GetAsync("/api/v1/units");

        await ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_key_may_not_live_longer_than_twelve_months()
    {
        var network = await NetworkAsync();
        var response = await PostAsync("/api/v1/keys", new CreateApiKeyRequest("Long", Role.Analyst,
            new ScopeInput(ScopeKind.Network, network.Id), DateTimeOffset.UtcNow.AddMonths(13)));

        Assert.Contains("12 months", await ReadFieldErrorAsync(response, "expiresAt"));
    }

    [Theory]
    [InlineData(Role.UnitMember, ScopeKind.Network)]
    [InlineData(Role.InvolvementLead, ScopeKind.National)]
    [InlineData(Role.Analyst, ScopeKind.Units)]
    public async Task A_scope_that_does_not_fit_the_role_is_refused(Role role, ScopeKind kind)
    {
        var network = await NetworkAsync();
        var scope = kind switch
        {
            ScopeKind.Network => new ScopeInput(kind, network.Id),
            ScopeKind.Units => new ScopeInput(kind, UnitIds: [Guid.NewGuid()]),
            _ => new ScopeInput(kind),
        };

        var response = await PostAsync("/api/v1/keys", new CreateApiKeyRequest("Misfit", role, scope));

        Assert.Contains("does not fit", await ReadFieldErrorAsync(response, "scope.kind"));
    }

    [Fact]
    public async Task A_network_admin_cannot_grant_beyond_its_network()
    {
        var (admin, adminClient) = await KeyAsync(Role.NetworkAdmin);
        var other = await NetworkAsync();

        var national = await adminClient.PostAsJsonAsync("/api/v1/keys", new CreateApiKeyRequest("Up", Role.NetworkAdmin, new ScopeInput(ScopeKind.National)), JsonOptions);
        var elsewhere = await adminClient.PostAsJsonAsync("/api/v1/keys",
            new CreateApiKeyRequest("Across", Role.Analyst, new ScopeInput(ScopeKind.Network, other.Id)), JsonOptions);
        var own = await adminClient.PostAsJsonAsync("/api/v1/keys",
            new CreateApiKeyRequest("Own", Role.Analyst, new ScopeInput(ScopeKind.Network, admin.Key.Scope.NetworkId)), JsonOptions);

        await ReadProblemAsync(national, HttpStatusCode.Forbidden);
        await ReadProblemAsync(elsewhere, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task A_unit_member_key_takes_the_network_of_its_units()
    {
        var network = await NetworkAsync();
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var unit = await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "U", SecurityLevel.Low, provider.Id, network.Id)));

        var key = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Ward pair", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id]))));

        Assert.Equal((ScopeKind.Units, network.Id), (key.Key.Scope.Kind, key.Key.Scope.NetworkId));
        Assert.Equal([unit.Id], key.Key.Scope.UnitIds);
    }

    [Fact]
    public async Task Credentials_in_the_query_string_are_refused()
    {
        var (key, _) = await KeyAsync();

        var response = await Anonymous.GetAsync($"/api/v1/units?api_key={key.Token}");

        // A validation problem naming the parameter, as the contract's 400 says every 400 is.
        Assert.Contains("query string", await ReadFieldErrorAsync(response, "api_key"));
    }

    [Fact]
    public async Task The_bootstrap_command_makes_a_first_administrator_only_once()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync();
        await using var db = app.CreateDbContext();
        var commands = new AccessCommands(db, new Api.Audit.AuditTrail(db, TimeProvider.System, new Microsoft.AspNetCore.Http.HttpContextAccessor()), TimeProvider.System);

        Assert.Null(await commands.BootstrapAdminAsync("second", force: false));
        var forced = await commands.BootstrapAdminAsync("second", force: true);

        using var client = app.CreateClient(forced);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"), JsonOptions)).StatusCode);
    }

    private async Task<NetworkResponse> NetworkAsync() =>
        await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));

    private async Task<(CreatedApiKeyResponse Key, HttpClient Client)> KeyAsync(Role role = Role.Analyst)
    {
        var network = await NetworkAsync();
        var key = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Test key", role, new ScopeInput(ScopeKind.Network, network.Id))));
        return (key, Fixture.App.CreateClient(key.Token));
    }
}
