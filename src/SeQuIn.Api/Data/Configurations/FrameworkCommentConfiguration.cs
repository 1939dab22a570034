using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data.Configurations;

public sealed class FrameworkCommentConfiguration : IEntityTypeConfiguration<FrameworkComment>
{
    public void Configure(EntityTypeBuilder<FrameworkComment> builder)
    {
        builder.ToTable("framework_comments");
        // A version with comments is not deleted (the service refuses it; the database too): voices are not lost.
        builder.HasOne<FrameworkVersion>().WithMany().HasForeignKey(c => c.FrameworkVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Network>().WithMany().HasForeignKey(c => c.NetworkId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.FrameworkVersionId, c.StandardCode, c.Id });
        builder.Property(c => c.AreaCode).HasMaxLength(6);
        builder.Property(c => c.StandardCode).HasMaxLength(12);
        builder.Property(c => c.Voice).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Text).HasMaxLength(FrameworkCommentRules.MaxText);
        builder.Property(c => c.Suggestion).HasMaxLength(FrameworkCommentRules.MaxText);
        builder.Property(c => c.DeclineNote).HasMaxLength(FrameworkCommentRules.MaxText);
        builder.Property(c => c.Revision).IsConcurrencyToken();
    }
}
