using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SeQuIn.Api.Common;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data;

/// <summary>
/// Applies migrations and loads the reference data kept as JSON files in Data/Seed (embedded in the binary):
/// the first framework version and, on request, the demo network. Every step is idempotent, so it runs at
/// every start-up and on every `migrate` without harm.
/// </summary>
/// <remarks>
/// It works as the schema's owner (the keyed owner context), and grants the runtime role the service connects as
/// its privileges after every migration (<see cref="DatabaseRoles"/>).
/// </remarks>
public sealed class DatabaseMigrator(
    [FromKeyedServices(DatabaseSetup.Owner)] SeQuInDbContext db,
    IValidator<FrameworkDocument> frameworkValidator,
    TimeProvider clock,
    ILogger<DatabaseMigrator> logger,
    DatabaseRoleOptions? roles = null)
{
    public const string FirstFramework = "framework-2021.1.json";
    public const string DemoNetwork = "demo-network.json";
    /// <summary>The demo network and the unit demo keys are issued for, as Data/Seed/demo-network.json names them.</summary>
    public static string DemoNetworkCode => DemoSeed.Value.Network.Code;
    public static string DemoUnitCode => DemoSeed.Value.Units[0].Code;
    private static readonly Lazy<DemoNetworkSeed> DemoSeed = new(() => ReadSeed<DemoNetworkSeed>(DemoNetwork));

    /// <summary>
    /// Migrates, grants and loads reference data while holding <see cref="MigrationLock"/>, so that instances starting
    /// at once (replicas with SeQuIn:MigrateOnStartup, or a migrate job beside them) migrate once: the others wait for
    /// the lock, then find every migration applied and the reference data loaded, and change nothing.
    /// </summary>
    public async Task MigrateAsync(bool loadDemo, CancellationToken ct = default)
    {
        await using var held = await MigrationLock.AcquireAsync(db.Database.GetConnectionString()!, logger, ct);
        await MigrateHoldingLockAsync(loadDemo, ct);
    }

    private async Task MigrateHoldingLockAsync(bool loadDemo, CancellationToken ct)
    {
        // Creating the history table first spares a first run the alarming "Failed executing DbCommand" that EF
        // logs when it probes for a table that is not there yet.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        await db.Database.MigrateAsync(ct);
        logger.LogInformation("The schema is at migration {Migration}", (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault());
        await DatabaseRoles.GrantAsync(db, roles ?? new DatabaseRoleOptions(), logger, ct);
        await LoadFrameworkAsync(ReadSeed<FrameworkDocument>(FirstFramework), ct);
        if (loadDemo)
        {
            await LoadDemoNetworkAsync(DemoSeed.Value, ct);
            await LoadDemoHistoryAsync(ct);
            await DemoFamilies.LoadAsync(db, DemoNetworkCode, ct);
            await Framework.DemoRevision.LoadAsync(db, DemoUnitCode, clock.Now(), ct);
            await DemoBuddying.LoadAsync(db, DemoNetworkCode, DemoUnitCode, clock.Now(), ct);
            await DemoActions.LoadAsync(db, DemoNetworkCode, clock.Now(), ct);
        }
    }

    /// <summary>24 months of submitted assessments for the demo units, so that benchmarks show something at once.</summary>
    private async Task LoadDemoHistoryAsync(CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var written = await DemoHistory.LoadAsync(db, DemoNetworkCode, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
        var confirmed = written > 0 ? await DemoConfirmations.ApplyAsync(db, DemoNetworkCode, ct) : 0;
        if (written > 0)
        {
            var network = await db.Networks.SingleAsync(n => n.Code == DemoNetworkCode, ct);
            Audit("demo.history-loaded", "network", network.Id, network.Id, new { assessments = written, months = DemoHistory.MonthsOfHistory });
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Demo history: {Count} submitted assessments loaded, {Confirmed} confirmed by their service user", written, confirmed);
    }

    private void Audit(string action, string entityType, object entityId, Guid? networkId, object changes) =>
        db.AuditEvents.Add(new Audit.AuditEvent
        {
            OccurredAt = clock.Now(),
            Actor = "system:migrate",
            Action = action,
            EntityType = entityType,
            EntityId = entityId.ToString()!,
            NetworkId = networkId,
            Changes = JsonSerializer.Serialize(changes, Json.Options),
        });

    public static T ReadSeed<T>(string name)
    {
        using var stream = typeof(DatabaseMigrator).Assembly.GetManifestResourceStream("seed/" + name)
            ?? throw new InvalidOperationException($"Seed file {name} is not embedded in the binary.");
        return JsonSerializer.Deserialize<T>(stream, Json.Options)
            ?? throw new InvalidOperationException($"Seed file {name} is empty.");
    }

    private async Task LoadFrameworkAsync(FrameworkDocument document, CancellationToken ct)
    {
        if (await db.FrameworkVersions.AnyAsync(v => v.Identifier == document.Identifier, ct))
        {
            return;
        }
        await frameworkValidator.ValidateAndThrowAsync(document, ct);
        var now = clock.Now();
        var version = new FrameworkVersion { Identifier = document.Identifier, Title = document.Title, CreatedAt = now };
        FrameworkApi.Apply(document, version, now);
        if (!await db.FrameworkVersions.AnyAsync(v => v.Status == FrameworkStatus.Active, ct))
        {
            version.Status = FrameworkStatus.Active;
            version.ActivatedAt = now;
        }
        db.FrameworkVersions.Add(version);
        Audit("framework.imported", "framework-version", version.Identifier, null, new { version.Identifier, version.Status });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Loaded framework version {Identifier} ({Status})", version.Identifier, version.Status);
    }

    private async Task LoadDemoNetworkAsync(DemoNetworkSeed seed, CancellationToken ct)
    {
        var now = clock.Now();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        var network = await db.Networks.SingleOrDefaultAsync(n => n.Code == seed.Network.Code, ct);
        if (network is null)
        {
            network = new Network { Code = seed.Network.Code, Name = seed.Network.Name, Region = seed.Network.Region, CreatedAt = now, UpdatedAt = now };
            db.Networks.Add(network);
        }

        var collaborativeCodes = seed.Collaboratives.Select(c => c.Code).ToList();
        var collaboratives = await db.Collaboratives.Where(c => collaborativeCodes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, ct);
        foreach (var c in seed.Collaboratives.Where(c => !collaboratives.ContainsKey(c.Code)))
        {
            collaboratives[c.Code] = db.Collaboratives.Add(new Collaborative { Code = c.Code, Name = c.Name, CreatedAt = now, UpdatedAt = now }).Entity;
        }

        var providerCodes = seed.Providers.Select(p => p.Code).ToList();
        var providers = await db.Providers.Where(p => providerCodes.Contains(p.Code)).ToDictionaryAsync(p => p.Code, ct);
        foreach (var p in seed.Providers.Where(p => !providers.ContainsKey(p.Code)))
        {
            providers[p.Code] = db.Providers.Add(new Provider { Code = p.Code, Name = p.Name, Sector = p.Sector, CreatedAt = now, UpdatedAt = now }).Entity;
        }

        var unitCodes = seed.Units.Select(u => u.Code).ToList();
        var existingUnits = await db.Units.Where(u => unitCodes.Contains(u.Code)).Select(u => u.Code).ToListAsync(ct);
        foreach (var u in seed.Units.Where(u => !existingUnits.Contains(u.Code)))
        {
            db.Units.Add(new Unit
            {
                Code = u.Code,
                Name = u.Name,
                SecurityLevel = u.SecurityLevel,
                Provider = providers[u.Provider],
                Network = network,
                Collaborative = u.Collaborative is null ? null : collaboratives[u.Collaborative],
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        if (db.ChangeTracker.HasChanges())
        {
            Audit("demo.loaded", "network", network.Id, network.Id, new { network.Code, units = seed.Units.Count });
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Demo network {Code} is loaded with {Units} units", network.Code, seed.Units.Count);
    }
}

public sealed record DemoNetworkSeed(
    DemoNetworkSeed.NetworkSeed Network,
    IReadOnlyList<DemoNetworkSeed.CodeAndName> Collaboratives,
    IReadOnlyList<DemoNetworkSeed.ProviderSeed> Providers,
    IReadOnlyList<DemoNetworkSeed.UnitSeed> Units)
{
    public sealed record NetworkSeed(string Code, string Name, string? Region);
    public sealed record CodeAndName(string Code, string Name);
    public sealed record ProviderSeed(string Code, string Name, ProviderSector Sector);
    public sealed record UnitSeed(string Code, string Name, SecurityLevel SecurityLevel, string Provider, string? Collaborative);
}
