using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data.Configurations;

public sealed class ImprovementActionConfiguration : IEntityTypeConfiguration<ImprovementAction>
{
    public void Configure(EntityTypeBuilder<ImprovementAction> builder)
    {
        builder.ToTable("improvement_actions");
        builder.HasOne<Unit>().WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Network>().WithMany().HasForeignKey(a => a.NetworkId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(a => a.AssessmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(a => a.Comments).WithOne().HasForeignKey(c => c.ActionId).OnDelete(DeleteBehavior.Cascade);
        // Submission looks up a unit's actions by standard; lists filter by network or unit and page by id.
        builder.HasIndex(a => new { a.UnitId, a.StandardCode });
        builder.HasIndex(a => new { a.NetworkId, a.Id });
        builder.HasIndex(a => a.AssessmentId);
        builder.Property(a => a.AreaCode).HasMaxLength(ActionLimits.MaxAreaCode);
        builder.Property(a => a.StandardCode).HasMaxLength(ActionLimits.MaxStandardCode);
        builder.Property(a => a.What).HasMaxLength(ActionLimits.MaxText);
        builder.Property(a => a.EvidenceExpected).HasMaxLength(ActionLimits.MaxText);
        builder.Property(a => a.DropReason).HasMaxLength(ActionLimits.MaxText);
        builder.Property(a => a.Owner).HasConversion<string>().HasMaxLength(40);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Evidence).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.CreatedBy).HasMaxLength(300);
        builder.Property(a => a.Revision).IsConcurrencyToken();
    }
}

public sealed class ActionCommentConfiguration : IEntityTypeConfiguration<ActionComment>
{
    public void Configure(EntityTypeBuilder<ActionComment> builder)
    {
        builder.ToTable("action_comments");
        builder.Property(c => c.Text).HasMaxLength(ActionLimits.MaxComment);
        builder.Property(c => c.Author).HasMaxLength(300);
    }
}

public sealed class NetworkPriorityConfiguration : IEntityTypeConfiguration<NetworkPriority>
{
    public void Configure(EntityTypeBuilder<NetworkPriority> builder)
    {
        builder.ToTable("network_priorities");
        builder.HasOne<Network>().WithMany().HasForeignKey(p => p.NetworkId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.NetworkId, p.Id });
        builder.Property(p => p.AreaCode).HasMaxLength(ActionLimits.MaxAreaCode);
        builder.Property(p => p.StandardCode).HasMaxLength(ActionLimits.MaxStandardCode);
        builder.Property(p => p.Rationale).HasMaxLength(ActionLimits.MaxRationale);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.CreatedBy).HasMaxLength(300);
        builder.Property(p => p.Revision).IsConcurrencyToken();
    }
}

public sealed class PriorityActionConfiguration : IEntityTypeConfiguration<PriorityAction>
{
    public void Configure(EntityTypeBuilder<PriorityAction> builder)
    {
        builder.ToTable("priority_actions");
        builder.HasKey(l => new { l.PriorityId, l.ActionId });
        builder.HasIndex(l => l.ActionId);
        builder.HasOne<NetworkPriority>().WithMany().HasForeignKey(l => l.PriorityId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ImprovementAction>().WithMany().HasForeignKey(l => l.ActionId).OnDelete(DeleteBehavior.Cascade);
    }
}
