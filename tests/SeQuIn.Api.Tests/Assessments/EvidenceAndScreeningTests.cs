using System.Net;
using System.Net.Http.Json;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

public sealed class EvidenceAndScreeningTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("title", "Care plan review for 943 476 5919", "an NHS number")]
    [InlineData("description", "Ask jo.bloggs@example.org for the minutes", "an e-mail address")]
    [InlineData("description", "Named nurse on 07700 900123", "a phone number")]
    [InlineData("description", "Service user (DOB 04/05/1988) chaired", "a date of birth")]
    public async Task Evidence_text_with_a_personal_identifier_is_refused_and_never_stored_or_logged(string field, string text, string kind)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var evidence = field == "title" ? new EvidenceInput(EvidenceKind.Document, text) : new EvidenceInput(EvidenceKind.Document, "Minutes", text);

        var response = await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence", evidence, AssessmentDriver.ETagOf(draft));

        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var message = problem["errors"]![field]![0]!.GetValue<string>();
        Assert.Contains(kind, message);
        Assert.DoesNotContain(text, problem.ToJsonString());
        var unchanged = await ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}"));
        Assert.Empty(unchanged.Evidence);
        Assert.DoesNotContain(Fixture.App.Logs.Lines, line => line.Contains(text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Participant_labels_notes_and_comments_are_screened_too()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();

        var label = await world.Member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/participants",
            new ParticipantsRequest([new ParticipantInput(ParticipantRole.ServiceUser, "NHS 4010232137")]), AssessmentDriver.ETagOf(draft));
        var note = await world.Member.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings",
            new RatingsRequest([new RatingInput("INV-01", 3, Note: "email sam@example.com")]), AssessmentDriver.ETagOf(draft));
        var comment = await world.Member.Client.PostAsJsonAsync($"/api/v1/assessments/{draft.Id}/comments", new CommentRequest("call 0113 496 0000"), JsonOptions);

        Assert.Contains("NHS number", (await ReadProblemAsync(label, HttpStatusCode.UnprocessableEntity))["errors"]!["participants[0].label"]!.ToJsonString());
        Assert.Contains("e-mail", (await ReadProblemAsync(note, HttpStatusCode.UnprocessableEntity))["errors"]!["ratings[0].note"]!.ToJsonString());
        Assert.Contains("phone", (await ReadProblemAsync(comment, HttpStatusCode.UnprocessableEntity))["errors"]!["text"]!.ToJsonString());
    }

    [Fact]
    public async Task A_file_is_judged_by_its_content_not_its_declared_type()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var withEvidence = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Photo, "Noticeboard"), AssessmentDriver.ETagOf(draft)));
        var evidenceId = withEvidence.Evidence.Single().Id;

        var disguised = await world.Member.UploadResponseAsync(withEvidence, evidenceId, "MZ\x90\0 executable"u8.ToArray(), "image/png", "photo.png");
        var mismatched = await world.Member.UploadResponseAsync(withEvidence, evidenceId, "%PDF-1.4"u8.ToArray(), "image/png", "photo.png");
        var unsupported = await world.Member.UploadResponseAsync(withEvidence, evidenceId, [1, 2, 3], "application/x-msdownload", "tool.exe");

        await ReadProblemAsync(disguised, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("application/pdf", (await ReadProblemAsync(mismatched, HttpStatusCode.UnprocessableEntity)).ToJsonString());
        await ReadProblemAsync(unsupported, HttpStatusCode.UnsupportedMediaType);
        var unchanged = await ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}"));
        Assert.Null(unchanged.Evidence.Single().File);
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_a_413()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        var withEvidence = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Document, "Big"), AssessmentDriver.ETagOf(draft)));

        var response = await world.Member.UploadResponseAsync(withEvidence, withEvidence.Evidence.Single().Id,
            new byte[EvidenceFiles.MaxBytes + 1], "application/pdf", "big.pdf");

        await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_link_must_be_https_and_is_never_fetched()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();

        var plain = await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Link, "Trust page", Link: "http://example.org/page"), AssessmentDriver.ETagOf(draft));
        var secure = await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Link, "Trust page", Link: "https://127.0.0.1:1/never-called"), AssessmentDriver.ETagOf(draft));

        Assert.Contains("https", await ReadFieldErrorAsync(plain, "link"));
        Assert.Equal("https://127.0.0.1:1/never-called", (await ReadAsync<AssessmentDetail>(secure)).Evidence.Single().Link);
    }

    [Fact]
    public async Task Shared_evidence_of_submitted_assessments_forms_the_network_library()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.RateAllAsync(await world.Member.CreateAsync(), 4);
        draft = await world.Member.AgreeAsync(draft, 4);
        draft = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Minutes, "Service-user-led community meeting", StandardCode: "INV-04", Shared: true), AssessmentDriver.ETagOf(draft)));
        draft = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Conversation, "Private reflections", StandardCode: "INV-04"), AssessmentDriver.ETagOf(draft)));
        var before = await ReadAsync<Page<LibraryEntry>>(await world.OtherMember.GetAsync($"/api/v1/evidence-library?unitId={world.Unit.Id}"));
        await world.Member.SubmitAsync(draft);

        var library = await ReadAsync<Page<LibraryEntry>>(await world.OtherMember.GetAsync($"/api/v1/evidence-library?unitId={world.Unit.Id}&standardCode=INV-04"));

        Assert.Empty(before.Items);
        var entry = Assert.Single(library.Items);
        Assert.Equal(("Service-user-led community meeting", world.Unit.Code, 4), (entry.Evidence.Title, entry.UnitCode, entry.AgreedRating));
    }
}
