using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Benchmarks;

/// <param name="Rows">Rating rows per import (one JSON document).</param>
/// <param name="Seconds">Each timed import, POST to 200.</param>
/// <param name="FloorSeconds">The same shape of batch COPYed by the harness with the summary trigger on, one transaction each.</param>
public sealed record ImportResult(int Rows, int Assessments, List<double> Seconds, List<double> FloorSeconds)
{
    public double RowsPerSecond => Rows / Median(Seconds);

    public double FloorRowsPerSecond => Rows / Median(FloorSeconds);

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);
}

/// <summary>An analyst read measured without the statement capture (the replica comparison: the reads may go to a standby).</summary>
public sealed record PlainRead(string Name, string Path, LatencyStats Http, WrkResult Wrk);

/// <summary>The whole export, read as fast as the harness can.</summary>
public sealed record PlainExport(long Rows, double Seconds)
{
    public double RowsPerSecond => Rows / Seconds;
}

/// <param name="Variant">"full": every figure with its SQL floor; "primary" or "replica": the analyst reads and freshness only,
/// with the service reading from the primary or from the streaming replica (ConnectionStrings:SeQuInReadOnly).</param>
/// <param name="LoadAverage">/proc/loadavg before and after measuring (the machine is shared).</param>
public sealed record ScaleRun(int Scale, string Variant, int Networks, LoadFigures Load, List<QueryResult> Queries, FreshnessResult? Freshness,
    ExportResult? Export, ImportResult? Import, List<PlainRead> Reads, PlainExport? PlainExport, string LoadAverageBefore, string LoadAverageAfter, string When);

/// <summary>
/// The measure step of the scale runs (<c>scale-measure</c>). "full" reuses <see cref="Measure"/> (the three benchmark
/// reads with their pgbench floors and plans, the CSV export with its COPY floor, freshness) and adds the history
/// import. The ten-year trend always reads the last 120 months, whatever the history holds.
/// </summary>
public static class ScaleMeasure
{
    public const int ImportNetwork = 4;
    public const int ImportFloorNetwork = 5;
    public const int ImportMonths = 12;
    public const int ImportRuns = 3;

