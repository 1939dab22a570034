using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SeQuIn.Benchmarks;

/// <summary>A closed-loop step of the capacity ramp: this many workers, each sending the mix back to back.</summary>
public sealed record CapacityStep(int Workers, double Seconds, int Ops, double OpsPerSecond, double P50Ms, double P99Ms, Dictionary<string, int> Statuses);

/// <summary>Every few seconds: the service's memory and threads, its pooled connections, and the machine's load.</summary>
/// <param name="Connections">Connections of the service in pg_stat_activity (null while the database is down).</param>
/// <param name="Active">Of those, running a statement.</param>
public sealed record ResourceSample(double At, double RssMb, int Threads, int? Connections, int? Active, double LoadAverage);

/// <summary>The database restart in the middle of the second run, on the soak's clock.</summary>
/// <param name="Command">What was run (pg_ctl restart -m fast, or stop -m fast, a pause, start).</param>
/// <param name="StoppingAt">When the stop was sent.</param>
/// <param name="UpAt">When pg_ctl said the server accepts connections again.</param>
public sealed record RestartEvent(string Command, double StoppingAt, double DownAt, double UpAt);

/// <summary>
/// The soak: a capacity ramp of the mix, then a fixed-rate (open-loop) run at a share of that capacity for
/// SEQUIN_SOAK_SECONDS with an export and an import alongside, resources sampled throughout; a second run the same
/// with PostgreSQL restarted in the middle; after each, every write the clients were told was stored is checked
/// against the database. Writes results/soak.md and results/soak.json.
/// </summary>
public sealed class Soak
{
    private readonly string _connectionString;
    private readonly string _url;
    private readonly string _key;
    private readonly int _pid;
    private readonly string _results;
    private readonly string _serviceApp;
    private readonly int _seconds;
    private readonly int _capacityStepSeconds;
    private readonly double _share;
    private readonly string[] _runs;
    private readonly string _pgCtl;
    private readonly string? _pgData;
    private readonly string _pgLog;
    private readonly string _pgWork;
    private readonly int _outageSeconds;
    private readonly string _commit;

