using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Data.Configurations;

public sealed class AreaResultRowConfiguration : IEntityTypeConfiguration<AreaResultRow>
{
    public void Configure(EntityTypeBuilder<AreaResultRow> builder)
    {
        builder.ToTable("area_results");
        builder.HasKey(r => r.AssessmentId);
        builder.HasOne<Assessment>().WithOne().HasForeignKey<AreaResultRow>(r => r.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.AreaCode).HasMaxLength(6);
        builder.Property(r => r.FrameworkIdentifier).HasMaxLength(32);
        builder.Property(r => r.Mean).HasPrecision(4, 2);
        builder.Property(r => r.Percentage).HasPrecision(5, 1);
        // Each comparison group reads one month (or a unit's series) through its own index.
        builder.HasIndex(r => new { r.NetworkId, r.Month, r.AreaCode });
        builder.HasIndex(r => new { r.Month, r.AreaCode, r.SecurityLevel });
        builder.HasIndex(r => new { r.Month, r.AreaCode, r.Sector });
        builder.HasIndex(r => new { r.CollaborativeId, r.Month, r.AreaCode });
        // The provider comparison group (ADR 0032), as the collaborative's.
        builder.HasIndex(r => new { r.ProviderId, r.Month, r.AreaCode });
        builder.HasIndex(r => new { r.UnitId, r.AreaCode, r.Month }).IsUnique();
        // A unit's month (every area) and its latest month: with only the index above, whose month comes after the
        // area, PostgreSQL read all of the unit's history for it — at 480 months a BitmapAnd over the unit's 5,760
        // entries and the month's 7,200, 2.2 ms instead of 0.1 ms (the scale harness, results/scale.md).
        builder.HasIndex(r => new { r.UnitId, r.Month });
    }
}

public sealed class StandardResultRowConfiguration : IEntityTypeConfiguration<StandardResultRow>
{
    public void Configure(EntityTypeBuilder<StandardResultRow> builder)
    {
        builder.ToTable("standard_results");
        builder.HasKey(r => new { r.AssessmentId, r.StandardCode });
        builder.HasOne<Assessment>().WithMany().HasForeignKey(r => r.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.StandardCode).HasMaxLength(12);
        builder.Property(r => r.AreaCode).HasMaxLength(6);
        builder.Property(r => r.FrameworkIdentifier).HasMaxLength(32);
        builder.HasIndex(r => new { r.NetworkId, r.Month, r.StandardCode });
        // National, security-level and sector comparisons of one area's standards read a month through this index
        // alone (measured: 9.6 ms as a bitmap heap scan over the month's 36,000 rows at national scale).
        builder.HasIndex(r => new { r.Month, r.AreaCode })
            .IncludeProperties(r => new { r.StandardCode, r.Value, r.SecurityLevel, r.Sector, r.UnitId });
        builder.HasIndex(r => new { r.UnitId, r.Month });
        builder.HasIndex(r => r.SubmittedAt);
    }
}
