namespace SeQuIn.Api.Framework;

// ---- Requests -------------------------------------------------------------------------------------------------

/// <summary>A whole framework version as one document: imported as a draft, or replacing a draft.</summary>
/// <param name="Identifier">Version identifier, e.g. 2021.1. Letters, digits, dots and hyphens.</param>
/// <param name="Title">Title of the framework version.</param>
/// <param name="ScoringRule">How standard ratings become an area score.</param>
/// <param name="AllowNotApplicable">Whether a standard may be rated "not applicable" (always with a reason; left out of scores).</param>
/// <param name="Scale">The rating scale: consecutive whole numbers starting at 0, lowest first.</param>
/// <param name="Areas">The areas of practice, in display order, each with its standards.</param>
/// <param name="Description">What this version is and what changed.</param>
/// <param name="OpenForComment">For a draft: whether unit members and involvement leads may read it and comment on its standards
/// (null or left out: false; administrators always see drafts). Active versions are always open for comment, retired ones never.</param>
public sealed record FrameworkDocument(
    string Identifier,
    string Title,
    ScoringRule ScoringRule,
    bool AllowNotApplicable,
    IReadOnlyList<ScalePointInput> Scale,
    IReadOnlyList<AreaInput> Areas,
    string? Description = null,
    bool? OpenForComment = null);

/// <summary>One point of the rating scale.</summary>
/// <param name="PictureKeywords">Key words for which an easy-read edition shows symbols beside the label (optional).</param>
public sealed record ScalePointInput(int Value, string Label, string EasyReadLabel, string Description,
    IReadOnlyList<string>? PictureKeywords = null);

/// <summary>An area of practice with its standards, in display order.</summary>
/// <param name="Code">Stable area code kept across versions, e.g. INV.</param>
/// <param name="PictureKeywords">Key words for which an easy-read edition shows symbols beside the area's name and description (optional).</param>
public sealed record AreaInput(
    string Code,
    string Name,
    string EasyReadName,
    string Description,
    string EasyReadDescription,
    IReadOnlyList<StandardInput> Standards,
    IReadOnlyList<string>? PictureKeywords = null);

/// <summary>A standard of good practice.</summary>
/// <param name="Code">Stable standard code kept across versions: the area code, a hyphen and two digits, e.g. INV-01.</param>
/// <param name="PictureKeywords">Key words for which an easy-read edition shows symbols.</param>
/// <param name="EvidenceSources">Suggested sources of evidence for this standard.</param>
/// <param name="Answers">Ids of comments on this standard code (on this or an earlier version) that this version's wording
/// answers; the diff shows them beside the change. At most 100.</param>
public sealed record StandardInput(
    string Code,
    string Statement,
    string EasyReadStatement,
    IReadOnlyList<string>? PictureKeywords = null,
    IReadOnlyList<string>? EvidenceSources = null,
    IReadOnlyList<Guid>? Answers = null);

/// <summary>Filters for the list of framework versions.</summary>
/// <param name="status">Only versions in this status.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record FrameworkListQuery([property: Common.EnumQuery(typeof(FrameworkStatus))] string? status, int? limit, string? cursor)
    : Common.IPagedQuery
{
    public FrameworkStatus? Status => Common.EnumQuery.Parse<FrameworkStatus>(status);

    int? Common.IPagedQuery.Limit => limit;
    string? Common.IPagedQuery.Cursor => cursor;
}

// ---- Responses ------------------------------------------------------------------------------------------------

/// <summary>A framework version without its content.</summary>
/// <param name="Status">draft (being written; assessments cannot use it), active (new assessments are pinned to it; one at a time) or retired.</param>
/// <param name="OpenForComment">Whether unit members and leads may comment on its standards now (the active version, or a draft opened for comment).</param>
public sealed record FrameworkVersionSummary(
    string Identifier,
    string Title,
    string? Description,
    FrameworkStatus Status,
    ScoringRule ScoringRule,
    bool AllowNotApplicable,
    int AreaCount,
    int StandardCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? RetiredAt,
    bool OpenForComment);

/// <summary>A framework version with its full tree: scale, areas and standards, professional and easy-read text.</summary>
/// <param name="Status">draft (being written; assessments cannot use it), active (new assessments are pinned to it; one at a time) or retired.</param>
/// <param name="OpenForComment">Whether unit members and leads may comment on its standards now (the active version, or a draft opened for comment).</param>
public sealed record FrameworkVersionDetail(
    string Identifier,
    string Title,
    string? Description,
    FrameworkStatus Status,
    ScoringRule ScoringRule,
    bool AllowNotApplicable,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? RetiredAt,
    IReadOnlyList<ScalePointResponse> Scale,
    IReadOnlyList<AreaDetail> Areas,
    bool OpenForComment);

