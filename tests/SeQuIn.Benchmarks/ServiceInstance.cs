using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SeQuIn.Benchmarks;

/// <summary>
/// One service process started by the harness (`run.sh webhooks` starts, restarts and doubles the service itself):
/// the Release build, Production, the rate limit lifted, webhooks allowed to a loopback receiver over http. Its pid is
/// appended to a file that run.sh's clean-up reads, so nothing outlives the run even if the harness dies.
/// </summary>
public sealed class ServiceInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _pump;

    private ServiceInstance(Process process, string url, string name, Task pump)
    {
        _process = process;
        Url = url;
        Name = name;
        _pump = pump;
    }

    public string Url { get; }

    public string Name { get; }

    public int Pid => _process.Id;

    public static async Task<ServiceInstance> StartAsync(string apiDirectory, string connectionString, string name, TimeSpan pollInterval,
        string? pidFile, string logDirectory)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = apiDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "SeQuIn.Api.dll", "--urls", url })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__SeQuIn"] = connectionString;
        start.Environment["SeQuIn__RateLimits__PerCallerPerMinute"] = "100000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["SeQuIn__Webhooks__AllowHttp"] = "true";
        start.Environment["SeQuIn__Webhooks__AllowedPrivateNetworks__0"] = "127.0.0.0/8";
        start.Environment["SeQuIn__Webhooks__PollInterval"] = pollInterval.ToString("c", CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet SeQuIn.Api.dll did not start.");
        if (pidFile is not null)
        {
            await File.AppendAllTextAsync(pidFile, process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        Directory.CreateDirectory(logDirectory);
        var log = Path.Combine(logDirectory, $"service-{name}.log");
        var pump = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log));
        var instance = new ServiceInstance(process, url, name, pump);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service {name} exited at start (see {log}).");
            }
            try
            {
                using var ready = await http.GetAsync($"{url}/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (Exception fault) when (fault is HttpRequestException or TaskCanceledException && waited.Elapsed < TimeSpan.FromSeconds(90))
            {
            }
        }
        Progress.Say($"Service {name} (pid {process.Id}) ready on {url}, webhook poll interval {pollInterval.TotalMilliseconds:0} ms");
        return instance;
    }

    /// <summary>CPU seconds (user + system) the process has used so far.</summary>
    public double CpuSeconds() => CpuMeter.ProcessSeconds(Pid);

    public double RssMb() => Measure.RssMb(Pid);

    /// <summary>SIGTERM (a graceful stop: the dispatcher finishes its sends), then SIGKILL after 20 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        await _pump;
        Progress.Say($"Service {Name} stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private static async Task CopyAsync(StreamReader from, string path)
    {
        string? line;
        while ((line = await from.ReadLineAsync()) is not null)
        {
            lock (typeof(ServiceInstance))
            {
                File.AppendAllText(path, line + "\n");
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
