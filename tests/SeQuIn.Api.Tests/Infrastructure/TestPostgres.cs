using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for integration tests. The server is found in this order:
/// <list type="number">
/// <item>the connection string in the <c>SEQUIN_TEST_DATABASE</c> environment variable (its database is the maintenance database);</item>
/// <item>a Testcontainers <c>postgres:16-alpine</c> container, when a Docker engine answers;</item>
/// <item>a throwaway cluster started from the PostgreSQL server binaries on this machine (<c>initdb</c>/<c>pg_ctl</c>).</item>
/// </list>
/// </summary>
public sealed partial class TestPostgres : IAsyncDisposable
{
    private const string EnvironmentVariable = "SEQUIN_TEST_DATABASE";
    private const string ContainerImage = "postgres:16-alpine";
    private const string InstallHint =
        "Hint: install PostgreSQL server binaries (apt-get install postgresql) or set SEQUIN_TEST_DATABASE " +
        "to an Npgsql connection string of a PostgreSQL server you can create databases on.";

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    private readonly string _adminConnectionString;
    private readonly PostgreSqlContainer? _container;
    private readonly LocalCluster? _cluster;
    private int _disposed;

    private TestPostgres(string source, string adminConnectionString, PostgreSqlContainer? container, LocalCluster? cluster)
    {
        Source = source;
        _adminConnectionString = adminConnectionString;
        _container = container;
        _cluster = cluster;
    }

    /// <summary>"environment", "testcontainers" or "local-cluster".</summary>
    public string Source { get; }

