using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Buddying;

/// <summary>What buddy suggestions are asked about, and how "sustained" is measured.</summary>
/// <param name="standardCode">The standard the unit wants to improve (give this or areaCode).</param>
/// <param name="areaCode">The area the unit wants to improve, judged by each unit's mean rating of it (give this or standardCode).</param>
/// <param name="month">The last month of the window, YYYY-MM; the network's latest month with submissions when omitted.</param>
/// <param name="months">How many months the window holds, 1 to 36 (default 6).</param>
/// <param name="atLeast">In how many of them a buddy must have rated it high, 1 to months (default 4).</param>
/// <param name="highAt">The rating (or area mean) that counts as high, 0 to 10 (default 3: "Established", the standard met).</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record BuddySuggestionQuery(string? standardCode, string? areaCode, string? month, int? months, int? atLeast, int? highAt,
    int? limit, string? cursor) : IPagedQuery
{
    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

/// <summary>A unit that rated the standard (or area) high for a sustained period and shares evidence of it: a buddy to learn from.</summary>
/// <param name="Rank">1 for the most consistent; ties are broken as documented (more months rated, higher mean, more recent, unit code).</param>
/// <param name="SameNetwork">False for a unit of another network (both networks offer buddies nationally).</param>
/// <param name="MonthsHigh">Months of the window the unit rated it at or above highAt.</param>
/// <param name="MonthsInWindow">The window's length in months.</param>
/// <param name="MonthsRated">Months of the window the unit submitted a rating of it.</param>
/// <param name="MeanRating">The unit's mean rating over the months it rated.</param>
/// <param name="LatestHighMonth">The latest month it rated it high.</param>
/// <param name="Evidence">The evidence the unit shared with submissions that rated it high (for a standard: evidence of that
/// standard, or of the whole assessment — as best practice shows it).</param>
public sealed record BuddySuggestion(int Rank, Guid UnitId, string UnitCode, string UnitName, Guid NetworkId, string NetworkCode, bool SameNetwork,
    int MonthsHigh, int MonthsInWindow, int MonthsRated, decimal MeanRating, string LatestHighMonth, IReadOnlyList<SharedEvidence> Evidence);

/// <summary>A new buddy pairing: the unit learns from the buddy unit about one standard or one area.</summary>
/// <param name="BuddyUnitId">The unit learnt from: of the same network, or of another network when both offer buddies nationally.</param>
/// <param name="StandardCode">The standard of the active framework (give this or areaCode).</param>
/// <param name="AreaCode">The area of the active framework (give this or standardCode).</param>
/// <param name="StartedMonth">The month the pairing started, YYYY-MM, not after the current month.</param>
/// <param name="Notes">What was agreed, up to 2000 characters; no names or identifiers of anyone (refused with 422, never echoed).</param>
public sealed record BuddyPairingRequest(Guid BuddyUnitId, string? StandardCode, string? AreaCode, string StartedMonth, string? Notes = null);

/// <summary>How a pairing turned out.</summary>
/// <param name="Outcome">improved, no-change or ended.</param>
/// <param name="Note">Why, up to 2000 characters; screened as the notes are.</param>
public sealed record BuddyOutcomeRequest(BuddyOutcome Outcome, string? Note = null);

/// <summary>The unit's rating of the pairing's standard (or its mean over the area) before and after the pairing started.</summary>
/// <param name="BeforeFrom">First month before: the started month less 3.</param>
/// <param name="BeforeTo">Last month before: the month before the started month.</param>
/// <param name="Before">Mean over the months rated before; null when none was.</param>
/// <param name="AfterFrom">First month after: the month after the started month (the started month is in neither).</param>
/// <param name="AfterTo">Last month after: the started month plus 3.</param>
/// <param name="After">Mean over the months rated after; null while none is.</param>
/// <param name="Improved">Whether after is above before: the pairing came before improvement. Null while either is missing.</param>
public sealed record PairingBeforeAndAfter(string BeforeFrom, string BeforeTo, decimal? Before, int MonthsRatedBefore,
    string AfterFrom, string AfterTo, decimal? After, int MonthsRatedAfter, bool? Improved);

/// <summary>A buddy pairing, with the unit's ratings before and after it started.</summary>
/// <param name="NetworkId">The unit's network, whose readers see the pairing.</param>
/// <param name="StandardCode">The standard, or null for a pairing about the whole area.</param>
/// <param name="Outcome">improved, no-change or ended; null until recorded.</param>
/// <param name="Revision">Bumped by every change; the ETag. Send it in If-Match to record the outcome.</param>
public sealed record BuddyPairingResponse(Guid Id, Guid UnitId, string UnitCode, Guid NetworkId, Guid BuddyUnitId, string BuddyUnitCode,
    string BuddyUnitName, string? StandardCode, string AreaCode, string StartedMonth, string? Notes, BuddyOutcome? Outcome, string? OutcomeNote,
    DateTimeOffset? OutcomeRecordedAt, DateTimeOffset CreatedAt, int Revision, PairingBeforeAndAfter BeforeAndAfter);

/// <param name="outcome">Only pairings with this outcome (improved, no-change, ended).</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record BuddyPairingQuery([property: EnumQuery(typeof(BuddyOutcome))] string? outcome, int? limit, string? cursor) : IPagedQuery
{
    public BuddyOutcome? Outcome => EnumQuery.Parse<BuddyOutcome>(outcome);

    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

/// <summary>Which of a network's pairings came before improvement, counted; counts under the minimum group size are withheld.</summary>
/// <param name="Pairings">Pairings of the network's units.</param>
/// <param name="Compared">Pairings with ratings both before and after.</param>
/// <param name="CameBeforeImprovement">Of those compared, how many were followed by a higher rating; null when fewer than the minimum group size were compared.</param>
/// <param name="ImprovedShare">CameBeforeImprovement over Compared, to three places; null when withheld.</param>
/// <param name="Suppressed">Whether the counts were withheld because too few pairings were compared.</param>
/// <param name="MinimumGroupSize">The smallest number of compared pairings whose counts are shown.</param>
public sealed record BuddyingSummary(Guid NetworkId, int Pairings, int Compared, int? CameBeforeImprovement, decimal? ImprovedShare,
    bool Suppressed, int MinimumGroupSize);
