using System.Net;
using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Access;

public sealed class TokenTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_valid_token_acts_with_the_memberships_its_subject_holds()
    {
        var subject = Guid.NewGuid().ToString();
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));
        await ReadAsync<MembershipResponse>(await PostAsync("/api/v1/memberships", new CreateMembershipRequest(
            TestIdentityProvider.Issuer, subject, "Involvement lead", Role.InvolvementLead, new ScopeInput(ScopeKind.Network, network.Id))));
        using var lead = Fixture.App.CreateClient(TestIdentityProvider.Token(subject));

        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync($"/api/v1/networks/{network.Id}")).StatusCode);
        await ReadProblemAsync(await lead.PostAsJsonAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs), JsonOptions),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Roles_claimed_in_a_token_grant_nothing()
    {
        var token = TestIdentityProvider.Token(Guid.NewGuid().ToString(), extraClaims: new Dictionary<string, object>
        {
            ["role"] = "network-admin",
            ["roles"] = new[] { "network-admin" },
            [Caller.GrantClaim] = """{"role":"network-admin","scope":"national","networkId":null,"collaborativeId":null,"unitIds":[]}""",
        });
        using var client = Fixture.App.CreateClient(token);

        var problem = await ReadProblemAsync(await client.GetAsync("/api/v1/units"), HttpStatusCode.Forbidden);
        Assert.Contains("no SeQuIn role", problem["detail"]!.GetValue<string>());
        await ReadProblemAsync(await client.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"), JsonOptions),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_revoked_membership_grants_nothing_on_the_next_request()
    {
        var subject = Guid.NewGuid().ToString();
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));
        var membership = await ReadAsync<MembershipResponse>(await PostAsync("/api/v1/memberships", new CreateMembershipRequest(
            TestIdentityProvider.Issuer, subject, "Analyst", Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id))));
        using var analyst = Fixture.App.CreateClient(TestIdentityProvider.Token(subject));
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/v1/units")).StatusCode);

        (await Client.ChangeCurrentAsync(HttpMethod.Post, $"/api/v1/memberships/{membership.Id}/revoke", new RevokeRequest("Moved on"),
            $"/api/v1/memberships/{membership.Id}")).EnsureSuccessStatusCode();

        await ReadProblemAsync(await analyst.GetAsync("/api/v1/units"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_membership_for_an_issuer_the_service_does_not_accept_is_refused()
    {
        var response = await PostAsync("/api/v1/memberships", new CreateMembershipRequest(
            "https://elsewhere.example/", "someone", "Lead", Role.Analyst, new ScopeInput(ScopeKind.National)));

        Assert.Contains("identity provider", await ReadFieldErrorAsync(response, "issuer"));
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "wrong issuer", TestIdentityProvider.Token("s", issuer: "https://evil.test/") },
        { "wrong audience", TestIdentityProvider.Token("s", audience: "another-api") },
        { "expired", TestIdentityProvider.Token("s", notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddMinutes(-5)) },
        { "not yet valid", TestIdentityProvider.Token("s", notBefore: DateTime.UtcNow.AddMinutes(5), expires: DateTime.UtcNow.AddMinutes(30)) },
        { "alg none", TestIdentityProvider.UnsignedToken("s") },
        { "tampered signature", TestIdentityProvider.TamperedToken("s") },
        { "unknown signing key", TestIdentityProvider.Token("s", signWithUnknownKey: true) },
        { "not a token", "eyJhbGciOi.garbage.here" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_refused_with_401_and_a_challenge(string problem, string token)
    {
        using var client = Fixture.App.CreateClient(token);

        foreach (var url in new[] { "/api/v1/units", "/api/v1/frameworks/active" })
        {
            var response = await client.GetAsync(url);
            await ReadProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.True(response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"), $"{problem}: no Bearer challenge on {url}");
        }
    }

    [Fact]
    public async Task A_token_expired_within_the_allowed_clock_skew_still_works()
    {
        var subject = Guid.NewGuid().ToString();
        await PostAsync("/api/v1/memberships", new CreateMembershipRequest(TestIdentityProvider.Issuer, subject, "Analyst", Role.Analyst,
            new ScopeInput(ScopeKind.Network,
                (await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")))).Id)));
        using var client = Fixture.App.CreateClient(TestIdentityProvider.Token(subject,
            notBefore: DateTime.UtcNow.AddMinutes(-10), expires: DateTime.UtcNow.AddSeconds(-30)));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/units")).StatusCode);
    }
}