    /// <summary>Starts (or connects to) a PostgreSQL server, choosing the first source that works.</summary>
    public static async Task<TestPostgres> StartAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new TestPostgres("environment", fromEnvironment, container: null, cluster: null);
        }

        string dockerFailure;
        try
        {
            var container = await TryStartContainerAsync().ConfigureAwait(false);
            return new TestPostgres("testcontainers", container.GetConnectionString(), container, cluster: null);
        }
        catch (DockerUnavailableException ex)
        {
            // No Docker engine answers (thrown by Build() or StartAsync() within about a second): fall back.
            dockerFailure = $"{ex.GetType().Name}: {ex.Message}";
        }
        catch (Exception ex)
        {
            // Any other failure to reach or use Docker: fall back as well.
            dockerFailure = $"{ex.GetType().Name}: {ex.Message}";
        }

        try
        {
            var cluster = await LocalCluster.StartAsync().ConfigureAwait(false);
            return new TestPostgres("local-cluster", cluster.ConnectionString, container: null, cluster);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                "Could not find a PostgreSQL server for integration tests." + Environment.NewLine +
                $"- {EnvironmentVariable} is not set." + Environment.NewLine +
                $"- Testcontainers: {dockerFailure}" + Environment.NewLine +
                $"- Local cluster: {ex.Message}" + Environment.NewLine +
                InstallHint,
                ex);
        }
    }

    /// <summary>The role that owns the schema and runs migrations, as deploy/run-local.sh names it.</summary>
    public const string OwnerRole = "sequin_owner";

    /// <summary>The role the service connects as: rows only, never DDL (ADR 0005).</summary>
    public const string RuntimeRole = "sequin_app";

    /// <summary>Both roles' password, for servers that ask for one (a Testcontainers server does; the local cluster trusts).</summary>
    private const string RolePassword = "sequin-test";

    /// <summary>
    /// A pooled connection string for <paramref name="database"/> on this server, as the administrator or as
    /// <paramref name="role"/> (<see cref="OwnerRole"/> or <see cref="RuntimeRole"/>).
    /// </summary>
    public string ConnectionString(string database, string? role = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        var builder = new NpgsqlConnectionStringBuilder(_adminConnectionString)
        {
            Database = database,
            Pooling = true,
            IncludeErrorDetail = true,
        };
        if (role is not null)
        {
            builder.Username = role;
            builder.Password = RolePassword;
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// Creates the owner and runtime roles unless they exist, with no attribute beyond LOGIN: the runtime role gets
    /// its privileges from <c>migrate</c>, run as the owner, exactly as in a deployment. Roles belong to the server,
    /// so every database on it shares them.
    /// </summary>
    public Task EnsureRolesAsync() => ExecuteAdminAsync($"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OwnerRole}') THEN
                CREATE ROLE {OwnerRole} LOGIN PASSWORD '{RolePassword}';
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{RuntimeRole}') THEN
                CREATE ROLE {RuntimeRole} LOGIN PASSWORD '{RolePassword}';
            END IF;
        END
        $$
        """);

    /// <summary>
    /// CREATE DATABASE "name" [TEMPLATE "template"] [OWNER "owner"]. Retries while the template is in use (55006).
    /// </summary>
    public async Task CreateDatabaseAsync(string name, string? template = null, string? owner = null)
    {
        ValidateName(name, nameof(name));
        if (template is not null)
        {
            ValidateName(template, nameof(template));
        }
        if (owner is not null)
        {
            ValidateName(owner, nameof(owner));
        }

        var sql = $"CREATE DATABASE \"{name}\"" + (template is null ? "" : $" TEMPLATE \"{template}\"") + (owner is null ? "" : $" OWNER \"{owner}\"");

        const int maxRetries = 5;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await ExecuteAdminAsync(sql).ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < maxRetries)
            {
                await Task.Delay(200).ConfigureAwait(false);
            }
        }
    }

    /// <summary>DROP DATABASE IF EXISTS "name" WITH (FORCE).</summary>
    public Task DropDatabaseAsync(string name)
    {
        ValidateName(name, nameof(name));
        return ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>Stops the container or local cluster; a server from the environment is left alone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        // Unpooled, so no idle connection lingers on the maintenance database.
        var builder = new NpgsqlConnectionStringBuilder(_adminConnectionString)
        {
            Pooling = false,
            IncludeErrorDetail = true,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static void ValidateName(string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (!DatabaseNamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"Database name '{name}' is invalid: only [a-z0-9_]+ is allowed (at most 63 characters).",
                parameterName);
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatabaseNamePattern();

    private static async Task<PostgreSqlContainer> TryStartContainerAsync()
    {
        PostgreSqlContainer? container = null;
        try
        {
            container = new PostgreSqlBuilder(ContainerImage)
                .WithDatabase("postgres")
                .WithUsername("postgres")
                .WithPassword("postgres")
                .WithCommand(
                    "-c", "fsync=off",
                    "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off",
                    "-c", "max_connections=200")
                .Build();
            await container.StartAsync().ConfigureAwait(false);
            return container;
        }
        catch (Exception)
        {
            await DisposeQuietlyAsync(container).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task DisposeQuietlyAsync(IAsyncDisposable? disposable)
    {
        if (disposable is null)
        {
            return;
        }

        try
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the original failure is what matters.
        }
    }

    /// <summary>A throwaway cluster made with initdb and run with pg_ctl.</summary>
    private sealed class LocalCluster : IAsyncDisposable
    {
        private readonly string _binDirectory;
        private readonly string _rootDirectory;
        private readonly string _dataDirectory;
        private readonly bool _runAsPostgres;
        private readonly EventHandler _processExitHandler;
        private int _stopped;

        private LocalCluster(string binDirectory, string rootDirectory, bool runAsPostgres)
        {
            _binDirectory = binDirectory;
            _rootDirectory = rootDirectory;
            _dataDirectory = Path.Combine(rootDirectory, "data");
            _runAsPostgres = runAsPostgres;
            _processExitHandler = (_, _) => StopAndDelete();
        }

        public string ConnectionString { get; private set; } = string.Empty;

        private string SocketDirectory => Path.Combine(_rootDirectory, "sock");

        private string LogFile => Path.Combine(_rootDirectory, "postgres.log");

        public static async Task<LocalCluster> StartAsync()
        {
            var binDirectory = FindBinDirectory()
                ?? throw new InvalidOperationException(
                    "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin.");

            var runAsPostgres = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

            // /tmp is world-traversable, so the postgres user can reach the cluster when we run as root.
            var parent = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
            var root = Path.Combine(parent, "sequin-pg-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(root);

            var cluster = new LocalCluster(binDirectory, root, runAsPostgres);
            try
            {
                await cluster.InitializeAndStartAsync().ConfigureAwait(false);
                AppDomain.CurrentDomain.ProcessExit += cluster._processExitHandler;
                return cluster;
            }
            catch
            {
                cluster.StopAndDelete();
                throw;
            }
        }

        public ValueTask DisposeAsync()
        {
            AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
            return new ValueTask(Task.Run(StopAndDelete));
        }

        private async Task InitializeAndStartAsync()
        {
            Directory.CreateDirectory(SocketDirectory);

            if (_runAsPostgres)
            {
                // initdb and pg_ctl refuse to run as root: hand the directory to the postgres user.
                await RunCheckedAsync("chown", ["-R", "postgres:postgres", _rootDirectory], asPostgres: false)
                    .ConfigureAwait(false);
            }

            await RunCheckedAsync(
                Path.Combine(_binDirectory, "initdb"),
                ["-D", _dataDirectory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"],
                _runAsPostgres).ConfigureAwait(false);

            // A free port may be taken between probing and binding: try a few.
            const int attempts = 3;
            for (var attempt = 1; ; attempt++)
            {
                var port = FindFreePort();
                var options = string.Join(
                    ' ',
                    "-p", port.ToString(CultureInfo.InvariantCulture),
                    "-k", SocketDirectory,
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", "fsync=off",
                    "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off",
                    "-c", "max_connections=200");

                var result = await RunAsync(
                    Path.Combine(_binDirectory, "pg_ctl"),
                    ["-D", _dataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options, "start"],
                    _runAsPostgres).ConfigureAwait(false);

                if (result.ExitCode == 0)
                {
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
                await RunAsync(
                    Path.Combine(_binDirectory, "pg_ctl"),
                    ["-D", _dataDirectory, "-m", "immediate", "stop"],
                    _runAsPostgres).ConfigureAwait(false);

                if (attempt >= attempts)
                {
                    throw new InvalidOperationException(
                        result.Describe() + Environment.NewLine + "--- server log ---" + Environment.NewLine + ReadLog());
                }
            }
        }

        private string ReadLog()
        {
            try
            {
                return File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log file)";
            }
            catch (Exception ex)
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
                    RunAsync(
                            Path.Combine(_binDirectory, "pg_ctl"),
                            ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"],
                            _runAsPostgres)
                        .GetAwaiter().GetResult();
                }
            }
            catch (Exception)
            {
                // Best effort.
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
                    return directory;
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

        private static int FindFreePort()
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
}
