using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
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
    }

    private static Task<HttpResponseMessage> SendAsync(AssessmentWorld world, string key, CreateAssessmentRequest body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/assessments") { Content = JsonContent.Create(body, options: Api.Common.Json.Options) };
        message.Headers.Add("Idempotency-Key", key);
        return world.Member.Client.SendAsync(message);
    }
}
