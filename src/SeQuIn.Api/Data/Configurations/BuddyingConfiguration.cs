using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Buddying;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data.Configurations;

public sealed class BuddyPairingConfiguration : IEntityTypeConfiguration<BuddyPairing>
{
    public void Configure(EntityTypeBuilder<BuddyPairing> builder)
    {
        builder.ToTable("buddy_pairings");
        builder.HasOne<Unit>().WithMany().HasForeignKey(p => p.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Unit>().WithMany().HasForeignKey(p => p.BuddyUnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Network>().WithMany().HasForeignKey(p => p.NetworkId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.UnitId, p.Id });
        builder.HasIndex(p => new { p.NetworkId, p.Id });
        builder.Property(p => p.AreaCode).HasMaxLength(6);
        builder.Property(p => p.StandardCode).HasMaxLength(12);
        builder.Property(p => p.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Notes).HasMaxLength(BuddyingRules.MaxText);
        builder.Property(p => p.OutcomeNote).HasMaxLength(BuddyingRules.MaxText);
        builder.Property(p => p.Revision).IsConcurrencyToken();
    }
}
