using System.Net;
using System.Net.Http.Json;
using System.Text;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

[Collection(SweepingApiCollection.Name)]
public sealed class ImportTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static readonly string[] Areas = ["INV", "RPW", "RCO", "RRP", "CPA", "FFC", "MDT", "DHW", "MAC", "SRA", "RAS", "TEC"];

    [Fact]
    public async Task Ten_thousand_rows_with_one_bad_row_apply_nothing_and_the_corrected_file_applies_in_full()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var rows = History(world, 1000).ToList();
        Assert.Equal(10_000, rows.Count);
        rows[4321] = rows[4321] with { Value = 7 };

        var refused = await world.Admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), JsonOptions);

        var problem = await ReadProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["rows[4321].value"], errors.Select(e => e.Key));
        Assert.StartsWith("Row 4322:", errors["rows[4321].value"]![0]!.GetValue<string>());
        Assert.Empty((await ReadAsync<Page<AssessmentSummary>>(await world.Lead.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}&limit=5"))).Items);

        rows[4321] = rows[4321] with { Value = 2 };
        var applied = await ReadAsync<ImportReport>(await world.Admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), JsonOptions));

        Assert.Equal((true, 10_000, 1000), (applied.Applied, applied.Rows, applied.Assessments));
        var all = await ReadAllAsync(world.Lead, $"/api/v1/assessments?status=submitted&limit=1000");
        var imported = all.Where(a => a.UnitId == world.Unit.Id || a.UnitId == world.OtherUnit.Id).ToList();
        Assert.Equal(1000, imported.Count);
        Assert.All(imported, a => Assert.True(a.Imported && a.Result.RatedStandards == 10));
    }

    [Fact]
    public async Task A_dry_run_reports_and_stores_nothing()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);

        var report = await ReadAsync<ImportReport>(await world.Admin.PostAsJsonAsync("/api/v1/assessments/import?dryRun=true",
            new ImportDocument(History(world, 3).ToList()), JsonOptions));

        Assert.Equal((true, false, 3), (report.DryRun, report.Applied, report.Assessments));
        Assert.Empty((await ReadAsync<Page<AssessmentSummary>>(await world.Lead.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}"))).Items);
    }

    [Fact]
    public async Task A_csv_document_imports_like_json()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var csv = new StringBuilder("unitCode,areaCode,month,standardCode,value,notApplicable,notApplicableReason,agreedRating\n");
        foreach (var i in Enumerable.Range(1, 10))
        {
            csv.Append($"{world.Unit.Code},INV,2024-05,INV-{i:00},{(i == 10 ? "" : "3")},{(i == 10 ? "true" : "false")},{(i == 10 ? "\"No meeting, yet\"" : "")},3\n");
        }

        var report = await ReadAsync<ImportReport>(await world.Admin.PostAsync("/api/v1/assessments/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")));

        var assessment = await ReadAsync<AssessmentDetail>(await world.Lead.GetAsync($"/api/v1/assessments/{report.AssessmentIds.Single()}"));
        Assert.Equal(("2024-05", AssessmentStatus.Submitted, 9), (assessment.Month, assessment.Status, assessment.Result.ApplicableStandards));
        Assert.Equal("No meeting, yet", assessment.Ratings.Single(r => r.NotApplicable).NotApplicableReason);
    }

    [Fact]
    public async Task Every_kind_of_bad_row_is_named()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var rows = History(world, 1).ToList();
        rows.Add(rows[0] with { UnitCode = "NOPE-1" });
        rows.Add(rows[0] with { Month = "2026-13", StandardCode = "INV-02" });
        rows.Add(rows[0] with { StandardCode = "RAS-01" });
        rows.Add(rows[0] with { StandardCode = "INV-03", Value = null, NotApplicable = true });
        rows.Add(rows[0] with { StandardCode = "INV-04", FrameworkVersion = "1999.1" });

        var response = await world.Admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), JsonOptions);

        var errors = (await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity))["errors"]!.AsObject().Select(e => e.Key).ToHashSet();
        Assert.Equal(["rows[10].unitCode", "rows[11].month", "rows[12].standardCode", "rows[13].notApplicableReason", "rows[14].frameworkVersion"],
            errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Rows_that_only_other_rows_make_wrong_are_each_named()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var stored = History(world, 1).ToList();
        await ReadAsync<ImportReport>(await world.Admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(stored), JsonOptions));
        var rows = new List<ImportRow>(stored);                                                  // rows 0-9: INV of a month already stored
        rows.AddRange(Assessment(world.Unit.Code, "RPW", "2025-01"));                           // rows 10-19
        rows[15] = rows[15] with { StandardCode = "RPW-05" };                                  // RPW-05 twice, RPW-06 unrated
        rows.AddRange(Assessment(world.Unit.Code, "RCO", "2025-01"));                           // rows 20-29
        rows[27] = rows[27] with { AgreedRating = 1 };                                          // disagrees on the agreed rating
        rows.AddRange(Assessment(world.Unit.Code, "RRP", "2025-01").Take(9));                   // rows 30-38: RRP-10 unrated

        var response = await world.Admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), JsonOptions);

        var errors = (await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity))["errors"]!.AsObject();
        Assert.Equal(["rows[0].month", "rows[15].standardCode", "rows[27].agreedRating", "rows[30].standardCode"], errors.Select(e => e.Key));
        Assert.Contains("already has an assessment", errors["rows[0].month"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("RPW-05 is rated twice", errors["rows[15].standardCode"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("lacks ratings for RRP-10.", errors["rows[30].standardCode"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static IEnumerable<ImportRow> Assessment(string unit, string area, string month) =>
        Enumerable.Range(1, 10).Select(i => new ImportRow(unit, area, month, $"{area}-{i:00}", 3, AgreedRating: 3));

    [Fact]
    public async Task An_admin_cannot_import_for_a_unit_outside_its_network()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var elsewhere = await AssessmentWorld.CreateAsync(Fixture.App, Client);

        var response = await world.Admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(History(elsewhere, 1).ToList()), JsonOptions);

        Assert.Contains("not in a network you administer", (await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity)).ToJsonString());
    }

    /// <summary>Complete assessments (10 ratings each) over the world's two units, all areas and past months.</summary>
    private static IEnumerable<ImportRow> History(AssessmentWorld world, int assessments)
    {
        var units = new[] { world.Unit.Code, world.OtherUnit.Code };
        var made = 0;
        for (var back = 1; ; back++)
        {
            var month = Months.Format(new DateOnly(2026, 10, 1).AddMonths(-back));
            foreach (var unit in units)
            {
                foreach (var area in Areas)
                {
                    if (made++ == assessments)
                    {
                        yield break;
                    }
                    for (var i = 1; i <= 10; i++)
                    {
                        yield return new ImportRow(unit, area, month, $"{area}-{i:00}", (i + back) % 5, AgreedRating: back % 5);
                    }
                }
            }
        }
    }

    private async Task<List<AssessmentSummary>> ReadAllAsync(HttpClient client, string url)
    {
        var all = new List<AssessmentSummary>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync<Page<AssessmentSummary>>(await client.GetAsync(url + (cursor is null ? "" : $"&cursor={cursor}")));
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    [Theory]
    [InlineData("")]
    [InlineData("unitCode,areaCode,month,standardCode\n")]
    [InlineData("unitCode;areaCode;month;standardCode\nU;INV;2024-01;INV-01\n")]
    [InlineData("unitCode,areaCode,month,standardCode,value\n\"U,INV,2024-01,INV-01,3\n")]
    [InlineData("unitCode,areaCode,month,standardCode,value\nU,INV,2024-01\n")]
    [InlineData("unitCode,areaCode,month,standardCode,value,colour\nU,INV,2024-01,INV-01,3,red\n")]
    [InlineData("unitCode,areaCode,month,standardCode,value\nU,INV,2024-01,INV-01,three\n")]
    public async Task A_malformed_csv_is_refused_with_a_problem_never_a_500(string csv)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);

        var response = await world.Admin.PostAsync("/api/v1/assessments/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
