namespace SeQuIn.Api.Framework;

public enum FrameworkStatus
{
    Draft,
    Active,
    Retired,
}

/// <summary>How an area's standard ratings become the area score.</summary>
public enum ScoringRule
{
    /// <summary>Mean of the applicable standards' values; not-applicable standards are left out.</summary>
    MeanOfApplicable,
}

public sealed class FrameworkVersion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Identifier { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public FrameworkStatus Status { get; set; } = FrameworkStatus.Draft;
    public ScoringRule ScoringRule { get; set; }
    public bool AllowNotApplicable { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ActivatedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
    /// <summary>A draft opened for comment is read, and commented on, by unit members and leads too (ADR 0030).</summary>
    public bool OpenForComment { get; set; }
    public List<ScalePoint> Scale { get; set; } = [];
    public List<Area> Areas { get; set; } = [];
}

public sealed class ScalePoint
{
    public Guid FrameworkVersionId { get; set; }
    public int Value { get; set; }
    public required string Label { get; set; }
    public required string EasyReadLabel { get; set; }
    public required string Description { get; set; }
    /// <summary>Key words for which an easy-read edition shows symbols beside this point's label.</summary>
    public string[] PictureKeywords { get; set; } = [];
}

public sealed class Area
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid FrameworkVersionId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string EasyReadName { get; set; }
    public required string Description { get; set; }
    public required string EasyReadDescription { get; set; }
    /// <summary>Key words for which an easy-read edition shows symbols beside the area's name and description.</summary>
    public string[] PictureKeywords { get; set; } = [];
    public int Order { get; set; }
    public List<Standard> Standards { get; set; } = [];
}

public sealed class Standard
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AreaId { get; set; }
    /// <summary>Denormalised so that a standard code is unique within a version, across areas.</summary>
    public Guid FrameworkVersionId { get; set; }
    public required string Code { get; set; }
    public required string Statement { get; set; }
    public required string EasyReadStatement { get; set; }
    public string[] PictureKeywords { get; set; } = [];
    public string[] EvidenceSources { get; set; } = [];
    /// <summary>Comments (on this or an earlier version, on this standard code) that this version's wording answers.</summary>
    public Guid[] AnsweredCommentIds { get; set; } = [];
    public int Order { get; set; }
}
