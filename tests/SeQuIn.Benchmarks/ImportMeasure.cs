using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Benchmarks;

/// <summary>
/// `run.sh import`: the history import users take (POST /api/v1/assessments/import), end to end over HTTP, for the
/// ten-year history of a 15-unit network (120 months × 15 units × 12 areas × 10 standards = 216,000 rows), against
/// a COPY of the same CSV into a bare table in the same run. Each run imports a new network (a history can be stored
/// once), so every run does the same work; the service's RSS is sampled every 20 ms throughout.
/// </summary>
public static class ImportMeasure
{
    private const int Units = 15;
    private const int MonthsBack = 120;
    private static readonly string[] Areas = ["INV", "RPW", "RCO", "RRP", "CPA", "FFC", "MDT", "DHW", "MAC", "SRA", "RAS", "TEC"];

    public sealed record Run(string Format, int Rows, long Bytes, double Seconds, double RowsPerSecond, double RssBeforeMb, double RssPeakMb,
        double RssGrowthMb, int Assessments, long StoredRatings, long SummaryRows);

    public sealed record Results(string Commit, DateTimeOffset MeasuredAt, int Rows, long CsvBytes, List<double> CopySeconds,
        double CopyRowsPerSecond, List<Run> Runs, double MedianRowsPerSecond, double Ratio, double MaxRssGrowthMb,
        List<double> FloorSeconds, double FloorRowsPerSecond, double FloorRatio);

