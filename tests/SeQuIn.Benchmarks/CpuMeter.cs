using System.Diagnostics;
using System.Globalization;

namespace SeQuIn.Benchmarks;

/// <summary>
/// CPU seconds spent by this process and by one PostgreSQL backend (from /proc/&lt;pid&gt;/stat) over a stretch of
/// work: tells whether a load is bound by the client, the server, or neither (waiting).
/// </summary>
public sealed class CpuMeter
{
    private readonly int _backendPid;
    private readonly TimeSpan _clientStart;
    private readonly double _backendStart;
    private readonly (long Busy, long Total) _machineStart;
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    private CpuMeter(int backendPid)
    {
        _backendPid = backendPid;
        _clientStart = Process.GetCurrentProcess().TotalProcessorTime;
        _backendStart = ProcessSeconds(backendPid);
        _machineStart = MachineTicks();
    }

    public static CpuMeter Start(int backendPid) => new(backendPid);

    public CpuUse Stop()
    {
        var machine = MachineTicks();
        var busy = (double)(machine.Busy - _machineStart.Busy) / Math.Max(1, machine.Total - _machineStart.Total) * Environment.ProcessorCount;
        return new(_wall.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - _clientStart).TotalSeconds,
            ProcessSeconds(_backendPid) - _backendStart, busy);
    }

    /// <summary>Busy and total jiffies of all CPUs (idle and iowait count as not busy).</summary>
    internal static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4];
        return (total - idle, total);
    }

    /// <summary>utime + stime of a process, in seconds; NaN when it cannot be read.</summary>
    public static double ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields after the command: state is [0], utime is field 14 of the whole line = [11], stime = [12].
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}

/// <param name="Wall">Elapsed seconds.</param>
/// <param name="Client">CPU seconds of the harness process.</param>
/// <param name="Server">CPU seconds of the PostgreSQL backend (its parallel workers, if any, are not in it).</param>
/// <param name="MachineBusyCores">Busy cores of the whole machine over the same time (parallel workers and anything else running).</param>
public sealed record CpuUse(double Wall, double Client, double Server, double MachineBusyCores = double.NaN);

/// <summary>
/// Where the CPU went while a load ran: the service process, the PostgreSQL backends of one application name, and
/// the whole machine (from /proc/stat; the load generator's share is what is left).
/// </summary>
/// <param name="Work">Requests (or pgbench scripts) completed in the window.</param>
public sealed record CpuShare(double Seconds, double ServiceCpuSeconds, double DatabaseCpuSeconds, double MachineBusyCores, double Work)
{
    public double ServiceMsPerRequest => ServiceCpuSeconds * 1000 / Work;
    public double DatabaseMsPerRequest => DatabaseCpuSeconds * 1000 / Work;
}

public sealed class CpuWindow
{
    private readonly int? _servicePid;
    private readonly string _application;
    private readonly double _serviceStart;
    private readonly Dictionary<int, double> _backendsStart;
    private readonly (long Busy, long Total) _machineStart;
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    private CpuWindow(int? servicePid, string application, Dictionary<int, double> backends)
    {
        _servicePid = servicePid;
        _application = application;
        _serviceStart = servicePid is { } pid ? CpuMeter.ProcessSeconds(pid) : 0;
        _backendsStart = backends;
        _machineStart = MachineTicks();
    }

    /// <param name="servicePid">The service process, or null when no service is involved (pgbench).</param>
    /// <param name="application">application_name of the PostgreSQL backends to account.</param>
    public static async Task<CpuWindow> StartAsync(Npgsql.NpgsqlConnection connection, int? servicePid, string application) =>
        new(servicePid, application, await BackendsAsync(connection, application));

    public async Task<CpuShare> StopAsync(Npgsql.NpgsqlConnection connection, double work)
    {
        var seconds = _wall.Elapsed.TotalSeconds;
        var service = _servicePid is { } pid ? CpuMeter.ProcessSeconds(pid) - _serviceStart : 0;
        var machine = MachineTicks();
        var backends = await BackendsAsync(connection, _application);
        var database = backends.Sum(b => b.Value - _backendsStart.GetValueOrDefault(b.Key));
        var busyShare = (double)(machine.Busy - _machineStart.Busy) / Math.Max(1, machine.Total - _machineStart.Total);
        return new CpuShare(seconds, service, database, busyShare * Environment.ProcessorCount, work);
    }

    private static async Task<Dictionary<int, double>> BackendsAsync(Npgsql.NpgsqlConnection connection, string application)
    {
        var pids = new List<int>();
        await using (var command = new Npgsql.NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE application_name = $1", connection))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = application });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }
        }
        return pids.Select(p => (Pid: p, Cpu: CpuMeter.ProcessSeconds(p))).Where(p => !double.IsNaN(p.Cpu)).ToDictionary(p => p.Pid, p => p.Cpu);
    }

    /// <summary>Busy and total jiffies of all CPUs (idle and iowait count as not busy).</summary>
    private static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4];
        return (total - idle, total);
    }
}

/// <summary>Which processes used the CPU over a short window: to tell whether something else is loading the machine.</summary>
public static class MachineCheck
{
    /// <returns>Busy cores, and the busiest processes other than <paramref name="ignorePid"/> as "name (pid) cores".</returns>
    public static async Task<(double BusyCores, double OtherCores, List<string> Busiest)> SampleAsync(int ignorePid, TimeSpan window)
    {
        var before = Snapshot();
        var machineBefore = Ticks();
        await Task.Delay(window);
        var after = Snapshot();
        var machineAfter = Ticks();
        var busy = (double)(machineAfter.Busy - machineBefore.Busy) / Math.Max(1, machineAfter.Total - machineBefore.Total) * Environment.ProcessorCount;
        var seconds = window.TotalSeconds;
        var deltas = after.Where(p => before.ContainsKey(p.Key))
            .Select(p => (Pid: p.Key, p.Value.Name, Cores: (p.Value.Cpu - before[p.Key].Cpu) / seconds))
            .Where(p => p.Cores > 0.01).OrderByDescending(p => p.Cores).ToList();
        var self = Environment.ProcessId;
        var other = deltas.Where(p => p.Pid != ignorePid && p.Pid != self).Sum(p => p.Cores);
        return (busy, other, deltas.Where(p => p.Pid != ignorePid && p.Pid != self).Take(3)
            .Select(p => $"{p.Name} ({p.Pid}) {p.Cores:F2}").ToList());
    }

    internal static Dictionary<int, (string Name, double Cpu)> Snapshot()
    {
        var result = new Dictionary<int, (string, double)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
                result[pid] = (stat[(open + 1)..close], cpu);
            }
            catch (IOException)
            {
                // The process ended.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read.
            }
        }
        return result;
    }

    internal static (long Busy, long Total) Ticks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }
}
