using System.Net;
using System.Net.Http.Json;
using System.Text;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

/// <summary>
/// An import is read as it arrives, with no row cap: a network's ten years is one request. What cannot be read as
/// rows is refused with 400 naming the field, whatever shape the document takes, and never with a 500.
/// </summary>
[Collection(SweepingApiCollection.Name)]
public sealed class ImportLimitsTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private const string Import = "/api/v1/assessments/import?dryRun=true";
    private static readonly string[] Areas = ["INV", "RPW", "RCO", "RRP", "CPA", "FFC", "MDT", "DHW", "MAC", "SRA", "RAS", "TEC"];

    [Fact]
    public async Task Ten_years_of_a_fifteen_unit_network_import_in_one_request_and_every_figure_is_current_when_it_answers()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var units = new List<string> { world.Unit.Code, world.OtherUnit.Code };
        for (var i = 0; i < 13; i++)
        {
            var unit = await ReadAsync<UnitResponse>(await Client.PostAsJsonAsync("/api/v1/units",
                new CreateUnitRequest($"U-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}", $"Unit {i}", SecurityLevel.Medium,
                    world.Unit.Provider.Id, world.Network.Id), JsonOptions));
            units.Add(unit.Code);
        }
        var csv = new StringBuilder("unitCode,areaCode,month,standardCode,value,agreedRating\n");
        for (var back = 1; back <= 120; back++)
        {
            var month = Months.Format(new DateOnly(2026, 10, 1).AddMonths(-back));
            foreach (var unit in units)
            {
                foreach (var area in Areas)
                {
                    for (var s = 1; s <= 10; s++)
                    {
                        csv.Append(unit).Append(',').Append(area).Append(',').Append(month).Append(',').Append(area).Append('-').Append(s.ToString("00"))
                            .Append(',').Append((s + back) % 5).Append(',').Append(back % 5).Append('\n');
                    }
                }
            }
        }

        var report = await ReadAsync<ImportReport>(await world.Admin.PostAsync("/api/v1/assessments/import",
            new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")));

        Assert.Equal((true, 216_000, 21_600, 21_600), (report.Applied, report.Rows, report.Assessments, report.AssessmentIds.Distinct().Count()));
        // The export reads the benchmark summaries: every rating is in them the moment the import has answered.
        using var export = await world.Analyst.GetAsync($"/api/v1/exports/ratings.csv?networkId={world.Network.Id}");
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(216_000, lines.Length - 1);
    }

    [Theory]
    [InlineData("{\"rows\":[null]}", "rows[0]")]
    [InlineData("{\"rows\":[1]}", "rows[0]")]
    [InlineData("{\"rows\":{}}", "rows")]
    [InlineData("{\"rows\":null}", "rows")]
    [InlineData("{}", "rows")]
    [InlineData("{\"rows\":[]}", "rows")]
    [InlineData("{\"rows\":[],\"rows\":[]}", "rows")]
    [InlineData("{\"rows\":[],\"colour\":\"red\"}", "colour")]
    [InlineData("[]", "body")]
    [InlineData("", "body")]
    [InlineData("{\"rows\":[{\"unitCode\":\"U\",\"areaCode\":\"INV\"", "body")]
    [InlineData("{\"rows\":[{\"unitCode\":\"U\",\"areaCode\":\"INV\",\"month\":\"2025-01\",\"standardCode\":\"INV-01\",\"value\":2}]} and more", "body")]
    [InlineData("{\"rows\":[{\"unitCode\":\"U\",\"areaCode\":\"INV\",\"month\":\"2025-01\",\"standardCode\":\"INV-01\",\"value\":\"two\"}]}", "rows[0].value")]
    [InlineData("{\"rows\":[{\"unitCode\":null,\"areaCode\":\"INV\",\"month\":\"2025-01\",\"standardCode\":\"INV-01\",\"value\":2}]}", "rows[0].unitCode")]
    [InlineData("{\"rows\":[{\"unitCode\":\"U\",\"areaCode\":\"INV\",\"month\":\"2025-01\"}]}", "rows[0].standardCode")]
    [InlineData("{\"rows\":[{\"unitCode\":\"U\",\"areaCode\":\"INV\",\"month\":\"2025-01\",\"standardCode\":\"INV-01\",\"colour\":2}]}", "rows[0].colour")]
    public async Task A_json_document_that_cannot_be_read_as_rows_is_refused_naming_the_field(string json, string field)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);

        var message = await ReadFieldErrorAsync(await world.Admin.PostAsync(Import, JsonBody(json)), field);

        Assert.NotEmpty(message);
    }

    [Fact]
    public async Task A_nul_character_in_a_code_is_named_not_a_500()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var csv = $"unitCode,areaCode,month,standardCode,value\n{world.Unit.Code}\0,INV,2025-01,INV-01,2\n";

        var response = await world.Admin.PostAsync(Import, new StringContent(csv, Encoding.UTF8, "text/csv"));

        var errors = (await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity))["errors"]!.AsObject();
        Assert.Equal(["rows[0].unitCode"], errors.Select(e => e.Key));
    }

    [Fact]
    public async Task A_row_longer_than_any_real_row_is_refused_without_being_held_whole()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var json = "{\"rows\":[{\"unitCode\":\"U\",\"areaCode\":\"INV\",\"month\":\"2025-01\",\"standardCode\":\"INV-01\",\"notApplicableReason\":\""
                   + new string('x', 2_000_000) + "\"}]}";

        var message = await ReadFieldErrorAsync(await world.Admin.PostAsync(Import, JsonBody(json)), "rows[0]");

        Assert.Contains("longer than 64 KB", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_header_naming_a_column_twice_is_refused_naming_that_column()
    {
        var csv = "unitCode,areaCode,month,standardCode,value,value\nU,INV,2025-01,INV-01,2,3\n";

        var message = await ReadFieldErrorAsync(await Client.PostAsync(Import, new StringContent(csv, Encoding.UTF8, "text/csv")), "body");

        Assert.Contains("'value'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_keyed_import_sent_again_is_replayed_and_the_key_with_a_body_that_differs_only_at_its_end_is_refused()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var csv = new StringBuilder("unitCode,areaCode,month,standardCode,value,agreedRating\n");
        for (var s = 1; s <= 10; s++)
        {
            csv.Append($"{world.Unit.Code},INV,2024-03,INV-{s:00},3,3\n");
        }
        var key = Guid.NewGuid().ToString();
        async Task<HttpResponseMessage> SendAsync(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/assessments/import") { Content = new StringContent(body, Encoding.UTF8, "text/csv") };
            request.Headers.Add("Idempotency-Key", key);
            return await world.Admin.SendAsync(request);
        }

        var first = await SendAsync(csv.ToString());
        var again = await SendAsync(csv.ToString());
        var changed = await SendAsync(csv.ToString().TrimEnd('\n')[..^1] + "2\n");

        var stored = await ReadAsync<ImportReport>(first);
        Assert.Equal(stored.AssessmentIds, (await ReadAsync<ImportReport>(again)).AssessmentIds);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Contains("different request", (await ReadProblemAsync(changed, HttpStatusCode.UnprocessableEntity)).ToJsonString(), StringComparison.Ordinal);
    }
}
