namespace SeQuIn.Api.Framework;

/// <summary>The comments each standard code of a version answers: those the caller may read, and how many in all.</summary>
public sealed record StandardAnswers(IReadOnlyList<AnsweredComment> Readable, int Count)
{
    public static readonly StandardAnswers None = new([], 0);
}

/// <summary>Compares two framework versions by stable codes. Pure: no I/O.</summary>
public static class FrameworkDiffer
{
    public static FrameworkDiff Compare(FrameworkVersionDetail version, FrameworkVersionDetail? baseline,
        IReadOnlyDictionary<string, StandardAnswers>? answers = null, int unansweredCommentCount = 0)
    {
        answers ??= new Dictionary<string, StandardAnswers>();
        StandardChange Change(string code, string areaCode, string? previousAreaCode, IReadOnlyList<string> changed, string? before, string? after)
        {
            var answered = answers.GetValueOrDefault(code, StandardAnswers.None);
            return new StandardChange(code, areaCode, previousAreaCode, changed, before, after, answered.Readable, answered.Count);
        }

        if (baseline is null)
        {
            var allStandards = version.Areas.SelectMany(a => a.Standards).Select(s => Change(s.Code, s.AreaCode, null, [], null, s.Statement)).ToList();
            return new FrameworkDiff(version.Identifier, null, version.Areas.Select(a => a.Code).ToList(), [], [],
                allStandards, [], [], [], ScaleChanged: true, ScoringChanged: true, ScalePointsChanged: [],
                StandardsAnsweringUnchanged: [], unansweredCommentCount);
        }

        var areasBefore = baseline.Areas.ToDictionary(a => a.Code);
        var areasAfter = version.Areas.ToDictionary(a => a.Code);
        var standardsBefore = baseline.Areas.SelectMany(a => a.Standards).ToDictionary(s => s.Code);
        var standardsAfter = version.Areas.SelectMany(a => a.Standards).ToDictionary(s => s.Code);

        var areasChanged = version.Areas
            .Where(a => areasBefore.ContainsKey(a.Code))
            .Select(a => new AreaChange(a.Code, ChangedAreaMembers(areasBefore[a.Code], a)))
            .Where(c => c.ChangedMembers.Count > 0)
            .ToList();

        var reworded = new List<StandardChange>();
        var moved = new List<StandardChange>();
        var answeringUnchanged = new List<StandardChange>();
        foreach (var after in standardsAfter.Values)
        {
            if (!standardsBefore.TryGetValue(after.Code, out var before))
            {
                continue;
            }
            var changed = ChangedStandardMembers(before, after);
            if (changed.Count > 0)
            {
                reworded.Add(Change(after.Code, after.AreaCode, null, changed, before.Statement, after.Statement));
            }
            if (before.AreaCode != after.AreaCode)
            {
                moved.Add(Change(after.Code, after.AreaCode, before.AreaCode, [], before.Statement, after.Statement));
            }
            if (changed.Count == 0 && before.AreaCode == after.AreaCode && answers.ContainsKey(after.Code))
            {
                answeringUnchanged.Add(Change(after.Code, after.AreaCode, null, [], before.Statement, after.Statement));
            }
        }

        return new FrameworkDiff(
            version.Identifier,
            baseline.Identifier,
            AreasAdded: version.Areas.Where(a => !areasBefore.ContainsKey(a.Code)).Select(a => a.Code).ToList(),
            AreasRetired: baseline.Areas.Where(a => !areasAfter.ContainsKey(a.Code)).Select(a => a.Code).ToList(),
            AreasChanged: areasChanged,
            StandardsAdded: standardsAfter.Values.Where(s => !standardsBefore.ContainsKey(s.Code))
                .Select(s => Change(s.Code, s.AreaCode, null, [], null, s.Statement)).ToList(),
            StandardsRetired: standardsBefore.Values.Where(s => !standardsAfter.ContainsKey(s.Code))
                .Select(s => new StandardChange(s.Code, s.AreaCode, null, [], s.Statement, null, [], 0)).ToList(),
            StandardsReworded: reworded,
            StandardsMoved: moved,
            ScaleChanged: version.Scale.Count != baseline.Scale.Count || version.Scale.Zip(baseline.Scale).Any(p => !p.First.SameAs(p.Second)),
            ScoringChanged: version.ScoringRule != baseline.ScoringRule || version.AllowNotApplicable != baseline.AllowNotApplicable,
            ScalePointsChanged: version.Scale.Join(baseline.Scale, p => p.Value, p => p.Value, (after, before) => new ScalePointChange(after.Value, before.ChangedMembers(after)))
                .Where(c => c.ChangedMembers.Count > 0).ToList(),
            StandardsAnsweringUnchanged: answeringUnchanged,
            UnansweredCommentCount: unansweredCommentCount);
    }

    private static List<string> ChangedAreaMembers(AreaDetail before, AreaDetail after)
    {
        var changed = new List<string>();
        if (before.Name != after.Name) changed.Add("name");
        if (before.EasyReadName != after.EasyReadName) changed.Add("easyReadName");
        if (before.Description != after.Description) changed.Add("description");
        if (before.EasyReadDescription != after.EasyReadDescription) changed.Add("easyReadDescription");
        if (!before.PictureKeywords.SequenceEqual(after.PictureKeywords)) changed.Add("pictureKeywords");
        if (before.Order != after.Order) changed.Add("order");
        return changed;
    }

    private static List<string> ChangedStandardMembers(StandardResponse before, StandardResponse after)
    {
        var changed = new List<string>();
        if (before.Statement != after.Statement) changed.Add("statement");
        if (before.EasyReadStatement != after.EasyReadStatement) changed.Add("easyReadStatement");
        if (!before.PictureKeywords.SequenceEqual(after.PictureKeywords)) changed.Add("pictureKeywords");
        if (!before.EvidenceSources.SequenceEqual(after.EvidenceSources)) changed.Add("evidenceSources");
        return changed;
    }
}
