using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SeQuIn.Benchmarks;

/// <summary>
/// `run.sh fhir`: the FHIR facade's reads and searches (issue #15) beside the REST calls that answer the same question,
/// at national scale (the harness's 300 units × 120 months), over HTTP with one client. Each pair is warmed up, then
/// sampled alternately — FHIR, REST, FHIR, REST … — so that drift on the machine falls on both alike; the ratio is the
/// FHIR median over the REST median (1.00 = the facade costs nothing more). Writes results/fhir.md and fhir.json.
/// </summary>
public static class FhirMeasure
{
    /// <param name="Check">Why a FHIR answer is not what the pair is about, or null when it is.</param>
    /// <param name="RestFollowUps">Further REST GETs, one after the other, that a REST client needs for the same answer
    /// (the details behind a list); their time and bytes count on the REST side.</param>
    public sealed record Pair(string Name, string Title, string FhirPath, string RestPath, Func<JsonElement, string?> Check,
        IReadOnlyList<string>? RestFollowUps = null);

    public sealed record PairResult(string Name, string Title, string FhirPath, string RestPath, long FhirBytes, long RestBytes,
        LatencyStats Fhir, LatencyStats Rest, double Ratio);

    /// <summary>The bulk export beside the REST ratings export: planning a national export, then reading one file of
    /// <paramref name="FileResources"/> QuestionnaireResponses against reading the ratings of as many assessments
    /// (ten standards each) as JSON pages of the REST export.</summary>
    public sealed record BulkResult(int Samples, double PlanSeconds, int PlannedFiles, int FileResources, long FileBytes, LatencyStats File,
        long RestBytes, LatencyStats Rest, double Ratio);

    public sealed record Results(string Commit, DateTimeOffset MeasuredAt, int Samples, string Machine, List<PairResult> Pairs,
        BulkResult? Bulk = null);

    private const int WarmUpRequests = 200;

    public static async Task<Results> RunAsync(Arguments options)
    {
        var url = options.Required("url").TrimEnd('/');
        var samples = int.Parse(options.Optional("samples", "300"), CultureInfo.InvariantCulture);
        using var http = Measure.NewClient(options.Required("key"));
        await WaitForReadyAsync(http, url);

        // What the pairs are about, found through the REST API: the first medium unit of network 1, the data set's
        // latest month, and one of the unit's submitted assessments of that month.
        var load = JsonSerializer.Deserialize<LoadFigures>(await File.ReadAllTextAsync(options.Required("load")), Report.JsonOptions)
            ?? throw new InvalidOperationException("The load figures are empty.");
        var month = load.LastMonth;
        var unitCode = Dataset.UnitCode(1, 0);
        using var units = await GetJsonAsync(http, $"{url}/api/v1/units?code={unitCode}");
        var unit = units.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        using var latest = await GetJsonAsync(http, $"{url}/api/v1/assessments?unitId={unit}&status=submitted&from={month}&to={month}&limit=1");
        var assessmentId = latest.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        using var latestMonth = await GetJsonAsync(http, $"{url}/api/v1/assessments?unitId={unit}&from={month}&to={month}&limit=50");
        using var questionnaires = await GetJsonAsync(http, $"{url}/fhir/Questionnaire?status=active");
        var questionnaire = questionnaires.RootElement.GetProperty("entry")[0].GetProperty("resource").GetProperty("id").GetString()!;
        Progress.Say($"FHIR pairs about unit {unitCode} ({unit}), month {month}, assessment {assessmentId}, Questionnaire/{questionnaire}");

        Pair[] pairs =
        [
            new("questionnaire-read", "The active framework: Questionnaire read / GET /frameworks/active",
                $"/fhir/Questionnaire/{questionnaire}", "/api/v1/frameworks/active", Is("Questionnaire")),
            new("organization-read", "One unit: Organization read / GET /units/{id}",
                $"/fhir/Organization/{unit}", $"/api/v1/units/{unit}", Is("Organization")),
            new("organization-search", "50 units: Organization search (type=unit, _count=50) / GET /units?limit=50",
                "/fhir/Organization?type=unit&_count=50", "/api/v1/units?limit=50", Bundle(50)),
            new("response-read", "One submitted assessment: QuestionnaireResponse read / GET /assessments/{id}",
                $"/fhir/QuestionnaireResponse/{assessmentId}", $"/api/v1/assessments/{assessmentId}", Is("QuestionnaireResponse")),
            new("response-search", "A unit's month, 12 areas: QuestionnaireResponse search (subject, authored) / GET /assessments?unitId&from&to",
                $"/fhir/QuestionnaireResponse?subject=Organization/{unit}&authored={month}&_count=50",
                $"/api/v1/assessments?unitId={unit}&from={month}&to={month}&limit=50", Bundle(12)),
            new("response-search-full", "A unit's month in full: QuestionnaireResponse search / GET /assessments?unitId&from&to, then GET /assessments/{id} for each",
                $"/fhir/QuestionnaireResponse?subject=Organization/{unit}&authored={month}&_count=50",
                $"/api/v1/assessments?unitId={unit}&from={month}&to={month}&limit=50", Bundle(12),
                [.. latestMonth.RootElement.GetProperty("items").EnumerateArray().Select(a => $"/api/v1/assessments/{a.GetProperty("id").GetString()}")]),
            new("measure-report-search", "A unit's month benchmarked (group=network): MeasureReport search (subject, period) / GET /benchmarks/units/{id}",
                $"/fhir/MeasureReport?subject=Organization/{unit}&period={month}&_count=50",
                $"/api/v1/benchmarks/units/{unit}?month={month}&group=network", Bundle(1)),
        ];
        var results = new List<PairResult>();
        foreach (var pair in pairs)
        {
            results.Add(await MeasurePairAsync(http, url, pair, samples));
        }
        var bulk = await MeasureBulkAsync(http, url, int.Parse(options.Optional("bulk-samples", "5"), CultureInfo.InvariantCulture));
        var machine = $"{Environment.ProcessorCount} cores, .NET {Environment.Version}";
        return new Results(options.Optional("commit", "unknown"), DateTimeOffset.UtcNow, samples, machine, results, bulk);
    }

