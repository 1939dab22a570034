using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Confirmations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;
using static SeQuIn.Api.Tests.Confirmations.ConfirmationDriver;

namespace SeQuIn.Api.Tests.Confirmations;

public sealed class ConfirmationTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_service_user_reads_what_was_agreed_in_easy_read_words_and_agrees_with_the_code_the_unit_issued()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var submitted = await SubmittedAsync(world.Member, "2025-01");

        var issued = await IssueResponseAsync(world.Member, submitted);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var code = await ReadAsync<IssuedCode>(issued);
        Assert.Matches("^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$", code.Code);
        Assert.InRange(code.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
        Assert.Equal($"\"{submitted.Revision + 1}\"", issued.Headers.ETag?.Tag);
        var pending = await GetAsync(world.Member.Client, submitted.Id);
        Assert.True(pending.ConfirmationCodePending);
        Assert.Null(pending.Confirmation);

        // Typed on a tablet: lower case, a space instead of the dash.
        var lookup = await ReadAsync<ConfirmationLookup>(await LookUpAsync(Anonymous, code.Code.ToLowerInvariant().Replace('-', ' ')));
        Assert.Equal((world.Unit.Name, "INV", submitted.Month), (lookup.UnitName, lookup.Area.Code, lookup.Month));
        Assert.False(string.IsNullOrWhiteSpace(lookup.Area.Name + lookup.Area.Text));
        Assert.Equal(3, lookup.AgreedRating.Value);
        Assert.Equal(AssessmentDriver.InvolvementStandards, lookup.Standards.Select(s => s.Code));
        Assert.All(lookup.Standards, s => Assert.Equal(lookup.AgreedRating, s.Rating));
        Assert.All(lookup.Standards, s => Assert.False(string.IsNullOrWhiteSpace(s.Text)));
        Assert.Equal(ConfirmationWordingText.English, lookup.Wording);
        Assert.Equal(ConfirmationWordingText.English, await ReadAsync<ConfirmationWording>(await Anonymous.GetAsync("/api/v1/confirmations/wording")));

        var receipt = await ReadAsync<ConfirmationReceipt>(await ConfirmAsync(Anonymous, code.Code, ConfirmationDecision.Agree));
        Assert.Equal(ConfirmationDecision.Agree, receipt.Decision);

        var confirmed = await GetAsync(world.Member.Client, submitted.Id);
        Assert.Equal((ServiceUserConfirmation.Agreed, (string?)null, receipt.ConfirmedAt, false, submitted.Revision + 2),
            (confirmed.Confirmation, confirmed.ConfirmationReason, confirmed.ConfirmedAt, confirmed.ConfirmationCodePending, confirmed.Revision));
        var history = await ReadAsync<Page<AuditEventResponse>>(await world.Member.Client.GetAsync($"/api/v1/assessments/{submitted.Id}/history"));
        Assert.Equal(["assessment.confirmation-code-issued", "assessment.confirmed"], history.Items.TakeLast(2).Select(e => e.Action));
        Assert.Equal(ConfirmationsApi.ServiceUserActor, history.Items[^1].Actor);
        Assert.DoesNotContain(history.Items, e => e.Changes.ToString().Contains(code.Code.Replace("-", ""), StringComparison.Ordinal));

        // Used up.
        await ReadProblemAsync(await LookUpAsync(Anonymous, code.Code), HttpStatusCode.NotFound);
        await ReadProblemAsync(await IssueResponseAsync(world.Member, confirmed), HttpStatusCode.Conflict);

        var agreed = await ReadAsync<Page<AssessmentSummary>>(await world.Analyst.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}&confirmation=agreed"));
        Assert.Equal([(submitted.Id, (ServiceUserConfirmation?)ServiceUserConfirmation.Agreed)], agreed.Items.Select(a => (a.Id, a.Confirmation)));
        Assert.Empty((await ReadAsync<Page<AssessmentSummary>>(await world.Analyst.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}&confirmation=unconfirmed"))).Items);
        await ReadFieldErrorAsync(await world.Analyst.GetAsync("/api/v1/assessments?confirmation=maybe"), "confirmation");

        var entries = await FollowAsync(world.Analyst, e => e.ResourceId == submitted.Id && e.Kind == ChangeKinds.AssessmentConfirmed);
        Assert.Equal(confirmed.Revision, entries.Single().Revision);
        Assert.Equal("agreed", entries.Single().Data?.GetProperty("confirmation").GetString());
    }

    [Fact]
    public async Task A_service_user_who_disagrees_says_why_and_only_those_who_see_the_units_drafts_read_the_reason()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var submitted = await SubmittedAsync(world.Member, "2025-02");
        var code = await IssueAsync(world.Member, submitted);

        Assert.Contains("reason", await ReadFieldErrorAsync(await ConfirmAsync(Anonymous, code, ConfirmationDecision.Disagree), "reason"));
        await ReadFieldErrorAsync(await ConfirmAsync(Anonymous, code, ConfirmationDecision.Agree, "But not really."), "reason");
        const string reason = "We did not talk about the community meeting at all.";
        await ReadAsync<ConfirmationReceipt>(await ConfirmAsync(Anonymous, code, ConfirmationDecision.Disagree, reason));

        var member = await GetAsync(world.Member.Client, submitted.Id);
        var lead = await GetAsync(world.Lead, submitted.Id);
        var analyst = await GetAsync(world.Analyst, submitted.Id);
        var otherUnit = await GetAsync(world.OtherMember, submitted.Id);
        Assert.Equal((ServiceUserConfirmation.Disagreed, reason), (member.Confirmation, member.ConfirmationReason));
        Assert.Equal(reason, lead.ConfirmationReason);
        Assert.Equal((ServiceUserConfirmation.Disagreed, (string?)null), (analyst.Confirmation, analyst.ConfirmationReason));
        Assert.Null(otherUnit.ConfirmationReason);
        var history = await ReadAsync<Page<AuditEventResponse>>(await world.Analyst.GetAsync($"/api/v1/assessments/{submitted.Id}/history"));
        Assert.DoesNotContain(history.Items, e => e.Changes.ToString().Contains("community meeting", StringComparison.Ordinal) || e.Reason == reason);
        var disagreed = await ReadAsync<Page<AssessmentSummary>>(await world.Member.Client.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}&confirmation=disagreed"));
        Assert.Equal([submitted.Id], disagreed.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task Staff_cannot_confirm_on_a_service_users_behalf()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var submitted = await SubmittedAsync(world.Member, "2025-03");
        var code = await IssueAsync(world.Member, submitted);
        var before = await GetAsync(world.Member.Client, submitted.Id);

        foreach (var staff in new[] { world.Member.Client, world.Lead, Client })
        {
            var refused = await ReadProblemAsync(await ConfirmAsync(staff, code, ConfirmationDecision.Agree), HttpStatusCode.Forbidden);
            Assert.Contains("Staff cannot confirm", refused["detail"]!.GetValue<string>());
            await ReadProblemAsync(await LookUpAsync(staff, code), HttpStatusCode.Forbidden);
        }

        var after = await GetAsync(world.Member.Client, submitted.Id);
        Assert.Equal((before.Revision, (ServiceUserConfirmation?)null, true), (after.Revision, after.Confirmation, after.ConfirmationCodePending));
        // The code still works for the service user.
        await ReadAsync<ConfirmationReceipt>(await ConfirmAsync(Anonymous, code, ConfirmationDecision.Agree));
    }

    [Fact]
    public async Task Expired_used_voided_and_stale_codes_all_get_the_same_404()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var first = await SubmittedAsync(world.Member, "2025-04");
        var expired = await IssueAsync(world.Member, first);
        await using (var db = Fixture.App.CreateDbContext())
        {
            await db.ConfirmationCodes.Where(c => c.AssessmentId == first.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }
        var current = await GetAsync(world.Member.Client, first.Id);
        var voided = await IssueAsync(world.Member, current);
        current = await GetAsync(world.Member.Client, first.Id);
        var live = await IssueAsync(world.Member, current);
        await ReadAsync<ConfirmationLookup>(await LookUpAsync(Anonymous, live));
        await ReadAsync<ConfirmationReceipt>(await ConfirmAsync(Anonymous, live, ConfirmationDecision.Agree));
        var used = live;

        // Stale: issued, then the submission was returned and submitted again.
        var second = await SubmittedAsync(world.Member, "2025-05");
        var stale = await IssueAsync(world.Member, second);
        var issued = await GetAsync(world.Member.Client, second.Id);
        using var returnRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{second.Id}/return")
        {
            Content = JsonContent.Create(new CommentRequest("Which minutes show this?"), options: JsonOptions),
        };
        returnRequest.Headers.IfMatch.Add(new EntityTagHeaderValue(AssessmentDriver.ETagOf(issued)));
        var returned = await ReadAsync<AssessmentDetail>(await world.Lead.SendAsync(returnRequest));
        Assert.False(returned.ConfirmationCodePending);
        await world.Member.SubmitAsync(returned);

        var answers = new List<string>();
        foreach (var code in new[] { expired, voided, used, stale, "ZZZZ-ZZZZ" })
        {
            var lookup = await ReadProblemAsync(await LookUpAsync(Anonymous, code), HttpStatusCode.NotFound);
            var confirm = await ReadProblemAsync(await ConfirmAsync(Anonymous, code, ConfirmationDecision.Disagree, "Not what we said."), HttpStatusCode.NotFound);
            answers.Add(lookup["detail"]!.GetValue<string>());
            answers.Add(confirm["detail"]!.GetValue<string>());
        }
        Assert.Single(answers.Distinct());
        Assert.Null((await GetAsync(world.Member.Client, second.Id)).Confirmation);
        Assert.Equal(ServiceUserConfirmation.Agreed, (await GetAsync(world.Member.Client, first.Id)).Confirmation);
    }

    [Fact]
    public async Task A_reason_with_a_personal_identifier_is_refused_with_422_and_never_echoed()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var submitted = await SubmittedAsync(world.Member, "2025-06");
        var code = await IssueAsync(world.Member, submitted);
        const string reason = "Ask John about it, NHS number 943 476 5919.";

        var response = await ConfirmAsync(Anonymous, code, ConfirmationDecision.Disagree, reason);
        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("reason"));
        Assert.DoesNotContain("943 476", problem.ToJsonString()); // with its space: a random traceId can hold the digits
        Assert.Null((await GetAsync(world.Member.Client, submitted.Id)).Confirmation);
        await ReadAsync<ConfirmationLookup>(await LookUpAsync(Anonymous, code));
    }

    [Fact]
    public async Task A_code_is_issued_only_for_a_submission_with_a_service_user_participant_and_only_with_If_Match()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.AgreeAsync(await world.Member.RateAllAsync(await world.Member.CreateAsync(month: "2025-07")));
        await ReadProblemAsync(await IssueResponseAsync(world.Member, draft), HttpStatusCode.Conflict);
        var submitted = await world.Member.SubmitAsync(draft);
        await ReadProblemAsync(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/confirmation-codes", null, null),
            (HttpStatusCode)428);
        await ReadProblemAsync(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/confirmation-codes", null, "\"1\""),
            HttpStatusCode.PreconditionFailed);
        await ReadProblemAsync(await ConfirmationDriver.IssueResponseAsync(new AssessmentDriver(world.OtherMember, world.OtherUnit.Id), submitted),
            HttpStatusCode.Forbidden);

        // The code is shown once: a repeat with the same Idempotency-Key learns that it was issued, not what it was.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/confirmation-codes");
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(AssessmentDriver.ETagOf(submitted)));
        request.Headers.Add(Idempotency.Header, "issue-once");
        using var repeat = new HttpRequestMessage(HttpMethod.Post, request.RequestUri);
        repeat.Headers.IfMatch.Add(new EntityTagHeaderValue(AssessmentDriver.ETagOf(submitted)));
        repeat.Headers.Add(Idempotency.Header, "issue-once");
        var code = await ReadAsync<IssuedCode>(await world.Member.Client.SendAsync(request));
        var again = await world.Member.Client.SendAsync(repeat);
        var problem = await ReadProblemAsync(again, HttpStatusCode.Conflict);
        Assert.DoesNotContain(code.Code, problem.ToJsonString());
        await using var db = Fixture.App.CreateDbContext();
        Assert.DoesNotContain(await db.IdempotencyRecords.Where(r => r.Key == "issue-once").Select(r => r.Body).ToListAsync(),
            body => body != null && body.Contains(code.Code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_anonymous_Idempotency_Key_is_kept_per_code_so_it_never_replays_or_blocks_another_callers_answer()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var first = await SubmittedAsync(world.Member, "2025-07");
        var second = await SubmittedAsync(world.Member, "2025-08");
        var one = await IssueAsync(world.Member, first);
        var other = await IssueAsync(world.Member, second);

        async Task<HttpResponseMessage> Confirm(string code)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/confirmations")
            {
                Content = JsonContent.Create(new ConfirmationRequest(code, ConfirmationDecision.Agree), options: JsonOptions),
            };
            request.Headers.Add(Idempotency.Header, "tablet-1");
            return await Anonymous.SendAsync(request);
        }
        await ReadAsync<ConfirmationReceipt>(await Confirm(one));
        var replay = await Confirm(one);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        // Same key, another code: its own request, not "a different request with this key".
        await ReadAsync<ConfirmationReceipt>(await Confirm(other));
        Assert.Equal(ServiceUserConfirmation.Agreed, (await GetAsync(world.Member.Client, second.Id)).Confirmation);
    }

    [Fact]
    public async Task Returning_a_confirmed_submission_clears_its_confirmation()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var submitted = await SubmittedAsync(world.Member, "2025-09");
        await ReadAsync<ConfirmationReceipt>(await ConfirmAsync(Anonymous, await IssueAsync(world.Member, submitted), ConfirmationDecision.Agree));
        var confirmed = await GetAsync(world.Lead, submitted.Id);

        using var returnRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/return")
        {
            Content = JsonContent.Create(new CommentRequest("Please add the minutes."), options: JsonOptions),
        };
        returnRequest.Headers.IfMatch.Add(new EntityTagHeaderValue(AssessmentDriver.ETagOf(confirmed)));
        var returned = await ReadAsync<AssessmentDetail>(await world.Lead.SendAsync(returnRequest));
        Assert.Equal((ServiceUserConfirmation?)null, returned.Confirmation);
        Assert.Null(returned.ConfirmedAt);
        var resubmitted = await world.Member.SubmitAsync(returned);
        Assert.Null(resubmitted.Confirmation);
        await IssueAsync(world.Member, resubmitted);
    }

    [Fact]
    public async Task Participation_and_agreement_report_confirmation_and_can_count_confirmed_submissions_only()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        const string month = "2025-06";
        var other = new AssessmentDriver(world.OtherMember, world.OtherUnit.Id);
        var agreed = await SubmittedWithViewsAsync(world.Member, month);
        var unconfirmed = await SubmittedWithViewsAsync(other, month);
        await ReadAsync<ConfirmationReceipt>(await ConfirmAsync(Anonymous, await IssueAsync(world.Member, agreed), ConfirmationDecision.Agree));
        var insight = $"/api/v1/networks/{world.Network.Id}/insight";

        var all = await ReadAsync<Participation>(await world.Analyst.GetAsync($"{insight}/participation?month={month}"));
        Assert.Equal((2, 2, 1, 0, 0.5m, false), (all.Submissions, all.FullyCoProduced, all.ConfirmedByServiceUser, all.DisagreedByServiceUser,
            all.CoProductionRate, all.ConfirmedOnly));
        Assert.Equal((1, 1, 0), (all.ByUnit.Single(u => u.UnitId == world.Unit.Id).Confirmed, all.ByUnit.Single(u => u.UnitId == world.Unit.Id).CoProduced,
            all.ByUnit.Single(u => u.UnitId == world.OtherUnit.Id).Confirmed));
        var confirmedOnly = await ReadAsync<Participation>(await world.Analyst.GetAsync($"{insight}/participation?month={month}&confirmedOnly=true"));
        Assert.Equal((1, 1, 1m, true), (confirmedOnly.Submissions, confirmedOnly.ConfirmedByServiceUser, confirmedOnly.CoProductionRate, confirmedOnly.ConfirmedOnly));
        Assert.Equal(0, confirmedOnly.ByUnit.Single(u => u.UnitId == world.OtherUnit.Id).AreasSubmitted);

        var agreement = await ReadAsync<AgreementReport>(await world.Analyst.GetAsync($"{insight}/agreement?from={month}&to={month}"));
        Assert.Equal(20, agreement.ByArea.Single().Pairs);
        var confirmedAgreement = await ReadAsync<AgreementReport>(await world.Analyst.GetAsync($"{insight}/agreement?from={month}&to={month}&confirmedOnly=true"));
        Assert.Equal((10, true), (confirmedAgreement.ByArea.Single().Pairs, confirmedAgreement.ConfirmedOnly));
        Assert.Equal([world.Unit.Code], confirmedAgreement.ByUnit.Select(u => u.Key));
        Assert.NotEqual(unconfirmed.Id, agreed.Id);
    }

    [Fact]
    public async Task Codes_that_are_not_codes_are_refused_as_bad_input_naming_the_field()
    {
        await ReadFieldErrorAsync(await Anonymous.PostAsync("/api/v1/confirmations/lookup", JsonBody("""{"code":null}""")), "code");
        await ReadFieldErrorAsync(await Anonymous.PostAsync("/api/v1/confirmations", JsonBody("""{"code":"K7PM-3XQ2","decision":"maybe"}""")), "decision");
        await ReadFieldErrorAsync(await LookUpAsync(Anonymous, "K7PM-3XQ0"), "code");
        await ReadFieldErrorAsync(await LookUpAsync(Anonymous, "K7PM-3XQ"), "code");
        await ReadFieldErrorAsync(await LookUpAsync(Anonymous, new string('A', 41)), "code");
        var huge = await Anonymous.PostAsync("/api/v1/confirmations", new StringContent(
            "{\"code\":\"" + new string('A', 10 * 1024 * 1024) + "\",\"decision\":\"agree\"}", Encoding.UTF8, "application/json"));
        Assert.True(huge.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{(int)huge.StatusCode}");
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<List<ChangeEntry>> FollowAsync(HttpClient reader, Func<ChangeEntry, bool> match)
    {
        string? after = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await ReadAsync<ChangePage>(await reader.GetAsync("/api/v1/changes?limit=1000" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after))));
            if (page.Items.Where(match).ToList() is { Count: > 0 } found)
            {
                return found;
            }
            after = page.Next;
            if (!page.HasMore)
            {
                Assert.True(DateTime.UtcNow < deadline, "The entry never appeared in the feed.");
                await Task.Delay(100);
            }
        }
    }
}
