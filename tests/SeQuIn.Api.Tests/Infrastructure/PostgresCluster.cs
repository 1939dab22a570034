using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster made with <c>initdb</c> and run with <c>pg_ctl</c> from the machine's server binaries,
/// on a free port on 127.0.0.1, trusting local connections. It can be stopped and started again on the same port (to
/// prove what the service does while its database is away) and can make a streaming replica of itself with
/// <c>pg_basebackup</c>. Stopped and deleted on dispose, and at process exit whatever happens.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    private readonly string _binDirectory;
    private readonly string _rootDirectory;
    private readonly string _dataDirectory;
    private readonly bool _runAsPostgres;
    private readonly EventHandler _processExitHandler;
    private int _stopped;

    private PostgresCluster(string binDirectory, string rootDirectory, bool runAsPostgres)
    {
        _binDirectory = binDirectory;
        _rootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        _runAsPostgres = runAsPostgres;
        _processExitHandler = (_, _) => StopAndDelete();
    }

    /// <summary>The superuser's connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The TCP port on 127.0.0.1, kept across <see cref="StopAsync"/> and <see cref="StartAsync()"/>.</summary>
    public int Port { get; private set; }

    /// <summary>True for a replica made by <see cref="StartStreamingReplicaAsync"/>.</summary>
    public bool IsReplica { get; private init; }

    private string SocketDirectory => Path.Combine(_rootDirectory, "sock");

    private string LogFile => Path.Combine(_rootDirectory, "postgres.log");

    private string PgCtl => Path.Combine(_binDirectory, "pg_ctl");

    /// <summary>Makes a new cluster and starts it.</summary>
    public static async Task<PostgresCluster> StartNewAsync()
    {
        var cluster = Create();
        try
        {
            await cluster.InitializeAsync().ConfigureAwait(false);
            await cluster.StartOnAFreePortAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            cluster.StopAndDelete();
            throw;
        }
    }

    /// <summary>
    /// A hot standby of this (running) cluster: <c>pg_basebackup -R -X stream</c> into a new directory, started on a
    /// free port. It follows the primary over streaming replication and answers read-only queries.
    /// </summary>
    public async Task<PostgresCluster> StartStreamingReplicaAsync()
    {
        var replica = Create(isReplica: true);
        try
        {
            await RunCheckedAsync(
                Path.Combine(_binDirectory, "pg_basebackup"),
                ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
                 "-D", replica._dataDirectory, "-R", "-X", "stream", "-c", "fast", "--no-sync"],
                _runAsPostgres).ConfigureAwait(false);
            await replica.StartOnAFreePortAsync().ConfigureAwait(false);
            return replica;
        }
        catch
        {
            replica.StopAndDelete();
            throw;
        }
    }

    /// <summary>Stops the server (<c>pg_ctl stop</c>; <paramref name="immediate"/> is a crash, fast a clean shutdown).</summary>
    public async Task StopAsync(bool immediate = false)
    {
        var result = await RunAsync(PgCtl, ["-D", _dataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "stop"],
            _runAsPostgres).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.Describe() + Environment.NewLine + ReadLog());
        }
    }

    /// <summary>Starts the stopped server again on the same port.</summary>
    public async Task StartAsync()
    {
        var result = await StartOnAsync(Port).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.Describe() + Environment.NewLine + "--- server log ---" + Environment.NewLine + ReadLog());
        }
    }

    /// <summary>Runs one statement as the superuser on <paramref name="database"/> and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, string database = "postgres")
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
        return new ValueTask(Task.Run(StopAndDelete));
    }

    private static PostgresCluster Create(bool isReplica = false)
    {
        var binDirectory = FindBinDirectory()
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin.");
        var runAsPostgres = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

        // /tmp is world-traversable, so the postgres user can reach the cluster when we run as root.
        var parent = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        var root = Path.Combine(parent, "sequin-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(root, "sock"));
        var cluster = new PostgresCluster(binDirectory, root, runAsPostgres) { IsReplica = isReplica };
        AppDomain.CurrentDomain.ProcessExit += cluster._processExitHandler;
        if (runAsPostgres)
        {
            // initdb, pg_basebackup and pg_ctl refuse to run as root: hand the directory to the postgres user.
            RunCheckedAsync("chown", ["-R", "postgres:postgres", root], asPostgres: false).GetAwaiter().GetResult();
        }
        return cluster;
    }

    private Task InitializeAsync() => RunCheckedAsync(
        Path.Combine(_binDirectory, "initdb"),
        ["-D", _dataDirectory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"],
        _runAsPostgres);

    private async Task StartOnAFreePortAsync()
    {
        // A free port may be taken between probing and binding: try a few.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var port = FindFreePort();
            var result = await StartOnAsync(port).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                Port = port;
                ConnectionString = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Username = "postgres",
                    Database = "postgres",
                }.ConnectionString;
                return;
            }

            // Make sure a half-started server does not linger before retrying or giving up.
            await RunAsync(PgCtl, ["-D", _dataDirectory, "-m", "immediate", "stop"], _runAsPostgres).ConfigureAwait(false);
            if (attempt >= attempts)
            {
                throw new InvalidOperationException(
                    result.Describe() + Environment.NewLine + "--- server log ---" + Environment.NewLine + ReadLog());
            }
        }
    }

    private Task<ProcessResult> StartOnAsync(int port)
    {
        var options = string.Join(
            ' ',
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-k", SocketDirectory,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
            "-c", "max_connections=200",
            // A replica's feedback every second, so a test sees replay progress promptly.
            "-c", "wal_receiver_status_interval=1");
        return RunAsync(PgCtl, ["-D", _dataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options, "start"], _runAsPostgres);
    }

    private string ReadLog()
    {
        try
        {
            return File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log file)";
        }
        catch (IOException ex)
        {
            return $"(could not read {LogFile}: {ex.Message})";
        }
    }

    private void StopAndDelete()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                RunAsync(PgCtl, ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], _runAsPostgres)
                    .GetAwaiter().GetResult();
            }
        }
        catch (Exception)
        {
            // Best effort at teardown.
        }

        try
        {
            if (Directory.Exists(_rootDirectory))
            {
                Directory.Delete(_rootDirectory, recursive: true);
            }
        }
        catch (Exception)
        {
            // Best effort: a leftover directory in /tmp is harmless.
        }
    }

    private static string? FindBinDirectory()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasServerBinaries(directory))
            {
                // PATH may hold links to a few of the binaries (initdb, pg_ctl): the rest (pg_basebackup) sit beside the targets.
                var initdb = new FileInfo(Path.Combine(directory, "initdb"));
                return initdb.ResolveLinkTarget(returnFinalTarget: true) is { } target
                    ? Path.GetDirectoryName(target.FullName) ?? directory
                    : directory;
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot))
        {
            return null;
        }

        return Directory.GetDirectories(debianRoot)
            .Select(d => (Directory: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
            .Where(x => x.Version is not null && HasServerBinaries(x.Directory))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Directory)
            .FirstOrDefault();
    }

    private static Version? ParseVersion(string name)
    {
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return new Version(major, 0);
        }

        return Version.TryParse(name, out var version) ? version : null;
    }

    private static bool HasServerBinaries(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    /// <summary>A port nothing listens on now, on 127.0.0.1 (it may be taken before it is bound: callers retry).</summary>
    internal static int FindFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task RunCheckedAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var result = await RunAsync(fileName, arguments, asPostgres).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.Describe());
        }
    }

    private static async Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };

        if (asPostgres)
        {
            startInfo.FileName = "runuser";
            foreach (var argument in new[] { "-u", "postgres", "--", fileName })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        else
        {
            startInfo.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var commandLine = string.Join(' ', new[] { startInfo.FileName }.Concat(startInfo.ArgumentList));

        Process process;
        try
        {
            process = Process.Start(startInfo)
                ?? throw new InvalidOperationException($"Could not start '{commandLine}'.");
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            throw new InvalidOperationException($"Could not start '{commandLine}': {ex.Message}", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();

            using var timeout = new CancellationTokenSource(ProcessTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception)
                {
                    // Already gone.
                }

                return new ProcessResult(commandLine, -1, string.Empty, $"Timed out after {ProcessTimeout.TotalSeconds:0} s.");
            }

            return new ProcessResult(commandLine, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }

    private sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
    {
        public string Describe()
        {
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"'{CommandLine}' failed with exit code {ExitCode}.")
                .AppendLine()
                .AppendLine("--- stdout ---")
                .AppendLine(StandardOutput.TrimEnd())
                .AppendLine("--- stderr ---")
                .Append(StandardError.TrimEnd());
            return text.ToString();
        }
    }
}
