using SeQuIn.Api.Common;

namespace SeQuIn.Api.Framework;

/// <summary>A comment on one standard of a framework version.</summary>
/// <param name="Voice">Whose view this is: staff, service-user, carer-or-family or other. A role, never a person.</param>
/// <param name="Text">The comment, up to 2000 characters; no names or identifiers of anyone (refused with 422).</param>
/// <param name="Suggestion">Optional wording the commenter suggests instead, up to 2000 characters, screened the same way.</param>
/// <param name="UnitId">The unit the comment comes from: needed only by a caller who belongs to several units (or a lead
/// or administrator speaking for one unit); a unit member of one unit need not send it.</param>
public sealed record FrameworkCommentRequest(CommentVoice Voice, string Text, string? Suggestion = null, Guid? UnitId = null);

/// <summary>Declining a comment: why this revision does not take it up.</summary>
/// <param name="Note">Why, up to 2000 characters, shown to those who read the comment; no names or identifiers.</param>
public sealed record DeclineFrameworkCommentRequest(string Note);

/// <summary>A comment on a standard of a framework version.</summary>
/// <param name="FrameworkIdentifier">The version commented on.</param>
/// <param name="NetworkId">The network it came from (null for a national administrator's).</param>
/// <param name="UnitId">The unit it came from, when it came from one.</param>
/// <param name="Status">open, answered (a version's standard names it: see answeredBy) or declined (see declineNote).</param>
/// <param name="AnsweredBy">The identifier of the version whose standard answers it (the newest, when several do).</param>
/// <param name="Revision">Bumped by every change; the ETag. Send it in If-Match to decline.</param>
public sealed record FrameworkCommentResponse(
    Guid Id,
    string FrameworkIdentifier,
    string AreaCode,
    string StandardCode,
    CommentVoice Voice,
    string Text,
    string? Suggestion,
    Guid? NetworkId,
    Guid? UnitId,
    DateTimeOffset CreatedAt,
    FrameworkCommentStatus Status,
    string? AnsweredBy,
    string? DeclineNote,
    DateTimeOffset? DeclinedAt,
    int Revision);

/// <summary>How many comments each voice gave.</summary>
public sealed record VoiceCounts(int Staff, int ServiceUser, int CarerOrFamily, int Other);

/// <summary>One standard with its professional and easy-read text beside the comments on it.</summary>
public sealed record StandardComments(
    string FrameworkIdentifier,
    string AreaCode,
    string Code,
    string Statement,
    string EasyReadStatement,
    IReadOnlyList<string> PictureKeywords,
    VoiceCounts Voices,
    IReadOnlyList<FrameworkCommentResponse> Comments);

/// <summary>Filters for the comments on a framework version.</summary>
/// <param name="standardCode">Only comments on this standard.</param>
/// <param name="areaCode">Only comments on this area's standards.</param>
/// <param name="voice">Only this voice.</param>
/// <param name="status">Only open, answered or declined comments.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record FrameworkCommentQuery(
    string? standardCode,
    string? areaCode,
    [property: EnumQuery(typeof(CommentVoice))] string? voice,
    [property: EnumQuery(typeof(FrameworkCommentStatus))] string? status,
    int? limit,
    string? cursor) : IPagedQuery
{
    public CommentVoice? Voice => EnumQuery.Parse<CommentVoice>(voice);
    public FrameworkCommentStatus? Status => EnumQuery.Parse<FrameworkCommentStatus>(status);

    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}
