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
/// One PostgreSQL server and one test host for the whole run. The schema is migrated and the reference data
/// loaded once, into a template database; the shared host runs on a copy of it. Tests never depend on rows
/// another test made: each creates what it needs under unique codes. The few tests that change global state
/// (which framework version is active) get an isolated host on a fresh copy of the template.
/// As in a deployment, the schema belongs to an owner role that ran the migrations, and every host connects as the
/// runtime role, which may only read and write rows (ADR 0005); tests that set data up directly use the owner.
/// </summary>
public sealed class SeQuInApiFixture : IAsyncLifetime
{
    private const string Template = "sequin_template";
    private readonly List<SeQuInApp> _apps = [];
    private TestPostgres? _postgres;
    private int _isolated;

    public SeQuInApp App { get; private set; } = null!;

    /// <summary>A national network-admin key, present in every database the fixture hands out.</summary>
    public string NationalAdminToken { get; private set; } = "";

    public TestPostgres Postgres => _postgres ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.StartAsync();
        NationalAdminToken = await PrepareDatabaseAsync(_postgres, Template);
        NpgsqlConnection.ClearAllPools();
        App = await CreateAppOnCopyAsync("sequin_shared");
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
        CreateAppOnCopyAsync($"sequin_isolated_{Interlocked.Increment(ref _isolated)}", settings);

    private async Task<SeQuInApp> CreateAppOnCopyAsync(string database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        await Postgres.DropDatabaseAsync(database);
        await Postgres.CreateDatabaseAsync(database, Template, TestPostgres.OwnerRole);
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
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
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

    /// <summary>A context connected as the schema's owner: for setting data up directly, not for what the service may do.</summary>
    public SeQuInDbContext CreateDbContext()
    {
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, OwnerConnectionString);
        return new SeQuInDbContext(options.Options);
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<SeQuInApiFixture>
{
    public const string Name = "SeQuIn API";
}
