using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Families;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data.Configurations;

public sealed class FamilyShareCodeConfiguration : IEntityTypeConfiguration<FamilyShareCode>
{
    public void Configure(EntityTypeBuilder<FamilyShareCode> builder)
    {
        builder.HasKey(c => c.UnitId);
        builder.Property(c => c.CodeHash).HasMaxLength(64);
        builder.HasIndex(c => c.CodeHash).IsUnique();
        builder.Property(c => c.Hint).HasMaxLength(2);
        builder.HasOne<Unit>().WithOne().HasForeignKey<FamilyShareCode>(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class FamilyResponseConfiguration : IEntityTypeConfiguration<FamilyResponse>
{
    public void Configure(EntityTypeBuilder<FamilyResponse> builder)
    {
        builder.Property(r => r.AreaCode).HasMaxLength(6);
        builder.Property(r => r.Comment).HasMaxLength(500);
        builder.Property(r => r.ModerationNote).HasMaxLength(500);
        builder.Property(r => r.RetryKeyHash).HasMaxLength(64);
        builder.Property(r => r.Revision).IsConcurrencyToken();
        builder.Property(r => r.SortKey).HasMaxLength(60);
        builder.HasIndex(r => new { r.UnitId, r.SortKey });
        builder.HasIndex(r => new { r.NetworkId, r.Month });
        builder.HasIndex(r => new { r.UnitId, r.RetryKeyHash }).IsUnique().HasFilter("retry_key_hash IS NOT NULL");
        builder.HasOne<Unit>().WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Network>().WithMany().HasForeignKey(r => r.NetworkId).OnDelete(DeleteBehavior.Restrict);
    }
}
