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
    private readonly PostgresCluster? _cluster;
    private int _disposed;

    private TestPostgres(string source, string adminConnectionString, PostgreSqlContainer? container, PostgresCluster? cluster)
    {
        Source = source;
        _adminConnectionString = adminConnectionString;
        _container = container;
        _cluster = cluster;
    }

    /// <summary>"environment", "testcontainers" or "local-cluster".</summary>
    public string Source { get; }

    /// <summary>The local cluster behind this server, when it is one: it can be stopped, started and replicated.</summary>
    public PostgresCluster? Cluster => _cluster;

    /// <summary>
    /// A server of its own on a new local cluster, whatever the environment offers: for tests that stop, restart or
    /// replicate the database, which must never be done to the server the other tests share.
    /// </summary>
    public static async Task<TestPostgres> StartOwnClusterAsync()
    {
        var cluster = await PostgresCluster.StartNewAsync().ConfigureAwait(false);
        return new TestPostgres("local-cluster", cluster.ConnectionString, container: null, cluster);
    }

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
            var cluster = await PostgresCluster.StartNewAsync().ConfigureAwait(false);
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
            // Npgsql's default is 30 s: on a loaded 2-core machine, with the HTTP test collections running at once, a
            // big import's statement can take longer, and its cancellation was answered 503. No test is about that limit.
            CommandTimeout = 300,
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
}
