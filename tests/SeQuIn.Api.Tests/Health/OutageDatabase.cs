using System.Net.Http.Json;
using Npgsql;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Health;

/// <summary>
/// A PostgreSQL cluster of its own, migrated as a deployment would be, and the service on it: the outage tests stop,
/// crash and restart it, which must never happen to the server the other tests share.
/// </summary>
public sealed class OutageDatabase : IAsyncLifetime
{
    public const string Database = "sequin_outage";

    private TestPostgres? _server;

    public TestPostgres Server => _server ?? throw new InvalidOperationException("Not started.");

    public PostgresCluster Cluster => Server.Cluster!;

    public SeQuInApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _server = await TestPostgres.StartOwnClusterAsync();
        AdminToken = await SeQuInApiFixture.PrepareDatabaseAsync(_server, Database);
        App = CreateApp();
        Admin = App.CreateClient(AdminToken);
    }

    /// <summary>The service on this database; <paramref name="connectionOptions"/> are appended to its connection string.</summary>
    public SeQuInApp CreateApp(string connectionOptions = "") => new(
        Server.ConnectionString(Database, TestPostgres.RuntimeRole) + connectionOptions,
        new Dictionary<string, string?> { ["SeQuIn:Health:ReadinessCacheSeconds"] = "0" },
        Server.ConnectionString(Database, TestPostgres.OwnerRole));

    /// <summary>A network with two units and keys for its people, made through the API.</summary>
    public Task<AssessmentWorld> NewWorldAsync() => AssessmentWorld.CreateAsync(App, Admin);

    /// <summary>One value (first column, first row) read as the superuser, behind the service's back.</summary>
    public async Task<long> CountAsync(string sql) => Convert.ToInt64(await Cluster.ScalarAsync(sql, Database));

    /// <summary>
    /// Holds a lock on <paramref name="table"/> in its own transaction until disposed: requests that need the table
    /// wait on it, holding their connection, for as long as the test wants.
    /// </summary>
    public async Task<NpgsqlConnection> LockAsync(string table, string mode)
    {
        var builder = new NpgsqlConnectionStringBuilder(Cluster.ConnectionString) { Database = Database, Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"BEGIN; LOCK TABLE {table} IN {mode} MODE", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>
    /// The service's backends waiting on a lock (running a statement like <paramref name="statement"/>, when given),
    /// once there are <paramref name="count"/>; fails after 30 s.
    /// </summary>
    public async Task<IReadOnlyList<int>> WaitForBlockedAsync(int count, string statement = "%")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var pids = new List<int>();
            var builder = new NpgsqlConnectionStringBuilder(Cluster.ConnectionString) { Database = Database, Pooling = false };
            await using (var connection = new NpgsqlConnection(builder.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    $"SELECT pid FROM pg_stat_activity WHERE usename = '{TestPostgres.RuntimeRole}' AND wait_event_type = 'Lock' AND query LIKE $1",
                    connection) { Parameters = { new() { Value = statement } } };
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    pids.Add(reader.GetInt32(0));
                }
            }
            if (pids.Count >= count)
            {
                return pids;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Expected {count} of the service's statements like '{statement}' to wait on a lock; {pids.Count} do.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Kills the server as a crash would (<c>pg_ctl stop -m immediate</c>). The test cluster commits with
    /// synchronous_commit=off for speed, so a crash would lose the last commits, which a production server keeps:
    /// they are flushed first, so that what the test sees is the service's doing, not that setting's.
    /// </summary>
    public async Task CrashAsync()
    {
        await Cluster.ScalarAsync("CHECKPOINT");
        await Cluster.StopAsync(immediate: true);
    }

    /// <summary>Starts the cluster again if a test left it stopped, so that the next test finds it running.</summary>
    public async Task EnsureRunningAsync()
    {
        try
        {
            await Cluster.ScalarAsync("SELECT 1");
        }
        catch (NpgsqlException)
        {
            await Cluster.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
