using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Assessments;

/// <summary>The rules of the framework version an assessment is pinned to: its area's standards and its scale.</summary>
public sealed class FrameworkRules
{
    private FrameworkRules(string identifier, string areaCode, IReadOnlyDictionary<string, Guid> standardIds, int minimum, int maximum, bool allowNotApplicable)
    {
        Identifier = identifier;
        AreaCode = areaCode;
        StandardIds = standardIds;
        Minimum = minimum;
        Maximum = maximum;
        AllowNotApplicable = allowNotApplicable;
    }

    public string Identifier { get; }
    public string AreaCode { get; }
    public IReadOnlyDictionary<string, Guid> StandardIds { get; }
    public int Minimum { get; }
    public int Maximum { get; }
    public bool AllowNotApplicable { get; }

    public static async Task<FrameworkRules> LoadAsync(SeQuInDbContext db, Assessment assessment, CancellationToken ct)
    {
        var version = await db.FrameworkVersions.AsNoTracking().Where(v => v.Id == assessment.FrameworkVersionId)
            .Select(v => new { v.AllowNotApplicable, Min = v.Scale.Min(p => p.Value), Max = v.Scale.Max(p => p.Value) })
            .SingleAsync(ct);
        var standards = await db.Standards.AsNoTracking().Where(s => s.AreaId == assessment.AreaId)
            .ToDictionaryAsync(s => s.Code, s => s.Id, ct);
        return new FrameworkRules(assessment.FrameworkIdentifier, assessment.AreaCode, standards, version.Min, version.Max, version.AllowNotApplicable);
    }

    public bool OnScale(int value) => value >= Minimum && value <= Maximum;

    public string ScaleMessage(string field) =>
        $"'{field}' must be a whole number from {Minimum} to {Maximum} on the scale of framework {Identifier}.";

    /// <summary>The problems with one rating, by member name.</summary>
    public IEnumerable<(string Field, string Message)> Check(RatingInput rating)
    {
        if (!StandardIds.ContainsKey(rating.StandardCode))
        {
            yield return ("standardCode", $"'{rating.StandardCode}' is not a standard of area {AreaCode} in framework {Identifier}.");
        }
        if (rating.Value is { } value && !OnScale(value))
        {
            yield return ("value", ScaleMessage("value"));
        }
        if (rating.StaffView is { } staff && !OnScale(staff))
        {
            yield return ("staffView", ScaleMessage("staffView"));
        }
        if (rating.ServiceUserView is { } serviceUser && !OnScale(serviceUser))
        {
            yield return ("serviceUserView", ScaleMessage("serviceUserView"));
        }
        if (rating.NotApplicable && !AllowNotApplicable)
        {
            yield return ("notApplicable", $"Framework {Identifier} does not allow 'not applicable' ratings.");
        }
    }
}

/// <summary>What summaries need beyond the assessment rows: unit codes, scale bounds and standards per area.</summary>
public sealed class ScoringContext
{
    private readonly Dictionary<Guid, string> _unitCodes;
    private readonly Dictionary<Guid, (int Min, int Max, ScoringRule Rule)> _scales;
    private readonly Dictionary<Guid, int> _standardsPerArea;

    private ScoringContext(Dictionary<Guid, string> unitCodes, Dictionary<Guid, (int, int, ScoringRule)> scales, Dictionary<Guid, int> standardsPerArea)
    {
        _unitCodes = unitCodes;
        _scales = scales;
        _standardsPerArea = standardsPerArea;
    }

    public static async Task<ScoringContext> LoadAsync(SeQuInDbContext db, IReadOnlyCollection<Assessment> assessments, CancellationToken ct)
    {
        var unitIds = assessments.Select(a => a.UnitId).Distinct().ToList();
        var versionIds = assessments.Select(a => a.FrameworkVersionId).Distinct().ToList();
        var areaIds = assessments.Select(a => a.AreaId).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Code, ct);
        var scales = await db.FrameworkVersions.AsNoTracking().Where(v => versionIds.Contains(v.Id))
            .Select(v => new { v.Id, Min = v.Scale.Min(p => p.Value), Max = v.Scale.Max(p => p.Value), v.ScoringRule })
            .ToDictionaryAsync(v => v.Id, v => (v.Min, v.Max, v.ScoringRule), ct);
        var standards = await db.Areas.AsNoTracking().Where(a => areaIds.Contains(a.Id))
            .Select(a => new { a.Id, Count = a.Standards.Count }).ToDictionaryAsync(a => a.Id, a => a.Count, ct);
        return new ScoringContext(units, scales, standards);
    }

    public AssessmentSummary Summary(Assessment a) =>
        new(a.Id, a.UnitId, _unitCodes[a.UnitId], a.NetworkId, a.FrameworkIdentifier, a.AreaCode, Months.Format(a.Month), a.Status,
            a.AgreedRating, Result(a), a.Imported, a.Revision, a.CreatedAt, a.UpdatedAt, a.SubmittedAt, a.Confirmation, a.ConfirmedAt);

    private AreaResult Result(Assessment a)
    {
        var (min, max, rule) = _scales[a.FrameworkVersionId];
        var score = AreaScoring.Score(rule, a.Ratings.Select(r => r.NotApplicable ? null : r.Value), min, max);
        var differs = a.AgreedRating is { } agreed && score.Mean is { } mean && Math.Abs(agreed - mean) > 1m;
        return new AreaResult(score.Mean, score.Percentage, score.ApplicableStandards, a.Ratings.Count, _standardsPerArea[a.AreaId], differs);
    }
}
