namespace SeQuIn.Api.Buddying;

/// <summary>How a buddy pairing turned out, as the unit's lead judged it.</summary>
public enum BuddyOutcome
{
    Improved,
    NoChange,
    Ended,
}

/// <summary>
/// A unit learning from a buddy unit that does a standard (or an area) well (ADR 0036). Recorded by a lead of the
/// unit's network; its outcome is recorded later. Never deleted.
/// </summary>
public sealed class BuddyPairing
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UnitId { get; set; }
    /// <summary>The unit's network: whose readers see the pairing.</summary>
    public Guid NetworkId { get; set; }
    public Guid BuddyUnitId { get; set; }
    /// <summary>The standard, or null when the pairing is about the whole area.</summary>
    public string? StandardCode { get; set; }
    /// <summary>The area (the standard's, when a standard is named).</summary>
    public required string AreaCode { get; set; }
    public DateOnly StartedMonth { get; set; }
    public string? Notes { get; set; }
    public BuddyOutcome? Outcome { get; set; }
    public string? OutcomeNote { get; set; }
    public DateTimeOffset? OutcomeRecordedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Revision { get; set; } = 1;
}
