using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;

namespace SeQuIn.Api.Data.Configurations;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.KeyId).HasMaxLength(12);
        builder.HasIndex(k => k.KeyId).IsUnique();
        builder.Property(k => k.SecretHash).HasMaxLength(32);
        builder.Property(k => k.Name).HasMaxLength(100);
        builder.Property(k => k.CreatedBy).HasMaxLength(300);
        builder.Property(k => k.RevokedReason).HasMaxLength(500);
        builder.HasIndex(k => k.ScopeNetworkId);
    }
}

public sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.Property(m => m.Issuer).HasMaxLength(300);
        builder.Property(m => m.Subject).HasMaxLength(200);
        builder.Property(m => m.Name).HasMaxLength(100);
        builder.Property(m => m.CreatedBy).HasMaxLength(300);
        builder.Property(m => m.RevokedReason).HasMaxLength(500);
        builder.Property(m => m.Revision).IsConcurrencyToken();
        builder.HasIndex(m => new { m.Issuer, m.Subject });
        builder.HasIndex(m => m.ScopeNetworkId);
    }
}

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.Actor).HasMaxLength(300);
        builder.Property(e => e.Action).HasMaxLength(60);
        builder.Property(e => e.EntityType).HasMaxLength(60);
        builder.Property(e => e.EntityId).HasMaxLength(100);
        builder.Property(e => e.Reason).HasMaxLength(4000); // a review question or reopening reason is a comment of up to 4000
        builder.Property(e => e.Changes).HasColumnType("jsonb");
        builder.Property(e => e.TraceId).HasMaxLength(32);
        builder.HasIndex(e => new { e.EntityType, e.EntityId });
        builder.HasIndex(e => e.NetworkId);
        builder.HasIndex(e => e.OccurredAt);
    }
}
