using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Actions;

/// <summary>Network priorities over HTTP: set by leads, linked to member units' actions, followed month by month (ADR 0034).</summary>
public sealed class PriorityTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Leads_set_a_priority_link_a_units_action_and_follow_units_below_target_and_the_median()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var month = AssessmentDriver.FreshMonth(world.Unit.Id);
        var baseline = await ActionPlanTests.SubmitAsync(world.Member, month, 1);
        await ActionPlanTests.SubmitAsync(new AssessmentDriver(world.OtherMember, world.OtherUnit.Id), month, 2);
        var priority = await CreateAsync(world.Lead, world.Network.Id, new CreatePriorityRequest("INV-03", null, "Few units co-chair meetings.", null, "2099-01"));
        Assert.Equal(("INV", 3, PriorityStatus.Active), (priority.AreaCode, priority.TargetRating, priority.Status));

        // Two units reported: too few for any figure about the group.
        var twoUnits = await ProgressAsync(world.Lead, priority.Id, month, month);
        Assert.Equal((2, (int?)null, (decimal?)null, Disclosure.TooFewReason(3)), (twoUnits.UnitsReporting, twoUnits.UnitsBelowTarget, twoUnits.NetworkMedian, twoUnits.WithheldReason));

        await ActionPlanTests.SubmitAsync(await ThirdUnitAsync(Fixture.App, Client, world), month, 4);
        var threeUnits = await ProgressAsync(world.Member.Client, priority.Id, month, month);
        Assert.Equal((3, (int?)2, (decimal?)2m, (string?)null), (threeUnits.UnitsReporting, threeUnits.UnitsBelowTarget, threeUnits.NetworkMedian, threeUnits.WithheldReason));
        var area = await CreateAsync(world.Admin, world.Network.Id, new CreatePriorityRequest(null, "INV", "The whole area.", 4, "2099-01"));
        var areaMonth = await ProgressAsync(world.Analyst, area.Id, month, month);
        Assert.Equal((3, (int?)2, (decimal?)2m), (areaMonth.UnitsReporting, areaMonth.UnitsBelowTarget, areaMonth.NetworkMedian));

        var action = await ActionPlanTests.CreateAsync(world.Member.Client, baseline.Id, "INV-03");
        var linked = await ReadAsync<PriorityResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/priorities/{priority.Id}/actions", new LinkActionRequest(action.Id), JsonOptions));
        Assert.Equal((1, 2), (linked.LinkedActions, linked.Revision));
        var again = await ReadAsync<PriorityResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/priorities/{priority.Id}/actions", new LinkActionRequest(action.Id), JsonOptions));
        Assert.Equal((1, 2), (again.LinkedActions, again.Revision));
        var current = Months.Format(new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1));
        Assert.Equal((1, 0), await ActionCountsAsync(world.Lead, priority.Id, current));
        var ofPriority = await ReadAsync<Page<ActionResponse>>(await world.Lead.GetAsync($"/api/v1/actions?priorityId={priority.Id}"));
        Assert.Equal([priority.Id], Assert.Single(ofPriority.Items).PriorityIds);

        Assert.Equal(HttpStatusCode.NoContent, (await world.Lead.DeleteAsync($"/api/v1/priorities/{priority.Id}/actions/{action.Id}")).StatusCode);
        Assert.Equal((0, 0), await ActionCountsAsync(world.Lead, priority.Id, current));
        await ReadProblemAsync(await world.Lead.DeleteAsync($"/api/v1/priorities/{priority.Id}/actions/{action.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Priorities_change_with_If_Match_only_through_the_networks_leads_and_link_only_its_own_units_actions()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var elsewhere = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var priority = await CreateAsync(world.Lead, world.Network.Id, new CreatePriorityRequest("RAS-04", "RAS", "Restrictive practice reviews.", 2, "2099-03"));

        await ReadFieldErrorAsync(await world.Lead.PostAsJsonAsync($"/api/v1/networks/{world.Network.Id}/priorities",
            new CreatePriorityRequest("RAS-04", "INV", "Wrong area.", null, "2099-03"), JsonOptions), "areaCode");
        await ReadFieldErrorAsync(await world.Lead.PostAsJsonAsync($"/api/v1/networks/{world.Network.Id}/priorities",
            new CreatePriorityRequest(null, null, "No area.", null, "2099-03"), JsonOptions), "areaCode");
        await ReadProblemAsync(await world.Member.Client.PostAsJsonAsync($"/api/v1/networks/{world.Network.Id}/priorities",
            new CreatePriorityRequest(null, "INV", "Not a lead.", null, "2099-03"), JsonOptions), HttpStatusCode.Forbidden);
        var screened = await world.Lead.PostAsJsonAsync($"/api/v1/networks/{world.Network.Id}/priorities",
            new CreatePriorityRequest(null, "INV", "Raised after 943 476 5919 complained.", null, "2099-03"), JsonOptions);
        Assert.DoesNotContain("943 476 5919", (await ReadProblemAsync(screened, HttpStatusCode.UnprocessableEntity)).ToJsonString());
        await ReadProblemAsync(await elsewhere.Lead.GetAsync($"/api/v1/priorities/{priority.Id}"), HttpStatusCode.NotFound);

        var change = new UpdatePriorityRequest("Reviews with service users.", 3, "2099-06", PriorityStatus.Closed);
        await ReadProblemAsync(await UpdateAsync(world.Lead, priority.Id, change, null), HttpStatusCode.PreconditionRequired);
        await ReadFieldErrorAsync(await UpdateAsync(world.Lead, priority.Id, change with { TargetRating = 7 }, "\"1\""), "targetRating");
        await ReadProblemAsync(await UpdateAsync(world.Member.Client, priority.Id, change, "\"1\""), HttpStatusCode.Forbidden);
        var changed = await ReadAsync<PriorityResponse>(await UpdateAsync(world.Admin, priority.Id, change, "\"1\""));
        Assert.Equal((PriorityStatus.Closed, 3, "2099-06", 2), (changed.Status, changed.TargetRating, changed.ReviewMonth, changed.Revision));
        await ReadProblemAsync(await UpdateAsync(world.Lead, priority.Id, change, "\"1\""), HttpStatusCode.PreconditionFailed);
        var closed = await ReadAsync<Page<PriorityResponse>>(await world.Analyst.GetAsync($"/api/v1/networks/{world.Network.Id}/priorities?status=closed"));
        Assert.Equal(priority.Id, Assert.Single(closed.Items).Id);

        var foreign = await ActionPlanTests.CreateAsync(elsewhere.Member.Client,
            (await ActionPlanTests.SubmitAsync(elsewhere.Member, AssessmentDriver.FreshMonth(elsewhere.Unit.Id), 1)).Id, "INV-01");
        await ReadFieldErrorAsync(await Client.PostAsJsonAsync($"/api/v1/priorities/{priority.Id}/actions", new LinkActionRequest(foreign.Id), JsonOptions), "actionId");
        await ReadFieldErrorAsync(await world.Lead.PostAsJsonAsync($"/api/v1/priorities/{priority.Id}/actions", new LinkActionRequest(foreign.Id), JsonOptions), "actionId");
    }

    private static async Task<PriorityResponse> CreateAsync(HttpClient client, Guid networkId, CreatePriorityRequest request) =>
        await AssessmentDriver.ReadAsync<PriorityResponse>(await client.PostAsJsonAsync($"/api/v1/networks/{networkId}/priorities", request, Json.Options));

    private static async Task<PriorityMonth> ProgressAsync(HttpClient client, Guid priorityId, string from, string to) =>
        Assert.Single((await AssessmentDriver.ReadAsync<PriorityProgressResponse>(await client.GetAsync($"/api/v1/priorities/{priorityId}/progress?from={from}&to={to}"))).Months);

    private static async Task<(int Open, int Achieved)> ActionCountsAsync(HttpClient client, Guid priorityId, string month) =>
        await ProgressAsync(client, priorityId, month, month) is var m ? (m.ActionsOpen, m.ActionsAchieved) : default;

    private static Task<HttpResponseMessage> UpdateAsync(HttpClient client, Guid priorityId, UpdatePriorityRequest body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/priorities/{priorityId}") { Content = JsonContent.Create(body, options: Json.Options) };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }
        return client.SendAsync(request);
    }

    /// <summary>A third unit in the world's network, with a member of its own (made through the national administrator).</summary>
    internal static async Task<AssessmentDriver> ThirdUnitAsync(SeQuInApp app, HttpClient national, AssessmentWorld world)
    {
        var unit = await AssessmentDriver.ReadAsync<UnitResponse>(await national.PostAsJsonAsync("/api/v1/units",
            new CreateUnitRequest(UniqueCode("U"), "Third unit", SecurityLevel.Low, world.Unit.Provider.Id, world.Network.Id), Json.Options));
        var key = await AssessmentDriver.ReadAsync<CreatedApiKeyResponse>(await national.PostAsJsonAsync("/api/v1/keys",
            new CreateApiKeyRequest("Third", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id])), Json.Options));
        return new AssessmentDriver(app.CreateClient(key.Token), unit.Id);
    }
}
