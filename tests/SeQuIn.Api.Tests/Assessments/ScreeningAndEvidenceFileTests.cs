using System.Net;
using System.Net.Http.Json;
using System.Text;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

public sealed class ScreeningAndEvidenceFileTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_megabyte_comment_of_spaces_after_dob_is_refused_for_its_length_before_the_assessment_is_looked_up()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var text = "dob" + new string(' ', 1_000_000) + "x";

        var response = await world.Member.Client.PostAsJsonAsync($"/api/v1/assessments/{Guid.NewGuid()}/comments", new CommentRequest(text), JsonOptions);

        Assert.Contains("4000", await ReadFieldErrorAsync(response, "text"));
    }

    [Fact]
    public async Task Api_key_names_membership_names_and_revoke_reasons_are_screened()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var scope = new ScopeInput(ScopeKind.Network, world.Network.Id);
        var key = await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys", new CreateApiKeyRequest("Reporting pipeline", Role.Analyst, scope)));
        var membership = await ReadAsync<MembershipResponse>(await PostAsync("/api/v1/memberships",
            new CreateMembershipRequest(TestIdentityProvider.Issuer, UniqueCode("sub"), "Ward manager", Role.Analyst, scope)));

        var keyName = await PostAsync("/api/v1/keys", new CreateApiKeyRequest("Pipeline for jo(at)nhs.net", Role.Analyst, scope));
        var membershipName = await PostAsync("/api/v1/memberships",
            new CreateMembershipRequest(TestIdentityProvider.Issuer, UniqueCode("sub"), "Ward manager 0113 496 0000", Role.Analyst, scope));
        var keyReason = await PostAsync($"/api/v1/keys/{key.Key.Id}/revoke", new RevokeRequest("Left; reach them on 07700 900123"));
        var membershipReason = await PostAsync($"/api/v1/memberships/{membership.Id}/revoke", new RevokeRequest("Patient 943 476 5919 complained"));

        Assert.Contains("e-mail", (await ReadProblemAsync(keyName, HttpStatusCode.UnprocessableEntity))["errors"]!["name"]!.ToJsonString());
        Assert.Contains("phone", (await ReadProblemAsync(membershipName, HttpStatusCode.UnprocessableEntity))["errors"]!["name"]!.ToJsonString());
        Assert.Contains("phone", (await ReadProblemAsync(keyReason, HttpStatusCode.UnprocessableEntity))["errors"]!["reason"]!.ToJsonString());
        var reasonProblem = await ReadProblemAsync(membershipReason, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("NHS number", reasonProblem["errors"]!["reason"]!.ToJsonString());
        Assert.DoesNotContain("943 476 5919", reasonProblem.ToJsonString());
        Assert.True((await ReadAsync<ApiKeyResponse>(await Client.GetAsync($"/api/v1/keys/{key.Key.Id}"))).Active);
    }

    [Fact]
    public async Task An_imported_reason_holding_an_identifier_in_a_form_the_old_screen_missed_is_refused()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var row = new ImportRow(world.Unit.Code, "INV", AssessmentDriver.FreshMonth(), "INV-01", NotApplicable: true,
            NotApplicableReason: "Ring 0113-496-0000 for the reason", AgreedRating: 3);

        var response = await world.Admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument([row]), JsonOptions);

        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("phone", problem["errors"]!["rows[0].notApplicableReason"]!.ToJsonString());
        Assert.DoesNotContain("0113-496", problem.ToJsonString()); // with its dash: a random traceId can hold the digits
    }

    [Theory]
    [InlineData("minutes.txt", "text/plain", "Minutes of the community meeting.\nActions: NHS 943 476 5919 to be reviewed.\n", "an NHS number")]
    [InlineData("minutes.txt", "text/plain", "\uFEFFMinutes: contact sam [at] example [dot] org for copies.", "an e-mail address")]
    [InlineData("audit.csv", "text/csv", "standard,score,note\nINV-01,4,ok\nINV-02,3,ring 0113\u2013496\u20130000\n", "a phone number")]
    [InlineData("audit.csv", "text/csv", "standard,score,note\nINV-01,4,DOB 12/03/1985\n", "a date of birth")]
    public async Task A_text_or_csv_file_holding_an_identifier_is_refused_naming_file(string fileName, string contentType, string text, string kind)
    {
        var (world, draft, evidenceId) = await DraftWithEvidenceAsync();

        var response = await world.Member.UploadResponseAsync(draft, evidenceId, Encoding.UTF8.GetBytes(text), contentType, fileName);

        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(kind, problem["errors"]!["file"]!.ToJsonString());
        Assert.DoesNotContain("Actions", problem.ToJsonString());
        Assert.Null((await ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}"))).Evidence.Single().File);
    }

    [Fact]
    public async Task A_clean_csv_file_is_stored_and_downloads_as_csv()
    {
        var (world, draft, evidenceId) = await DraftWithEvidenceAsync();
        var content = Encoding.UTF8.GetBytes("standard,score,reviewed\nINV-01,4,2026-03\nINV-02,3,March 2024 (room 2.14, ext 4521)\n");

        var stored = await world.Member.UploadAsync(draft, evidenceId, content, "text/csv", "audit.csv");
        var download = await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}/evidence/{evidenceId}/file");

        Assert.Equal(("audit.csv", "text/csv"), (stored.Evidence.Single().File!.FileName, stored.Evidence.Single().File!.ContentType));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("minutes.hta", "text/plain")]
    [InlineData("minutes.ps1", "text/plain")]
    [InlineData("minutes.html", "text/plain")]
    [InlineData("minutes.svg", "text/plain")]
    [InlineData("minutes", "text/plain")]
    [InlineData("minutes.pdf", "text/plain")]
    [InlineData("minutes.csv", "text/plain")]
    [InlineData("minutes.txt", "application/pdf")]
    public async Task A_file_name_must_end_in_an_extension_of_the_type_its_content_shows(string fileName, string contentType)
    {
        var (world, draft, evidenceId) = await DraftWithEvidenceAsync();
        var content = contentType == "application/pdf" ? "%PDF-1.4 minutes"u8.ToArray() : "Minutes of the community meeting."u8.ToArray();

        var response = await world.Member.UploadResponseAsync(draft, evidenceId, content, contentType, fileName);

        Assert.Contains("fileName", (await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity))["errors"]!.AsObject().Select(e => e.Key));
        Assert.Null((await ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}"))).Evidence.Single().File);
    }

    [Fact]
    public async Task An_assessments_evidence_files_together_have_a_storage_limit()
    {
        await using var app = new SeQuInApp(Fixture.App.ConnectionString,
            new Dictionary<string, string?> { [EvidenceFiles.MaxBytesPerAssessmentKey] = "1000" });
        var world = await AssessmentWorld.CreateAsync(app, app.CreateClient(Fixture.NationalAdminToken));
        var draft = await world.Member.CreateAsync();
        foreach (var title in new[] { "First", "Second" })
        {
            draft = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
                new EvidenceInput(EvidenceKind.Document, title), AssessmentDriver.ETagOf(draft)));
        }
        var (first, second) = (draft.Evidence[0].Id, draft.Evidence[1].Id);
        var file = Encoding.UTF8.GetBytes(new string('a', 600));

        draft = await world.Member.UploadAsync(draft, first, file, "text/plain", "first.txt");
        var over = await world.Member.UploadResponseAsync(draft, second, file, "text/plain", "second.txt");
        var replaced = await world.Member.UploadResponseAsync(draft, first, file, "text/plain", "first-again.txt");

        Assert.Contains("1000", (await ReadProblemAsync(over, HttpStatusCode.UnprocessableEntity))["errors"]!["file"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
    }

    [Fact]
    public async Task Of_two_uploads_racing_with_one_If_Match_exactly_one_wins_and_its_file_still_downloads()
    {
        var (world, draft, evidenceId) = await DraftWithEvidenceAsync();
        draft = await world.Member.UploadAsync(draft, evidenceId, "%PDF-1.4 original"u8.ToArray(), "application/pdf", "original.pdf");
        for (var round = 0; round < 5; round++)
        {
            var contents = new[] { Encoding.UTF8.GetBytes($"%PDF-1.4 round {round} A"), Encoding.UTF8.GetBytes($"%PDF-1.4 round {round} B") };

            var responses = await Task.WhenAll(contents.Select(c => world.Member.UploadResponseAsync(draft, evidenceId, c, "application/pdf", "minutes.pdf")));

            Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.PreconditionFailed }, responses.Select(r => r.StatusCode).Order().ToArray());
            var winner = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.OK);
            var download = await world.Member.Client.GetAsync($"/api/v1/assessments/{draft.Id}/evidence/{evidenceId}/file");
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(contents[winner], await download.Content.ReadAsByteArrayAsync());
            draft = await ReadAsync<AssessmentDetail>(responses[winner]);
        }
    }

    private async Task<(AssessmentWorld World, AssessmentDetail Draft, Guid EvidenceId)> DraftWithEvidenceAsync()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = await world.Member.CreateAsync();
        draft = await ReadAsync<AssessmentDetail>(await world.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Minutes, "Community meeting minutes"), AssessmentDriver.ETagOf(draft)));
        return (world, draft, draft.Evidence.Single().Id);
    }
}
