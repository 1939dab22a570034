using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Families;

// ---- Public: through a unit's share code, without a key ----------------------------------------------------------

/// <summary>Asks for a unit's published page. The share code travels in the body, never in a URL (ADR 0029).</summary>
/// <param name="ShareCode">The unit's share code as people type it: XXXXX-XXXXX, any case, dashes and spaces ignored.</param>
/// <param name="Months">How many of the latest published months to show, 1 to 24 (default 6).</param>
public sealed record UnitPageRequest(string ShareCode, int? Months = null);

/// <summary>What a unit publishes to families and carers: its submitted months, latest first.</summary>
/// <param name="UnitCode">The unit's code (units are not people).</param>
/// <param name="Months">The latest published months, latest first: those with at least one submitted area.</param>
public sealed record PublicUnitPage(string UnitCode, string UnitName, IReadOnlyList<PublicMonth> Months);

/// <param name="Month">YYYY-MM.</param>
/// <param name="Areas">Each submitted area of the month, in framework order.</param>
public sealed record PublicMonth(string Month, IReadOnlyList<PublicArea> Areas);

/// <summary>One area as the unit rated it, in the framework's easy-read words.</summary>
/// <param name="AgreedRating">The overall rating staff and service users agreed for the area; null if they recorded none.</param>
/// <param name="RatingLabel">The scale point's label, e.g. "Good"; null without an agreed rating.</param>
/// <param name="RatingEasyRead">The scale point's easy-read words; null without an agreed rating.</param>
public sealed record PublicArea(string AreaCode, string Name, string EasyReadName, string EasyReadDescription, int? AgreedRating,
    string? RatingLabel, string? RatingEasyRead);

/// <summary>A family member's or carer's view of one area of a published month.</summary>
/// <param name="ShareCode">The unit's share code as people type it.</param>
/// <param name="Month">A published month, YYYY-MM.</param>
/// <param name="AreaCode">An area published for that month.</param>
/// <param name="Response">concur, partly or disagree.</param>
/// <param name="Comment">Optional, at most 500 characters, with no names or other personal identifiers (422 otherwise). Shown
/// to the unit and network only once an involvement lead approves it.</param>
public sealed record FamilyResponseRequest(string ShareCode, string Month, string AreaCode, FamilyVerdict Response, string? Comment = null);

/// <summary>What was received. It carries no id and no time: nothing the sender keeps ties them to it.</summary>
/// <param name="Status">pending: nothing is shown or counted until an involvement lead approves it.</param>
public sealed record FamilyResponseReceipt(string Month, string AreaCode, FamilyVerdict Response, bool WithComment, FamilyResponseStatus Status);

// ---- Staff: share codes, moderation, reports --------------------------------------------------------------------

/// <summary>A unit's new share code, shown this once: only its hash is kept.</summary>
/// <param name="ShareCode">XXXXX-XXXXX: print it, say it, put it on a poster. Issuing another voids it.</param>
/// <param name="Hint">Its first two characters, to tell which code is current.</param>
public sealed record ShareCodeResponse(Guid UnitId, string ShareCode, string Hint, DateTimeOffset IssuedAt);

/// <param name="status">Only responses in this state: pending, approved or rejected.</param>
/// <param name="month">Only responses about this month (YYYY-MM).</param>
/// <param name="areaCode">Only responses about this area.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record FamilyResponseListQuery([property: EnumQuery(typeof(FamilyResponseStatus))] string? status, string? month, string? areaCode,
    int? limit, string? cursor) : IPagedQuery
{
    public FamilyResponseStatus? Status => EnumQuery.Parse<FamilyResponseStatus>(status);

    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

/// <summary>One response as its moderators see it. Its Revision (the ETag) goes in If-Match to moderate it.</summary>
/// <param name="Month">The month it is about, YYYY-MM.</param>
/// <param name="ReceivedIn">The month it came in, YYYY-MM: nothing finer is kept.</param>
public sealed record FamilyResponseView(Guid Id, string Month, string AreaCode, FamilyVerdict Response, string? Comment, string ReceivedIn,
    FamilyResponseStatus Status, string? ModerationNote, int Revision);

/// <summary>An involvement lead's decision on a response.</summary>
/// <param name="Decision">approve: counted, and its comment shown to the unit and network; reject: never counted or shown.</param>
/// <param name="Note">Optional, for other moderators: at most 500 characters, no personal identifiers.</param>
public sealed record ModerationRequest(ModerationDecision Decision, string? Note = null);

/// <param name="from">First month, YYYY-MM (default: 11 months before to).</param>
/// <param name="to">Last month, YYYY-MM (default: this month). At most 36 months from from.</param>
public sealed record FamilyConcurrenceQuery(string? from, string? to);

/// <summary>How families responded to one month and area: approved responses only; pending ones are counted apart.</summary>
/// <param name="Month">YYYY-MM.</param>
/// <param name="Responses">Approved responses: concur + partly + disagree.</param>
/// <param name="ShareConcurring">concur / responses, 0 to 1; null with no approved response.</param>
/// <param name="AwaitingModeration">Responses no lead has approved or rejected yet: in no other figure.</param>
public sealed record ConcurrenceRow(string Month, string AreaCode, int Responses, int Concur, int Partly, int Disagree, double? ShareConcurring,
    int AwaitingModeration);

/// <summary>An approved comment: its words, the month and area it is about, and nothing finer.</summary>
public sealed record FamilyComment(string Month, string AreaCode, FamilyVerdict Response, string Text);

/// <summary>How often families concur with a unit's ratings, per month and area, with the comments leads approved.</summary>
/// <param name="From">YYYY-MM.</param>
/// <param name="To">YYYY-MM.</param>
/// <param name="Rows">Months and areas with at least one response, by month then area.</param>
/// <param name="Comments">Approved comments, by month then area.</param>
public sealed record UnitConcurrenceReport(Guid UnitId, string UnitCode, string From, string To, IReadOnlyList<ConcurrenceRow> Rows,
    IReadOnlyList<FamilyComment> Comments);

/// <summary>One unit's rows in a network's report.</summary>
public sealed record UnitConcurrence(Guid UnitId, string UnitCode, IReadOnlyList<ConcurrenceRow> Rows);

/// <summary>How often families concur across a network: by area and month over all its units, then per unit. No comments.</summary>
/// <param name="From">YYYY-MM.</param>
/// <param name="To">YYYY-MM.</param>
/// <param name="Areas">Months and areas over every unit of the network, by month then area.</param>
/// <param name="Units">Units with at least one response, in code order.</param>
public sealed record NetworkConcurrenceReport(Guid NetworkId, string NetworkCode, string From, string To, IReadOnlyList<ConcurrenceRow> Areas,
    IReadOnlyList<UnitConcurrence> Units);
