using FluentValidation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server and one test host per collection of HTTP tests. The schema is migrated and the reference data
/// loaded once, into a template database; the collection's shared host runs on a copy of it. Tests never depend on
/// rows another test made: each creates what it needs under unique codes. The few tests that change global state of
/// a database (which framework version is active) get an isolated host on a fresh copy of the template.
/// As in a deployment, the schema belongs to an owner role that ran the migrations, and every host connects as the
/// runtime role, which may only read and write rows (ADR 0005); tests that set data up directly use the owner.
/// </summary>
/// <remarks>
/// <para>
/// Which collection a class runs in (the collections run in parallel with each other; the classes of one collection
/// run one after another, on that collection's fixture):
/// <list type="bullet">
/// <item><see cref="ApiCollection"/>: the default, every class deriving from <see cref="ApiTest"/> that names no other.</item>
/// <item><see cref="WaitingApiCollection"/>: classes that spend their time waiting rather than computing (service
/// processes started, signalled and awaited, pg_dump and python run, webhook deliveries and telemetry exports
/// polled for), so that they overlap with the CPU-bound ones.</item>
/// <item><see cref="SweepingApiCollection"/>: the CPU-bound sweeps over every endpoint (authorisation matrix,
/// contract fuzzing, query combinations) and the big imports: kept out of the default collection so the two halves
/// of the CPU-bound work run side by side.</item>
/// </list>
/// A class moves by naming the collection above itself: <c>[Collection(WaitingApiCollection.Name)]</c>. Keep new
/// classes in the default one unless they take more than a few seconds.
/// </para>
/// <para>
/// A server per collection, not one for all: transaction ids and snapshots are the server's, not a database's. An
/// export's bound (ADR 0027) is the oldest write transaction still running anywhere on the server, so an import or a
/// migration in another collection's database hid a test's fresh rows from its export. With SEQUIN_TEST_DATABASE
/// (one server for everything) the collections therefore take turns. Within a collection, nothing a test does may
/// outlive it or reach beyond its own databases (stopping the server, ALTER SYSTEM, the shared roles, connection
/// limits: those need a cluster of their own, <see cref="TestPostgres.StartOwnClusterAsync"/>, as OutageTests and
/// ReplicaTests have), and nothing may be process-wide (<c>NpgsqlConnection.ClearAllPools</c>: use
/// <see cref="ClearPoolsOf"/>; environment variables; Console; listeners of every host's meters or activities).
/// </para>
/// </remarks>
public sealed class SeQuInApiFixture : IAsyncLifetime
{
    /// <summary>Held by the collection using a server from SEQUIN_TEST_DATABASE, which every collection would share.</summary>
    private static readonly SemaphoreSlim OneCollectionPerSharedServer = new(1, 1);
    private static int _databases;
    private readonly List<SeQuInApp> _apps = [];
    private TestPostgres? _postgres;
    private string _template = "";
    private bool _holdsSharedServer;

    public SeQuInApp App { get; private set; } = null!;

    /// <summary>A national network-admin key, present in every database the fixture hands out.</summary>
    public string NationalAdminToken { get; private set; } = "";

