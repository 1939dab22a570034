using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Common;

/// <summary>
/// A change retried with its Idempotency-Key is applied once, and the retry gets the first answer again, exactly;
/// the same key for a different request is refused (422). One test per family of changes.
/// </summary>
public sealed class RetriedChangesTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_comment_sent_twice_with_one_key_is_added_once()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var url = $"/api/v1/assessments/{draft.Id}/comments";
        var key = NewKey();

        var (first, replay) = await TwiceAsync(() => world.Lead.SendIfMatchAsync(HttpMethod.Post, url, new CommentRequest("Which minutes?"), null, key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var comments = (await ReadAsync<AssessmentDetail>(await world.Lead.GetAsync($"/api/v1/assessments/{draft.Id}"))).Comments;
        Assert.Single(comments);
        await ExpectRefusedAsync(world.Lead.SendIfMatchAsync(HttpMethod.Post, url, new CommentRequest("Another question?"), null, key));
        Assert.Single((await ReadAsync<AssessmentDetail>(await world.Lead.GetAsync($"/api/v1/assessments/{draft.Id}"))).Comments);
    }

    [Fact]
    public async Task An_api_key_created_rotated_and_revoked_twice_with_one_key_each_happens_once_and_no_token_is_kept_for_the_retry()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));
        var name = UniqueCode("K");
        var create = new CreateApiKeyRequest(name, Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id));

        var key = await ReadAsync<CreatedApiKeyResponse>(await SecretShownOnceAsync(() => Client.SendIfMatchAsync(HttpMethod.Post, "/api/v1/keys", create, null, "create-" + name)));
        var successor = await ReadAsync<CreatedApiKeyResponse>(await SecretShownOnceAsync(() =>
            Client.SendIfMatchAsync(HttpMethod.Post, $"/api/v1/keys/{key.Key.Id}/rotate", new RotateApiKeyRequest(), null, "rotate-" + name)));
        var (revoked, _) = await TwiceAsync(() => Client.SendIfMatchAsync(HttpMethod.Post, $"/api/v1/keys/{successor.Key.Id}/revoke", new RevokeRequest("Done"), null, "revoke-" + name));

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await using var db = Fixture.App.CreateDbContext();
        Assert.Equal(2, await db.ApiKeys.CountAsync(k => k.Name == name));
        Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.Action.StartsWith("key.") && (e.EntityId == key.Key.Id.ToString() || e.EntityId == successor.Key.Id.ToString())));
        await ExpectRefusedAsync(Client.SendIfMatchAsync(HttpMethod.Post, "/api/v1/keys", create with { Name = name + "-2" }, null, "create-" + name));
        var kept = await db.Database.SqlQuery<string>($"SELECT coalesce(body, '') AS \"Value\" FROM idempotency_records WHERE key IN ({"create-" + name}, {"rotate-" + name})").ToListAsync();
        Assert.Equal(2, kept.Count);
        Assert.All(kept, body => Assert.DoesNotContain(key.Token, body));
        Assert.All(kept, body => Assert.DoesNotContain(successor.Token, body));
    }

    [Fact]
    public async Task A_share_code_issued_twice_with_one_key_is_issued_once_and_not_kept_for_the_retry()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var url = $"/api/v1/units/{world.Unit.Id}/share-code";

        var issued = await ReadAsync<Api.Families.ShareCodeResponse>(await SecretShownOnceAsync(() => world.Lead.SendIfMatchAsync(HttpMethod.Post, url, null, null, "share-" + world.Unit.Id)));

        await using var db = Fixture.App.CreateDbContext();
        Assert.Equal(Api.Families.ShareCodes.Hash(Api.Families.ShareCodes.Normalise(issued.ShareCode)!),
            (await db.FamilyShareCodes.SingleAsync(c => c.UnitId == world.Unit.Id)).CodeHash);
        Assert.Single(await db.AuditEvents.Where(e => e.EntityId == world.Unit.Id.ToString() && e.Action.Contains("share")).ToListAsync());
    }

    [Fact]
    public async Task A_membership_granted_twice_with_one_key_is_granted_once()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));
        var subject = Guid.NewGuid().ToString();
        var grant = new CreateMembershipRequest(TestIdentityProvider.Issuer, subject, "Lead", Role.InvolvementLead, new ScopeInput(ScopeKind.Network, network.Id));
        var key = NewKey();

        var (first, _) = await TwiceAsync(() => Client.SendIfMatchAsync(HttpMethod.Post, "/api/v1/memberships", grant, null, key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Single((await ReadAsync<Page<MembershipResponse>>(await Client.GetAsync($"/api/v1/memberships?subject={subject}"))).Items);
        await ExpectRefusedAsync(Client.SendIfMatchAsync(HttpMethod.Post, "/api/v1/memberships", grant with { Role = Role.Analyst }, null, key));
    }

    [Fact]
    public async Task A_network_created_twice_with_one_key_is_created_once_and_the_retry_gets_its_location_and_etag()
    {
        var code = UniqueCode("N");
        var key = NewKey();

        var (first, replay) = await TwiceAsync(() => Client.SendIfMatchAsync(HttpMethod.Post, "/api/v1/networks", new CreateNetworkRequest(code, "North"), null, key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.NotNull(replay.Headers.ETag);
        Assert.Single((await ReadAsync<Page<NetworkResponse>>(await Client.GetAsync($"/api/v1/networks?code={code}"))).Items);
        await ExpectRefusedAsync(Client.SendIfMatchAsync(HttpMethod.Post, "/api/v1/networks", new CreateNetworkRequest(code, "South"), null, key));
    }

    [Fact]
    public async Task A_retried_deactivation_gets_its_first_answer_rather_than_a_412_for_the_etag_it_moved_on()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var url = $"/api/v1/units/{world.Unit.Id}";
        var etag = await Client.ETagOfAsync(url);
        var key = NewKey();

        var (first, replay) = await TwiceAsync(() => Client.SendIfMatchAsync(HttpMethod.Post, $"{url}/deactivate", null, etag, key));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await Client.ETagOfAsync(url), replay.Headers.ETag?.Tag);
        await using var db = Fixture.App.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "unit.deactivated" && e.EntityId == world.Unit.Id.ToString()));
    }

    [Fact]
    public async Task A_csv_import_sent_twice_with_one_key_is_imported_once_and_other_bytes_or_a_dry_run_with_that_key_are_refused()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var month = AssessmentDriver.FreshMonth();
        string Csv(int value) => "unitCode,areaCode,month,standardCode,value,agreedRating\n" +
            string.Concat(Enumerable.Range(1, 10).Select(i => $"{world.Unit.Code},INV,{month},INV-{i:00},{value},{value}\n"));
        HttpRequestMessage Import(string csv, string key, bool dryRun = false)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/assessments/import" + (dryRun ? "?dryRun=true" : ""))
            {
                Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
            };
            request.Headers.Add(Idempotency.Header, key);
            return request;
        }
        var key = NewKey();

        var (first, _) = await TwiceAsync(() => world.Admin.SendAsync(Import(Csv(3), key)));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Single((await ReadAsync<Page<AssessmentSummary>>(await world.Lead.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}"))).Items);
        await ExpectRefusedAsync(world.Admin.SendAsync(Import(Csv(2), key)));
        await ExpectRefusedAsync(world.Admin.SendAsync(Import(Csv(3), key, dryRun: true)));
    }

    [Fact]
    public async Task A_submission_retried_with_one_key_is_submitted_once_and_a_refused_one_is_refused_again_the_same_way()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var url = $"/api/v1/assessments/{draft.Id}/submit";
        var refusedKey = NewKey();

        var (refused, _) = await TwiceAsync(() => world.Member.Client.SendIfMatchAsync(HttpMethod.Post, url, null, AssessmentDriver.ETagOf(draft), refusedKey));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        var ready = await world.Member.AgreeAsync(await world.Member.RateAllAsync(draft));
        var key = NewKey();
        var (submitted, _) = await TwiceAsync(() => world.Member.Client.SendIfMatchAsync(HttpMethod.Post, url, null, AssessmentDriver.ETagOf(ready), key));

        Assert.Equal(AssessmentStatus.Submitted, (await ReadAsync<AssessmentDetail>(submitted)).Status);
        await using var db = Fixture.App.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "assessment.submitted" && e.EntityId == draft.Id.ToString()));
        var other = await world.Member.CreateAsync();
        await ExpectRefusedAsync(world.Member.Client.SendIfMatchAsync(HttpMethod.Post, $"/api/v1/assessments/{other.Id}/submit", null, AssessmentDriver.ETagOf(other), key));
    }

    [Fact]
    public async Task A_front_end_on_a_configured_origin_may_read_the_etag_and_the_replay_marker()
    {
        const string origin = "https://portal.example.nhs.uk";
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?> { ["SeQuIn:Cors:AllowedOrigins:0"] = origin });
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/frameworks/active");
        request.Headers.Add("Origin", origin);

        var response = await client.SendAsync(request);

        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).Split(',').Select(h => h.Trim());
        Assert.Contains("ETag", exposed, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Idempotent-Replayed", exposed, StringComparer.OrdinalIgnoreCase);
    }

    private static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>Sends a request twice; asserts the second is the first answer again, exactly, marked as a replay.</summary>
    private static async Task<(HttpResponseMessage First, HttpResponseMessage Replay)> TwiceAsync(Func<Task<HttpResponseMessage>> send)
    {
        var first = await send();
        var replay = await send();
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.False(first.Headers.Contains("Idempotent-Replayed"), $"The first answer was a replay: {firstBody}");
        Assert.Equal(["true"], replay.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(first.StatusCode, replay.StatusCode);
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal(first.Content.Headers.ContentType?.MediaType, replay.Content.Headers.ContentType?.MediaType);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(first.Headers.ETag, replay.Headers.ETag);
        return (first, replay);
    }

    /// <summary>
    /// The first answer holds a secret shown once: a retry with the same key learns that it was issued (409, marked as a
    /// replay) but never sees the secret again, and the change is not made twice.
    /// </summary>
    private static async Task<HttpResponseMessage> SecretShownOnceAsync(Func<Task<HttpResponseMessage>> send)
    {
        var first = await send();
        var retry = await send();
        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        Assert.Equal(["true"], retry.Headers.GetValues("Idempotent-Replayed"));
        Assert.Contains("shown only once", (await ReadProblemAsync(retry, HttpStatusCode.Conflict)).ToJsonString());
        return first;
    }

    private static async Task ExpectRefusedAsync(Task<HttpResponseMessage> sent)
    {
        var response = await sent;
        Assert.Contains("different request", (await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity)).ToJsonString());
    }
}
