using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>
/// The service as a real process: <c>dotnet SeQuIn.Api.dll [command]</c>, the API project's own build output, with its
/// settings in environment variables. For what a test host cannot show: signals, exit codes, several instances on one
/// database. Serving instances listen on a free port on 127.0.0.1. Output (stdout and stderr) is captured. The
/// process is killed on dispose, and at test-process exit whatever happens.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>
    /// Generous: with the test collections running at once on a loaded 2-core machine, a start (JIT, and a migration
    /// check when asked) took over 60 s. How fast the service starts is not what these tests are about.
    /// </summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly EventHandler _killAtExit;

    private ServiceProcess(Process process, int? port)
    {
        _process = process;
        Port = port;
        _killAtExit = (_, _) => KillQuietly();
        AppDomain.CurrentDomain.ProcessExit += _killAtExit;
    }

    /// <summary>The port it serves on, for a serving instance.</summary>
    public int? Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port ?? throw new InvalidOperationException("Not a serving instance.")}");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a serving instance with these settings (configuration keys, e.g. <c>ConnectionStrings:SeQuIn</c>) and waits
    /// until <c>/health/live</c> answers.
    /// </summary>
    public static async Task<ServiceProcess> StartServingAsync(IReadOnlyDictionary<string, string?> settings)
    {
        // A free port may be taken between probing and binding: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = PostgresCluster.FindFreePort();
            var service = Start(settings, [], port);
            try
            {
                await service.WaitUntilLiveAsync();
                return service;
            }
            catch (InvalidOperationException) when (attempt < 3 && service.HasExited && service.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await service.DisposeAsync();
            }
            catch
            {
                await service.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Starts a command of the service binary (<c>migrate</c>, <c>bootstrap-admin</c>); wait for it with <see cref="WaitForExitAsync"/>.</summary>
    public static ServiceProcess StartCommand(IReadOnlyDictionary<string, string?> settings, params string[] arguments) =>
        Start(settings, arguments, port: null);

    private static ServiceProcess Start(IReadOnlyDictionary<string, string?> settings, string[] arguments, int? port)
    {
        var dll = ServiceDll();
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Nothing from the test run's own environment decides how the service runs.
        foreach (var inherited in startInfo.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                     || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("SeQuIn__", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(inherited);
        }
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        startInfo.Environment["ASPNETCORE_URLS"] = port is { } p ? $"http://127.0.0.1:{p}" : "http://127.0.0.1:0";
        startInfo.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, port);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>A client of this instance, sending this bearer token (an API key) with every request.</summary>
    public HttpClient CreateClient(string? bearer = null)
    {
        var client = new HttpClient(new Conformance.ContractConformanceHandler { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(100),
        };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    /// <summary>Sends SIGTERM, as an orchestrator does to stop a container.</summary>
    public void Terminate()
    {
        const int sigterm = 15;
        if (Kill(_process.Id, sigterm) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code; fails with its output after <paramref name="deadline"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The service (pid {_process.Id}) did not exit within {deadline.TotalSeconds:0} s. Output:\n{Output}");
        }
        // WaitForExitAsync returns once the output has been read to the end as well.
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _killAtExit;
        KillQuietly();
        try
        {
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        catch (OperationCanceledException)
        {
            // Killed; the kernel reaps it.
        }
        _process.Dispose();
    }

    private async Task WaitUntilLiveAsync()
    {
        // Checked too: the first answer of a service just started is held to the contract like any other.
        using var client = new HttpClient(new Conformance.ContractConformanceHandler { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(5),
        };
        var started = Stopwatch.StartNew();
        while (started.Elapsed < StartTimeout)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"The service exited with code {_process.ExitCode} before it answered. Output:\n{Output}");
            }
            try
            {
                if ((await client.GetAsync("/health/live")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The service did not answer /health/live within {StartTimeout.TotalSeconds:0} s. Output:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Never started, or already gone.
        }
    }

    /// <summary>
    /// The API project's build output: the copy the test build puts beside the tests (the test project references the
    /// API), or else the API project's own bin folder of the same configuration and framework.
    /// </summary>
    private static string ServiceDll()
    {
        var beside = typeof(Program).Assembly.Location;
        if (File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDirectory.Name;
        var configuration = testDirectory.Parent?.Name ?? "Debug";
        for (var directory = testDirectory; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "SeQuIn.Api", "bin", configuration, framework, "SeQuIn.Api.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"SeQuIn.Api.dll with its runtimeconfig was found neither beside {beside} nor under src/SeQuIn.Api/bin/{configuration}/{framework}.");
    }

    /// <summary>The dotnet host running these tests (the SDK names it in DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current
        : "dotnet";

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
