using System.Net;
using System.Net.Http.Json;
using Hl7.Fhir.Model;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Fhir;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>
/// QuestionnaireResponse, Measure and MeasureReport over HTTP: each read and search against the REST API's answer for
/// the same thing, visibility as the REST API's, disclosure control as the unit benchmark's. Every resource received
/// is validated against base R4 (<see cref="FhirValidation.ReadFhirAsync{T}"/>).
/// </summary>
public sealed class FhirReportTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private Task<AssessmentWorld> AssessmentWorldAsync() => AssessmentWorld.CreateAsync(Fixture.App, Client);

    [Fact]
    public async Task A_submitted_assessment_is_served_as_the_questionnaire_response_the_rest_api_describes()
    {
        var world = await AssessmentWorldAsync();
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        var rest = await ReadAsync<AssessmentDetail>(await world.Lead.GetAsync($"/api/v1/assessments/{submitted.Id}"));

        var response = await (await world.Lead.GetAsync($"/fhir/QuestionnaireResponse/{submitted.Id}")).ReadFhirAsync<QuestionnaireResponse>();

        Assert.Equal((QuestionnaireResponse.QuestionnaireResponseStatus.Completed, $"{FhirNames.QuestionnaireUrl}|{rest.FrameworkIdentifier}",
                $"Organization/{rest.UnitId}", rest.Month),
            (response.Status, response.Questionnaire, response.Subject!.Reference, response.Authored));
        var group = Assert.Single(response.Item);
        Assert.Equal(rest.AreaCode, group.LinkId);
        Assert.Equal(rest.AgreedRating.ToString(), ((Coding)group.GetExtension(FhirNames.AgreedRatingExtension)!.Value!).Code);
        Assert.Equal(rest.Ratings.Select(r => (r.StandardCode, r.Value.ToString())),
            group.Item.Select(i => (i.LinkId!, ((Coding)i.Answer.Single().Value!).Code)));
        var evidence = rest.Evidence.Single();
        var attachment = (Attachment)group.Item.Single(i => i.LinkId == evidence.StandardCode).Answer[0].Item.Single().Answer.Single().Value!;
        Assert.Equal((evidence.File!.Url, evidence.File.ContentType, (long?)evidence.File.Size, evidence.Title),
            (attachment.Url, attachment.ContentType, (long?)attachment.SizeUnsignedInt, attachment.Title));
        Assert.Equal(rest.Participants.Select(p => EnumQuery(p.Role)),
            response.GetExtensions(FhirNames.ParticipantsExtension).Select(e => ((Coding)e.Value!).Code));
        var json = await (await world.Lead.GetAsync($"/fhir/QuestionnaireResponse/{submitted.Id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Ward nurse", json);
        Assert.DoesNotContain("\"SU1\"", json);
    }

    private static string EnumQuery(ParticipantRole role) => Api.Common.EnumQuery.NameOf(role);

    [Fact]
    public async Task Responses_are_found_by_unit_month_status_and_questionnaire_page_by_page()
    {
        var world = await AssessmentWorldAsync();
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        var draft = await world.Member.CreateAsync();
        var unit = $"subject=Organization/{world.Unit.Id}";

        async Task<IEnumerable<string>> Found(string query) =>
            (await world.Member.Client.SearchAllAsync<QuestionnaireResponse>($"/fhir/QuestionnaireResponse?{unit}&{query}")).Resources.Select(r => r.Id!).Order();

        Assert.Equal(new[] { submitted.Id, draft.Id }.Select(i => i.ToString()).Order(), await Found("_count=1"));
        Assert.Equal([submitted.Id.ToString()], await Found("status=completed,amended"));
        Assert.Equal([draft.Id.ToString()], await Found("status=in-progress"));
        Assert.Equal([submitted.Id.ToString()], await Found($"authored={submitted.Month}"));
        Assert.Equal([draft.Id.ToString()], await Found($"authored=eq{draft.Month}"));
        Assert.Equal(2, (await Found($"authored=le{(string.CompareOrdinal(submitted.Month, draft.Month) > 0 ? submitted.Month : draft.Month)}")).Count());
        Assert.Equal(2, (await Found($"questionnaire={Uri.EscapeDataString($"{FhirNames.QuestionnaireUrl}|{submitted.FrameworkIdentifier}")}")).Count());
        Assert.Empty(await Found($"questionnaire={Uri.EscapeDataString($"{FhirNames.QuestionnaireUrl}|0.0")}"));
        var (_, pages) = await world.Member.Client.SearchAllAsync<QuestionnaireResponse>($"/fhir/QuestionnaireResponse?{unit}&_count=1");
        Assert.Equal([2, 2], pages.Select(p => p.Total!.Value));
    }

    [Fact]
    public async Task A_returned_and_resubmitted_assessment_is_amended()
    {
        var world = await AssessmentWorldAsync();
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/return")
        {
            Content = JsonContent.Create(new CommentRequest("Could you add the minutes of October?"), options: JsonOptions),
        };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(AssessmentDriver.ETagOf(submitted)));
        var returned = await ReadAsync<AssessmentDetail>(await world.Lead.SendAsync(request));

        var inProgress = await (await world.Lead.GetAsync($"/fhir/QuestionnaireResponse/{submitted.Id}")).ReadFhirAsync<QuestionnaireResponse>();
        await world.Member.SubmitAsync(returned);
        var amended = await (await world.Lead.GetAsync($"/fhir/QuestionnaireResponse/{submitted.Id}")).ReadFhirAsync<QuestionnaireResponse>();

        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, inProgress.Status);
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Amended, amended.Status);
    }

    [Fact]
    public async Task A_unit_member_sees_its_own_units_drafts_only_and_commissioners_get_no_unit_level_resources()
    {
        var world = await AssessmentWorldAsync();
        var draft = await world.Member.CreateAsync();
        var commissioner = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Commissioner", Role.Commissioner, new ScopeInput(ScopeKind.Network, world.Network.Id))))).Token);

        await (await world.OtherMember.GetAsync($"/fhir/QuestionnaireResponse/{draft.Id}")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        Assert.Empty((await world.OtherMember.SearchAllAsync<QuestionnaireResponse>($"/fhir/QuestionnaireResponse?subject=Organization/{world.Unit.Id}")).Resources);
        Assert.Single((await world.Member.Client.SearchAllAsync<QuestionnaireResponse>($"/fhir/QuestionnaireResponse?subject=Organization/{world.Unit.Id}")).Resources);
        await (await world.Analyst.GetAsync($"/fhir/QuestionnaireResponse/{draft.Id}")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        foreach (var url in new[] { "/fhir/QuestionnaireResponse", $"/fhir/QuestionnaireResponse/{draft.Id}", "/fhir/MeasureReport",
                     $"/fhir/MeasureReport/{new ReportId(world.Unit.Id, "INV", new DateOnly(2026, 4, 1), ReportKind.Summary)}" })
        {
            await (await commissioner.GetAsync(url)).ReadOutcomeAsync(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden);
        }
    }

    // ---- Benchmarks ----------------------------------------------------------------------------------------------

    private const string Month = "2026-04";

    /// <summary>A network of units whose INV ratings for <see cref="Month"/> are 1, 2, 3, … (imported), and its analyst.</summary>
    private async Task<(UnitResponse[] Units, HttpClient Analyst)> BenchmarkWorldAsync(int units)
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var made = new List<UnitResponse>();
        for (var i = 0; i < units; i++)
        {
            made.Add(await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), $"Unit {i}", SecurityLevel.Low, provider.Id, network.Id))));
        }
        var rows = made.SelectMany((u, i) => Enumerable.Range(1, 10).Select(s => new ImportRow(u.Code, "INV", Month, $"INV-{s:00}", i + 1))).ToList();
        await ReadAsync<ImportReport>(await PostAsync("/api/v1/assessments/import", new ImportDocument(rows)));
        var analyst = Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Analyst", Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id))))).Token);
        return (made.ToArray(), analyst);
    }

    [Fact]
    public async Task A_units_benchmark_is_an_individual_and_a_summary_report_with_the_rest_benchmarks_figures()
    {
        var (units, analyst) = await BenchmarkWorldAsync(4);
        var rest = (await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[2].Id}?month={Month}"))).Areas.Single(a => a.Code == "INV");

        var found = (await analyst.SearchAllAsync<MeasureReport>(
            $"/fhir/MeasureReport?subject=Organization/{units[2].Id}&period={Month}&measure={Uri.EscapeDataString(FhirNames.MeasureUrl("INV"))}")).Resources;

        Assert.Equal([$"{units[2].Id}-inv-{Month}-individual", $"{units[2].Id}-inv-{Month}-summary"], found.Select(r => r.Id));
        var (individual, summary) = (found[0], found[1]);
        Assert.Equal((MeasureReport.MeasureReportType.Individual, MeasureReport.MeasureReportStatus.Complete, rest.Score),
            (individual.Type, individual.Status, individual.Group.Single().MeasureScore!.Value));
        var group = summary.Group.Single();
        Assert.Equal((rest.Group.Units, rest.Group.Mean), (group.Population.Single().Count, group.MeasureScore!.Value));
        Assert.Equal(new[] { rest.Group.Minimum, rest.Group.LowerQuartile, rest.Group.Median, rest.Group.UpperQuartile, rest.Group.Maximum },
            group.GetExtension(FhirNames.GroupStatisticsExtension)!.Extension.Select(e => ((FhirDecimal)e.Value!).Value));
        var read = await (await analyst.GetAsync($"/fhir/MeasureReport/{summary.Id}")).ReadFhirAsync<MeasureReport>();
        Assert.True(read.IsExactly(summary));
    }

    [Fact]
    public async Task A_withheld_group_median_is_not_in_the_summary_report_which_says_why()
    {
        var (units, analyst) = await BenchmarkWorldAsync(2);
        var rest = (await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}?month={Month}"))).Areas.Single(a => a.Code == "INV");

        var summary = await (await analyst.GetAsync($"/fhir/MeasureReport/{units[0].Id}-inv-{Month}-summary")).ReadFhirAsync<MeasureReport>();

        Assert.Null(rest.Group.Median);
        var group = summary.Group.Single();
        Assert.Null(group.MeasureScore);
        Assert.Null(group.GetExtension(FhirNames.GroupStatisticsExtension));
        Assert.Equal(rest.Group.Suppressed, ((FhirString)group.GetExtension(FhirNames.SuppressedExtension)!.Value!).Value);
    }

    [Fact]
    public async Task Reports_of_units_or_months_without_a_score_do_not_exist()
    {
        var (units, analyst) = await BenchmarkWorldAsync(3);
        var other = await AssessmentWorldAsync();

        foreach (var id in new[] { $"{units[0].Id}-inv-2026-03-individual", $"{units[0].Id}-rec-{Month}-summary", $"{other.Unit.Id}-inv-{Month}-summary", "nothing" })
        {
            await (await analyst.GetAsync($"/fhir/MeasureReport/{id}")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        }
        Assert.Empty((await analyst.SearchAllAsync<MeasureReport>($"/fhir/MeasureReport?subject=Organization/{other.Unit.Id}")).Resources);
    }

    [Fact]
    public async Task A_date_given_twice_is_a_range_of_months_and_a_range_that_is_empty_matches_nothing()
    {
        var (units, analyst) = await BenchmarkWorldAsync(1);
        var unit = units[0];
        await ReadAsync<ImportReport>(await PostAsync("/api/v1/assessments/import", new ImportDocument(
            [.. new[] { "2026-01", "2026-02", "2026-03" }.SelectMany(month => Enumerable.Range(1, 10).Select(s => new ImportRow(unit.Code, "INV", month, $"INV-{s:00}", 2)))])));

        var responses = (await analyst.SearchAllAsync<QuestionnaireResponse>(
            $"/fhir/QuestionnaireResponse?subject=Organization/{unit.Id}&authored=ge2026-02&authored=le2026-03")).Resources;
        var reports = (await analyst.SearchAllAsync<MeasureReport>(
            $"/fhir/MeasureReport?subject=Organization/{unit.Id}&period=gt2026-01&period=lt2026-04")).Resources;
        var none = (await analyst.SearchAllAsync<QuestionnaireResponse>(
            $"/fhir/QuestionnaireResponse?subject=Organization/{unit.Id}&authored=ge2026-03&authored=le2026-02")).Resources;

        Assert.Equal(["2026-02", "2026-03"], responses.Select(r => r.Authored));
        Assert.Equal(["2026-02", "2026-02", "2026-03", "2026-03"], reports.Select(r => r.Period.Start![..7]));
        Assert.Empty(none);
        var tooMany = string.Concat(Enumerable.Repeat("&authored=ge2026-01", FhirSearch.MaxRepeats + 1));
        Assert.Contains("authored", await (await analyst.GetAsync($"/fhir/QuestionnaireResponse?subject=Organization/{unit.Id}{tooMany}"))
            .ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
    }

    [Fact]
    public async Task Each_area_is_a_measure_found_by_url_and_name()
    {
        var byUrl = (await Client.SearchAllAsync<Measure>($"/fhir/Measure?url={Uri.EscapeDataString(FhirNames.MeasureUrl("INV"))}")).Resources;
        var read = await (await Client.GetAsync("/fhir/Measure/sequin-area-inv")).ReadFhirAsync<Measure>();
        var byName = (await Client.SearchAllAsync<Measure>("/fhir/Measure?name=seqUINareaI&_count=1")).Resources;

        Assert.True(Assert.Single(byUrl).IsExactly(read));
        Assert.Contains(byName, m => m.Url == FhirNames.MeasureUrl("INV"));
        await (await Client.GetAsync("/fhir/Measure/sequin-area-nothing")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
    }

    [Theory]
    [InlineData("QuestionnaireResponse?authored=2026-13", "authored")]
    [InlineData("QuestionnaireResponse?authored=ne2026-01", "authored")]
    [InlineData("QuestionnaireResponse?status=done", "status")]
    [InlineData("QuestionnaireResponse?subject=Patient/1", "subject")]
    [InlineData("MeasureReport?measure=http%3A%2F%2Fexample.org%2FMeasure%2Fx", "measure")]
    [InlineData("MeasureReport?period=xx2026-01", "period")]
    [InlineData("MeasureReport?subject=Organization/not-a-unit", "subject")]
    public async Task A_bad_search_value_is_a_400_operation_outcome_naming_the_parameter(string url, string parameter)
    {
        var diagnostics = await (await Client.GetAsync($"/fhir/{url}")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid);

        Assert.Contains(parameter, diagnostics);
    }
}