    private static Func<JsonElement, string?> Is(string resourceType) => body =>
        body.TryGetProperty("resourceType", out var type) && type.GetString() == resourceType ? null : $"expected a {resourceType}";

    private static Func<JsonElement, string?> Bundle(int atLeast) => body =>
        body.TryGetProperty("resourceType", out var type) && type.GetString() == "Bundle"
        && body.TryGetProperty("entry", out var entries) && entries.GetArrayLength() >= atLeast
            ? null : $"expected a Bundle of at least {atLeast} entries";

    private static async Task<PairResult> MeasurePairAsync(HttpClient http, string url, Pair pair, int samples)
    {
        Progress.Say($"{pair.Name}: {pair.Title}");
        var (fhirBody, fhirBytes) = await GetAsync(http, url + pair.FhirPath);
        using (var document = JsonDocument.Parse(fhirBody))
        {
            if (pair.Check(document.RootElement) is { } problem)
            {
                throw new InvalidOperationException($"{pair.FhirPath} did not answer as expected ({problem}): {fhirBody[..Math.Min(fhirBody.Length, 500)]}");
            }
        }
        var restBytes = 0L;
        foreach (var path in RestPaths(pair))
        {
            restBytes += (await GetAsync(http, url + path)).Bytes;
        }
        // Warm-up: at least 200 requests of each and 3 seconds, so that tiered compilation has settled.
        var warmUp = Stopwatch.StartNew();
        for (var i = 0; i < WarmUpRequests || warmUp.Elapsed < TimeSpan.FromSeconds(3); i++)
        {
            await GetAsync(http, url + pair.FhirPath);
            await TimeAllAsync(http, url, RestPaths(pair));
        }
        var fhir = new List<double>(samples);
        var rest = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            fhir.Add(await TimeAsync(http, url + pair.FhirPath));
            rest.Add(await TimeAllAsync(http, url, RestPaths(pair)));
        }
        var (fhirStats, restStats) = (LatencyStats.Of(fhir), LatencyStats.Of(rest));
        var ratio = fhirStats.MedianMs / restStats.MedianMs;
        Progress.Say($"  FHIR median {fhirStats.MedianMs:F2} ms (p90 {fhirStats.P90Ms:F2}), REST median {restStats.MedianMs:F2} ms (p90 {restStats.P90Ms:F2}): ratio {ratio:F2}");
        return new PairResult(pair.Name, pair.Title, pair.FhirPath, pair.RestPath, fhirBytes, restBytes, fhirStats, restStats, ratio);
    }

    private static IReadOnlyList<string> RestPaths(Pair pair) => [pair.RestPath, .. pair.RestFollowUps ?? []];

    private static async Task<double> TimeAllAsync(HttpClient http, string url, IReadOnlyList<string> paths)
    {
        var clock = Stopwatch.StartNew();
        foreach (var path in paths)
        {
            await GetAsync(http, url + path);
        }
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// A national export of QuestionnaireResponses (every assessment of the data set, 10,000 a file): the seconds from
    /// kick-off to the manifest, then file 1 read <paramref name="samples"/> times beside the same number of assessments'
    /// ratings read as REST export JSON pages (10,000 rows a page, ten rows an assessment), alternately.
    /// </summary>
    private static async Task<BulkResult> MeasureBulkAsync(HttpClient http, string url, int samples)
    {
        Progress.Say("bulk: planning a national QuestionnaireResponse export");
        var planned = Stopwatch.StartNew();
        using var kickOff = new HttpRequestMessage(HttpMethod.Get, $"{url}/fhir/$export?_type=QuestionnaireResponse");
        kickOff.Headers.Add("Prefer", "respond-async");
        using var accepted = await http.SendAsync(kickOff);
        var status = accepted.Content.Headers.ContentLocation?.ToString()
            ?? throw new InvalidOperationException($"$export answered {(int)accepted.StatusCode} without Content-Location.");
        JsonDocument manifest;
        while (true)
        {
            using var polled = await http.GetAsync(status);
            if (polled.StatusCode == System.Net.HttpStatusCode.OK)
            {
                manifest = JsonDocument.Parse(await polled.Content.ReadAsStringAsync());
                break;
            }
            if (polled.StatusCode != System.Net.HttpStatusCode.Accepted || planned.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new InvalidOperationException($"The export's status answered {(int)polled.StatusCode} after {planned.Elapsed}.");
            }
            await Task.Delay(100);
        }
        var planSeconds = planned.Elapsed.TotalSeconds;
        using (manifest)
        {
            var outputs = manifest.RootElement.GetProperty("output");
            var file = outputs[0];
            var (fileUrl, fileResources) = (file.GetProperty("url").GetString()!, file.GetProperty("count").GetInt32());
            Progress.Say($"  planned {outputs.GetArrayLength()} files in {planSeconds:F1} s; file 1 holds {fileResources} resources");
            var restPages = Enumerable.Range(0, (fileResources * 10 + 9_999) / 10_000).ToList();
            async Task<(double Ms, long Bytes)> ReadRestAsync()
            {
                var clock = Stopwatch.StartNew();
                var (bytes, cursor) = (0L, (string?)null);
                foreach (var _ in restPages)
                {
                    var (body, size) = await GetAsync(http, $"{url}/api/v1/exports/ratings?limit=10000" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
                    bytes += size;
                    using var page = JsonDocument.Parse(body);
                    cursor = page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                }
                return (clock.Elapsed.TotalMilliseconds, bytes);
            }
            var (fileTimes, restTimes) = (new List<double>(samples), new List<double>(samples));
            var (fileBytes, restBytes) = (0L, 0L);
            for (var i = 0; i <= samples; i++)
            {
                var clock = Stopwatch.StartNew();
                var (_, size) = await GetAsync(http, fileUrl);
                var fileMs = clock.Elapsed.TotalMilliseconds;
                var (restMs, restSize) = await ReadRestAsync();
                if (i == 0)
                {
                    continue; // warm-up
                }
                (fileBytes, restBytes) = (size, restSize);
                fileTimes.Add(fileMs);
                restTimes.Add(restMs);
            }
            using var deleting = new HttpRequestMessage(HttpMethod.Delete, status);
            await http.SendAsync(deleting);
            var (fileStats, restStats) = (LatencyStats.Of(fileTimes), LatencyStats.Of(restTimes));
            Progress.Say($"  file median {fileStats.MedianMs:F0} ms ({fileBytes:N0} bytes), REST export median {restStats.MedianMs:F0} ms ({restBytes:N0} bytes)");
            return new BulkResult(samples, planSeconds, outputs.GetArrayLength(), fileResources, fileBytes, fileStats, restBytes, restStats,
                fileStats.MedianMs / restStats.MedianMs);
        }
    }

    private static async Task<double> TimeAsync(HttpClient http, string url)
    {
        var clock = Stopwatch.StartNew();
        await GetAsync(http, url);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<(string Body, long Bytes)> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        }
        return (body, Encoding.UTF8.GetByteCount(body));
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string url) => JsonDocument.Parse((await GetAsync(http, url)).Body);

    private static async Task WaitForReadyAsync(HttpClient http, string url)
    {
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            try
            {
                using var ready = await http.GetAsync(url + "/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(90))
            {
            }
        }
    }

    public static async Task WriteAsync(string directory, Results results)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "fhir.json"), JsonSerializer.Serialize(results, Report.JsonOptions));
        var md = new StringBuilder();
        md.AppendLine("# SeQuIn performance harness: the FHIR facade beside the REST API");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {results.MeasuredAt:yyyy-MM-dd HH:mm} UTC on commit `{results.Commit}` ({results.Machine}), over the harness's national data set " +
            $"({Dataset.Networks * Dataset.UnitsPerNetwork} units × {Dataset.Months} months). `tests/SeQuIn.Benchmarks/run.sh fhir` reproduces it.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Each pair asks the same question of both APIs with the same key (a national network admin): warmed up, then {results.Samples} requests of each, alternately, with one client. Ratio = FHIR median ÷ REST median.");
        md.AppendLine();
        md.AppendLine("| Pair | FHIR median (p90) | REST median (p90) | Ratio | FHIR bytes | REST bytes |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var p in results.Pairs)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Title}<br><sub>`{p.FhirPath}` / `{p.RestPath}`</sub> | {p.Fhir.MedianMs:F2} ms ({p.Fhir.P90Ms:F2}) | {p.Rest.MedianMs:F2} ms ({p.Rest.P90Ms:F2}) | {p.Ratio:F2}× | {p.FhirBytes:N0} | {p.RestBytes:N0} |");
        }
        if (results.Bulk is { } bulk)
        {
            md.AppendLine();
            md.AppendLine("## Bulk export");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"A national `$export?_type=QuestionnaireResponse` was planned in {bulk.PlanSeconds:F1} s (kick-off to manifest, {bulk.PlannedFiles} files; the worker waits SeQuIn:Fhir:Export:Settle, 5 s by default, before it plans). " +
                $"File 1 ({bulk.FileResources:N0} QuestionnaireResponses) read {bulk.Samples} times beside the ratings of as many assessments from `GET /api/v1/exports/ratings?limit=10000` (JSON pages of 10,000 rows), alternately:");
            md.AppendLine();
            md.AppendLine("| | FHIR NDJSON file | REST export pages | Ratio |");
            md.AppendLine("|---|---:|---:|---:|");
            md.AppendLine(CultureInfo.InvariantCulture, $"| Median (p90) | {bulk.File.MedianMs:F0} ms ({bulk.File.P90Ms:F0}) | {bulk.Rest.MedianMs:F0} ms ({bulk.Rest.P90Ms:F0}) | {bulk.Ratio:F2}× |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| Bytes | {bulk.FileBytes:N0} | {bulk.RestBytes:N0} | {(double)bulk.FileBytes / bulk.RestBytes:F2}× |");
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "fhir.md"), md.ToString());
    }
}
