using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Fhir;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>
/// FHIR Bulk Data export over HTTP (ADR 0039): kick-off, polling, the manifest and NDJSON files, against the searches
/// of the same caller. The test host cuts files at 4 resources (SeQuIn:Fhir:Export:FileSize) so that every export
/// here spans several files; every line is parsed strictly and validated against base R4.
/// </summary>
public sealed class FhirExportTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private const string Month = "2026-03";

    [Fact]
    public async Task An_export_is_accepted_polled_and_read_as_ndjson_files_holding_what_the_searches_answer()
    {
        var (_, analyst) = await NetworkWithScoresAsync(units: 3);

        var manifest = await ExportAsync(analyst, "_type=QuestionnaireResponse,MeasureReport");

        Assert.True(manifest.GetProperty("requiresAccessToken").GetBoolean());
        Assert.EndsWith("/fhir/$export?_type=QuestionnaireResponse,MeasureReport", manifest.GetProperty("request").GetString());
        Assert.Empty(manifest.GetProperty("error").EnumerateArray());
        var outputs = manifest.GetProperty("output").EnumerateArray().ToList();
        // 3 responses in one file of 4; 6 reports in files of 4 and 2.
        Assert.Equal(["QuestionnaireResponse", "MeasureReport", "MeasureReport"], outputs.Select(o => o.GetProperty("type").GetString()));
        Assert.Equal([3, 4, 2], outputs.Select(o => o.GetProperty("count").GetInt32()));
        var exported = new List<Resource>();
        foreach (var output in outputs)
        {
            var lines = await ReadFileAsync(analyst, output.GetProperty("url").GetString()!);
            Assert.Equal(output.GetProperty("count").GetInt32(), lines.Count);
            Assert.All(lines, r => Assert.Equal(output.GetProperty("type").GetString(), r.TypeName));
            exported.AddRange(lines);
        }
        var searched = (await analyst.SearchAllAsync<QuestionnaireResponse>("/fhir/QuestionnaireResponse")).Resources.Cast<Resource>()
            .Concat((await analyst.SearchAllAsync<MeasureReport>("/fhir/MeasureReport")).Resources).ToList();
        Assert.Equal(searched.Count, exported.Count);
        Assert.All(searched.Zip(exported), pair => Assert.True(pair.First.IsExactly(pair.Second), $"{pair.First.TypeName}/{pair.First.Id} differs from its export"));
    }

    [Fact]
    public async Task Since_exports_only_what_changed_after_an_earlier_exports_transaction_time()
    {
        var (units, analyst) = await NetworkWithScoresAsync(units: 2);
        var first = await ExportAsync(analyst, "_type=QuestionnaireResponse");
        var transactionTime = first.GetProperty("transactionTime").GetString()!;
        Assert.Equal(2, Lines(first).Sum(o => o.GetProperty("count").GetInt32()));

        await ReadAsync<ImportReport>(await PostAsync("/api/v1/assessments/import",
            new ImportDocument([.. Enumerable.Range(1, 10).Select(s => new ImportRow(units[0].Code, "INV", "2026-04", $"INV-{s:00}", 3))])));
        var next = await ExportAsync(analyst, $"_type=QuestionnaireResponse&_since={Uri.EscapeDataString(transactionTime)}");

        var changed = (await ReadFileAsync(analyst, Lines(next).Single().GetProperty("url").GetString()!)).Cast<QuestionnaireResponse>().ToList();
        Assert.Equal("2026-04", Assert.Single(changed).Authored);
        Assert.True(DateTimeOffset.Parse(next.GetProperty("transactionTime").GetString()!) > DateTimeOffset.Parse(transactionTime));
    }

    [Fact]
    public async Task A_system_export_holds_every_type_the_caller_may_read_and_commissioners_none_at_unit_level()
    {
        var (units, analyst) = await NetworkWithScoresAsync(units: 1);
        var commissioner = await KeyAsync(Role.Commissioner, units[0].Network.Id);

        var all = await ExportAsync(analyst, "_since=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O")));
        var forCommissioner = await ExportAsync(commissioner, "");

        Assert.Superset(new HashSet<string?> { "Organization", "QuestionnaireResponse", "MeasureReport" },
            Lines(all).Select(o => o.GetProperty("type").GetString()).ToHashSet());
        Assert.DoesNotContain(Lines(forCommissioner), o => o.GetProperty("type").GetString() is "QuestionnaireResponse" or "MeasureReport");
        Assert.Contains(Lines(forCommissioner), o => o.GetProperty("type").GetString() == "Organization");
        var refused = await commissioner.SendAsync(KickOff("_type=Organization,QuestionnaireResponse"));
        Assert.Contains("QuestionnaireResponse", await refused.ReadOutcomeAsync(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden));
    }

    [Fact]
    public async Task An_export_is_its_callers_alone_and_deleting_it_removes_its_status_and_files()
    {
        var (_, analyst) = await NetworkWithScoresAsync(units: 1);
        var (_, otherAnalyst) = await NetworkWithScoresAsync(units: 1);
        var status = await KickOffAsync(analyst, "_type=QuestionnaireResponse");
        var manifest = await PollAsync(analyst, status);
        var file = Lines(manifest).Single().GetProperty("url").GetString()!;

        await (await otherAnalyst.GetAsync(status)).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await (await otherAnalyst.GetAsync(file)).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await (await otherAnalyst.DeleteAsync(status)).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        Assert.Single(await ReadFileAsync(analyst, file));

        Assert.Equal(HttpStatusCode.Accepted, (await analyst.DeleteAsync(status)).StatusCode);
        await (await analyst.GetAsync(status)).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await (await analyst.GetAsync(file)).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        var audit = await ReadAsync<JsonElement>(await Client.GetAsync($"/api/v1/audit-events?entityType=fhir-export&entityId={status[(status.LastIndexOf('/') + 1)..]}"));
        Assert.Equal(["fhir-export.requested", "fhir-export.deleted"],
            audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task A_kick_off_without_prefer_respond_async_or_with_what_seQuIn_cannot_do_is_refused_naming_it()
    {
        var (_, analyst) = await NetworkWithScoresAsync(units: 1);
        var withoutPrefer = new HttpRequestMessage(HttpMethod.Get, "/fhir/$export");
        Assert.Contains("respond-async", await (await analyst.SendAsync(withoutPrefer)).ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
        foreach (var (query, named) in new[]
                 {
                     ("_outputFormat=application/fhir%2Bjson", "_outputFormat"), ("_type=Patient", "_type"), ("_type=Organization,", "_type"),
                     ("_since=2026-11-01", "_since"), ("_since=yesterday", "_since"), ("_typeFilter=QuestionnaireResponse%3Fstatus%3Dcompleted", "_typeFilter"),
                     ("_elements=id", "_elements"), ("_type=Organization&_type=Measure", "_type"),
                 })
        {
            var refused = await analyst.SendAsync(KickOff(query));
            Assert.Contains(named, await refused.ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
        }
        var file = await analyst.GetAsync($"/fhir/$export-file/{Guid.NewGuid()}/1");
        await file.ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        var padded = await analyst.SendAsync(KickOff("_outputFormat=" + Uri.EscapeDataString("ndjson" + new string(' ', 200))));
        Assert.Contains("_outputFormat", await padded.ReadOutcomeAsync(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid));
    }

    [Fact]
    public async Task A_kick_off_url_of_any_length_the_facade_accepts_is_kept_whole_in_the_manifest()
    {
        var (_, analyst) = await NetworkWithScoresAsync(units: 1);
        var format = "json;" + new string('x', 6000);

        var manifest = await ExportAsync(analyst, $"_type=Measure&_format={format}");

        Assert.EndsWith($"/fhir/$export?_type=Measure&_format={format}", manifest.GetProperty("request").GetString());
    }

    [Fact]
    public async Task A_caller_may_have_only_so_many_exports_alive_and_deleting_one_makes_room()
    {
        var (_, analyst) = await NetworkWithScoresAsync(units: 1);
        var statuses = new List<string>();
        for (var i = 0; i < new FhirExportOptions().MaxJobsPerCaller; i++)
        {
            statuses.Add(await KickOffAsync(analyst, "_type=Measure"));
        }

        var refused = await analyst.SendAsync(KickOff("_type=Measure"));
        await refused.ReadOutcomeAsync(HttpStatusCode.TooManyRequests, OperationOutcome.IssueType.Throttled);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.Accepted, (await analyst.DeleteAsync(statuses[0])).StatusCode);
        await KickOffAsync(analyst, "_type=Measure");
    }

    [Fact]
    public void Months_closing_in_a_window_are_those_whose_eleventh_day_after_falls_in_it()
    {
        static DateTimeOffset At(string at) => DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture);
        // March closes on 11 April, April on 11 May.
        Assert.Equal((new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 1)), FhirMeasureReports.MonthsClosingIn(At("2026-04-10T23:00:00Z"), At("2026-05-11T00:00:00Z")));
        Assert.Equal((new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 1)), FhirMeasureReports.MonthsClosingIn(At("2026-04-11T00:00:00Z"), At("2026-05-20T00:00:00Z")));
        var (first, last) = FhirMeasureReports.MonthsClosingIn(At("2026-04-12T00:00:00Z"), At("2026-05-10T00:00:00Z"));
        Assert.True(first > last, "no month closes between 12 April and 10 May");
        Assert.Equal(new DateOnly(1900, 1, 1), FhirMeasureReports.MonthsClosingIn(DateTimeOffset.MinValue, At("2026-05-10T00:00:00Z")).First.AddMonths(2));
    }

    [Fact]
    public async Task A_plan_cuts_files_at_every_file_size_th_key_in_one_pass_and_ends_with_the_rest()
    {
        var keys = Enumerable.Range(1, 10).Select(i => $"k{i:00}").ToList();

        var files = await FhirExportPlan.CutAsync("Organization", new KeysOnly(keys), 4, CancellationToken.None);

        Assert.Equal([(null, "k04", 4), ("k04", "k08", 4), ("k08", null, 2)], files.Select(f => (f.After, f.UpTo, f.Count)));
        Assert.Empty(await FhirExportPlan.CutAsync("Organization", new KeysOnly([]), 4, CancellationToken.None));
        Assert.Equal([(null, "k04", 4)], (await FhirExportPlan.CutAsync("Organization", new KeysOnly(keys[..4]), 4, CancellationToken.None)).Select(f => (f.After, f.UpTo, f.Count)));
    }

    // ---- Helpers -------------------------------------------------------------------------------------------------

    /// <summary>Keys in order and nothing else: the plan only reads keys.</summary>
    private sealed class KeysOnly(IReadOnlyList<string> keys) : IFhirMatches
    {
        public Task<int> CountAsync(CancellationToken ct) => throw new NotSupportedException();

        public async IAsyncEnumerable<string> KeysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            foreach (var key in keys)
            {
                await Task.Yield();
                yield return key;
            }
        }

        public Task<FhirMatchesPage> ReadAsync(string? after, string? upTo, int take, CancellationToken ct) => throw new NotSupportedException();
    }

    /// <summary>A network whose units each have an imported INV submission for <see cref="Month"/>, and its analyst.</summary>
    private async Task<(UnitResponse[] Units, HttpClient Analyst)> NetworkWithScoresAsync(int units)
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Export network")));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var made = new List<UnitResponse>();
        for (var i = 0; i < units; i++)
        {
            made.Add(await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), $"Unit {i}", SecurityLevel.Low, provider.Id, network.Id))));
        }
        var rows = made.SelectMany((u, i) => Enumerable.Range(1, 10).Select(s => new ImportRow(u.Code, "INV", Month, $"INV-{s:00}", i % 4 + 1))).ToList();
        await ReadAsync<ImportReport>(await PostAsync("/api/v1/assessments/import", new ImportDocument(rows)));
        return (made.ToArray(), await KeyAsync(Role.Analyst, network.Id));
    }

    private async Task<HttpClient> KeyAsync(Role role, Guid network) =>
        Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys",
            new CreateApiKeyRequest("Export test", role, new ScopeInput(ScopeKind.Network, network))))).Token);

    private static HttpRequestMessage KickOff(string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/$export" + (query.Length > 0 ? "?" + query : ""));
        request.Headers.Add("Prefer", "respond-async");
        request.Headers.Add("Accept", "application/fhir+json");
        return request;
    }

    /// <summary>Kicks an export off and returns its status URL.</summary>
    private static async Task<string> KickOffAsync(HttpClient client, string query)
    {
        var response = await client.SendAsync(KickOff(query));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Kick-off answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var location = response.Content.Headers.ContentLocation ?? throw new Xunit.Sdk.XunitException("No Content-Location.");
        Assert.Matches("/fhir/\\$export-status/[0-9a-f-]{36}$", location.ToString());
        return location.ToString();
    }

    /// <summary>Polls a status URL until the export is complete (202s carry X-Progress and Retry-After) and returns the manifest.</summary>
    private static async Task<JsonElement> PollAsync(HttpClient client, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await client.GetAsync(status);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Content.Headers.Expires);
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Status answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.True(response.Headers.Contains("X-Progress"));
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(DateTime.UtcNow < deadline, "The export was not planned within a minute.");
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> ExportAsync(HttpClient client, string query) => await PollAsync(client, await KickOffAsync(client, query));

    private static List<JsonElement> Lines(JsonElement manifest) => manifest.GetProperty("output").EnumerateArray().ToList();

    /// <summary>A file's lines, each parsed strictly and validated against base R4.</summary>
    private static async Task<List<Resource>> ReadFileAsync(HttpClient client, string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Accept", FhirExports.NdjsonMediaType);
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"File answered {(int)response.StatusCode}: {body}");
        Assert.Equal(FhirExports.NdjsonMediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.Length == 0 || body.EndsWith('\n'), "Every line of NDJSON ends in a newline.");
        var parser = new FhirJsonDeserializer();
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var resource = parser.DeserializeResource(line);
            FhirValidation.AssertValid(resource);
            return resource;
        }).ToList();
    }
}
