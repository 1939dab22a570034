namespace SeQuIn.Api.Framework;

/// <summary>Whose view a comment on the framework gives: a role in the unit's life, never a person.</summary>
public enum CommentVoice
{
    Staff,
    ServiceUser,
    CarerOrFamily,
    Other,
}

/// <summary>open (not yet answered), answered (a later or replaced version names it) or declined (a lead said why not).</summary>
public enum FrameworkCommentStatus
{
    Open,
    Answered,
    Declined,
}

/// <summary>
/// A comment on one standard of one framework version, from staff or service users, for the framework's next revision.
/// Kept by version and stable standard code (not by standard row), so a draft's replacement keeps its comments. Never
/// deleted; answered by a version whose standard names it, or declined with a note.
/// </summary>
public sealed class FrameworkComment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid FrameworkVersionId { get; set; }
    public required string AreaCode { get; set; }
    public required string StandardCode { get; set; }
    public CommentVoice Voice { get; set; }
    public required string Text { get; set; }
    public string? Suggestion { get; set; }
    /// <summary>The network the comment came from (its readers are that network's leads and administrators); null for a national administrator's.</summary>
    public Guid? NetworkId { get; set; }
    /// <summary>The unit it came from, when a unit's member (or a lead speaking for a unit) wrote it.</summary>
    public Guid? UnitId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeclinedAt { get; set; }
    public string? DeclineNote { get; set; }
    public int Revision { get; set; } = 1;
}
