using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using SeQuIn.Api.Common;
using SeQuIn.Api.Fhir;
using SeQuIn.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>The /fhir infrastructure: CapabilityStatement, formats, strict search, paging and OperationOutcome errors.</summary>
public sealed class FhirFacadeTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>A value each search parameter accepts; a parameter added without one here fails the test below, on purpose.</summary>
    private static readonly Dictionary<string, string> Plausible = new()
    {
        ["identifier"] = "UNKNOWN-CODE",
        ["name"] = "Ridge",
        ["type"] = "unit",
        ["partof"] = $"Organization/{Guid.NewGuid()}",
        ["url"] = FhirNames.QuestionnaireUrl,
        ["version"] = "2021.1",
        ["status"] = "active",
        ["_count"] = "1",
        ["_cursor"] = Paging.Encode("0"),
        // QuestionnaireResponse, Measure, MeasureReport (fhir-reports); a status value per resource type where they differ.
        ["QuestionnaireResponse.status"] = "completed",
        ["subject"] = $"Organization/{Guid.NewGuid()}",
        ["authored"] = "ge2026-01",
        ["questionnaire"] = FhirNames.QuestionnaireUrl,
        ["period"] = "2026-04",
        ["measure"] = FhirNames.MeasureUrl("INV"),
    };

    [Fact]
    public async Task The_capability_statement_is_open_to_anyone_and_says_fhir_4_0_1_json_read_and_search()
    {
        var statement = await (await Anonymous.GetAsync("/fhir/metadata")).ReadFhirAsync<CapabilityStatement>();

        Assert.Equal((CapabilityStatementKind.Instance, FHIRVersion.N4_0_1, "SeQuIn"), (statement.Kind, statement.FhirVersion, statement.Software!.Name));
        Assert.Contains("json", statement.Format);
        var rest = Assert.Single(statement.Rest);
        Assert.Equal(FhirResources.All.Select(r => r.Type), rest.Resource.Select(r => r.Type));
        Assert.All(rest.Resource, r => Assert.Equal(
            [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType],
            r.Interaction.Select(i => i.Code!.Value)));
        Assert.Contains("Bearer", rest.Security!.Description!);
        Assert.Contains(rest.SearchParam, p => p.Name == "_count" && p.Documentation!.Contains("500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_search_parameter_the_capability_statement_names_is_accepted_and_no_other_is()
    {
        var rest = (await (await Anonymous.GetAsync("/fhir/metadata")).ReadFhirAsync<CapabilityStatement>()).Rest.Single();
        foreach (var resource in rest.Resource)
        {
            foreach (var parameter in resource.SearchParam.Concat(rest.SearchParam))
            {
                Assert.True(Plausible.TryGetValue($"{resource.Type}.{parameter.Name}", out var value) || Plausible.TryGetValue(parameter.Name!, out value),
                    $"Give '{parameter.Name}' a plausible value in this test.");
                var url = $"/fhir/{resource.Type}?{parameter.Name}={Uri.EscapeDataString(value)}";
                var bundle = await (await Client.GetAsync(url)).ReadFhirAsync<Bundle>();
                Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            }
            foreach (var other in new[] { "patient", "name:exact", "_sort", "_id", "identifier:of-type" })
            {
                var diagnostics = await (await Client.GetAsync($"/fhir/{resource.Type}?{other}=x")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid);
                Assert.Contains($"'{other}'", diagnostics);
            }
        }
    }

    [Fact]
    public async Task A_repeated_parameter_or_a_bad_page_size_or_cursor_is_a_400_operation_outcome_naming_it()
    {
        Assert.Contains("'name'", await (await Client.GetAsync("/fhir/Organization?name=a&name=b")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
        Assert.Contains("_count", await (await Client.GetAsync("/fhir/Organization?_count=501")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
        Assert.Contains("_count", await (await Client.GetAsync("/fhir/Organization?_count=many")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
        Assert.Contains("_cursor", await (await Client.GetAsync("/fhir/Organization?_cursor=%21%21")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
        Assert.Contains("type", await (await Client.GetAsync("/fhir/Organization?type=hospital")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
        Assert.Contains("name", await (await Client.GetAsync($"/fhir/Organization?name={new string('a', 201)}")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
        Assert.Contains("_format", await (await Client.GetAsync($"/fhir/Organization/{Guid.NewGuid()}?_summary=true")).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
    }

    [Fact]
    public async Task Errors_under_fhir_are_operation_outcomes_while_the_rest_api_keeps_problem_json()
    {
        await (await Anonymous.GetAsync("/fhir/Organization")).ReadOutcomeAsync(HttpStatusCode.Unauthorized, OperationOutcome.IssueType.Login);
        await (await Client.GetAsync($"/fhir/Organization/{Guid.NewGuid()}")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await (await Client.GetAsync("/fhir/Organization/not-a-sequin-id")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await (await Client.GetAsync("/fhir/Patient")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);

        var rest = await Client.GetAsync($"/api/v1/units/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, rest.StatusCode);
        Assert.Equal("application/problem+json", rest.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("_format=json", null)]
    [InlineData("_format=application/fhir%2Bjson", null)]
    [InlineData("", "application/json")]
    [InlineData("", "application/fhir+json")]
    [InlineData("", "*/*")]
    public async Task Json_is_served_whichever_way_it_is_asked_for(string query, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/metadata?{query}");
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }
        await (await Anonymous.SendAsync(request)).ReadFhirAsync<CapabilityStatement>();
    }

    [Theory]
    [InlineData("_format=xml", null)]
    [InlineData("_format=application/fhir%2Bxml", null)]
    [InlineData("", "application/fhir+xml")]
    [InlineData("", "text/html")]
    public async Task Any_other_format_is_a_406_operation_outcome(string query, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Organization?{query}");
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }
        await (await Client.SendAsync(request)).ReadOutcomeAsync(HttpStatusCode.NotAcceptable, OperationOutcome.IssueType.NotSupported);
    }

    [Fact]
    public async Task Search_pages_follow_next_links_to_every_match_once_with_the_total_on_each_page()
    {
        var prefix = "Paging" + Guid.NewGuid().ToString("N")[..8];
        var world = await FhirWorld.CreateAsync(Client, prefix);

        var (organizations, pages) = await Client.SearchAllAsync<Organization>($"/fhir/Organization?name={prefix}&_count=1");

        Assert.Equal([world.Network.Id, world.Provider.Id, world.Collaborative.Id, world.Unit.Id],
            organizations.Select(o => Guid.Parse(o.Id!)));
        Assert.Equal(4, pages.Count);
        Assert.All(pages, p => Assert.Equal(4, p.Total));
        Assert.All(pages, p => Assert.StartsWith("http://localhost/fhir/Organization?", p.Link.Single(l => l.Relation == "self").Url));
        Assert.Null(pages[^1].Link.SingleOrDefault(l => l.Relation == "next"));

        var counted = await (await Client.GetAsync($"/fhir/Organization?name={prefix}&_count=0")).ReadFhirAsync<Bundle>();
        Assert.Equal((4, 0), (counted.Total, counted.Entry.Count));
    }
}
