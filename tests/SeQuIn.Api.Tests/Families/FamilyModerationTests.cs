using System.Net;
using SeQuIn.Api.Families;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Families;

/// <summary>Involvement leads moderate what families said; units and networks see how often families concur (ADR 0029).</summary>
public sealed class FamilyModerationTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Moderation_needs_the_networks_involvement_lead_and_If_Match()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client);
        await family.RespondAsync(FamilyVerdict.Partly, "We are rarely told about ward rounds.");
        var pending = Assert.Single(await family.ResponsesAsync("?status=pending"));
        Assert.Equal(FamilyVerdict.Partly, pending.Response);

        await ReadProblemAsync(await family.ModerateAsync(family.World.Admin, pending, ModerationDecision.Approve), HttpStatusCode.Forbidden);
        await ReadProblemAsync(await family.ModerateAsync(family.World.Member.Client, pending, ModerationDecision.Approve), HttpStatusCode.Forbidden);
        await ReadProblemAsync(await family.ModerateAsync(family.World.Lead, pending, ModerationDecision.Approve, "\"9\""), HttpStatusCode.PreconditionFailed);
        using var withoutIfMatch = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/units/{family.UnitId}/family-responses/{pending.Id}/moderation")
        {
            Content = JsonBody("""{"decision":"approve","note":null}"""),
        };
        await ReadProblemAsync(await family.World.Lead.SendAsync(withoutIfMatch), HttpStatusCode.PreconditionRequired);

        var approved = await ReadAsync<FamilyResponseView>(await family.ModerateAsync(family.World.Lead, pending, ModerationDecision.Approve));

        Assert.Equal(FamilyResponseStatus.Approved, approved.Status);
        Assert.Equal(pending.Revision + 1, approved.Revision);
        Assert.Single(await ReadAsync<Api.Common.Page<FamilyResponseView>>(
            await family.World.Admin.GetAsync($"/api/v1/units/{family.UnitId}/family-responses?status=approved")) is { } page ? page.Items : []);
        await ReadProblemAsync(await family.World.Member.Client.GetAsync($"/api/v1/units/{family.UnitId}/family-responses"), HttpStatusCode.Forbidden);
        await ReadFieldErrorAsync(await family.World.Lead.GetAsync($"/api/v1/units/{family.UnitId}/family-responses?status=submitted"), "status");
    }

    [Fact]
    public async Task Reports_count_approved_responses_and_show_only_approved_comments()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client);
        foreach (var (verdict, comment) in new (FamilyVerdict, string?)[]
                 {
                     (FamilyVerdict.Concur, "Staff explain changes at visits."), (FamilyVerdict.Concur, null), (FamilyVerdict.Concur, null),
                     (FamilyVerdict.Partly, null), (FamilyVerdict.Disagree, "Rejected words."), (FamilyVerdict.Disagree, "Pending words."),
                 })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await family.RespondAsync(verdict, comment)).StatusCode);
        }
        foreach (var response in await family.ResponsesAsync())
        {
            var decision = response.Comment switch
            {
                "Rejected words." => ModerationDecision.Reject,
                "Pending words." => (ModerationDecision?)null,
                _ => ModerationDecision.Approve,
            };
            if (decision is { } d)
            {
                await ReadAsync<FamilyResponseView>(await family.ModerateAsync(family.World.Lead, response, d));
            }
        }

        var query = $"?from={family.SubmittedMonth}&to={family.SubmittedMonth}";
        var unit = await ReadAsync<UnitConcurrenceReport>(await family.World.Member.Client.GetAsync($"/api/v1/units/{family.UnitId}/family-concurrence{query}"));
        var network = await ReadAsync<NetworkConcurrenceReport>(await family.World.Analyst.GetAsync(
            $"/api/v1/networks/{family.World.Network.Id}/insight/family-concurrence{query}"));

        var expected = new ConcurrenceRow(family.SubmittedMonth, "INV", 4, 3, 1, 0, 0.75, 1);
        Assert.Equal(expected, Assert.Single(unit.Rows));
        Assert.Equal("Staff explain changes at visits.", Assert.Single(unit.Comments).Text);
        Assert.Equal(expected, Assert.Single(network.Areas));
        Assert.Equal(expected, Assert.Single(Assert.Single(network.Units).Rows));
        await ReadProblemAsync(await family.World.Analyst.GetAsync($"/api/v1/units/{family.UnitId}/family-concurrence"), HttpStatusCode.Forbidden);
        await ReadProblemAsync(await family.World.OtherMember.GetAsync($"/api/v1/units/{family.UnitId}/family-concurrence"), HttpStatusCode.Forbidden);
        await ReadFieldErrorAsync(await family.World.Member.Client.GetAsync($"/api/v1/units/{family.UnitId}/family-concurrence?from=2026-05&to=2026-04"), "to");
        await ReadFieldErrorAsync(await family.World.Member.Client.GetAsync($"/api/v1/units/{family.UnitId}/family-concurrence?from=2020-01&to=2026-04"), "to");
    }
}
