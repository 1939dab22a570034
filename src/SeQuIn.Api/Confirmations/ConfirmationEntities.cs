using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Confirmations;

/// <summary>
/// A one-time code issued to a submitted assessment, for its service-user participant to confirm it in their own
/// right. Only the code's keyed hash is kept; the code itself is shown once, to the unit member who issued it.
/// </summary>
public sealed class ConfirmationCode
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AssessmentId { get; set; }
    /// <summary>HMAC-SHA-256 of the normalised code under the server's key (SeQuIn:Confirmations:CodeKey).</summary>
    public required byte[] CodeHash { get; set; }
    /// <summary>The assessment's revision once the code was issued: any later change to the assessment voids the code.</summary>
    public int AssessmentRevision { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public required string IssuedBy { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    /// <summary>When a newer code for the same assessment replaced this one, unused.</summary>
    public DateTimeOffset? VoidedAt { get; set; }
}

public sealed class ConfirmationCodeConfiguration : IEntityTypeConfiguration<ConfirmationCode>
{
    public void Configure(EntityTypeBuilder<ConfirmationCode> builder)
    {
        builder.ToTable("confirmation_codes");
        builder.Property(c => c.CodeHash).HasMaxLength(32);
        builder.Property(c => c.IssuedBy).HasMaxLength(300);
        // Not unique: a used or expired code's hash may come round again; a live one is never issued twice (ConfirmationsApi).
        builder.HasIndex(c => c.CodeHash);
        builder.HasIndex(c => c.AssessmentId);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(c => c.AssessmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
