using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace SeQuIn.Benchmarks;

/// <summary>Median and tail of a set of latencies, in milliseconds.</summary>
public sealed record LatencyStats(int Count, double MedianMs, double P90Ms, double P99Ms, double MeanMs, double MinMs, double MaxMs)
{
    public static LatencyStats Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencyStats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var sorted = milliseconds.Order().ToArray();
        return new LatencyStats(sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.9), Percentile(sorted, 0.99), sorted.Average(), sorted[0], sorted[^1]);
    }

    /// <summary>Linear interpolation between closest ranks.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}

public sealed record ProcessOutput(int ExitCode, string Stdout, string Stderr);

public static class Processes
{
    public static async Task<ProcessOutput> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cancel.Token);
        return new ProcessOutput(process.ExitCode, await stdout, await stderr);
    }
}

/// <param name="Tps">Scripts (= requests' worth of SQL) per second, without connection time.</param>
/// <param name="Latency">From the per-transaction log, when one was kept.</param>
/// <param name="StatementMs">Average latency of each statement of the script, in order (pgbench -r).</param>
public sealed record PgbenchResult(int Clients, int Threads, int Seconds, long Transactions, long Failed, double Tps, double LatencyAverageMs, LatencyStats? Latency,
    List<double> StatementMs);

/// <summary>pgbench over a script of captured statements: -M extended (parameters sent separately, as Npgsql does), no vacuum.</summary>
public sealed partial class Pgbench(string pgbenchPath, string connectionString)
{
    public async Task<PgbenchResult> RunAsync(string scriptPath, IEnumerable<string> defines, int clients, int seconds, string? logPrefix = null)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var threads = Math.Min(clients, Environment.ProcessorCount);
        var arguments = new List<string>
        {
            "-h", cs.Host!, "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username!,
            "-n", "-r", "-M", "extended", "-f", scriptPath,
            "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", threads.ToString(CultureInfo.InvariantCulture),
            "-T", seconds.ToString(CultureInfo.InvariantCulture),
        };
        if (logPrefix is not null)
        {
            foreach (var old in Directory.GetFiles(Path.GetDirectoryName(logPrefix)!, Path.GetFileName(logPrefix) + ".*"))
            {
                File.Delete(old);
            }
            arguments.AddRange(["-l", "--log-prefix", logPrefix]);
        }
        foreach (var define in defines)
        {
            arguments.AddRange(["-D", define]);
        }
        arguments.Add(cs.Database!);
        var output = await Processes.RunAsync(pgbenchPath, arguments, TimeSpan.FromSeconds(seconds + 120));
        var text = output.Stdout + output.Stderr;
        if (output.ExitCode != 0 || text.Contains("aborted", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"pgbench failed (exit {output.ExitCode}) on {scriptPath}:\n{text}");
        }
        var transactions = long.Parse(Match(TransactionsPattern(), text), CultureInfo.InvariantCulture);
        var failedMatch = FailedPattern().Match(text);
        var failed = failedMatch.Success ? long.Parse(failedMatch.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var tps = double.Parse(Match(TpsPattern(), text), CultureInfo.InvariantCulture);
        var average = double.Parse(Match(LatencyPattern(), text), CultureInfo.InvariantCulture);
        LatencyStats? latency = null;
        if (logPrefix is not null)
        {
            var samples = new List<double>();
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(logPrefix)!, Path.GetFileName(logPrefix) + ".*"))
            {
                foreach (var line in await File.ReadAllLinesAsync(file))
                {
                    var fields = line.Split(' ');
                    if (fields.Length >= 3 && long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var microseconds))
                    {
                        samples.Add(microseconds / 1000.0);
                    }
                }
                File.Delete(file);
            }
            latency = LatencyStats.Of(samples);
        }
        var statements = new List<double>();
        var header = text.IndexOf("statement latencies in milliseconds", StringComparison.Ordinal);
        if (header >= 0)
        {
            foreach (var line in text[header..].Split('\n').Skip(1))
            {
                var match = StatementPattern().Match(line);
                if (!match.Success)
                {
                    break;
                }
                statements.Add(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
        return new PgbenchResult(clients, threads, seconds, transactions, failed, tps, average, latency, statements);
    }

    private static string Match(Regex pattern, string text)
    {
        var match = pattern.Match(text);
        return match.Success ? match.Groups[1].Value : throw new FormatException($"pgbench output lacks /{pattern}/:\n{text}");
    }

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex TransactionsPattern();

    [GeneratedRegex(@"number of failed transactions: (\d+)")]
    private static partial Regex FailedPattern();

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyPattern();

    /// <summary>"         0.123           0  SELECT ..." (PostgreSQL 15: latency, failures, command).</summary>
    [GeneratedRegex(@"^\s+([0-9.]+)\s+(?:\d+\s+)?\S")]
    private static partial Regex StatementPattern();
}

/// <param name="RequestsPerSecond">Completed requests per second.</param>
/// <param name="Non2xx">Responses that were not 2xx or 3xx: must be 0 for the figure to count.</param>
public sealed record WrkResult(int Threads, int Connections, int Seconds, long Requests, double RequestsPerSecond, long Non2xx, string SocketErrors,
    double P50Ms, double P90Ms, double P99Ms);

public static partial class Wrk
{
    public static async Task<WrkResult> RunAsync(string wrkPath, string url, string? bearer, int threads = 2, int connections = 8, int seconds = 10)
    {
        List<string> arguments = [$"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--latency"];
        if (bearer is not null)
        {
            arguments.AddRange(["-H", $"Authorization: Bearer {bearer}"]);
        }
        arguments.Add(url);
        var output = await Processes.RunAsync(wrkPath, arguments, TimeSpan.FromSeconds(seconds + 60));
        var text = output.Stdout;
        if (output.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed (exit {output.ExitCode}):\n{output.Stdout}{output.Stderr}");
        }
        var rps = double.Parse(RequestsPerSecondPattern().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(RequestsPattern().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = NonSuccessPattern().Match(text) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socket = SocketErrorsPattern().Match(text) is { Success: true } s ? s.Groups[1].Value.Trim() : "";
        return new WrkResult(threads, connections, seconds, requests, rps, non2xx, socket, Percentile(text, "50%"), Percentile(text, "90%"), Percentile(text, "99%"));
    }

    private static double Percentile(string text, string which)
    {
        var match = Regex.Match(text, @"^\s*" + Regex.Escape(which) + @"\s+([0-9.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return double.NaN;
        }
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            _ => value * 60_000,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecondPattern();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccessPattern();

    [GeneratedRegex(@"Socket errors:(.*)")]
    private static partial Regex SocketErrorsPattern();
}