    public static async Task<Results> RunAsync(Arguments options)
    {
        var connection = options.Required("connection");
        var url = options.Required("url");
        var pid = int.Parse(options.Required("pid"), CultureInfo.InvariantCulture);
        var runs = int.Parse(options.Optional("runs", "3"), CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Required("key"));
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(90))
            {
            }
        }

        var provider = await PostAsync<ProviderResponse>(http, "/api/v1/providers", new CreateProviderRequest("IMP-P", "Import provider", ProviderSector.Nhs));
        var networks = new List<(NetworkResponse Network, List<string> Units)>();
        for (var n = 0; n <= runs + 4; n++)
        {
            var network = await PostAsync<NetworkResponse>(http, "/api/v1/networks", new CreateNetworkRequest($"IMP-N{n}", $"Import network {n}"));
            var units = new List<string>();
            for (var u = 0; u < Units; u++)
            {
                units.Add((await PostAsync<UnitResponse>(http, "/api/v1/units",
                    new CreateUnitRequest($"IMP-{n}-{u:00}", $"Import unit {n}.{u}", SecurityLevel.Medium, provider.Id, network.Id))).Code);
            }
            networks.Add((network, units));
        }

        // The baseline: the same CSV (the first run's) copied into a bare table with no keys, three times.
        var sample = Csv(networks[1].Units);
        var copySeconds = new List<double>();
        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync();
            await ExecuteAsync(db, "CREATE TABLE import_baseline (unit_code text, area_code text, month text, standard_code text, value int, agreed_rating int)");
            for (var i = 0; i < 3; i++)
            {
                await ExecuteAsync(db, "TRUNCATE import_baseline");
                var clock = Stopwatch.StartNew();
                await using (var writer = await db.BeginTextImportAsync("COPY import_baseline FROM STDIN (FORMAT csv, HEADER true)"))
                {
                    await writer.WriteAsync(sample);
                }
                copySeconds.Add(clock.Elapsed.TotalSeconds);
            }
            await ExecuteAsync(db, "DROP TABLE import_baseline");
        }
        Progress.Say($"COPY of the CSV into a bare table: {string.Join(", ", copySeconds.Select(s => $"{s:0.000} s"))}");

        // A warm-up import (a dry run of the first network's history) so that JIT and pools are not in the figure.
        await ImportAsync(http, pid, connection, "csv-dry-run", Encoding.UTF8.GetBytes(Csv(networks[0].Units)), "text/csv", dryRun: true, networkId: null);
        await Task.Delay(1000);

        var results = new List<Run>();
        for (var r = 1; r <= runs; r++)
        {
            results.Add(await ImportAsync(http, pid, connection, "csv", Encoding.UTF8.GetBytes(Csv(networks[r].Units)), "text/csv", dryRun: false, networks[r].Network.Id));
            Progress.Say($"CSV import {r}: {results[^1].Seconds:0.000} s, {results[^1].RowsPerSecond:N0} rows/s, RSS +{results[^1].RssGrowthMb:0} MB");
        }
        results.Add(await ImportAsync(http, pid, connection, "json", Json(networks[runs + 1].Units), "application/json", dryRun: false, networks[runs + 1].Network.Id));
        Progress.Say($"JSON import: {results[^1].Seconds:0.000} s, {results[^1].RowsPerSecond:N0} rows/s, RSS +{results[^1].RssGrowthMb:0} MB");

        // The floor: the same stored result written by the database alone — the history, ids already resolved, binary
        // COPYed straight into assessments and ratings (every key, index and foreign key on), then the same set-wise
        // summary refresh, in one transaction. No parsing, no checks, no HTTP: what the schema itself costs.
        var floorSeconds = new List<double>();
        for (var f = 0; f < 3; f++)
        {
            floorSeconds.Add(await FloorAsync(connection, networks[runs + 2 + f].Network.Id));
        }
        Progress.Say($"The database alone (COPY into the real tables and the summary refresh): {string.Join(", ", floorSeconds.Select(x => $"{x:0.000} s"))}");

        var rows = Units * MonthsBack * Areas.Length * 10;
        var copyRate = rows / Median(copySeconds);
        var csvRuns = results.Where(x => x.Format == "csv").Select(x => x.RowsPerSecond).ToList();
        var median = Median(csvRuns);
        var floorRate = rows / Median(floorSeconds);
        return new Results(options.Optional("commit", "unknown"), DateTimeOffset.UtcNow, rows, Encoding.UTF8.GetByteCount(sample), copySeconds, copyRate,
            results, median, median / copyRate, results.Max(x => x.RssGrowthMb), floorSeconds, floorRate, median / floorRate);
    }

    private static async Task<double> FloorAsync(string connection, Guid networkId)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        var units = new List<Guid>();
        await using (var command = new NpgsqlCommand("SELECT id FROM units WHERE network_id = $1 ORDER BY code", db) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = networkId } } })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                units.Add(reader.GetGuid(0));
            }
        }
        var (versionId, identifier) = (Guid.Empty, "");
        var areas = new Dictionary<string, (Guid Id, Dictionary<string, Guid> Standards)>();
        await using (var command = new NpgsqlCommand(
            "SELECT v.id, v.identifier, a.id, a.code, s.id, s.code FROM framework_versions v JOIN areas a ON a.framework_version_id = v.id " +
            "JOIN standards s ON s.area_id = a.id WHERE v.status = 'Active'", db))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                (versionId, identifier) = (reader.GetGuid(0), reader.GetString(1));
                var area = reader.GetString(3);
                if (!areas.TryGetValue(area, out var entry))
                {
                    areas[area] = entry = (reader.GetGuid(2), []);
                }
                entry.Standards[reader.GetString(5)] = reader.GetGuid(4);
            }
        }
        var now = DateTimeOffset.UtcNow;
        var ids = new List<Guid>();
        var clock = Stopwatch.StartNew();
        await using var transaction = await db.BeginTransactionAsync();
        var last = Months.Current(TimeProvider.System).AddMonths(-1);
        await using (var copy = await db.BeginBinaryImportAsync(
            "COPY assessments (id, unit_id, network_id, framework_version_id, framework_identifier, area_id, area_code, month, status, agreed_rating, " +
            "imported, created_at, created_by, updated_at, submitted_at, submitted_by, sort_key, revision) FROM STDIN (FORMAT BINARY)"))
        {
            for (var back = 0; back < MonthsBack; back++)
            {
                var month = last.AddMonths(-back);
                for (var u = 0; u < units.Count; u++)
                {
                    foreach (var area in Areas)
                    {
                        var id = Guid.CreateVersion7();
                        ids.Add(id);
                        await copy.WriteRowAsync(default, id, units[u], networkId, versionId, identifier, areas[area].Id, area, month, "Submitted",
                            (u + back) % 5, true, now, "harness", now, now, "harness", Submission.SortKey(month, units[u], area), 1);
                    }
                }
            }
            await copy.CompleteAsync();
        }
        await using (var copy = await db.BeginBinaryImportAsync(
            "COPY ratings (assessment_id, standard_code, standard_id, value, not_applicable) FROM STDIN (FORMAT BINARY)"))
        {
            var i = 0;
            for (var back = 0; back < MonthsBack; back++)
            {
                for (var u = 0; u < units.Count; u++)
                {
                    foreach (var area in Areas)
                    {
                        var id = ids[i++];
                        for (var s = 1; s <= 10; s++)
                        {
                            var code = $"{area}-{s:00}";
                            await copy.WriteRowAsync(default, id, code, areas[area].Standards[code], (s + u + back) % 5, false);
                        }
                    }
                }
            }
            await copy.CompleteAsync();
        }
        await using (var refresh = new NpgsqlCommand("SELECT refresh_benchmark_summaries_of($1)", db, transaction) { Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] } } })
        {
            await refresh.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<Run> ImportAsync(HttpClient http, int pid, string connection, string format, byte[] body, string mediaType, bool dryRun, Guid? networkId)
    {
        var before = Measure.RssMb(pid);
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                peak = Math.Max(peak, Measure.RssMb(pid));
            }
        });
        var clock = Stopwatch.StartNew();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PostAsync(dryRun ? "/api/v1/assessments/import?dryRun=true" : "/api/v1/assessments/import", content);
        var answer = await response.Content.ReadAsStringAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        try
        {
            await sampler;
        }
        catch (OperationCanceledException)
        {
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The import answered {(int)response.StatusCode}: {answer[..Math.Min(answer.Length, 2000)]}");
        }
        var report = JsonSerializer.Deserialize<ImportReport>(answer, SeQuIn.Api.Common.Json.Options)!;
        long ratings = 0, summaries = 0;
        if (networkId is { } network)
        {
            await using var db = new NpgsqlConnection(connection);
            await db.OpenAsync();
            ratings = await ScalarAsync(db, "SELECT count(*) FROM ratings r JOIN assessments a ON a.id = r.assessment_id WHERE a.network_id = $1", network);
            summaries = await ScalarAsync(db, "SELECT count(*) FROM standard_results WHERE network_id = $1", network);
        }
        return new Run(format, report.Rows, body.Length, seconds, report.Rows / seconds, before, peak, peak - before, report.Assessments, ratings, summaries);
    }

    /// <summary>The network's ten years, oldest month last, in the long form the import takes.</summary>
    private static string Csv(List<string> units)
    {
        var csv = new StringBuilder("unitCode,areaCode,month,standardCode,value,agreedRating\n");
        foreach (var (unit, area, month, standard, value, agreed) in History(units))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{unit},{area},{month},{standard},{value},{agreed}\n");
        }
        return csv.ToString();
    }

    private static byte[] Json(List<string> units) =>
        JsonSerializer.SerializeToUtf8Bytes(new ImportDocument([.. History(units).Select(h => new ImportRow(h.Unit, h.Area, h.Month, h.Standard, h.Value, AgreedRating: h.Agreed))]),
            SeQuIn.Api.Common.Json.Options);

    private static IEnumerable<(string Unit, string Area, string Month, string Standard, int Value, int Agreed)> History(List<string> units)
    {
        var last = Months.Current(TimeProvider.System).AddMonths(-1);
        for (var back = 0; back < MonthsBack; back++)
        {
            var month = Months.Format(last.AddMonths(-back));
            for (var u = 0; u < units.Count; u++)
            {
                foreach (var area in Areas)
                {
                    for (var s = 1; s <= 10; s++)
                    {
                        yield return (units[u], area, month, $"{area}-{s:00}", (s + u + back) % 5, (u + back) % 5);
                    }
                }
            }
        }
    }

    private static async Task<T> PostAsync<T>(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsync(path, JsonContent.Create(body, body.GetType(), options: SeQuIn.Api.Common.Json.Options));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }
        return JsonSerializer.Deserialize<T>(text, SeQuIn.Api.Common.Json.Options)!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection db, string sql, Guid network)
    {
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = network } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static async Task WriteAsync(string directory, Results results)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "import.json"), JsonSerializer.Serialize(results, Report.JsonOptions));
        var md = new StringBuilder();
        md.AppendLine("# History import: end to end, against COPY");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Commit {results.Commit}, measured {results.MeasuredAt:yyyy-MM-dd HH:mm} UTC by `tests/SeQuIn.Benchmarks/run.sh import`.");
        md.AppendLine();
        md.AppendLine($"The ten-year history of a 15-unit network: {results.Rows:N0} rows ({results.CsvBytes / 1e6:0.0} MB of CSV), " +
            "POSTed to `/api/v1/assessments/import` over loopback and timed until the answer has been read. Each run imports a new network " +
            "into the same database, so every run does the same work. The baseline is a text COPY of the same CSV into a bare table " +
            "(no keys, no checks) in the same run. Memory is the service's VmRSS, sampled every 20 ms, peak minus the value before the request.");
        md.AppendLine();
        md.AppendLine("| Figure | Value | Target | |");
        md.AppendLine("|---|---:|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CSV import, median of {results.Runs.Count(r => r.Format == "csv")} runs | {results.MedianRowsPerSecond:N0} rows/s | ≥ 200,000 rows/s | {(results.MedianRowsPerSecond >= 200_000 ? "met" : "NOT MET")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| COPY of the same CSV into a bare table (median of 3) | {results.CopyRowsPerSecond:N0} rows/s | baseline | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Ratio import / COPY | {results.Ratio:0.00} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| The database alone: the same result COPYed into the real tables + summary refresh (median of 3) | {results.FloorRowsPerSecond:N0} rows/s | floor | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Ratio import / the database alone | {results.FloorRatio:0.00} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Service memory growth, worst run | {results.MaxRssGrowthMb:0} MB | < 100 MB | {(results.MaxRssGrowthMb < 100 ? "met" : "NOT MET")} |");
        md.AppendLine();
        md.AppendLine("| Run | Rows | Body | Seconds | Rows/s | RSS before | RSS peak | Growth | Assessments | Ratings stored | Summary rows |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in results.Runs)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Format} | {run.Rows:N0} | {run.Bytes / 1e6:0.0} MB | {run.Seconds:0.000} | {run.RowsPerSecond:N0} | {run.RssBeforeMb:0} MB | {run.RssPeakMb:0} MB | {run.RssGrowthMb:0} MB | {run.Assessments:N0} | {run.StoredRatings:N0} | {run.SummaryRows:N0} |");
        }
        md.AppendLine();
        md.AppendLine($"COPY runs: {string.Join(", ", results.CopySeconds.Select(s => s.ToString("0.000 s", CultureInfo.InvariantCulture)))}. " +
            $"The database alone: {string.Join(", ", results.FloorSeconds.Select(s => s.ToString("0.000 s", CultureInfo.InvariantCulture)))} (216,000 ratings and 21,600 assessments " +
            "binary-COPYed into the real tables with every key, index and foreign key, then refresh_benchmark_summaries_of, in one transaction).");
        await File.WriteAllTextAsync(Path.Combine(directory, "import.md"), md.ToString());
    }
}
