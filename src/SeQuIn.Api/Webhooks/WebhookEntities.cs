using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SeQuIn.Api.Webhooks;

/// <summary>
/// An https endpoint that receives the change feed's entries of one network or one provider collaborative, signed
/// to the Standard Webhooks specification. Where it has read the feed to is kept beside it.
/// </summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The network whose changes it receives; null for a collaborative's subscription.</summary>
    public Guid? NetworkId { get; set; }
    /// <summary>The provider collaborative whose units' changes it receives; null for a network's subscription.</summary>
    public Guid? CollaborativeId { get; set; }
    public required string Url { get; set; }
    public string? Description { get; set; }
    /// <summary>The change kinds it receives; empty for every kind.</summary>
    public string[] EventKinds { get; set; } = [];
    /// <summary>The signing secret (whsec_…), shown once when made or rotated.</summary>
    public required string Secret { get; set; }
    /// <summary>The secret before the last rotation, still signing beside the new one until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    public bool Active { get; set; } = true;
    public string? DisabledReason { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The feed position (transaction id, position) its deliveries have been made up to; only the dispatcher moves it.</summary>
    public long ReadToTransaction { get; set; }
    public long ReadToPosition { get; set; }
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; } = 1;
}

public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>One event for one subscription: made once from the feed, attempted until the receiver takes it or time runs out.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SubscriptionId { get; set; }
    /// <summary>The event type: a change kind, or webhook.test.</summary>
    public required string EventType { get; set; }
    public required string ResourceType { get; set; }
    public Guid ResourceId { get; set; }
    /// <summary>The feed entry it carries (0 for a test event): deliveries of one resource go in this order.</summary>
    public long FeedPosition { get; set; }
    /// <summary>The body sent, exactly as signed.</summary>
    public required string Payload { get; set; }
    public string State { get; set; } = DeliveryStates.Pending;
    public int AttemptCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FirstAttemptAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    /// <summary>While an instance is sending it: until when, and which instance (no other instance takes it before then).</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LeasedBy { get; set; }
    /// <summary>Asked for again through the API: its next attempt is recorded as a redelivery.</summary>
    public bool Redelivery { get; set; }
    public List<WebhookAttempt> Attempts { get; set; } = [];
}

/// <summary>One try at a delivery: when, what the receiver answered, how long it took, what went wrong.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
    public int? StatusCode { get; set; }
    public int LatencyMs { get; set; }
    public string? Error { get; set; }
    /// <summary>Why it was sent: a scheduled try, a redelivery on request.</summary>
    public required string Trigger { get; set; }
}

public sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.ToTable("webhook_subscriptions");
        builder.Property(s => s.Url).HasMaxLength(2000);
        builder.Property(s => s.Description).HasMaxLength(500);
        builder.Property(s => s.Secret).HasMaxLength(100);
        builder.Property(s => s.PreviousSecret).HasMaxLength(100);
        builder.Property(s => s.DisabledReason).HasMaxLength(500);
        builder.Property(s => s.CreatedBy).HasMaxLength(200);
        builder.Property(s => s.Revision).IsConcurrencyToken();
        builder.HasOne<Organisations.Network>().WithMany().HasForeignKey(s => s.NetworkId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisations.Collaborative>().WithMany().HasForeignKey(s => s.CollaborativeId).OnDelete(DeleteBehavior.Restrict);
        builder.ToTable(t => t.HasCheckConstraint("ck_webhook_subscriptions_one_owner", "(network_id IS NULL) <> (collaborative_id IS NULL)"));
    }
}

public sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.Property(d => d.EventType).HasMaxLength(60);
        builder.Property(d => d.ResourceType).HasMaxLength(40);
        builder.Property(d => d.Payload).HasColumnType("text");
        builder.Property(d => d.State).HasMaxLength(20);
        builder.Property(d => d.LeasedBy).HasMaxLength(100);
        builder.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(d => d.Attempts).WithOne().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        // The dispatcher's two questions: what is due, and is an earlier event of the same resource still pending.
        // The claim's whole ORDER BY (next_attempt_at, feed_position): walked in order, it stops at the first rows that are
        // due, where on next_attempt_at alone the planner could read and sort every pending delivery on each claim.
        builder.HasIndex(d => new { d.NextAttemptAt, d.FeedPosition }).HasFilter("state = 'pending'").HasDatabaseName("ix_webhook_deliveries_due");
        builder.HasIndex(d => new { d.SubscriptionId, d.ResourceId, d.FeedPosition }).HasFilter("state = 'pending'")
            .HasDatabaseName("ix_webhook_deliveries_pending_per_resource");
        // The deliveries log: newest first per subscription.
        builder.HasIndex(d => new { d.SubscriptionId, d.Id });
    }
}

public sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.ToTable("webhook_attempts");
        builder.Property(a => a.Error).HasMaxLength(500);
        builder.Property(a => a.Trigger).HasMaxLength(20);
    }
}