    public static async Task<ScaleRun> RunAsync(Arguments options)
    {
        var scale = int.Parse(options.Required("scale"), CultureInfo.InvariantCulture);
        var variant = options.Optional("variant", "full");
        var load = JsonSerializer.Deserialize<LoadFigures>(await File.ReadAllTextAsync(options.Required("load")), Report.JsonOptions)
            ?? throw new InvalidOperationException("The load figures are empty.");
        var networks = load.Units / Dataset.UnitsPerNetwork;
        var lastMonth = DateOnly.ParseExact(load.LastMonth, "yyyy-MM", CultureInfo.InvariantCulture);
        var trendFrom = Dataset.Format(lastMonth.AddMonths(-(Dataset.Months - 1)));
        var loadBefore = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
        var measure = new Measure(options);
        List<QueryResult> queries = [];
        FreshnessResult? freshness;
        ExportResult? export = null;
        ImportResult? import = null;
        List<PlainRead> reads = [];
        PlainExport? plainExport = null;
        // The measure step's ten-year trend runs from load.FirstMonth: hand it the start of the last ten years.
        var window = load with { FirstMonth = trendFrom };
        if (variant == "full")
        {
            (queries, _, freshness, export) = await measure.RunAsync(window, new HashSet<string>(["export", "queries", "freshness"], StringComparer.Ordinal));
            import = await ImportAsync(options, load);
        }
        else
        {
            (_, _, freshness, _) = await measure.RunAsync(window, new HashSet<string>(["freshness"], StringComparer.Ordinal));
            (reads, plainExport) = await ReadsAsync(options, window);
        }
        var loadAfter = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
        return new ScaleRun(scale, variant, networks, load, queries, freshness, export, import, reads, plainExport, loadBefore, loadAfter,
            DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// POST /api/v1/assessments/import of a fixed batch — 15 units (network 4) × 12 months before the loaded history ×
    /// every area and standard — timed <see cref="ImportRuns"/> times (different months each time) after one untimed
    /// warm-up import. The floor: the same shape (network 5, the same months) COPYed with the summary trigger on.
    /// </summary>
    private static async Task<ImportResult> ImportAsync(Arguments options, LoadFigures load)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(options.Required("connection")) { CommandTimeout = 0 }.ConnectionString;
        var url = options.Required("url").TrimEnd('/');
        using var http = Measure.NewClient(options.Required("key"));
        var dbOptions = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(dbOptions, connectionString);
        await using var db = new SeQuInDbContext(dbOptions.Options);
        var framework = await Dataset.ActiveFrameworkAsync(db);
        var units = await db.Units.AsNoTracking().ToListAsync();
        List<Api.Organisations.Unit> Network(int n) => [.. units.Where(u => u.Code.StartsWith(Dataset.NetworkCode(n) + "-", StringComparison.Ordinal))];
        var codes = units.ToDictionary(u => u.Id, u => u.Code);
        // The months just before the 1× history (2013-10 to 2016-10 when last month is 2026-10): free at 1×; at longer
        // histories they are emptied for networks 4 and 5 first (untimed), because the service takes no month before
        // 2000 and 480 months of history reach back to 1986.
        var anchor = DateOnly.ParseExact(load.LastMonth, "yyyy-MM", CultureInfo.InvariantCulture).AddMonths(-(Dataset.Months - 1));
        var now = DateTimeOffset.UtcNow;
        var ratings = CopyPlan<Rating>.From(db);
        var assessments = CopyPlan<Assessment>.From(db);
        var participants = CopyPlan<Participant>.From(db);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var hole = Network(ImportNetwork).Concat(Network(ImportFloorNetwork)).Select(u => u.Id).ToArray();
        await using (var emptied = new NpgsqlCommand("DELETE FROM assessments WHERE unit_id = ANY($1) AND month >= $2 AND month < $3", connection))
        {
            emptied.Parameters.Add(new NpgsqlParameter { Value = hole });
            emptied.Parameters.Add(new NpgsqlParameter { Value = anchor.AddMonths(-1 - ImportRuns * ImportMonths) });
            emptied.Parameters.Add(new NpgsqlParameter { Value = anchor });
            var deleted = await emptied.ExecuteNonQueryAsync();
            if (deleted > 0)
            {
                Progress.Say($"Emptied {deleted:N0} assessments of networks {ImportNetwork} and {ImportFloorNetwork} in the months the import fills");
                await Loader.ExecuteAsync(connection, "VACUUM (ANALYZE) assessments, ratings, participants, area_results, standard_results");
            }
        }
        Progress.Say($"History import: {ImportRuns} × POST /api/v1/assessments/import of 15 units × {ImportMonths} months × every area and standard");
        var seconds = new List<double>();
        var floorSeconds = new List<double>();
        int rows = 0, assessmentCount = 0;
        for (var run = 0; run <= ImportRuns; run++)
        {
            // Run 0 warms the path up (one month); the timed runs take the 12 months before the previous ones.
            var count = run == 0 ? 1 : ImportMonths;
            var start = run == 0 ? anchor.AddMonths(-1) : anchor.AddMonths(-1 - run * ImportMonths);
            var months = Dataset.MonthRange(start, count);
            var batch = Dataset.Generate(Network(ImportNetwork), framework, months, now, seed: 100 + run);
            var byAssessment = batch.Assessments.ToDictionary(a => a.Id);
            var document = new ImportDocument([.. batch.Ratings.Select(r =>
            {
                var a = byAssessment[r.AssessmentId];
                return new ImportRow(codes[a.UnitId], a.AreaCode, Dataset.Format(a.Month), r.StandardCode, r.Value, r.NotApplicable, r.NotApplicableReason, a.AgreedRating);
            })]);
            var body = JsonSerializer.SerializeToUtf8Bytes(document, Json.Options);
            var clock = Stopwatch.StartNew();
            using (var content = new ByteArrayContent(body))
            {
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync($"{url}/api/v1/assessments/import", content);
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"The import answered {(int)response.StatusCode}: {text[..Math.Min(text.Length, 1000)]}");
                }
                var report = JsonSerializer.Deserialize<ImportReport>(text, Json.Options)!;
                if (!report.Applied || report.Assessments != batch.Assessments.Count)
                {
                    throw new InvalidOperationException($"The import applied {report.Assessments} of {batch.Assessments.Count} assessments.");
                }
            }
            var elapsed = clock.Elapsed.TotalSeconds;

            // The floor: the same shape for another network, COPYed by the harness, the summary trigger on.
            var floorBatch = Dataset.Generate(Network(ImportFloorNetwork), framework, months, now, seed: 200 + run);
            clock.Restart();
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                assessments.Write(connection, floorBatch.Assessments);
                participants.Write(connection, floorBatch.Participants);
                ratings.Write(connection, floorBatch.Ratings);
                await transaction.CommitAsync();
            }
            var floor = clock.Elapsed.TotalSeconds;
            if (run > 0)
            {
                seconds.Add(elapsed);
                floorSeconds.Add(floor);
                (rows, assessmentCount) = (batch.Ratings.Count, batch.Assessments.Count);
                Progress.Say($"  {batch.Ratings.Count:N0} rows ({body.Length / 1e6:F1} MB JSON) in {elapsed:F2} s = {batch.Ratings.Count / elapsed:N0} rows/s; " +
                             $"floor (COPY, trigger on) {floor:F2} s = {floorBatch.Ratings.Count / floor:N0} rows/s");
            }
        }
        return new ImportResult(rows, assessmentCount, seconds, floorSeconds);
    }

    /// <summary>The three benchmark reads (median of sequential requests, then wrk -t2 -c8) and the whole export, with no SQL capture.</summary>
    private static async Task<(List<PlainRead>, PlainExport)> ReadsAsync(Arguments options, LoadFigures window)
    {
        var url = options.Required("url").TrimEnd('/');
        var key = options.Required("key");
        var samples = int.Parse(options.Optional("samples", "300"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(options.Optional("seconds", "10"), CultureInfo.InvariantCulture);
        var wrk = options.Optional("wrk", "wrk");
        using var http = Measure.NewClient(key);
        await using var connection = new NpgsqlConnection(options.Required("connection"));
        await connection.OpenAsync();
        var unit = await Loader.ScalarAsync<Guid>(connection, $"SELECT id FROM units WHERE code = '{Dataset.UnitCode(1, Dataset.MediumPerNetwork)}'");
        var area = await Loader.ScalarAsync<string>(connection,
            "SELECT a.code FROM areas a JOIN framework_versions v ON v.id = a.framework_version_id WHERE v.status = 'Active' ORDER BY a.\"order\", a.code LIMIT 1");
        (string Name, string Path)[] paths =
        [
            ("unit-month", $"/api/v1/benchmarks/units/{unit}?month={window.LastMonth}&group=network"),
            ("area-group", $"/api/v1/benchmarks/units/{unit}/areas/{area}?month={window.LastMonth}&group=national"),
            ("trend", $"/api/v1/benchmarks/units/{unit}/areas/{area}/trend?from={window.FirstMonth}&to={window.LastMonth}&group=network"),
        ];
        var reads = new List<PlainRead>();
        foreach (var (name, path) in paths)
        {
            var warmUp = Stopwatch.StartNew();
            for (var i = 0; i < 300 || warmUp.Elapsed < TimeSpan.FromSeconds(3); i++)
            {
                (await http.GetAsync(url + path)).EnsureSuccessStatusCode().Dispose();
            }
            var times = new List<double>(samples);
            for (var i = 0; i < samples; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(url + path);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            var result = await Wrk.RunAsync(wrk, url + path, key, seconds: seconds);
            if (result.Non2xx > 0)
            {
                throw new InvalidOperationException($"wrk saw {result.Non2xx} responses that were not 2xx/3xx on {path}.");
            }
            reads.Add(new PlainRead(name, path, LatencyStats.Of(times), result));
            Progress.Say($"  {name}: median {reads[^1].Http.MedianMs:F2} ms; wrk -t2 -c8 {result.RequestsPerSecond:F0} requests/s");
        }
        var exportClock = Stopwatch.StartNew();
        long lines = 0;
        using (var response = await http.GetAsync($"{url}/api/v1/exports/ratings.csv", HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }
        var export = new PlainExport(lines - 1, exportClock.Elapsed.TotalSeconds);
        Progress.Say($"  export: {export.Rows:N0} rows in {export.Seconds:F1} s = {export.RowsPerSecond:N0} rows/s");
        return (reads, export);
    }
}
