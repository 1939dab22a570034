using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SeQuIn.Api.Common;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

public sealed class IdempotencyTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_replayed_create_returns_the_first_answer_and_creates_nothing_more()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var request = new CreateAssessmentRequest(world.Unit.Id, "TEC", AssessmentDriver.FreshMonth());
        var key = Guid.NewGuid().ToString();

        var first = await SendAsync(world, key, request);
        var replay = await SendAsync(world, key, request);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal((await ReadAsync<AssessmentDetail>(first)).Id, (await ReadAsync<AssessmentDetail>(replay)).Id);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        var list = await ReadAsync<Api.Common.Page<AssessmentSummary>>(await world.Member.Client.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}&areaCode=TEC"));
        Assert.Single(list.Items);
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var key = Guid.NewGuid().ToString();
        await SendAsync(world, key, new CreateAssessmentRequest(world.Unit.Id, "TEC", AssessmentDriver.FreshMonth()));

        var response = await SendAsync(world, key, new CreateAssessmentRequest(world.Unit.Id, "MDT", AssessmentDriver.FreshMonth()));

        Assert.Contains("different request", (await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity)).ToJsonString());
    }

    [Fact]
    public async Task A_repeat_while_the_first_is_still_running_is_told_to_wait()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var key = Guid.NewGuid().ToString();
        var request = new CreateAssessmentRequest(world.Unit.Id, "TEC", AssessmentDriver.FreshMonth());
        await SendAsync(world, key, request);
        await using (var db = Fixture.App.CreateDbContext())
        {
            // As if the first request were still in flight.
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE idempotency_records SET completed = false, created_at = now() WHERE key = {key}");
        }

        var response = await SendAsync(world, key, request);

        await ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_rating_change_sent_again_with_its_key_is_replayed_not_refused_as_stale()
    {
        // A tablet whose answer was lost (a 503 after the commit went through, a dropped connection) sends the
        // same request again: same If-Match, same key. It must learn that its change is stored, not get a 412.
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var key = Guid.NewGuid().ToString();
        var ratings = new RatingsRequest([new RatingInput("INV-01", 3), new RatingInput("INV-02", 1)]);

        var first = await PutAsync(world, draft, key, ratings);
        var again = await PutAsync(world, draft, key, ratings);

        var stored = await ReadAsync<AssessmentDetail>(first);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(stored.Revision, (await ReadAsync<AssessmentDetail>(again)).Revision);
        Assert.Equal(draft.Revision + 1, stored.Revision);
        var history = await ReadAsync<Page<Api.Audit.AuditEventResponse>>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}/history?limit=1000"));
        Assert.Single(history.Items, e => e.Action == "assessment.ratings-set");
        // Without the key the same request is what If-Match exists for: a stale write, refused.
        await ReadProblemAsync(await world.Member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings", ratings, AssessmentDriver.ETagOf(draft)),
            HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task A_submission_without_a_body_sent_again_with_its_key_is_replayed_not_refused()
    {
        // Submit has no body: only its route, the caller and its bundle of services ([AsParameters] AssessmentServices)
        // are arguments. The bundle must not be taken for the request record (hashing the request's services would
        // fail or differ on every retry); the empty body is what is hashed.
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.AgreeAsync(await world.Member.RateAllAsync(await world.Member.CreateAsync()));
        var key = Guid.NewGuid().ToString();
        var url = $"/api/v1/assessments/{draft.Id}/submit";

        var first = await world.Member.Client.SendIfMatchAsync(HttpMethod.Post, url, null, AssessmentDriver.ETagOf(draft), key);
        var again = await world.Member.Client.SendIfMatchAsync(HttpMethod.Post, url, null, AssessmentDriver.ETagOf(draft), key);

        Assert.Equal(AssessmentStatus.Submitted, (await ReadAsync<AssessmentDetail>(first)).Status);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
    }

    [Fact]
    public async Task An_evidence_file_sent_again_with_its_key_is_replayed_and_attached_once()
    {
        // A file body is hashed as the bytes sent, then read again by the handler: both must see all of it.
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        draft = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Minutes, "Community meeting minutes", "Service users chaired it.", StandardCode: "INV-01"), AssessmentDriver.ETagOf(draft)));
        var evidenceId = draft.Evidence.Single().Id;
        var key = Guid.NewGuid().ToString();
        var file = new byte[200_000];
        "%PDF-1.7 "u8.CopyTo(file);

        var first = await UploadAsync(world, draft, evidenceId, key, file);
        var again = await UploadAsync(world, draft, evidenceId, key, file);

        var attached = await ReadAsync<AssessmentDetail>(first);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(file.Length, attached.Evidence.Single().File!.Size);
        var history = await ReadAsync<Page<Api.Audit.AuditEventResponse>>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}/history?limit=1000"));
        Assert.Single(history.Items, e => e.Action == "assessment.evidence-file-attached");
    }

    private static Task<HttpResponseMessage> UploadAsync(AssessmentWorld world, AssessmentDetail draft, Guid evidenceId, string key, byte[] file)
    {
        var message = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/evidence/{evidenceId}/file?fileName=minutes.pdf")
        {
            Content = new ByteArrayContent(file) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf") } },
        };
        message.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(AssessmentDriver.ETagOf(draft)));
        message.Headers.Add("Idempotency-Key", key);
        return world.Member.Client.SendAsync(message);
    }

    [Fact]
    public void Every_write_endpoint_takes_an_Idempotency_Key()
    {
        var writes = Fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Any(m => m is not ("GET" or "HEAD" or "OPTIONS")) == true)
            .ToList();

        Assert.NotEmpty(writes);
        Assert.All(writes, e => Assert.True(e.Metadata.GetMetadata<IdempotencyMetadata>() is not null,
            $"{string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)} {e.RoutePattern.RawText} has no Idempotency-Key"));
    }

    private static Task<HttpResponseMessage> PutAsync(AssessmentWorld world, AssessmentDetail draft, string key, RatingsRequest body)
    {
        var message = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings") { Content = JsonContent.Create(body, options: Api.Common.Json.Options) };
        message.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(AssessmentDriver.ETagOf(draft)));
        message.Headers.Add("Idempotency-Key", key);
        return world.Member.Client.SendAsync(message);
    }

    private static Task<HttpResponseMessage> SendAsync(AssessmentWorld world, string key, CreateAssessmentRequest body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/assessments") { Content = JsonContent.Create(body, options: Api.Common.Json.Options) };
        message.Headers.Add("Idempotency-Key", key);
        return world.Member.Client.SendAsync(message);
    }
}
