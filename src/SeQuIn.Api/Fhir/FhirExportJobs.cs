using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// One FHIR bulk export (ADR 0039): asked for by one caller, planned by the worker into files of whole key ranges,
/// read file by file by the same caller until it expires. Holds no resource: a file is computed when it is read.
/// </summary>
public sealed class FhirExportJob
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Who asked (<see cref="Access.Caller.Actor"/>): only they may poll, read or delete it.</summary>
    public required string Actor { get; set; }
    /// <summary>The caller's grants when they asked (JSON), which the plan counts with; files are read with the reader's grants of the day.</summary>
    public required string Grants { get; set; }
    /// <summary>The kick-off's path and query (after the FHIR base URL), as the manifest's request repeats it.</summary>
    public required string Request { get; set; }
    /// <summary>The resource types to export, in the order of the facade's table.</summary>
    public string[] Types { get; set; } = [];
    public DateTimeOffset? Since { get; set; }
    /// <summary>The kick-off time (to the millisecond): resources changed after it are left to the next export.</summary>
    public DateTimeOffset TransactionTime { get; set; }
    public string Status { get; set; } = FhirExportStatus.Accepted;
    /// <summary>What the worker is doing, for X-Progress.</summary>
    public string? Progress { get; set; }
    /// <summary>The planned files (JSON list of <see cref="FhirExportFile"/>), once complete.</summary>
    public string? Files { get; set; }
    public string? Error { get; set; }
    /// <summary>While a worker plans it: until when, and which instance (another takes it over after a crash).</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LeasedBy { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>When the job and its files are gone: the retention period after kick-off, and again after completion.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

public static class FhirExportStatus
{
    public const string Accepted = "accepted";
    public const string Complete = "complete";
    public const string Failed = "failed";
}

/// <summary>One planned file: the resources of one type whose keys come after <paramref name="After"/> and not after
/// <paramref name="UpTo"/> (null: open on that side), <paramref name="Count"/> of them when planned.</summary>
public sealed record FhirExportFile(string Type, string? After, string? UpTo, int Count);

public sealed class FhirExportJobConfiguration : IEntityTypeConfiguration<FhirExportJob>
{
    public void Configure(EntityTypeBuilder<FhirExportJob> builder)
    {
        builder.ToTable("fhir_export_jobs");
        builder.Property(j => j.Actor).HasMaxLength(300);
        builder.Property(j => j.Grants).HasColumnType("text");
        // As long as the kick-off URL was: its values are bounded, but _format may carry parameters after "json;".
        builder.Property(j => j.Request).HasColumnType("text");
        builder.Property(j => j.Status).HasMaxLength(20);
        builder.Property(j => j.Progress).HasMaxLength(200);
        builder.Property(j => j.Files).HasColumnType("text");
        builder.Property(j => j.Error).HasMaxLength(500);
        builder.Property(j => j.LeasedBy).HasMaxLength(100);
        // The worker's question (what is waiting), a caller's (how many of mine are alive) and the clean-up's (what expired).
        builder.HasIndex(j => j.Id).HasFilter("status = 'accepted'").HasDatabaseName("ix_fhir_export_jobs_waiting");
        builder.HasIndex(j => new { j.Actor, j.ExpiresAt });
        builder.HasIndex(j => j.ExpiresAt);
    }
}

/// <summary>How bulk exports run (section SeQuIn:Fhir:Export).</summary>
public sealed class FhirExportOptions
{
    /// <summary>Whether this instance plans exports. Every instance may: a job is leased to one at a time.</summary>
    public bool Work { get; set; } = true;

    /// <summary>How often the worker looks for waiting jobs and expired ones.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after kick-off planning starts, so that every write stamped before transactionTime has committed
    /// (a write is stamped before it commits).</summary>
    public TimeSpan Settle { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many resources per file.</summary>
    public int FileSize { get; set; } = 10_000;

    /// <summary>How long a job and its files stay after kick-off, and again after completion.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many unexpired exports one caller may have at once (DELETE one to ask for another sooner).</summary>
    public int MaxJobsPerCaller { get; set; } = 5;

    /// <summary>How long a worker holds a job while planning it before another instance may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);
}
