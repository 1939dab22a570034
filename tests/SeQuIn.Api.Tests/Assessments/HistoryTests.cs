using System.Net.Http.Json;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

public sealed class HistoryTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_history_hides_the_titles_and_file_names_of_unshared_evidence_from_analysts_and_other_units()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var member = world.Member;
        var assessment = await member.AgreeAsync(await member.RateAllAsync(await member.CreateAsync()));
        assessment = await AddEvidenceAsync(member, assessment, new EvidenceInput(EvidenceKind.Minutes, "Ward round notes", StandardCode: "INV-01"));
        assessment = await member.UploadAsync(assessment, assessment.Evidence.Single(e => !e.Shared).Id, "%PDF-1.7 x"u8.ToArray(), "application/pdf", "private-ward-round.pdf");
        assessment = await AddEvidenceAsync(member, assessment, new EvidenceInput(EvidenceKind.Document, "Activity timetable", Shared: true));
        assessment = await member.UploadAsync(assessment, assessment.Evidence.Single(e => e.Shared).Id, "%PDF-1.7 y"u8.ToArray(), "application/pdf", "shared-timetable.pdf");
        assessment = await AddEvidenceAsync(member, assessment, new EvidenceInput(EvidenceKind.Other, "Complaint about night staff"));
        var removed = assessment.Evidence.Single(e => e.Title == "Complaint about night staff");
        assessment = await AssessmentDriver.ReadAsync<AssessmentDetail>(await member.SendAsync(HttpMethod.Delete,
            $"/api/v1/assessments/{assessment.Id}/evidence/{removed.Id}", null, AssessmentDriver.ETagOf(assessment)));
        await member.SubmitAsync(assessment);

        foreach (var reader in new[] { world.Analyst, world.OtherMember })
        {
            var history = await HistoryTextAsync(reader, assessment.Id);
            Assert.DoesNotContain("private-ward-round.pdf", history);
            Assert.DoesNotContain("Complaint about night staff", history);
            Assert.Contains("shared-timetable.pdf", history);
            Assert.Contains("assessment.evidence-removed", history);
        }
        foreach (var reviewer in new[] { member.Client, world.Lead, world.Admin })
        {
            var history = await HistoryTextAsync(reviewer, assessment.Id);
            Assert.Contains("private-ward-round.pdf", history);
            Assert.Contains("Complaint about night staff", history);
        }
    }

    private static async Task<AssessmentDetail> AddEvidenceAsync(AssessmentDriver member, AssessmentDetail assessment, EvidenceInput evidence) =>
        await AssessmentDriver.ReadAsync<AssessmentDetail>(await member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/evidence",
            evidence, AssessmentDriver.ETagOf(assessment)));

    private static async Task<string> HistoryTextAsync(HttpClient client, Guid assessmentId)
    {
        var page = await ReadAsync<Page<AuditEventResponse>>(await client.GetAsync($"/api/v1/assessments/{assessmentId}/history?limit=1000"));
        Assert.Contains(page.Items, e => e.Action == "assessment.evidence-file-attached");
        return System.Text.Json.JsonSerializer.Serialize(page.Items, Json.Options);
    }
}
