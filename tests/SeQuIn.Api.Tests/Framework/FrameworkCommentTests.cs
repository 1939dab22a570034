using System.Net;
using System.Net.Http.Json;
using SeQuIn.Api.Common;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Framework;

/// <summary>Co-produced revision: comments on standards, gathered per standard, answered by a later version or declined.</summary>
public sealed class FrameworkCommentTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Staff_and_service_users_comment_and_leads_see_the_comments_per_standard_beside_the_easy_read_text()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var elsewhere = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await OpenDraftAsync();
        await CommentAsync(world.Member.Client, draft, "INV-01", CommentVoice.ServiceUser, "Say who chairs the meeting.");
        await CommentAsync(world.OtherMember, draft, "INV-01", CommentVoice.Staff, "Weekly is too often for a small ward.");
        await CommentAsync(elsewhere.Member.Client, draft, "INV-01", CommentVoice.Staff, "Another network's view.");

        var gathered = await ReadAsync<Page<StandardComments>>(await world.Lead.GetAsync($"/api/v1/frameworks/{draft}/comments/by-standard?areaCode=INV"));

        var inv01 = gathered.Items.Single(s => s.Code == "INV-01");
        Assert.Equal(["INV-01", "INV-02"], gathered.Items.Select(s => s.Code));
        Assert.Equal("Easy INV-01.", inv01.EasyReadStatement);
        Assert.Equal(new VoiceCounts(1, 1, 0, 0), inv01.Voices);
        Assert.Equal([CommentVoice.ServiceUser, CommentVoice.Staff], inv01.Comments.Select(c => c.Voice));
        Assert.All(inv01.Comments, c => Assert.Equal(world.Network.Id, c.NetworkId));
        var own = await ReadAsync<Page<FrameworkCommentResponse>>(await world.Member.Client.GetAsync($"/api/v1/frameworks/{draft}/comments"));
        Assert.Equal(["Say who chairs the meeting."], own.Items.Select(c => c.Text));
        Assert.Equal(3, (await ReadAsync<Page<FrameworkCommentResponse>>(await Client.GetAsync($"/api/v1/frameworks/{draft}/comments?standardCode=INV-01"))).Items.Count);
        await ReadProblemAsync(await world.Analyst.GetAsync($"/api/v1/frameworks/{draft}/comments"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_comment_holding_a_personal_identifier_is_refused_and_not_echoed()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await OpenDraftAsync();

        var response = await world.Member.Client.PostAsJsonAsync($"/api/v1/frameworks/{draft}/standards/INV-01/comments",
            new FrameworkCommentRequest(CommentVoice.ServiceUser, "Ring my nurse on 0113 496 0000 about this."), JsonOptions);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.DoesNotContain("0113 496", await response.Content.ReadAsStringAsync()); // with its space: a random traceId can hold the digits
        Assert.Empty((await ReadAsync<Page<FrameworkCommentResponse>>(await Client.GetAsync($"/api/v1/frameworks/{draft}/comments"))).Items);
    }

    [Fact]
    public async Task A_draft_takes_comments_only_once_it_is_opened_for_comment()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var identifier = FrameworkDocuments.UniqueIdentifier();
        var url = $"/api/v1/frameworks/{identifier}";
        await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier));
        var comment = new FrameworkCommentRequest(CommentVoice.Staff, "Clearer, please.");

        await ReadProblemAsync(await world.Member.Client.PostAsJsonAsync($"{url}/standards/INV-01/comments", comment, JsonOptions), HttpStatusCode.NotFound);
        await ReadProblemAsync(await world.Admin.PostAsJsonAsync($"{url}/standards/INV-01/comments", comment, JsonOptions), HttpStatusCode.Conflict);
        await Client.SendIfMatchAsync(HttpMethod.Put, url, FrameworkDocuments.Small(identifier) with { OpenForComment = true }, await Client.ETagOfAsync(url));

        Assert.True((await ReadAsync<FrameworkVersionDetail>(await world.Member.Client.GetAsync(url))).OpenForComment);
        Assert.Equal(HttpStatusCode.Created, (await world.Member.Client.PostAsJsonAsync($"{url}/standards/INV-01/comments", comment, JsonOptions)).StatusCode);
        await ReadProblemAsync(await world.Analyst.GetAsync(url), HttpStatusCode.NotFound);
        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Delete, url, null, await Client.ETagOfAsync(url)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_later_version_answers_comments_and_the_diff_shows_them_beside_the_change()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await OpenDraftAsync();
        var answered = await CommentAsync(world.Member.Client, draft, "INV-01", CommentVoice.ServiceUser, "Say who chairs it.", "A patient and a staff member chair it.");
        var declined = await CommentAsync(world.OtherMember, draft, "INV-02", CommentVoice.Staff, "Drop this standard.");
        var open = await CommentAsync(world.OtherMember, draft, "TEC-01", CommentVoice.Staff, "Mention tablets.");
        var declineUrl = $"/api/v1/frameworks/{draft}/comments/{declined.Id}";
        await ReadProblemAsync(await world.OtherMember.SendIfMatchAsync(HttpMethod.Post, declineUrl + "/decline", new DeclineFrameworkCommentRequest("No."), "\"1\""), HttpStatusCode.Forbidden);
        var decline = await world.Lead.SendIfMatchAsync(HttpMethod.Post, declineUrl + "/decline",
            new DeclineFrameworkCommentRequest("The network keeps this standard."), await world.Lead.ETagOfAsync(declineUrl));
        Assert.Equal(FrameworkCommentStatus.Declined, (await ReadAsync<FrameworkCommentResponse>(decline)).Status);

        var next = FrameworkDocuments.UniqueIdentifier();
        var document = FrameworkDocuments.Small(next);
        var inv = document.Areas[0];
        await PostAsync("/api/v1/frameworks", document with
        {
            Areas = [inv with { Standards = [inv.Standards[0] with { Statement = "A patient and a staff member chair the weekly meeting.", Answers = [answered.Id] }, inv.Standards[1]] }, document.Areas[1]],
        });
        var diff = await ReadAsync<FrameworkDiff>(await Client.GetAsync($"/api/v1/frameworks/{next}/diff?against={draft}"));

        var change = Assert.Single(diff.StandardsReworded);
        Assert.Equal("INV-01", change.Code);
        var shown = Assert.Single(change.AnsweredComments);
        Assert.Equal((answered.Id, draft, CommentVoice.ServiceUser, "Say who chairs it."), (shown.Id, shown.FrameworkIdentifier, shown.Voice, shown.Text));
        Assert.Equal(1, change.AnsweredCommentCount);
        Assert.Equal(1, diff.UnansweredCommentCount); // TEC-01's; INV-02's was declined
        var now = await ReadAsync<FrameworkCommentResponse>(await world.Member.Client.GetAsync($"/api/v1/frameworks/{draft}/comments/{answered.Id}"));
        Assert.Equal((FrameworkCommentStatus.Answered, next), (now.Status, now.AnsweredBy));
        var stillOpen = await ReadAsync<Page<FrameworkCommentResponse>>(await world.Lead.GetAsync($"/api/v1/frameworks/{draft}/comments?status=open"));
        Assert.Equal([open.Id], stillOpen.Items.Select(c => c.Id));
        var answeredUrl = $"/api/v1/frameworks/{draft}/comments/{answered.Id}";
        await ReadProblemAsync(await world.Lead.SendIfMatchAsync(HttpMethod.Post, answeredUrl + "/decline",
            new DeclineFrameworkCommentRequest("Too late."), await world.Lead.ETagOfAsync(answeredUrl)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_standard_answers_only_existing_comments_on_its_own_code()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await OpenDraftAsync();
        var comment = await CommentAsync(world.Member.Client, draft, "INV-01", CommentVoice.ServiceUser, "Say who chairs it.");
        var document = FrameworkDocuments.Small(FrameworkDocuments.UniqueIdentifier());
        var inv = document.Areas[0];
        FrameworkDocument Answering(int standard, Guid id) => document with
        {
            Areas = [inv with { Standards = [.. inv.Standards.Select((s, i) => i == standard ? s with { Answers = [id] } : s)] }, document.Areas[1]],
        };

        Assert.Contains("INV-01", await ReadFieldErrorAsync(await PostAsync("/api/v1/frameworks", Answering(1, comment.Id)), "areas[0].standards[1].answers[0]"));
        Assert.NotEmpty(await ReadFieldErrorAsync(await PostAsync("/api/v1/frameworks", Answering(0, Guid.NewGuid())), "areas[0].standards[0].answers[0]"));
        await ReadProblemAsync(await Client.GetAsync($"/api/v1/frameworks/{document.Identifier}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"voice":"patient","text":"Fine."}""", "voice")]
    [InlineData("""{"voice":"staff"}""", "text")]
    [InlineData("""{"voice":"staff","text":null}""", "text")]
    [InlineData("""{"voice":"staff","text":" "}""", "text")]
    [InlineData("""{"voice":"staff","text":"Fine.","suggestion":"SUGGESTION"}""", "suggestion")]
    [InlineData("""{"voice":"staff","text":"Fine.","unitId":"00000000-0000-0000-0000-000000000001"}""", "unitId")]
    public async Task A_bad_comment_is_refused_naming_the_field(string json, string field)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await OpenDraftAsync();

        var response = await world.Member.Client.PostAsync($"/api/v1/frameworks/{draft}/standards/INV-01/comments",
            JsonBody(json.Replace("SUGGESTION", new string('a', 2001))));

        Assert.NotEmpty(await ReadFieldErrorAsync(response, field));
    }

    [Theory]
    [InlineData("voice=patient", "voice")]
    [InlineData("status=closed", "status")]
    [InlineData("limit=0", "limit")]
    public async Task A_bad_comment_filter_is_refused_naming_the_parameter(string query, string field)
    {
        Assert.NotEmpty(await ReadFieldErrorAsync(await Client.GetAsync($"/api/v1/frameworks/active/comments?{query}"), field));
    }

    private async Task<string> OpenDraftAsync()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier) with { OpenForComment = true })).StatusCode);
        return identifier;
    }

    private static async Task<FrameworkCommentResponse> CommentAsync(HttpClient client, string version, string standard, CommentVoice voice,
        string text, string? suggestion = null) =>
        await ReadAsync<FrameworkCommentResponse>(await client.PostAsJsonAsync($"/api/v1/frameworks/{version}/standards/{standard}/comments",
            new FrameworkCommentRequest(voice, text, suggestion), JsonOptions));
}
