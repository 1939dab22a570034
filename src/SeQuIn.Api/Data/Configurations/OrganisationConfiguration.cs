using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data.Configurations;

public sealed class NetworkConfiguration : IEntityTypeConfiguration<Network>
{
    public void Configure(EntityTypeBuilder<Network> builder)
    {
        builder.Property(n => n.Code).HasMaxLength(20);
        builder.HasIndex(n => n.Code).IsUnique();
        builder.Property(n => n.Name).HasMaxLength(200);
        builder.Property(n => n.Revision).IsConcurrencyToken();
        builder.Property(n => n.Region).HasMaxLength(100);
    }
}

public sealed class CollaborativeConfiguration : IEntityTypeConfiguration<Collaborative>
{
    public void Configure(EntityTypeBuilder<Collaborative> builder)
    {
        builder.Property(c => c.Code).HasMaxLength(20);
        builder.HasIndex(c => c.Code).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Revision).IsConcurrencyToken();
    }
}

public sealed class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> builder)
    {
        builder.Property(p => p.Code).HasMaxLength(20);
        builder.HasIndex(p => p.Code).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.Revision).IsConcurrencyToken();
    }
}

public sealed class UnitConfiguration : IEntityTypeConfiguration<Unit>
{
    public void Configure(EntityTypeBuilder<Unit> builder)
    {
        builder.Property(u => u.Code).HasMaxLength(20);
        builder.HasIndex(u => u.Code).IsUnique();
        builder.Property(u => u.Name).HasMaxLength(200);
        builder.Property(u => u.Revision).IsConcurrencyToken();
        // Restrict: a body that still has units cannot be deleted, and units themselves are never deleted.
        builder.HasOne(u => u.Provider).WithMany().HasForeignKey(u => u.ProviderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(u => u.Network).WithMany().HasForeignKey(u => u.NetworkId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(u => u.Collaborative).WithMany().HasForeignKey(u => u.CollaborativeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => new { u.NetworkId, u.Code });
    }
}
