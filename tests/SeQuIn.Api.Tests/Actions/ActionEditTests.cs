using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Actions;

/// <summary>PUT /actions/{id}: an open or in-progress action reworded with If-Match, idempotently, audited and in the change feed.</summary>
public sealed class ActionEditTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static readonly UpdateActionRequest Reworded = new("Service users chair the community meeting every other month.",
        ActionOwner.PeerSupportWorker, "2099-09", "The meeting's minutes, with the chair named by role.", 4);

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, Guid actionId, UpdateActionRequest body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/actions/{actionId}") { Content = JsonContent.Create(body, options: Json.Options) };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_planner_rewords_an_open_action_with_If_Match_and_the_same_request_again_changes_nothing()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var baseline = await ActionPlanTests.SubmitAsync(world.Member, AssessmentDriver.FreshMonth(world.Unit.Id), 1);
        var action = await ActionPlanTests.CreateAsync(world.Member.Client, baseline.Id, "INV-03");
        using var position = await world.Analyst.GetAsync("/api/v1/exports/ratings?limit=1");
        var start = position.Headers.GetValues(ChangesApi.PositionHeader).Single();

        await ReadProblemAsync(await PutAsync(world.Member.Client, action.Id, Reworded, null), HttpStatusCode.PreconditionRequired);
        var changed = await PutAsync(world.Lead, action.Id, Reworded, "\"1\"");
        var edited = await ReadAsync<ActionResponse>(changed);
        var again = await ReadAsync<ActionResponse>(await PutAsync(world.Member.Client, action.Id, Reworded, "\"2\""));

        Assert.Equal((Reworded.What, Reworded.Owner, Reworded.DueMonth, Reworded.EvidenceExpected, Reworded.TargetRating, 2),
            (edited.What, edited.Owner, edited.DueMonth, edited.EvidenceExpected, edited.TargetRating, edited.Revision));
        Assert.Equal("\"2\"", changed.Headers.ETag?.ToString());
        Assert.Equal(2, again.Revision);
        var history = await ReadAsync<Page<AuditEventResponse>>(await world.Lead.GetAsync($"/api/v1/actions/{action.Id}/history"));
        Assert.Equal(["action.created", "action.changed"], history.Items.Select(e => e.Action));
        var feed = await ReadAsync<ChangePage>(await world.Analyst.GetAsync($"/api/v1/changes?after={start}&limit=1000"));
        var entry = Assert.Single(feed.Items, e => e.ResourceId == action.Id && e.Kind == ChangeKinds.ActionChanged);
        Assert.Equal(2, entry.Revision);
        Assert.DoesNotContain("community meeting", entry.Data?.GetRawText() ?? "", StringComparison.Ordinal);
        await ReadProblemAsync(await PutAsync(world.Member.Client, action.Id, Reworded with { What = "Ask again." }, "\"1\""), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Only_its_planners_reword_an_action_only_while_it_is_open_and_on_its_own_scale_without_identifiers()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var baseline = await ActionPlanTests.SubmitAsync(world.Member, AssessmentDriver.FreshMonth(world.Unit.Id), 1);
        var action = await ActionPlanTests.CreateAsync(world.Member.Client, baseline.Id, "INV-03");

        await ReadProblemAsync(await PutAsync(world.OtherMember, action.Id, Reworded, "\"1\""), HttpStatusCode.NotFound);
        await ReadProblemAsync(await PutAsync(world.Analyst, action.Id, Reworded, "\"1\""), HttpStatusCode.Forbidden);     // no analyst plans
        await ReadProblemAsync(await PutAsync(world.Admin, action.Id, Reworded, "\"1\""), HttpStatusCode.Forbidden);
        await ReadFieldErrorAsync(await PutAsync(world.Member.Client, action.Id, Reworded with { TargetRating = 9 }, "\"1\""), "targetRating");
        await ReadFieldErrorAsync(await PutAsync(world.Member.Client, action.Id, Reworded with { DueMonth = "2099-13" }, "\"1\""), "dueMonth");
        var screened = await ReadProblemAsync(await PutAsync(world.Member.Client, action.Id,
            Reworded with { EvidenceExpected = "The notes on 943 476 5919." }, "\"1\""), HttpStatusCode.UnprocessableEntity);
        Assert.DoesNotContain("943 476 5919", screened.ToJsonString());

        var done = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/actions/{action.Id}/status")
        {
            Content = JsonContent.Create(new ActionStatusRequest(ActionStatus.Done), options: Json.Options),
            Headers = { IfMatch = { new EntityTagHeaderValue("\"1\"") } },
        };
        await ReadAsync<ActionResponse>(await world.Member.Client.SendAsync(done));
        await ReadProblemAsync(await PutAsync(world.Member.Client, action.Id, Reworded, "\"2\""), HttpStatusCode.Conflict);
    }
}
