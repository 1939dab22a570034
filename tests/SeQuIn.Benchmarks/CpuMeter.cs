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
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    private CpuMeter(int backendPid)
    {
        _backendPid = backendPid;
        _clientStart = Process.GetCurrentProcess().TotalProcessorTime;
        _backendStart = ProcessSeconds(backendPid);
    }

    public static CpuMeter Start(int backendPid) => new(backendPid);

    public CpuUse Stop() => new(_wall.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - _clientStart).TotalSeconds,
        ProcessSeconds(_backendPid) - _backendStart);

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
/// <param name="Server">CPU seconds of the PostgreSQL backend.</param>
public sealed record CpuUse(double Wall, double Client, double Server);
