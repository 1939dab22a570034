using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using nietras.SeparatedValues;
using SeQuIn.Api.Access;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Analysts;

/// <summary>
/// What analysts' tools read: times in one form in JSON and CSV, exports compressed when asked (and only where no
/// secret can leak through the size), and the benchmark, trend and heat-map tables as CSV by content negotiation.
/// </summary>
public sealed class AnalystFormatsTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static readonly Regex UtcMilliseconds = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", RegexOptions.NonBacktracking);

    private async Task<(AnalystWorld World, HttpClient Admin, HttpClient Analyst)> WorldAsync(int units = 2, params string[] months)
    {
        var world = await AnalystWorld.CreateAsync(Client, units);
        var admin = Fixture.App.CreateClient(world.AdminToken);
        foreach (var month in months)
        {
            await world.ImportAsync(admin, month);
        }
        return (world, admin, Fixture.App.CreateClient(world.AnalystToken));
    }

    private static async Task<string> TextAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return text;
    }

    private static HttpRequestMessage Get(string url, string? accept = null, string? acceptEncoding = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        return request;
    }

    // ---- One form of time ---------------------------------------------------------------------------------------

    [Fact]
    public async Task A_json_answer_writes_every_time_in_utc_with_three_fractional_digits_and_a_z()
    {
        var created = JsonNode.Parse(await TextAsync(await PostAsync("/api/v1/networks",
            new SeQuIn.Api.Organisations.CreateNetworkRequest(UniqueCode("N"), "Times"))))!;

        Assert.Matches(UtcMilliseconds, created["createdAt"]!.GetValue<string>());
        Assert.Matches(UtcMilliseconds, created["updatedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_csv_export_writes_submission_times_exactly_as_the_json_export_does()
    {
        var (world, _, analyst) = await WorldAsync(2, "2025-11");

        var json = JsonNode.Parse(await TextAsync(await analyst.GetAsync("/api/v1/exports/ratings?limit=10000")))!["items"]!.AsArray();
        var csv = await TextAsync(await analyst.GetAsync("/api/v1/exports/ratings.csv"));

        var jsonTimes = json.Select(r => (r!["unit"]!.GetValue<string>(), r["standard"]!.GetValue<string>(), r["submittedAt"]!.GetValue<string>())).ToHashSet();
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromText(csv);
        var csvTimes = reader.Enumerate(row => (row["unit"].ToString(), row["standard"].ToString(), row["submittedAt"].ToString())).ToHashSet();
        Assert.Equal(20, jsonTimes.Count);
        Assert.Equal(jsonTimes, csvTimes);
        Assert.All(csvTimes, t => Assert.Matches(UtcMilliseconds, t.Item3));
        Assert.All(world.Units, u => Assert.Contains(csvTimes, t => t.Item1 == u.Code));
    }

    [Fact]
    public async Task A_time_sent_with_an_offset_is_still_read()
    {
        var (_, _, analyst) = await WorldAsync(1, "2025-11");
        var all = await TextAsync(await analyst.GetAsync("/api/v1/exports/ratings.csv"));

        var sinceLongAgo = await TextAsync(await analyst.GetAsync("/api/v1/exports/ratings.csv?updatedSince=" + Uri.EscapeDataString("2000-01-01T05:30:00.1234567+05:30")));

        Assert.Equal(all, sinceLongAgo);
    }

    // ---- Compression ----------------------------------------------------------------------------------------------

    private static byte[] Decompress(byte[] body, string encoding)
    {
        using Stream decompressor = encoding == "br"
            ? new BrotliStream(new MemoryStream(body), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        decompressor.CopyTo(plain);
        return plain.ToArray();
    }

    [Theory]
    [InlineData("/api/v1/exports/ratings.csv", "gzip")]
    [InlineData("/api/v1/exports/ratings.csv", "br")]
    [InlineData("/api/v1/exports/ratings?limit=10000", "gzip")]
    [InlineData("/api/v1/exports/ratings?limit=10000", "br")]
    public async Task An_export_asked_for_compressed_comes_compressed_and_decompresses_to_the_plain_bytes(string url, string encoding)
    {
        var (_, _, analyst) = await WorldAsync(3, "2025-11", "2025-12");

        using var plain = await analyst.SendAsync(Get(url));
        using var compressed = await analyst.SendAsync(Get(url, acceptEncoding: encoding));
        var plainBytes = await plain.Content.ReadAsByteArrayAsync();
        var compressedBytes = await compressed.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal([encoding], compressed.Content.Headers.ContentEncoding);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        Assert.True(compressedBytes.Length < plainBytes.Length / 3, $"{compressedBytes.Length} compressed bytes of {plainBytes.Length}");
        Assert.Equal(plainBytes, Decompress(compressedBytes, encoding));
        Assert.StartsWith(url.Contains(".csv", StringComparison.Ordinal) ? "network," : "{", Encoding.UTF8.GetString(plainBytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_not_asked_for_compressed_or_asked_for_identity_comes_plain()
    {
        var (_, _, analyst) = await WorldAsync(1, "2025-11");

        foreach (var acceptEncoding in new string?[] { null, "identity", "gzip;q=0, br;q=0" })
        {
            using var response = await analyst.SendAsync(Get("/api/v1/exports/ratings.csv", acceptEncoding: acceptEncoding));
            var text = await TextAsync(response);

            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.StartsWith("network,collaborative,", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_answer_that_holds_a_secret_is_never_compressed()
    {
        // A new key's answer holds its secret beside the name the caller chose: compressed, its size could give the
        // secret away (BREACH), so only exports and benchmark tables are compressed.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/keys")
        {
            Content = JsonContent.Create(new CreateApiKeyRequest("A name the caller chose", Role.NetworkAdmin, new ScopeInput(ScopeKind.National)), options: JsonOptions),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("\"token\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // ---- CSV tables -----------------------------------------------------------------------------------------------

    /// <summary>The CSV table (asked with Accept: text/csv) as rows of named fields, after checking its header and media type.</summary>
    private static async Task<List<Dictionary<string, string>>> CsvTableAsync(HttpClient client, string url, string columns)
    {
        using var response = await client.SendAsync(Get(url, accept: "text/csv"));
        var text = await TextAsync(response);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.StartsWith(columns + "\n", text, StringComparison.Ordinal);
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromText(text);
        var names = columns.Split(',');
        var rows = new List<Dictionary<string, string>>();
        foreach (var row in reader)
        {
            var fields = new Dictionary<string, string>();
            foreach (var name in names)
            {
                fields[name] = row[name].ToString();
            }
            rows.Add(fields);
        }
        return rows;
    }

    private static string Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static void SameFigure(decimal? json, string csv) =>
        Assert.Equal(json, csv.Length == 0 ? null : decimal.Parse(csv, CultureInfo.InvariantCulture));

    private static void SameGroup(GroupFigures group, Dictionary<string, string> row)
    {
        Assert.Equal(group.Units.ToString(CultureInfo.InvariantCulture), row["groupUnits"]);
        SameFigure(group.Minimum, row["groupMinimum"]);
        SameFigure(group.LowerQuartile, row["groupLowerQuartile"]);
        SameFigure(group.Median, row["groupMedian"]);
        SameFigure(group.UpperQuartile, row["groupUpperQuartile"]);
        SameFigure(group.Maximum, row["groupMaximum"]);
        SameFigure(group.Mean, row["groupMean"]);
        Assert.Equal(group.Suppressed ?? "", row["suppressed"]);
    }

    [Theory]
    [InlineData(3, "network")]
    [InlineData(2, "network")]
    [InlineData(3, "collaborative")]
    public async Task A_units_benchmark_asked_as_csv_holds_one_row_per_area_with_the_json_figures_and_suppression(int units, string group)
    {
        var (world, _, analyst) = await WorldAsync(units, "2025-11", "2025-12");
        var url = $"/api/v1/benchmarks/units/{world.Units[0].Id}?month=2025-12&group={group}";

        var json = await ReadAsync<UnitBenchmark>(await analyst.GetAsync(url));
        var csv = await CsvTableAsync(analyst, url, BenchmarkCsv.UnitColumns);

        Assert.Equal(json.Areas.Select(a => a.Code), csv.Select(r => r["area"]));
        foreach (var (area, row) in json.Areas.Zip(csv))
        {
            Assert.Equal((json.UnitId.ToString(), json.UnitCode, "2025-12", group), (row["unitId"], row["unitCode"], row["month"], row["group"]));
            Assert.Equal(("mean", "false"), (row["figure"], row["confirmedOnly"]));
            SameFigure(area.Score, row["score"]);
            SameFigure(area.Percentage, row["percentage"]);
            SameFigure(area.Change, row["change"]);
            SameFigure(area.Percentile, row["percentile"]);
            Assert.Equal(area.Rank?.ToString(CultureInfo.InvariantCulture) ?? "", row["rank"]);
            SameGroup(area.Group, row);
        }
        var inv = csv.Single(r => r["area"] == "INV");
        if (units < 3 || group == "collaborative")
        {
            // Withheld exactly as in the JSON: empty figures, and why.
            Assert.NotEqual("", inv["suppressed"]);
            Assert.Equal("", inv["groupMedian"]);
        }
        else
        {
            Assert.Equal("", inv["suppressed"]);
            Assert.NotEqual("", inv["groupMedian"]);
        }
    }

    [Fact]
    public async Task An_areas_benchmark_asked_as_csv_holds_one_row_per_standard_with_the_json_figures()
    {
        var (world, _, analyst) = await WorldAsync(3, "2025-11", "2025-12");
        var url = $"/api/v1/benchmarks/units/{world.Units[1].Id}/areas/INV?month=2025-12";

        var json = await ReadAsync<AreaBenchmark>(await analyst.GetAsync(url));
        var csv = await CsvTableAsync(analyst, url, BenchmarkCsv.AreaColumns);

        Assert.Equal(json.Standards.Select(s => s.Code), csv.Select(r => r["standard"]));
        Assert.Equal(9, csv.Count(r => r["score"] != ""));
        foreach (var (standard, row) in json.Standards.Zip(csv))
        {
            Assert.Equal(("INV", "network", "false"), (row["area"], row["group"], row["confirmedOnly"]));
            SameFigure(standard.Score, row["score"]);
            SameFigure(standard.Change, row["change"]);
            SameGroup(standard.Group, row);
        }
    }

    [Fact]
    public async Task A_trend_asked_as_csv_holds_one_row_per_month_with_its_median_and_signals()
    {
        var (world, _, analyst) = await WorldAsync(3, "2025-10", "2025-12");
        var url = $"/api/v1/benchmarks/units/{world.Units[0].Id}/areas/INV/trend?from=2025-10&to=2025-12";

        var json = await ReadAsync<Trend>(await analyst.GetAsync(url));
        var csv = await CsvTableAsync(analyst, url, BenchmarkCsv.TrendColumns);

        Assert.Equal(["2025-10", "2025-11", "2025-12"], csv.Select(r => r["month"]));
        Assert.Equal("", csv[1]["score"]); // A month without a submission is a gap.
        foreach (var (point, row) in json.Points.Zip(csv))
        {
            SameFigure(point.Score, row["score"]);
            SameFigure(point.GroupMedian, row["groupMedian"]);
            Assert.Equal(("mean", "false"), (row["figure"], row["confirmedOnly"]));
            Assert.Equal(string.Join(';', point.Signals.Select(s => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(s.ToString()))), row["signals"]);
            Assert.Equal((Text(json.Centre), Text(json.UpperProcessLimit), Text(json.LowerProcessLimit)),
                (row["centre"], row["upperProcessLimit"], row["lowerProcessLimit"]));
        }
    }

    [Fact]
    public async Task A_heatmap_asked_as_csv_holds_one_row_per_unit_and_area_and_names_no_unit_the_json_does_not()
    {
        var (world, _, analyst) = await WorldAsync(3, "2025-12");
        var url = $"/api/v1/networks/{world.Network.Id}/insight/heatmap?month=2025-12";

        var json = await ReadAsync<Heatmap>(await analyst.GetAsync(url));
        var csv = await CsvTableAsync(analyst, url, BenchmarkCsv.HeatmapColumns);

        Assert.Equal(json.Units.Count * json.AreaCodes.Count, csv.Count);
        foreach (var (unit, index) in json.Units.Select((u, i) => (u, i + 1)))
        {
            var rows = csv.Where(r => r["row"] == index.ToString(CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(json.AreaCodes, rows.Select(r => r["area"]));
            Assert.All(rows, r => Assert.Equal((unit.UnitId?.ToString() ?? "", unit.UnitCode ?? "", unit.UnitName ?? ""), (r["unitId"], r["unitCode"], r["unitName"])));
            foreach (var row in rows)
            {
                SameFigure(unit.Areas[row["area"]], row["percentage"]);
            }
        }
        Assert.All(csv, r => Assert.Equal(("mean", "false"), (r["figure"], r["confirmedOnly"])));
        var agreed = await CsvTableAsync(analyst, url + "&figure=agreed&confirmedOnly=true", BenchmarkCsv.HeatmapColumns);
        Assert.All(agreed, r => Assert.Equal(("agreed", "true"), (r["figure"], r["confirmedOnly"])));
        // The network does not allow named comparisons and the analyst owns no unit: no row names one.
        Assert.All(csv, r => Assert.Equal("", r["unitCode"]));
        Assert.Contains(csv, r => r["area"] == "INV" && r["percentage"] != "");
    }

    [Theory]
    [InlineData(null, "application/json")]
    [InlineData("*/*", "application/json")]
    [InlineData("application/json, text/csv", "application/json")]
    [InlineData("text/csv;q=0.5, application/json", "application/json")]
    [InlineData("application/json;q=0.5, text/csv", "text/csv")]
    [InlineData("text/*", "text/csv")]
    public async Task Json_stays_the_default_and_csv_is_sent_only_when_preferred(string? accept, string mediaType)
    {
        var (world, _, analyst) = await WorldAsync(1, "2025-12");

        using var response = await analyst.SendAsync(Get($"/api/v1/benchmarks/units/{world.Units[0].Id}?month=2025-12", accept: accept));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_benchmark_asked_as_csv_of_a_unit_the_caller_cannot_see_is_the_same_problem_as_in_json()
    {
        var (world, _, _) = await WorldAsync(1, "2025-12");
        var stranger = Fixture.App.CreateClient((await AnalystWorld.CreateAsync(Client, 1)).AnalystToken);

        using var response = await stranger.SendAsync(Get($"/api/v1/benchmarks/units/{world.Units[0].Id}?month=2025-12", accept: "text/csv"));

        await ReadProblemAsync(response, HttpStatusCode.NotFound);
    }
}
