namespace SeQuIn.Api.Families;

/// <summary>What a family member or carer says of one area's agreed rating.</summary>
public enum FamilyVerdict
{
    Concur,
    Partly,
    Disagree,
}

/// <summary>Where a response stands with the involvement lead: nothing is shown to anyone else until approved.</summary>
public enum FamilyResponseStatus
{
    Pending,
    Approved,
    Rejected,
}

public enum ModerationDecision
{
    Approve,
    Reject,
}

/// <summary>
/// The share code a unit gives families (on a poster, a leaflet, in a visit): only its SHA-256 is kept, with a short
/// hint so staff can tell which code is current. One per unit; issuing a new one replaces it.
/// </summary>
public sealed class FamilyShareCode
{
    public Guid UnitId { get; set; }
    /// <summary>SHA-256 of the code's ten characters, lower-case hex.</summary>
    public required string CodeHash { get; set; }
    /// <summary>The code's first two characters: enough to tell codes apart, far too little to guess one.</summary>
    public required string Hint { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
}

/// <summary>
/// One anonymous response of a family member or carer to a unit's month and area. Nothing here ties it to a person:
/// a random (version 4) id — a version 7 id would carry the time to the millisecond —, no address, no user agent,
/// and of when it came only the month (ADR 0029).
/// </summary>
public sealed class FamilyResponse
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UnitId { get; set; }
    /// <summary>The unit's network when the response came: whose lead moderates it.</summary>
    public Guid NetworkId { get; set; }
    /// <summary>The first day of the month the response is about.</summary>
    public DateOnly Month { get; set; }
    public required string AreaCode { get; set; }
    public FamilyVerdict Verdict { get; set; }
    public string? Comment { get; set; }
    /// <summary>The first day of the month it came in: no finer.</summary>
    public DateOnly ReceivedIn { get; set; }
    public FamilyResponseStatus Status { get; set; }
    public string? ModerationNote { get; set; }
    /// <summary>
    /// SHA-256 of the unit and the Idempotency-Key the sender chose, so that a retry is not counted twice; cleared when
    /// the response is moderated, after which no retry is expected.
    /// </summary>
    public string? RetryKeyHash { get; set; }
    /// <summary>"YYYY-MM|area code|id": the stable order the moderation queue is paged in.</summary>
    public string SortKey { get; set; } = "";
    /// <summary>Bumped by every change; the ETag, and the optimistic concurrency token.</summary>
    public int Revision { get; set; } = 1;
}
