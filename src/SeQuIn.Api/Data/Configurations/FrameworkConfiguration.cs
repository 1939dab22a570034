using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Data.Configurations;

public sealed class FrameworkVersionConfiguration : IEntityTypeConfiguration<FrameworkVersion>
{
    public void Configure(EntityTypeBuilder<FrameworkVersion> builder)
    {
        builder.Property(v => v.Identifier).HasMaxLength(32);
        builder.HasIndex(v => v.Identifier).IsUnique();
        builder.Property(v => v.Title).HasMaxLength(200);
        builder.Property(v => v.Description).HasMaxLength(2000);
        // At most one active version, enforced by the database whatever the code does.
        builder.HasIndex(v => v.Status).IsUnique().HasFilter("status = 'Active'").HasDatabaseName("ix_framework_versions_single_active");
        builder.HasMany(v => v.Scale).WithOne().HasForeignKey(p => p.FrameworkVersionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(v => v.Areas).WithOne().HasForeignKey(a => a.FrameworkVersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ScalePointConfiguration : IEntityTypeConfiguration<ScalePoint>
{
    public void Configure(EntityTypeBuilder<ScalePoint> builder)
    {
        builder.HasKey(p => new { p.FrameworkVersionId, p.Value });
        builder.Property(p => p.Value).ValueGeneratedNever();
        builder.Property(p => p.Label).HasMaxLength(60);
        builder.Property(p => p.EasyReadLabel).HasMaxLength(100);
        builder.Property(p => p.Description).HasMaxLength(500);
    }
}

public sealed class AreaConfiguration : IEntityTypeConfiguration<Area>
{
    public void Configure(EntityTypeBuilder<Area> builder)
    {
        builder.Property(a => a.Code).HasMaxLength(6);
        builder.HasIndex(a => new { a.FrameworkVersionId, a.Code }).IsUnique();
        builder.Property(a => a.Name).HasMaxLength(100);
        builder.Property(a => a.EasyReadName).HasMaxLength(100);
        builder.Property(a => a.Description).HasMaxLength(1000);
        builder.Property(a => a.EasyReadDescription).HasMaxLength(500);
        builder.HasMany(a => a.Standards).WithOne().HasForeignKey(s => s.AreaId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class StandardConfiguration : IEntityTypeConfiguration<Standard>
{
    public void Configure(EntityTypeBuilder<Standard> builder)
    {
        builder.Property(s => s.Code).HasMaxLength(12);
        builder.HasIndex(s => new { s.FrameworkVersionId, s.Code }).IsUnique();
        builder.HasOne<FrameworkVersion>().WithMany().HasForeignKey(s => s.FrameworkVersionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.Statement).HasMaxLength(400);
        builder.Property(s => s.EasyReadStatement).HasMaxLength(300);
    }
}
