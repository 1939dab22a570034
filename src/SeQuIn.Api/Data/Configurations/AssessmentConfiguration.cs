using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data.Configurations;

public sealed class AssessmentConfiguration : IEntityTypeConfiguration<Assessment>
{
    public void Configure(EntityTypeBuilder<Assessment> builder)
    {
        builder.Property(a => a.FrameworkIdentifier).HasMaxLength(32);
        builder.Property(a => a.AreaCode).HasMaxLength(6);
        builder.Property(a => a.AgreedRatingNote).HasMaxLength(2000);
        builder.Property(a => a.CreatedBy).HasMaxLength(300);
        builder.Property(a => a.SubmittedBy).HasMaxLength(300);
        builder.Property(a => a.SortKey).HasMaxLength(60);
        builder.Property(a => a.ConfirmationReason).HasMaxLength(500);
        builder.Property(a => a.Revision).IsConcurrencyToken();
        // One assessment per unit, area and month, whichever framework version it was made against.
        builder.HasIndex(a => new { a.UnitId, a.AreaCode, a.Month }).IsUnique();
        builder.HasIndex(a => a.SortKey).IsUnique();
        builder.HasIndex(a => new { a.NetworkId, a.Status, a.Month });
        builder.HasOne<Unit>().WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Network>().WithMany().HasForeignKey(a => a.NetworkId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<FrameworkVersion>().WithMany().HasForeignKey(a => a.FrameworkVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Area>().WithMany().HasForeignKey(a => a.AreaId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(a => a.Participants).WithOne().HasForeignKey(p => p.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Ratings).WithOne().HasForeignKey(r => r.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Evidence).WithOne().HasForeignKey(e => e.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Comments).WithOne().HasForeignKey(c => c.AssessmentId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ParticipantConfiguration : IEntityTypeConfiguration<Participant>
{
    public void Configure(EntityTypeBuilder<Participant> builder) => builder.Property(p => p.Label).HasMaxLength(60);
}

public sealed class RatingConfiguration : IEntityTypeConfiguration<Rating>
{
    public void Configure(EntityTypeBuilder<Rating> builder)
    {
        builder.HasKey(r => new { r.AssessmentId, r.StandardCode });
        builder.Property(r => r.StandardCode).HasMaxLength(12);
        builder.Property(r => r.NotApplicableReason).HasMaxLength(1000);
        builder.Property(r => r.Note).HasMaxLength(2000);
        builder.HasOne<Standard>().WithMany().HasForeignKey(r => r.StandardId).OnDelete(DeleteBehavior.Restrict);
        // A rating is a value or "not applicable" with a reason, never both or neither: kept true by the database too.
        builder.ToTable(t => t.HasCheckConstraint("ck_ratings_value_or_not_applicable",
            "(value IS NOT NULL AND NOT not_applicable) OR (value IS NULL AND not_applicable AND not_applicable_reason IS NOT NULL)"));
    }
}

public sealed class EvidenceConfiguration : IEntityTypeConfiguration<Evidence>
{
    public void Configure(EntityTypeBuilder<Evidence> builder)
    {
        builder.Property(e => e.StandardCode).HasMaxLength(12);
        builder.Property(e => e.Title).HasMaxLength(200);
        builder.Property(e => e.Description).HasMaxLength(4000);
        builder.Property(e => e.Link).HasMaxLength(2000);
        builder.Property(e => e.FileName).HasMaxLength(200);
        builder.Property(e => e.FileContentType).HasMaxLength(100);
        builder.Property(e => e.CreatedBy).HasMaxLength(300);
        builder.HasIndex(e => new { e.Shared, e.StandardCode });
        builder.HasOne<EvidenceFile>().WithOne().HasForeignKey<EvidenceFile>(f => f.EvidenceId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class EvidenceFileConfiguration : IEntityTypeConfiguration<EvidenceFile>
{
    public void Configure(EntityTypeBuilder<EvidenceFile> builder) => builder.HasKey(f => f.EvidenceId);
}

public sealed class CommentConfiguration : IEntityTypeConfiguration<Comment>
{
    public void Configure(EntityTypeBuilder<Comment> builder)
    {
        builder.Property(c => c.Text).HasMaxLength(4000);
        builder.Property(c => c.Author).HasMaxLength(300);
    }
}

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.HasKey(r => new { r.Actor, r.Key });
        builder.Property(r => r.Key).HasMaxLength(200);
        builder.Property(r => r.Actor).HasMaxLength(300);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Property(r => r.Location).HasMaxLength(500);
        builder.Property(r => r.ETag).HasMaxLength(100).HasColumnName("etag");
        // Text, not jsonb: jsonb reorders members, and a replay must be the first answer byte for byte.
        builder.Property(r => r.Body).HasColumnType("text");
    }
}
