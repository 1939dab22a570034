using System.Net;
using System.Net.Http.Headers;
using SeQuIn.Api.Access;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Access;

public sealed class MembershipPreconditionTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_membership_is_revoked_only_with_its_current_etag_and_the_answer_carries_the_new_one()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));
        var created = await PostAsync("/api/v1/memberships", new CreateMembershipRequest(TestIdentityProvider.Issuer, Guid.NewGuid().ToString(), "Lead",
            Role.InvolvementLead, new ScopeInput(ScopeKind.Network, network.Id)));
        var membership = await ReadAsync<MembershipResponse>(created);
        var url = $"/api/v1/memberships/{membership.Id}";
        var etag = await Client.ETagOfAsync(url);
        Assert.Equal(etag, created.Headers.ETag?.Tag);

        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Post, $"{url}/revoke", new RevokeRequest("Moved on"), null), (HttpStatusCode)428);
        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Post, $"{url}/revoke", new RevokeRequest("Moved on"), "\"0\""), HttpStatusCode.PreconditionFailed);
        Assert.True((await ReadAsync<MembershipResponse>(await Client.GetAsync(url))).Active);
        var revoked = await Client.SendIfMatchAsync(HttpMethod.Post, $"{url}/revoke", new RevokeRequest("Moved on"), etag);

        Assert.False((await ReadAsync<MembershipResponse>(revoked)).Active);
        Assert.Equal(await Client.ETagOfAsync(url), revoked.Headers.ETag?.Tag);
        var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
        revalidate.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(revoked.Headers.ETag!.Tag!));
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(revalidate)).StatusCode);
    }
}