    public TestPostgres Postgres => _postgres ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.StartAsync();
        if (_postgres.Source == "environment")
        {
            await OneCollectionPerSharedServer.WaitAsync();
            _holdsSharedServer = true;
        }
        _template = NewDatabaseName("sequin_template");
        NationalAdminToken = await PrepareDatabaseAsync(_postgres, _template);
        // A copy of the template needs it without sessions: close the migration's pooled ones.
        ClearPoolsOf(_postgres.ConnectionString(_template, TestPostgres.OwnerRole));
        App = await CreateAppOnCopyAsync(NewDatabaseName("sequin_shared"));
    }

    /// <summary>
    /// Makes <paramref name="database"/> on <paramref name="server"/> as a deployment would: the two roles, an empty
    /// database owned by the owner role, migrated as the owner with the reference data, and a first national
    /// network-admin key, which is returned. For tests that need a server of their own (one they stop or replicate).
    /// </summary>
    public static async Task<string> PrepareDatabaseAsync(TestPostgres server, string database)
    {
        await server.EnsureRolesAsync();
        await server.DropDatabaseAsync(database);
        await server.CreateDatabaseAsync(database, owner: TestPostgres.OwnerRole);
        return await MigrateAsync(server.ConnectionString(database, TestPostgres.OwnerRole));
    }

    /// <summary>A host of its own on a fresh copy of the migrated template, for tests that change global state.</summary>
    public Task<SeQuInApp> CreateIsolatedAppAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        CreateAppOnCopyAsync(NewDatabaseName("sequin_isolated"), settings);

    /// <summary>
    /// A new database <paramref name="database"/>, a copy of the migrated template (so it holds <see cref="NationalAdminToken"/>):
    /// what a deployment has after <c>migrate</c>, in a fraction of the time a migration takes.
    /// </summary>
    public async Task CreateMigratedDatabaseAsync(string database)
    {
        await Postgres.DropDatabaseAsync(database);
        await Postgres.CreateDatabaseAsync(database, _template, TestPostgres.OwnerRole);
    }

    /// <summary>A database name no other collection uses in this run: <paramref name="prefix"/>_n.</summary>
    public static string NewDatabaseName(string prefix) => $"{prefix}_{Interlocked.Increment(ref _databases)}";

    /// <summary>
    /// Closes the idle pooled connections of these connection strings, as given and as the service's DbContext rewrites
    /// them (its own pool): not every pool of the process, as <c>NpgsqlConnection.ClearAllPools</c> would, under the
    /// feet of the collections running beside.
    /// </summary>
    public static void ClearPoolsOf(params string[] connectionStrings)
    {
        foreach (var connectionString in connectionStrings)
        {
            var options = new DbContextOptionsBuilder<SeQuInDbContext>();
            SeQuInDbContext.Configure(options, connectionString);
            using var db = new SeQuInDbContext(options.Options);
            foreach (var pooled in new[] { connectionString, db.Database.GetConnectionString()! }.Distinct())
            {
                using var connection = new NpgsqlConnection(pooled);
                NpgsqlConnection.ClearPool(connection);
            }
        }
    }

    private async Task<SeQuInApp> CreateAppOnCopyAsync(string database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        await CreateMigratedDatabaseAsync(database);
        var app = new SeQuInApp(Postgres.ConnectionString(database, TestPostgres.RuntimeRole), settings,
            Postgres.ConnectionString(database, TestPostgres.OwnerRole));
        lock (_apps)
        {
            _apps.Add(app);
        }
        return app;
    }

    private static async Task<string> MigrateAsync(string connectionString)
    {
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, connectionString);
        await using var db = new SeQuInDbContext(options.Options);
        var migrator = new DatabaseMigrator(db, new FrameworkDocumentValidator(), TimeProvider.System,
            NullLogger<DatabaseMigrator>.Instance, new DatabaseRoleOptions(TestPostgres.RuntimeRole));
        await migrator.MigrateAsync(loadDemo: false);
        var commands = new AccessCommands(db, new AuditTrail(db, TimeProvider.System, new HttpContextAccessor()), TimeProvider.System);
        return await commands.BootstrapAdminAsync("test national administrator", force: false, CancellationToken.None)
            ?? throw new InvalidOperationException("The template already had an administrator key.");
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        if (_holdsSharedServer)
        {
            OneCollectionPerSharedServer.Release();
        }
    }
}

