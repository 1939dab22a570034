using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

public sealed class AssessmentLifecycleTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task An_assessment_goes_from_draft_to_submitted_back_with_a_question_and_is_resubmitted_with_its_history()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var unit = world.Member;
        var month = AssessmentDriver.FreshMonth();

        var created = await unit.Client.PostAsJsonAsync("/api/v1/assessments", new CreateAssessmentRequest(world.Unit.Id, "INV", month), JsonOptions);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draft = await ReadAsync<AssessmentDetail>(created);
        Assert.Equal((AssessmentStatus.Draft, "2021.1", month), (draft.Status, draft.FrameworkIdentifier, draft.Month));
        Assert.Equal(AssessmentDriver.ETagOf(draft), created.Headers.ETag?.Tag);

        var withPair = await ReadAsync<AssessmentDetail>(await unit.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/participants",
            new ParticipantsRequest([new ParticipantInput(ParticipantRole.Staff, "Charge nurse"), new ParticipantInput(ParticipantRole.ServiceUser, "SU2")]),
            AssessmentDriver.ETagOf(draft)));
        var ratings = AssessmentDriver.InvolvementStandards.Take(9).Select((code, i) => new RatingInput(code, i % 5, StaffView: i % 5, ServiceUserView: i == 2 ? 1 : i % 5))
            .Append(new RatingInput("INV-10", NotApplicable: true, NotApplicableReason: "The unit has no community meeting yet."))
            .ToList();
        var rated = await ReadAsync<AssessmentDetail>(await unit.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings",
            new RatingsRequest(ratings), AssessmentDriver.ETagOf(withPair)));
        Assert.Equal((9, 10, 10), (rated.Result.ApplicableStandards, rated.Result.RatedStandards, rated.Result.StandardsInArea));
        Assert.Equal(1.78m, rated.Result.Mean);
        Assert.True(rated.Ratings.Single(r => r.StandardCode == "INV-03").ViewsDiffer);

        var agreed = await unit.AgreeAsync(rated, 4);
        Assert.True(agreed.Result.AgreedDiffersFromComputed);
        var evidenced = await ReadAsync<AssessmentDetail>(await unit.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Photo, "Activity timetable", "Co-produced timetable on the ward wall.", StandardCode: "INV-02", Shared: true),
            AssessmentDriver.ETagOf(agreed)));
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };
        var withFile = await unit.UploadAsync(evidenced, evidenced.Evidence.Single().Id, png, "image/png", "timetable.png");
        Assert.Equal(("timetable.png", "image/png", 11L), (withFile.Evidence.Single().File!.FileName, withFile.Evidence.Single().File!.ContentType, withFile.Evidence.Single().File!.Size));

        var submitted = await unit.SubmitAsync(withFile);
        Assert.Equal(AssessmentStatus.Submitted, submitted.Status);

        var second = await unit.Client.PostAsJsonAsync("/api/v1/assessments", new CreateAssessmentRequest(world.Unit.Id, "INV", month), JsonOptions);
        var conflict = await ReadProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Contains($"/api/v1/assessments/{draft.Id}", conflict["detail"]!.GetValue<string>());

        await ReadProblemAsync(await unit.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/agreed-rating", new AgreedRatingRequest(3), AssessmentDriver.ETagOf(withFile)),
            HttpStatusCode.PreconditionFailed);
        await ReadProblemAsync(await unit.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/agreed-rating", new AgreedRatingRequest(3), null),
            (HttpStatusCode)428);
        await ReadProblemAsync(await unit.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/agreed-rating", new AgreedRatingRequest(3), AssessmentDriver.ETagOf(submitted)),
            HttpStatusCode.Conflict);

        using var returnRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/return")
        {
            Content = JsonContent.Create(new CommentRequest("Which minutes show service users chairing?"), options: JsonOptions),
        };
        returnRequest.Headers.IfMatch.Add(new EntityTagHeaderValue(AssessmentDriver.ETagOf(submitted)));
        var returned = await ReadAsync<AssessmentDetail>(await world.Lead.SendAsync(returnRequest));
        Assert.Equal(AssessmentStatus.Draft, returned.Status);
        Assert.Equal(CommentKind.Question, returned.Comments.Single().Kind);

        var fixedUp = await unit.AgreeAsync(returned, 2);
        var resubmitted = await unit.SubmitAsync(fixedUp);
        Assert.Equal(AssessmentStatus.Submitted, resubmitted.Status);
        Assert.False(resubmitted.Result.AgreedDiffersFromComputed);

        var history = await ReadAsync<Page<AuditEventResponse>>(await unit.Client.GetAsync($"/api/v1/assessments/{draft.Id}/history"));
        Assert.Equal(
            ["assessment.created", "assessment.participants-set", "assessment.ratings-set", "assessment.agreed-rating-set", "assessment.evidence-added",
             "assessment.evidence-file-attached", "assessment.submitted", "assessment.returned", "assessment.agreed-rating-set", "assessment.submitted"],
            history.Items.Select(e => e.Action));
        Assert.Equal("Which minutes show service users chairing?", history.Items[7].Reason);
    }

    [Fact]
    public async Task Of_fifty_concurrent_updates_with_the_same_etag_exactly_one_succeeds()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var etag = AssessmentDriver.ETagOf(draft);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            world.Member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/agreed-rating", new AgreedRatingRequest(i % 5), etag)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(49, answers.Count(a => a.StatusCode == HttpStatusCode.PreconditionFailed));
        var final = await ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}"));
        Assert.Equal(draft.Revision + 1, final.Revision);
    }

    [Fact]
    public async Task A_weakened_etag_from_a_proxy_still_changes_and_revalidates_an_assessment_and_a_stale_one_is_refused()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var url = $"/api/v1/assessments/{draft.Id}";
        var weak = "W/" + AssessmentDriver.ETagOf(draft);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
        revalidate.Headers.TryAddWithoutValidation("If-None-Match", weak);
        Assert.Equal(HttpStatusCode.NotModified, (await world.Member.Client.SendAsync(revalidate)).StatusCode);
        var changed = await world.Member.Client.SendIfMatchAsync(HttpMethod.Put, $"{url}/agreed-rating", new AgreedRatingRequest(2), weak);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var stale = await world.Member.Client.SendIfMatchAsync(HttpMethod.Put, $"{url}/agreed-rating", new AgreedRatingRequest(3), weak);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task Of_fifty_concurrent_rating_updates_with_the_same_etag_one_succeeds_and_every_other_is_told_its_etag_is_stale()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var etag = AssessmentDriver.ETagOf(draft);

        // Every request inserts the same new rating rows: the race the revision check alone did not cover.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            world.Member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings",
                new RatingsRequest([new RatingInput("INV-01", i % 5), new RatingInput("INV-02", (i + 1) % 5), new RatingInput("INV-03", 2)]), etag)));

        var statuses = answers.GroupBy(a => (int)a.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<int, int> { [200] = 1, [412] = 49 }, statuses);
        var winner = await ReadAsync<AssessmentDetail>(answers.Single(a => a.StatusCode == HttpStatusCode.OK));
        var final = await ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}"));
        Assert.Equal(draft.Revision + 1, final.Revision);
        Assert.Equal(winner.Ratings.Select(r => r.Value), final.Ratings.Select(r => r.Value));
        Assert.Equal(AssessmentDriver.ETagOf(final), answers.Single(a => a.StatusCode == HttpStatusCode.OK).Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Submitting_without_a_service_user_participant_is_refused_naming_every_missing_item()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync(withPair: false);
        var staffOnly = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/participants",
            new ParticipantsRequest([new ParticipantInput(ParticipantRole.Staff)]), AssessmentDriver.ETagOf(draft)));
        var partlyRated = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings",
            new RatingsRequest([new RatingInput("INV-01", 3)]), AssessmentDriver.ETagOf(staffOnly)));

        var response = await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/submit", null, AssessmentDriver.ETagOf(partlyRated));

        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("service-user participant", errors["participants"]!.ToJsonString());
        Assert.DoesNotContain("A staff participant", errors["participants"]!.ToJsonString());
        Assert.Contains("INV-02", errors["ratings"]!.ToJsonString());
        Assert.DoesNotContain("INV-01,", errors["ratings"]!.ToJsonString());
        Assert.True(errors.ContainsKey("agreedRating"));
        var unchanged = await ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}"));
        Assert.Equal((AssessmentStatus.Draft, partlyRated.Revision), (unchanged.Status, unchanged.Revision));
    }

    public static TheoryData<string, string> BadRatings => new()
    {
        { """{"ratings":[{"standardCode":"INV-01","value":5}]}""", "ratings[0].value" },
        { """{"ratings":[{"standardCode":"INV-01","value":-1}]}""", "ratings[0].value" },
        { """{"ratings":[{"standardCode":"INV-01","value":2.5}]}""", "ratings[0].value" },
        { """{"ratings":[{"standardCode":"INV-01","value":"abc"}]}""", "ratings[0].value" },
        { """{"ratings":[{"standardCode":"INV-01","value":null}]}""", "ratings[0].value" },
        { """{"ratings":[{"standardCode":"RAS-01","value":2}]}""", "ratings[0].standardCode" },
        { """{"ratings":[{"standardCode":"INV-11","value":2}]}""", "ratings[0].standardCode" },
        { """{"ratings":[{"standardCode":"INV-01","notApplicable":true}]}""", "ratings[0].notApplicableReason" },
        { """{"ratings":[{"standardCode":"INV-01","value":2,"notApplicable":true,"notApplicableReason":"x"}]}""", "ratings[0].value" },
        { """{"ratings":[{"standardCode":"INV-01","value":2,"staffView":7}]}""", "ratings[0].staffView" },
    };

    [Theory]
    [MemberData(nameof(BadRatings))]
    public async Task A_rating_off_the_scale_or_for_another_standard_is_refused_naming_the_field(string json, string field)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings") { Content = JsonBody(json) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(AssessmentDriver.ETagOf(draft)));

        Assert.NotEmpty(await ReadFieldErrorAsync(await world.Member.Client.SendAsync(request), field));
        var unchanged = await ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}"));
        Assert.Empty(unchanged.Ratings);
    }

    [Theory]
    [InlineData("2026-13", "month")]
    [InlineData("2026-1", "month")]
    [InlineData("March 2026", "month")]
    [InlineData("2999-01", "month")]
    [InlineData("1999-12", "month")]
    public async Task A_month_that_is_malformed_or_in_the_future_is_refused(string month, string field)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);

        var response = await world.Member.Client.PostAsJsonAsync("/api/v1/assessments", new CreateAssessmentRequest(world.Unit.Id, "INV", month), JsonOptions);

        Assert.NotEmpty(await ReadFieldErrorAsync(response, field));
    }

    [Fact]
    public async Task A_standard_of_an_area_that_the_framework_lacks_is_refused()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);

        var response = await world.Member.Client.PostAsJsonAsync("/api/v1/assessments",
            new CreateAssessmentRequest(world.Unit.Id, "XYZ", AssessmentDriver.FreshMonth()), JsonOptions);

        Assert.Contains("no area", await ReadFieldErrorAsync(response, "areaCode"));
    }

    [Fact]
    public async Task Drafts_are_private_to_the_unit_and_its_reviewers_and_submissions_are_read_across_the_network()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var (submitted, evidenceId) = await world.Member.CreateSubmittedAsync();

        await ReadProblemAsync(await world.OtherMember.GetAsync($"/api/v1/assessments/{draft.Id}"), HttpStatusCode.NotFound);
        await ReadProblemAsync(await world.Analyst.GetAsync($"/api/v1/assessments/{draft.Id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await world.Lead.GetAsync($"/api/v1/assessments/{draft.Id}")).StatusCode);

        var seenByOther = await ReadAsync<AssessmentDetail>(await world.OtherMember.GetAsync($"/api/v1/assessments/{submitted.Id}"));
        var seenByLead = await ReadAsync<AssessmentDetail>(await world.Lead.GetAsync($"/api/v1/assessments/{submitted.Id}"));
        Assert.Empty(seenByOther.Evidence);
        Assert.Single(seenByLead.Evidence);
        await ReadProblemAsync(await world.Analyst.GetAsync($"/api/v1/assessments/{submitted.Id}/evidence/{evidenceId}/file"), HttpStatusCode.NotFound);
        var file = await world.Lead.GetAsync($"/api/v1/assessments/{submitted.Id}/evidence/{evidenceId}/file");
        Assert.Equal("%PDF-1.7 minutes", await file.Content.ReadAsStringAsync());
        Assert.Equal("application/pdf", file.Content.Headers.ContentType?.MediaType);

        var otherList = await ReadAsync<Page<AssessmentSummary>>(await world.OtherMember.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}"));
        Assert.Equal([submitted.Id], otherList.Items.Select(a => a.Id));
        var ownList = await ReadAsync<Page<AssessmentSummary>>(await world.Member.Client.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}&status=draft"));
        Assert.Equal([draft.Id], ownList.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task Comments_are_kept_for_good()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        var comment = await ReadAsync<CommentResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/assessments/{submitted.Id}/comments",
            new CommentRequest("Lovely example for the network."), JsonOptions));

        await using var db = Fixture.App.CreateDbContext();
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlInterpolatedAsync(db.Database,
                $"UPDATE comments SET text = 'changed' WHERE id = {comment.Id}"));
        await ReadProblemAsync(await world.Analyst.PostAsJsonAsync($"/api/v1/assessments/{submitted.Id}/comments", new CommentRequest("x"), JsonOptions),
            HttpStatusCode.Forbidden);
    }
}
