using SeQuIn.Api.Assessments;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Benchmarks;

/// <summary>
/// One submitted assessment's area result, with the unit's groupings at submission. Maintained by the database
/// (a deferred trigger on assessments) in the transaction that submits, returns, reopens or imports, so every
/// benchmark reflects a change as soon as it commits; never written by the service.
/// </summary>
public sealed class AreaResultRow
{
    public Guid AssessmentId { get; set; }
    public Guid UnitId { get; set; }
    public Guid NetworkId { get; set; }
    public Guid ProviderId { get; set; }
    public Guid? CollaborativeId { get; set; }
    public ProviderSector Sector { get; set; }
    public SecurityLevel SecurityLevel { get; set; }
    public required string AreaCode { get; set; }
    public DateOnly Month { get; set; }
    public required string FrameworkIdentifier { get; set; }
    public decimal? Mean { get; set; }
    public decimal? Percentage { get; set; }
    public int ApplicableStandards { get; set; }
    public int? AgreedRating { get; set; }
    public bool CoProduced { get; set; }
    /// <summary>The service-user participant's own confirmation of the submission (null: not confirmed).</summary>
    public ServiceUserConfirmation? Confirmation { get; set; }
    /// <summary>Submitted by the 10th of the following month; null for imported history.</summary>
    public bool? OnTime { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
}

/// <summary>One standard's rating in a submitted assessment, denormalised for benchmarks and exports (trigger-maintained).</summary>
public sealed class StandardResultRow
{
    public Guid AssessmentId { get; set; }
    public required string StandardCode { get; set; }
    public Guid UnitId { get; set; }
    public Guid NetworkId { get; set; }
    public Guid? CollaborativeId { get; set; }
    public ProviderSector Sector { get; set; }
    public SecurityLevel SecurityLevel { get; set; }
    public required string AreaCode { get; set; }
    public DateOnly Month { get; set; }
    public required string FrameworkIdentifier { get; set; }
    public int? Value { get; set; }
    public bool NotApplicable { get; set; }
    public int? StaffView { get; set; }
    public int? ServiceUserView { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
}
