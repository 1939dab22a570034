using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Actions;

/// <summary>Action plans over HTTP: made against a submitted rating, moved on with If-Match, closed by evidence (ADR 0034).</summary>
public sealed class ActionPlanTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_later_submission_at_target_marks_the_action_achieved_and_a_fall_back_marks_it_slipped()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var months = Enumerable.Range(0, 3).Select(_ => AssessmentDriver.FreshMonth(world.Unit.Id)).Order(StringComparer.Ordinal).ToArray();
        var baseline = await SubmitAsync(world.Member, months[0], 1);
        var action = await CreateAsync(world.Member.Client, baseline.Id, "INV-03");

        Assert.Equal((3, (int?)1, ActionStatus.Open, ActionEvidence.NotYetShown), (action.TargetRating, action.BaselineRating, action.Status, action.Evidence.State));
        Assert.Equal(months[0], action.BaselineMonth);

        var better = await SubmitAsync(world.Member, months[1], 3);
        var achieved = await ReadAsync<ActionResponse>(await world.Member.Client.GetAsync($"/api/v1/actions/{action.Id}"));
        Assert.Equal((ActionEvidence.Achieved, (Guid?)better.Id, months[1], (int?)3), (achieved.Evidence.State, achieved.Evidence.AchievedByAssessmentId,
            achieved.Evidence.Month, achieved.Evidence.Rating));
        Assert.NotNull(achieved.Evidence.AchievedAt);
        Assert.Equal(ActionStatus.Open, achieved.Status);   // the unit's own status is its to move

        var worse = await SubmitAsync(world.Member, months[2], 2);
        var slipped = await ReadAsync<ActionResponse>(await world.Lead.GetAsync($"/api/v1/actions/{action.Id}"));
        Assert.Equal((ActionEvidence.Slipped, (Guid?)worse.Id, (Guid?)better.Id), (slipped.Evidence.State, slipped.Evidence.AssessmentId, slipped.Evidence.AchievedByAssessmentId));
        Assert.NotNull(slipped.Evidence.SlippedAt);

        var history = await ReadAsync<Page<AuditEventResponse>>(await world.Lead.GetAsync($"/api/v1/actions/{action.Id}/history"));
        Assert.Equal(["action.created", "action.achieved", "action.slipped"], history.Items.Select(e => e.Action));
        var listed = await ReadAsync<Page<ActionResponse>>(await world.Member.Client.GetAsync($"/api/v1/actions?assessmentId={baseline.Id}"));
        Assert.Equal(action.Id, Assert.Single(listed.Items).Id);

        // The network's progress counts it in the month that showed it, but one unit's achievements are not shown as a number.
        var progress = await ReadAsync<Api.Progress.NetworkProgress>(await world.Lead.GetAsync(
            $"/api/v1/networks/{world.Network.Id}/progress?from={months[1]}&to={months[1]}"));
        Assert.Equal((null, 1), (progress.ActionsAchieved.Total, progress.ActionsAchieved.Units));
        Assert.Equal((months[1], null, 1), progress.ActionsAchieved.Months.Select(m => (m.Month, m.Achieved, m.Units)).Single());
    }

    [Fact]
    public async Task Status_moves_on_with_If_Match_dropping_needs_a_reason_and_done_is_final()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var baseline = await SubmitAsync(world.Member, AssessmentDriver.FreshMonth(world.Unit.Id), 1);
        var action = await CreateAsync(world.Member.Client, baseline.Id, "INV-05", target: 4);
        Assert.Equal(4, action.TargetRating);

        await ReadProblemAsync(await MoveAsync(world.Member.Client, action.Id, new ActionStatusRequest(ActionStatus.InProgress), null), HttpStatusCode.PreconditionRequired);
        await ReadProblemAsync(await MoveAsync(world.Member.Client, action.Id, new ActionStatusRequest(ActionStatus.InProgress), "\"9\""), HttpStatusCode.PreconditionFailed);
        await ReadFieldErrorAsync(await MoveAsync(world.Member.Client, action.Id, new ActionStatusRequest(ActionStatus.Dropped), "\"1\""), "reason");
        await ReadProblemAsync(await MoveAsync(world.OtherMember, action.Id, new ActionStatusRequest(ActionStatus.InProgress), "\"1\""), HttpStatusCode.NotFound);
        await ReadProblemAsync(await MoveAsync(world.Admin, action.Id, new ActionStatusRequest(ActionStatus.InProgress), "\"1\""), HttpStatusCode.Forbidden);

        var started = await ReadAsync<ActionResponse>(await MoveAsync(world.Member.Client, action.Id, new ActionStatusRequest(ActionStatus.InProgress), "\"1\""));
        var done = await ReadAsync<ActionResponse>(await MoveAsync(world.Lead, action.Id, new ActionStatusRequest(ActionStatus.Done), $"\"{started.Revision}\""));
        Assert.Equal((ActionStatus.Done, 3), (done.Status, done.Revision));
        Assert.NotNull(done.ClosedAt);
        await ReadProblemAsync(await MoveAsync(world.Member.Client, action.Id, new ActionStatusRequest(ActionStatus.Dropped, "Changed our minds."), "\"3\""), HttpStatusCode.Conflict);

        var other = await CreateAsync(world.Lead, baseline.Id, "INV-06");
        var dropped = await ReadAsync<ActionResponse>(await MoveAsync(world.Member.Client, other.Id,
            new ActionStatusRequest(ActionStatus.Dropped, "The meeting was replaced by ward forums."), "\"1\""));
        Assert.Equal((ActionStatus.Dropped, "The meeting was replaced by ward forums."), (dropped.Status, dropped.DropReason));
        var history = await ReadAsync<Page<AuditEventResponse>>(await world.Member.Client.GetAsync($"/api/v1/actions/{other.Id}/history"));
        Assert.Equal("The meeting was replaced by ward forums.", history.Items.Last().Reason);
    }

    [Fact]
    public async Task Leads_comment_others_do_not_see_the_plan_and_leads_list_what_is_overdue()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var baseline = await SubmitAsync(world.Member, AssessmentDriver.FreshMonth(world.Unit.Id), 1);
        var late = await CreateAsync(world.Member.Client, baseline.Id, "INV-02", due: "2020-01");
        var onTime = await CreateAsync(world.Member.Client, baseline.Id, "INV-04", due: "2099-12");

        Assert.True(late.Overdue);
        Assert.False(onTime.Overdue);
        var overdue = await ReadAsync<Page<ActionResponse>>(await world.Lead.GetAsync($"/api/v1/actions?unitId={world.Unit.Id}&overdue=true"));
        Assert.Equal(late.Id, Assert.Single(overdue.Items).Id);
        var byStandard = await ReadAsync<Page<ActionResponse>>(await world.Lead.GetAsync($"/api/v1/actions?unitId={world.Unit.Id}&standardCode=INV-04&status=open"));
        Assert.Equal(onTime.Id, Assert.Single(byStandard.Items).Id);

        var comment = await world.Lead.PostAsJsonAsync($"/api/v1/actions/{late.Id}/comments", new ActionCommentRequest("Ask the recovery college for help."), JsonOptions);
        Assert.Equal(HttpStatusCode.Created, comment.StatusCode);
        await ReadProblemAsync(await world.Member.Client.PostAsJsonAsync($"/api/v1/actions/{late.Id}/comments", new ActionCommentRequest("Me too."), JsonOptions),
            HttpStatusCode.Forbidden);
        var read = await ReadAsync<ActionResponse>(await world.Member.Client.GetAsync($"/api/v1/actions/{late.Id}"));
        Assert.Equal(("Ask the recovery college for help.", 2), (Assert.Single(read.Comments).Text, read.Revision));

        await ReadProblemAsync(await world.OtherMember.GetAsync($"/api/v1/actions/{late.Id}"), HttpStatusCode.NotFound);
        await ReadProblemAsync(await world.Analyst.GetAsync($"/api/v1/actions/{late.Id}"), HttpStatusCode.NotFound);
        Assert.Empty((await ReadAsync<Page<ActionResponse>>(await world.Analyst.GetAsync($"/api/v1/actions?unitId={world.Unit.Id}"))).Items);
        Assert.Empty((await ReadAsync<Page<ActionResponse>>(await world.OtherMember.GetAsync($"/api/v1/actions?unitId={world.Unit.Id}"))).Items);
    }

    [Fact]
    public async Task Actions_start_from_a_submitted_rating_and_text_with_a_personal_identifier_is_refused_unechoed()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        await ReadProblemAsync(await world.Member.Client.PostAsJsonAsync("/api/v1/actions", Request(draft.Id, "INV-01"), JsonOptions), HttpStatusCode.Conflict);
        var baseline = await SubmitAsync(world.Member, AssessmentDriver.FreshMonth(world.Unit.Id), 2);

        var screened = await world.Member.Client.PostAsJsonAsync("/api/v1/actions",
            Request(baseline.Id, "INV-01") with { What = "Review the care plan of 943 476 5919 with the ward team." }, JsonOptions);
        var problem = await ReadProblemAsync(screened, HttpStatusCode.UnprocessableEntity);
        Assert.DoesNotContain("943 476 5919", problem.ToJsonString());
        Assert.Contains("what", problem["errors"]!.AsObject().Select(e => e.Key));

        await ReadFieldErrorAsync(await world.Member.Client.PostAsJsonAsync("/api/v1/actions", Request(baseline.Id, "RAS-01"), JsonOptions), "standardCode");
        await ReadFieldErrorAsync(await world.Member.Client.PostAsJsonAsync("/api/v1/actions", Request(baseline.Id, "INV-01") with { TargetRating = 9 }, JsonOptions),
            "targetRating");
        await ReadFieldErrorAsync(await world.Member.Client.PostAsJsonAsync("/api/v1/actions", Request(baseline.Id, "INV-01") with { DueMonth = "2026-13" }, JsonOptions),
            "dueMonth");
        // The other unit reads the submission (its network's results) but does not plan this unit's actions.
        await ReadProblemAsync(await world.OtherMember.PostAsJsonAsync("/api/v1/actions", Request(baseline.Id, "INV-01"), JsonOptions), HttpStatusCode.Forbidden);
    }

    internal static CreateActionRequest Request(Guid assessmentId, string standardCode, string due = "2099-06", int? target = null) =>
        new(assessmentId, standardCode, "Service users co-chair the community meeting.", ActionOwner.ServiceUserRepresentative, due,
            "Minutes naming the co-chairs by role.", target);

    internal static async Task<ActionResponse> CreateAsync(HttpClient client, Guid assessmentId, string standardCode, string due = "2099-06", int? target = null) =>
        await AssessmentDriver.ReadAsync<ActionResponse>(await client.PostAsJsonAsync("/api/v1/actions", Request(assessmentId, standardCode, due, target), Json.Options));

    /// <summary>A submitted assessment of INV for the month, every standard rated <paramref name="value"/>.</summary>
    internal static async Task<AssessmentDetail> SubmitAsync(AssessmentDriver member, string month, int value)
    {
        var assessment = await member.RateAllAsync(await member.CreateAsync(month: month), value);
        return await member.SubmitAsync(await member.AgreeAsync(assessment, value));
    }

    private static Task<HttpResponseMessage> MoveAsync(HttpClient client, Guid actionId, ActionStatusRequest body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/actions/{actionId}/status") { Content = JsonContent.Create(body, options: Json.Options) };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }
        return client.SendAsync(request);
    }
}