/// <summary>
/// The service under test, over a database of its own choosing: it connects with <paramref name="connectionString"/>
/// (the runtime role), and <see cref="CreateDbContext"/> with <paramref name="ownerConnectionString"/> when given.
/// </summary>
public sealed class SeQuInApp(string connectionString, IReadOnlyDictionary<string, string?>? settings = null,
    string? ownerConnectionString = null) : WebApplicationFactory<Program>
{
    /// <summary>What the service connects with: the runtime role.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>The schema owner's connection, for tests that set data up (or break rules) behind the service's back.</summary>
    public string OwnerConnectionString { get; } = ownerConnectionString ?? connectionString;

    /// <summary>Everything the service logged.</summary>
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:SeQuIn", ConnectionString);
        builder.UseSetting("ConnectionStrings:SeQuInOwner", OwnerConnectionString);
        builder.UseSetting("SeQuIn:Database:RuntimeRole", TestPostgres.RuntimeRole);
        builder.UseSetting("SeQuIn:MigrateOnStartup", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("SeQuIn:Oidc:Issuers:0:Issuer", TestIdentityProvider.Issuer);
        builder.UseSetting("SeQuIn:Oidc:Issuers:0:Audience", TestIdentityProvider.Audience);
        builder.UseSetting("SeQuIn:Oidc:Issuers:0:SigningKeysJwks", TestIdentityProvider.Jwks);
        builder.UseSetting("SeQuIn:RateLimits:PerCallerPerMinute", "1000000");
        builder.UseSetting("SeQuIn:RateLimits:AnonymousPerMinute", "1000000");
        // Every test request comes from the same (absent) address, and many fail to sign in on purpose.
        builder.UseSetting("SeQuIn:RateLimits:FailedSignInsPerMinute", "1000000");
        builder.UseSetting("SeQuIn:RateLimits:FamilyWrongCodesPerHour", "1000000");
        builder.UseSetting("SeQuIn:RateLimits:FamilyResponsesPerHour", "1000000");
        // Tests type wrong confirmation codes on purpose too (ConfirmationLimitTests sets its own limits).
        builder.UseSetting("SeQuIn:RateLimits:WrongConfirmationCodesPerMinute", "1000000");
        builder.UseSetting("SeQuIn:RateLimits:WrongConfirmationCodesServiceWidePerMinute", "1000000");
        // Webhook receivers of the tests listen on loopback over plain HTTP, and a test waits seconds, not days.
        builder.UseSetting("SeQuIn:Webhooks:AllowHttp", "true");
        builder.UseSetting("SeQuIn:Webhooks:AllowedPrivateNetworks:0", "127.0.0.0/8");
        builder.UseSetting("SeQuIn:Webhooks:PollInterval", "00:00:00.200");
        builder.UseSetting("SeQuIn:Webhooks:FirstBackoff", "00:00:00.200");
        builder.UseSetting("SeQuIn:Webhooks:MaxBackoff", "00:00:01");
        // Bulk exports are planned at once and cut into files of 4, so that a test's few resources span several files.
        builder.UseSetting("SeQuIn:Fhir:Export:Settle", "00:00:00");
        builder.UseSetting("SeQuIn:Fhir:Export:PollInterval", "00:00:00.100");
        builder.UseSetting("SeQuIn:Fhir:Export:FileSize", "4");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    /// <summary>A client whose every answer is checked against the committed contract (ContractConformanceHandler).</summary>
    /// <remarks>A host derived with WithWebHostBuilder does not have this one: use CreateConformingClient there.</remarks>
    public new HttpClient CreateClient() => this.CreateConformingClient();

    /// <summary>A checked client that sends this bearer token (an API key or a JWT) with every request.</summary>
    public HttpClient CreateClient(string? bearer) => this.CreateConformingClient(bearer);

    /// <summary>
    /// Every client of this host, and of hosts derived from it with WithWebHostBuilder (which hand their clients here),
    /// is made by CreateConformingClient: one made otherwise would leave its answers unchecked.
    /// </summary>
    protected override void ConfigureClient(HttpClient client)
    {
        if (!ConformingClients.Building)
        {
            throw new InvalidOperationException(
                "This client would skip the contract check: make it with CreateConformingClient (SeQuInApp.CreateClient does).");
        }
        base.ConfigureClient(client);
    }

    /// <summary>
    /// Stops the host and closes its idle pooled connections at once: left to Npgsql they would hold server connections
    /// for minutes after the host is gone, while the other collections open theirs.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SeQuInApiFixture.ClearPoolsOf(ConnectionString, OwnerConnectionString);
    }

    /// <summary>A context connected as the schema's owner: for setting data up directly, not for what the service may do.</summary>
    public SeQuInDbContext CreateDbContext()
    {
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, OwnerConnectionString);
        return new SeQuInDbContext(options.Options);
    }
}

/// <summary>The default collection of the HTTP tests (see <see cref="SeQuInApiFixture"/> for which class runs where).</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<SeQuInApiFixture>
{
    public const string Name = "SeQuIn API";
}

/// <summary>HTTP tests that mostly wait (processes, tools, polling), beside the CPU-bound ones (see <see cref="SeQuInApiFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class WaitingApiCollection : ICollectionFixture<SeQuInApiFixture>
{
    public const string Name = "SeQuIn API: waiting";
}

/// <summary>The CPU-bound sweeps over every endpoint and the big imports (see <see cref="SeQuInApiFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class SweepingApiCollection : ICollectionFixture<SeQuInApiFixture>
{
    public const string Name = "SeQuIn API: sweeping";
}