    public Soak(Arguments options)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(options.Required("connection")) { CommandTimeout = 0 }.ConnectionString;
        _url = options.Required("url").TrimEnd('/');
        _key = options.Required("key");
        _pid = int.Parse(options.Required("pid"), CultureInfo.InvariantCulture);
        _results = options.Required("results");
        _serviceApp = options.Optional("service-app", "sequin-api");
        _seconds = int.Parse(options.Optional("seconds", "600"), CultureInfo.InvariantCulture);
        _capacityStepSeconds = int.Parse(options.Optional("capacity-seconds", "12"), CultureInfo.InvariantCulture);
        _share = double.Parse(options.Optional("share", "0.7"), CultureInfo.InvariantCulture);
        _runs = options.Optional("runs", "steady,restart").Split(',', StringSplitOptions.RemoveEmptyEntries);
        _pgCtl = options.Optional("pg-ctl", "/usr/lib/postgresql/15/bin/pg_ctl");
        _pgData = options.Optional("pgdata", "") is { Length: > 0 } data ? data : null;
        _pgLog = options.Optional("pg-log", "/dev/null");
        _pgWork = options.Optional("pg-work", "/tmp");
        _outageSeconds = int.Parse(options.Optional("outage-seconds", "0"), CultureInfo.InvariantCulture);
        _commit = options.Optional("commit", "unknown");
        if (_runs.Contains("restart") && _pgData is null)
        {
            throw new ArgumentException("The restart run needs --pgdata (and --pg-ctl): the harness restarts its own cluster.");
        }
    }

    public async Task<SoakResults> RunAsync()
    {
        await WaitForServiceAsync();
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        Progress.Say("Soak: creating the clients' keys (unit members and involvement leads per network, analysts per collaborative)");
        var setup = await SoakSetup.CreateAsync(_connectionString, _url, _key);
        using var client = new SoakClient(_url, clock);
        var workload = new SoakWorkload(client, setup);
        Progress.Say($"  {setup.Sessions.Count} possible tablet sessions ({setup.Units.Count} units × {setup.Framework.Areas.Count} areas of {setup.SoakMonth}); " +
                     $"reads of {setup.LastMonth} and trends from {setup.FirstMonth}");

        var runs = new List<SoakRun>();
        foreach (var name in _runs)
        {
            var restart = name == "restart";
            var sessions = workload.UseSessionsOfRun(runs.Count);
            Progress.Say($"{name}: {sessions} tablet sessions (one per unit) of the {setup.Sessions.Count}");
            var (steps, capacity) = await CapacityAsync(workload, client);
            var rate = capacity * _share;
            Progress.Say($"{name}: {_seconds} s at {rate:F1} operations/s ({_share:P0} of {capacity:F1})" + (restart ? ", PostgreSQL restarted in the middle" : ""));
            var run = await OpenLoopAsync(name, workload, client, rate, restart);
            Progress.Say($"  checking every write against the database");
            var check = await SoakCheck.RunAsync(_connectionString, setup, workload, startedAt);
            runs.Add(SoakReport.Summarise(name, steps, capacity, _share, rate, run, check, workload));
            SoakReport.Print(runs[^1]);
        }
        var environment = await Report.EnvironmentAsync(_connectionString, _commit, "wrk", 0, []);
        var results = new SoakResults(environment, _seconds, _capacityStepSeconds, _outageSeconds, SoakWorkload.Mix.ToDictionary(m => m.Op, m => m.Weight), runs);
        await SoakReport.WriteAsync(_results, results);
        return results;
    }

    /// <summary>Closed loop: 4, 8, 16, 8 then 4 workers sending the mix back to back, after a warm-up; the capacity is the median step's rate.</summary>
    private async Task<(List<CapacityStep> Steps, double Capacity)> CapacityAsync(SoakWorkload workload, SoakClient client)
    {
        using var stop = new CancellationTokenSource();
        var exports = workload.ExportLoopAsync(stop.Token);
        var imports = workload.ImportLoopAsync(stop.Token);
        var steps = new List<CapacityStep>();
        await ClosedLoopAsync(workload, client, 4, 5);
        workload.SwapOps();
        // Up and down again, and the median step: on a machine shared with other work a single step can catch a burst
        // of someone else's load (measured: 117, 131, then 34 operations/s a minute apart), in either direction.
        foreach (var workers in new[] { 4, 8, 16, 8, 4 })
        {
            var started = client.Now;
            await ClosedLoopAsync(workload, client, workers, _capacityStepSeconds);
            var seconds = client.Now - started;
            var ops = workload.SwapOps().Where(o => o.Op is not ("export-csv" or "import")).ToList();
            var latencies = LatencyStats.Of(ops.Select(o => o.LatencyMs).ToList());
            var step = new CapacityStep(workers, seconds, ops.Count, ops.Count / seconds, latencies.MedianMs, latencies.P99Ms,
                ops.GroupBy(o => o.Status.ToString(CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count()));
            steps.Add(step);
            Progress.Say($"  capacity, {workers} workers closed loop: {step.OpsPerSecond:F1} operations/s (p50 {step.P50Ms:F1} ms, p99 {step.P99Ms:F1} ms)");
        }
        await stop.CancelAsync();
        await Task.WhenAll(exports, imports);
        workload.SwapOps();
        client.Swap();
        return (steps, LatencyStats.Percentile([.. steps.Select(s => s.OpsPerSecond).Order()], 0.5));
    }

    private static async Task ClosedLoopAsync(SoakWorkload workload, SoakClient client, int workers, int seconds)
    {
        var until = client.Now + seconds;
        var seed = 1_000_000 * workers;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var rng = new Random(seed + w);
            while (client.Now < until)
            {
                await workload.RunAsync(SoakWorkload.Pick(rng), client.Now, rng.Next());
            }
        })));
    }

    /// <summary>
    /// Open loop: operation i is due at start + i ÷ rate and is sent then whatever the others are doing; its latency
    /// runs from when it was due, so a stall shows in every operation it delayed (no coordinated omission).
    /// </summary>
    private async Task<OpenLoopResult> OpenLoopAsync(string name, SoakWorkload workload, SoakClient client, double rate, bool restart)
    {
        using var stop = new CancellationTokenSource();
        var exportLoop = workload.ExportLoopAsync(stop.Token);
        var importLoop = workload.ImportLoopAsync(stop.Token);
        var samples = new List<ResourceSample>();
        var sampler = SampleAsync(samples, client, stop.Token);
        var start = client.Now;
        var end = start + _seconds;
        var interval = 1 / rate;
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal));
        var inFlight = 0;
        var harnessFaults = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Task<RestartEvent>? restartTask = null;
        long index = 0;
        var nextProgress = start + 60;
        while (true)
        {
            var now = client.Now;
            for (var due = start + index * interval; due <= now && due < end; due = start + ++index * interval)
            {
                var op = SoakWorkload.Pick(rng);
                var seed = rng.Next();
                var scheduled = due;
                Interlocked.Increment(ref inFlight);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await workload.RunAsync(op, scheduled, seed);
                    }
                    catch (Exception exception) when (exception is InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException or NullReferenceException)
                    {
                        harnessFaults.Enqueue($"{op}: {exception.GetType().Name}: {exception.Message}");
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                });
            }
            if (start + index * interval >= end)
            {
                break;
            }
            if (restart && restartTask is null && now >= start + _seconds / 2.0)
            {
                restartTask = RestartDatabaseAsync(client);
            }
            if (now >= nextProgress)
            {
                Progress.Say($"  {now - start:F0} s: {index:N0} operations sent, {inFlight} in flight");
                nextProgress += 60;
            }
            await Task.Delay(1);
        }
        var sent = index;
        var drainUntil = client.Now + 150;
        while (Volatile.Read(ref inFlight) > 0 && client.Now < drainUntil)
        {
            await Task.Delay(50);
        }
        var restartEvent = restartTask is null ? null : await restartTask;
        await stop.CancelAsync();
        var exports = await exportLoop;
        await importLoop;
        await sampler;
        return new OpenLoopResult(start, client.Now, sent, Volatile.Read(ref inFlight), [.. workload.SwapOps()], [.. client.Swap()], exports, samples,
            restartEvent, [.. harnessFaults]);
    }

    private async Task<RestartEvent> RestartDatabaseAsync(SoakClient client)
    {
        var stopping = client.Now;
        if (_outageSeconds <= 0)
        {
            Progress.Say("  pg_ctl restart -m fast");
            await PgCtlAsync("restart", "-m", "fast", "-w", "-t", "60", "-l", _pgLog);
            var up = client.Now;
            Progress.Say($"  PostgreSQL back after {up - stopping:F2} s");
            return new RestartEvent("pg_ctl restart -m fast", stopping, stopping, up);
        }
        Progress.Say($"  pg_ctl stop -m fast, {_outageSeconds} s down, then start");
        await PgCtlAsync("stop", "-m", "fast", "-w", "-t", "60");
        var down = client.Now;
        await Task.Delay(TimeSpan.FromSeconds(_outageSeconds));
        await PgCtlAsync("start", "-w", "-t", "60", "-l", _pgLog);
        var upAt = client.Now;
        Progress.Say($"  PostgreSQL back after {upAt - stopping:F2} s");
        return new RestartEvent($"pg_ctl stop -m fast; {_outageSeconds} s; pg_ctl start", stopping, down, upAt);
    }

    /// <summary>pg_ctl as the postgres user, from a directory it may read (as run.sh runs it).</summary>
    private async Task PgCtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("runuser") { WorkingDirectory = _pgWork, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-u", "postgres", "--", _pgCtl, "-D", _pgData!, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start pg_ctl.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private async Task SampleAsync(List<ResourceSample> samples, SoakClient client, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        var connectionString = new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false, Timeout = 3 }.ConnectionString;
        do
        {
            var (rss, threads) = ProcStatus(_pid);
            int? connections = null, active = null;
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(CancellationToken.None);
                await using var command = new NpgsqlCommand(
                    "SELECT count(*)::int, (count(*) FILTER (WHERE state = 'active'))::int FROM pg_stat_activity WHERE application_name = $1", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = _serviceApp });
                await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
                await reader.ReadAsync(CancellationToken.None);
                (connections, active) = (reader.GetInt32(0), reader.GetInt32(1));
            }
            catch (NpgsqlException)
            {
                // The database is down (the restart run): no figure for this sample.
            }
            var load = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
            samples.Add(new ResourceSample(client.Now, rss, threads, connections, active, load));
        }
        while (await WaitAsync(timer, stop));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>VmRSS (MB) and Threads of a process, from /proc/PID/status.</summary>
    public static (double RssMb, int Threads) ProcStatus(int pid)
    {
        double rss = double.NaN;
        var threads = -1;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024 / 1e6;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }
        return (rss, threads);
    }

    private async Task WaitForServiceAsync()
    {
        using var http = new HttpClient();
        var until = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(_url + "/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > until)
            {
                throw new InvalidOperationException($"The service at {_url} did not become ready in 90 s.");
            }
            await Task.Delay(250);
        }
    }
}

/// <summary>What one open-loop run produced, before summarising.</summary>
public sealed record OpenLoopResult(double Start, double End, long Sent, int StillInFlight, List<SoakOp> Ops, List<SoakAttempt> Attempts, List<SoakExport> Exports,
    List<ResourceSample> Samples, RestartEvent? Restart, List<string> HarnessFaults);
