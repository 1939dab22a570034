using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Audit;

public sealed class AuditTrailTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Every_change_leaves_exactly_one_audit_row_naming_who_did_it()
    {
        var network = await ReadAsync<NetworkResponse>(await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"))));
        var provider = await ReadAsync<ProviderResponse>(await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs))));
        var collaborative = await ReadAsync<CollaborativeResponse>(await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "C"))));
        var unit = await ReadAsync<UnitResponse>(await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/units",
            new CreateUnitRequest(UniqueCode("U"), "U", SecurityLevel.Low, provider.Id, network.Id, collaborative.Id))));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/networks/{network.Id}", new UpdateNetworkRequest("N2", true, null, false, false)));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/providers/{provider.Id}", new UpdateProviderRequest("P2", ProviderSector.Independent, true)));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/collaboratives/{collaborative.Id}", new UpdateCollaborativeRequest("C2", true)));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/units/{unit.Id}", new UpdateUnitRequest("U2", SecurityLevel.Medium, provider.Id, network.Id, true, null)));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Post, $"/api/v1/units/{unit.Id}/deactivate", null, $"/api/v1/units/{unit.Id}"));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Post, $"/api/v1/units/{unit.Id}/reactivate", null, $"/api/v1/units/{unit.Id}"));
        var identifier = FrameworkDocuments.UniqueIdentifier();
        await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/frameworks", FrameworkDocuments.Small(identifier)));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/frameworks/{identifier}", FrameworkDocuments.Small(identifier)));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Delete, $"/api/v1/frameworks/{identifier}", null));
        var key = await ReadAsync<CreatedApiKeyResponse>(await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/keys",
            new CreateApiKeyRequest("K", Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id)))));
        await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, $"/api/v1/keys/{key.Key.Id}/rotate", new RotateApiKeyRequest()));
        await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, $"/api/v1/keys/{key.Key.Id}/revoke", new RevokeRequest("Done")));
        var membership = await ReadAsync<MembershipResponse>(await ExpectOneRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/memberships",
            new CreateMembershipRequest(TestIdentityProvider.Issuer, Guid.NewGuid().ToString(), "Lead", Role.InvolvementLead, new ScopeInput(ScopeKind.Network, network.Id)))));
        await ExpectOneRowAsync(c => c.ChangeCurrentAsync(HttpMethod.Post, $"/api/v1/memberships/{membership.Id}/revoke", new RevokeRequest("Done"), $"/api/v1/memberships/{membership.Id}"));

        var history = await ReadAsync<Page<AuditEventResponse>>(await Client.GetAsync($"/api/v1/audit-events?entityType=unit&entityId={unit.Id}"));
        Assert.Equal(["unit.created", "unit.updated", "unit.deactivated", "unit.reactivated"], history.Items.Select(e => e.Action));
        Assert.All(history.Items, e => Assert.StartsWith("key:", e.Actor));
        var update = history.Items[1].Changes;
        Assert.Equal("U", update.GetProperty("name").GetProperty("from").GetString());
        Assert.Equal("U2", update.GetProperty("name").GetProperty("to").GetString());
        Assert.Equal("Done", (await ReadAsync<Page<AuditEventResponse>>(await Client.GetAsync($"/api/v1/audit-events?action=key.revoked&entityId={key.Key.Id}"))).Items.Single().Reason);
    }

    [Fact]
    public async Task A_refused_or_rolled_back_change_leaves_no_audit_row()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));

        await ExpectNoRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/networks", new CreateNetworkRequest(network.Code, "Duplicate")));
        await ExpectNoRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/networks", new CreateNetworkRequest("", "Invalid")));
        await ExpectNoRowAsync(c => c.SendJsonAsync(HttpMethod.Put, "/api/v1/frameworks/2021.1", FrameworkDocuments.Small("2021.1")));
        await ExpectNoRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "U", SecurityLevel.Low, Guid.NewGuid(), network.Id)));
        // The framework import fails inside its transaction on the unique identifier: nothing of it, audit included, remains.
        await ExpectNoRowAsync(c => c.SendJsonAsync(HttpMethod.Post, "/api/v1/frameworks", FrameworkDocuments.Small("2021.1")));
    }

    [Theory]
    [InlineData("UPDATE audit_events SET reason = 'rewritten'")]
    [InlineData("DELETE FROM audit_events")]
    [InlineData("TRUNCATE audit_events")]
    public async Task The_database_refuses_to_change_or_remove_audit_rows(string sql)
    {
        await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"));
        await using var db = Fixture.App.CreateDbContext();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Contains("append-only", refused.MessageText);
    }

    [Fact]
    public async Task A_network_admin_reads_its_own_networks_audit_and_not_anothers()
    {
        var mine = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Mine")));
        var theirs = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Theirs")));
        var admin = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Admin", Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, mine.Id))));
        using var client = Fixture.App.CreateClient(admin.Token);

        var own = await ReadAsync<Page<AuditEventResponse>>(await client.GetAsync($"/api/v1/audit-events?entityType=network&entityId={mine.Id}"));
        var other = await ReadAsync<Page<AuditEventResponse>>(await client.GetAsync($"/api/v1/audit-events?entityType=network&entityId={theirs.Id}"));

        Assert.Single(own.Items);
        Assert.Empty(other.Items);
    }

    [Fact]
    public async Task Rows_that_name_no_network_are_shown_to_a_national_admin_and_not_to_a_network_admin()
    {
        var mine = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Mine")));
        var other = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Other")));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Across", ProviderSector.Nhs)));
        var collaborative = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "Across")));
        var unitMine = await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Mine", SecurityLevel.Low, provider.Id, mine.Id, collaborative.Id)));
        var unitOther = await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Other", SecurityLevel.Low, provider.Id, other.Id, collaborative.Id)));
        var commissioner = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys", new CreateApiKeyRequest("Commissioner", Role.Analyst, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: collaborative.Id))));
        var nationalAdmin = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys", new CreateApiKeyRequest("National admin", Role.NetworkAdmin, new ScopeInput(ScopeKind.National))));
        var month = Assessments.AssessmentDriver.FreshMonth();
        var rows = new[] { unitMine.Code, unitOther.Code }.SelectMany(unit => Enumerable.Range(1, 10).Select(i => new SeQuIn.Api.Assessments.ImportRow(unit, "INV", month, $"INV-{i:00}", 2, AgreedRating: 2))).ToList();
        var imported = await ReadAsync<SeQuIn.Api.Assessments.ImportReport>(await PostAsync("/api/v1/assessments/import", new SeQuIn.Api.Assessments.ImportDocument(rows)));
        var importRow = (await ReadAsync<Page<AuditEventResponse>>(await Client.GetAsync("/api/v1/audit-events?action=assessments.imported&limit=1000")))
            .Items.Single(e => e.Changes.GetProperty("assessmentIds").EnumerateArray().Any(id => id.GetGuid() == imported.AssessmentIds[0]));
        var admin = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys", new CreateApiKeyRequest("Admin", Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, mine.Id))));
        using var adminClient = Fixture.App.CreateClient(admin.Token);

        Assert.Null(importRow.NetworkId);
        foreach (var entityId in new[] { commissioner.Key.Id.ToString(), nationalAdmin.Key.Id.ToString(), collaborative.Id.ToString(), provider.Id.ToString(), importRow.EntityId })
        {
            Assert.NotEmpty((await ReadAsync<Page<AuditEventResponse>>(await Client.GetAsync($"/api/v1/audit-events?entityId={entityId}"))).Items);
            Assert.Empty((await ReadAsync<Page<AuditEventResponse>>(await adminClient.GetAsync($"/api/v1/audit-events?entityId={entityId}"))).Items);
        }
        Assert.NotEmpty((await ReadAsync<Page<AuditEventResponse>>(await adminClient.GetAsync($"/api/v1/audit-events?entityId={unitMine.Id}"))).Items);
    }

    [Fact]
    public async Task A_collaboratives_rows_are_shown_to_an_admin_whose_networks_hold_all_its_units_and_only_while_they_do()
    {
        var mine = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Mine")));
        var other = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Other")));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Mine only", ProviderSector.Nhs)));
        var collaborative = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "C")));
        await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Mine", SecurityLevel.Low, provider.Id, mine.Id, collaborative.Id)));
        await ReadAsync<CollaborativeResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/collaboratives/{collaborative.Id}", new UpdateCollaborativeRequest("C renamed", true)));
        var analyst = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys", new CreateApiKeyRequest("Commissioner", Role.Analyst, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: collaborative.Id))));
        using var adminOfMine = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Admin", Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, mine.Id))))).Token);
        using var adminOfOther = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Admin", Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, other.Id))))).Token);
        async Task<int> Rows(HttpClient client, Guid entityId) =>
            (await ReadAsync<Page<AuditEventResponse>>(await client.GetAsync($"/api/v1/audit-events?entityId={entityId}"))).Items.Count;

        Assert.Equal((2, 1, 1), (await Rows(adminOfMine, collaborative.Id), await Rows(adminOfMine, analyst.Key.Id), await Rows(adminOfMine, provider.Id)));
        Assert.Equal((0, 0, 0), (await Rows(adminOfOther, collaborative.Id), await Rows(adminOfOther, analyst.Key.Id), await Rows(adminOfOther, provider.Id)));

        await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "Other", SecurityLevel.Low, provider.Id, other.Id, collaborative.Id)));

        Assert.Equal((0, 0, 0), (await Rows(adminOfMine, collaborative.Id), await Rows(adminOfMine, analyst.Key.Id), await Rows(adminOfMine, provider.Id)));
        Assert.Equal((2, 1, 1), (await Rows(Client, collaborative.Id), await Rows(Client, analyst.Key.Id), await Rows(Client, provider.Id)));
    }

    [Fact]
    public async Task Every_network_admin_reads_the_frameworks_rows()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));
        var identifier = FrameworkDocuments.UniqueIdentifier();
        await ReadAsync<SeQuIn.Api.Framework.FrameworkVersionDetail>(await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier)));
        using var admin = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Admin", Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, network.Id))))).Token);

        var rows = await ReadAsync<Page<AuditEventResponse>>(await admin.GetAsync($"/api/v1/audit-events?entityType=framework-version&entityId={identifier}"));

        Assert.Equal("framework.imported", Assert.Single(rows.Items).Action);
    }

    [Fact]
    public async Task The_audit_trail_pages_without_gaps_or_repeats()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));
        for (var i = 0; i < 5; i++)
        {
            await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/networks/{network.Id}", new UpdateNetworkRequest($"Name {i}", true, null, false, false));
        }

        var ids = new List<long>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync<Page<AuditEventResponse>>(await Client.GetAsync(
                $"/api/v1/audit-events?entityId={network.Id}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}")));
            ids.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(6, ids.Count);
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Distinct(), ids);
    }

    private async Task<HttpResponseMessage> ExpectOneRowAsync(Func<HttpClient, Task<HttpResponseMessage>> change)
    {
        var (response, added) = await CountAddedAsync(change);
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.True(added == 1, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} added {added} audit rows.");
        return response;
    }

    private async Task ExpectNoRowAsync(Func<HttpClient, Task<HttpResponseMessage>> change)
    {
        var (response, added) = await CountAddedAsync(change);
        Assert.False(response.IsSuccessStatusCode);
        Assert.True(added == 0, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} was refused but added {added} audit rows.");
    }

    /// <summary>
    /// Sends the request under a trace id of its own (W3C traceparent) and counts the audit rows carrying it, so
    /// that rows written by anything else at the same time are never counted.
    /// </summary>
    private async Task<(HttpResponseMessage Response, long Added)> CountAddedAsync(Func<HttpClient, Task<HttpResponseMessage>> change)
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using var client = Fixture.App.CreateClient(Fixture.NationalAdminToken);
        client.DefaultRequestHeaders.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await change(client);
        await response.Content.LoadIntoBufferAsync();
        await using var db = Fixture.App.CreateDbContext();
        return (response, await db.AuditEvents.LongCountAsync(e => e.TraceId == traceId));
    }
}

internal static class JsonRequests
{
    public static Task<HttpResponseMessage> SendJsonAsync<T>(this HttpClient client, HttpMethod method, string url, T body) =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, options: Json.Options) });
}