/// <summary>One point of the rating scale.</summary>
/// <param name="PictureKeywords">Key words for which an easy-read edition shows symbols beside the label; empty when none were given.</param>
public sealed record ScalePointResponse(int Value, string Label, string EasyReadLabel, string Description, IReadOnlyList<string> PictureKeywords)
{
    /// <summary>Equal in every member, the key words compared word by word (records compare lists by reference).</summary>
    public bool SameAs(ScalePointResponse other) => ChangedMembers(other).Count == 0;

    /// <summary>The members whose values differ from another point's.</summary>
    public IReadOnlyList<string> ChangedMembers(ScalePointResponse other)
    {
        var changed = new List<string>();
        if (Value != other.Value) changed.Add("value");
        if (Label != other.Label) changed.Add("label");
        if (EasyReadLabel != other.EasyReadLabel) changed.Add("easyReadLabel");
        if (Description != other.Description) changed.Add("description");
        if (!PictureKeywords.SequenceEqual(other.PictureKeywords)) changed.Add("pictureKeywords");
        return changed;
    }
}

/// <summary>The rating scale of a version and the rule that turns ratings into area scores.</summary>
/// <param name="Minimum">The lowest value on the scale.</param>
/// <param name="Maximum">The highest value; area percentages are of this.</param>
/// <param name="NotApplicableRequiresReason">A "not applicable" rating must carry a reason.</param>
public sealed record ScaleResponse(
    string FrameworkIdentifier,
    ScoringRule ScoringRule,
    bool AllowNotApplicable,
    bool NotApplicableRequiresReason,
    int Minimum,
    int Maximum,
    IReadOnlyList<ScalePointResponse> Points);

/// <summary>An area of practice with its standards.</summary>
/// <param name="PictureKeywords">Key words for which an easy-read edition shows symbols beside the area's name and description; empty when none were given.</param>
public sealed record AreaDetail(
    string FrameworkIdentifier,
    string Code,
    string Name,
    string EasyReadName,
    string Description,
    string EasyReadDescription,
    IReadOnlyList<string> PictureKeywords,
    int Order,
    IReadOnlyList<StandardResponse> Standards);

/// <summary>A standard of good practice.</summary>
public sealed record StandardResponse(
    string FrameworkIdentifier,
    string AreaCode,
    string Code,
    string Statement,
    string EasyReadStatement,
    IReadOnlyList<string> PictureKeywords,
    IReadOnlyList<string> EvidenceSources,
    int Order);

/// <summary>How a framework version differs from another, by stable code.</summary>
/// <param name="Identifier">The version described.</param>
/// <param name="ComparedWith">The version it is compared with (the active one unless asked otherwise); null when there is none.</param>
public sealed record FrameworkDiff(
    string Identifier,
    string? ComparedWith,
    IReadOnlyList<string> AreasAdded,
    IReadOnlyList<string> AreasRetired,
    IReadOnlyList<AreaChange> AreasChanged,
    IReadOnlyList<StandardChange> StandardsAdded,
    IReadOnlyList<StandardChange> StandardsRetired,
    IReadOnlyList<StandardChange> StandardsReworded,
    IReadOnlyList<StandardChange> StandardsMoved,
    bool ScaleChanged,
    bool ScoringChanged,
    IReadOnlyList<ScalePointChange> ScalePointsChanged,
    IReadOnlyList<StandardChange> StandardsAnsweringUnchanged,
    int UnansweredCommentCount);

/// <summary>A scale point present in both versions whose wording or picture key words changed; lists the members that changed.</summary>
public sealed record ScalePointChange(int Value, IReadOnlyList<string> ChangedMembers);

/// <summary>An area whose text or position changed; lists the members that changed.</summary>
public sealed record AreaChange(string Code, IReadOnlyList<string> ChangedMembers);

/// <summary>A standard added, retired, reworded or moved to another area.</summary>
/// <param name="ChangedMembers">For a reworded standard, the members whose text changed.</param>
/// <param name="Before">The statement in the compared version (null when added).</param>
/// <param name="After">The statement in this version (null when retired).</param>
/// <param name="AnsweredComments">The comments this version's standard answers that you may read (their network's leads and administrators, and the unit they came from, read them).</param>
/// <param name="AnsweredCommentCount">How many comments it answers in all, including those you may not read.</param>
public sealed record StandardChange(
    string Code,
    string AreaCode,
    string? PreviousAreaCode,
    IReadOnlyList<string> ChangedMembers,
    string? Before,
    string? After,
    IReadOnlyList<AnsweredComment> AnsweredComments,
    int AnsweredCommentCount);

/// <summary>A comment a change answered.</summary>
/// <param name="FrameworkIdentifier">The version the comment was made on.</param>
public sealed record AnsweredComment(Guid Id, string FrameworkIdentifier, CommentVoice Voice, string Text, string? Suggestion);
