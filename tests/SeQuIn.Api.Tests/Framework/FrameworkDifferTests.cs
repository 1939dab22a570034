using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Tests.Framework;

public sealed class FrameworkDifferTests
{
    private static readonly IReadOnlyList<ScalePointResponse> Scale = [new(0, "No", "No", "No.", ["no"]), new(1, "Yes", "Yes", "Yes.", ["yes"])];

    private static FrameworkVersionDetail Version(string identifier, params AreaDetail[] areas) => new(
        identifier, "T", null, FrameworkStatus.Draft, ScoringRule.MeanOfApplicable, true,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null, Scale, areas, false);

    private static AreaDetail Area(string code, params StandardResponse[] standards) =>
        new("v", code, code, code, code, code, ["word"], 1, standards);

    private static StandardResponse Standard(string area, string code, string statement = "S") =>
        new("v", area, code, statement, "E", [], [], 1);

    [Fact]
    public void Against_nothing_everything_is_added()
    {
        var diff = FrameworkDiffer.Compare(Version("2", Area("INV", Standard("INV", "INV-01"))), null);

        Assert.Null(diff.ComparedWith);
        Assert.Equal(["INV"], diff.AreasAdded);
        Assert.Equal(["INV-01"], diff.StandardsAdded.Select(s => s.Code));
    }

    [Fact]
    public void A_standard_that_changes_area_is_moved_not_retired_and_added()
    {
        var before = Version("1", Area("INV", Standard("INV", "X-01")), Area("TEC"));
        var after = Version("2", Area("INV"), Area("TEC", Standard("TEC", "X-01")));

        var diff = FrameworkDiffer.Compare(after, before);

        var moved = Assert.Single(diff.StandardsMoved);
        Assert.Equal(("X-01", "TEC", "INV"), (moved.Code, moved.AreaCode, moved.PreviousAreaCode));
        Assert.Empty(diff.StandardsAdded);
        Assert.Empty(diff.StandardsRetired);
        Assert.Empty(diff.StandardsReworded);
    }

    [Fact]
    public void Identical_versions_differ_in_nothing()
    {
        var version = Version("1", Area("INV", Standard("INV", "INV-01")));

        var diff = FrameworkDiffer.Compare(version with { Identifier = "2" }, version);

        Assert.Empty(diff.AreasAdded.Concat(diff.AreasRetired));
        Assert.Empty(diff.StandardsAdded.Concat(diff.StandardsRetired).Concat(diff.StandardsReworded).Concat(diff.StandardsMoved));
        Assert.Empty(diff.AreasChanged);
        Assert.False(diff.ScaleChanged || diff.ScoringChanged);
    }

    [Fact]
    public void A_changed_scale_label_is_a_scale_change()
    {
        var before = Version("1");
        var after = before with { Scale = [Scale[0], Scale[1] with { Label = "Always" }] };

        Assert.True(FrameworkDiffer.Compare(after, before).ScaleChanged);
    }

    [Fact]
    public void Equal_picture_keywords_in_other_lists_are_no_change()
    {
        var before = Version("1", Area("INV"));
        var after = Version("2", Area("INV")) with { Scale = [.. Scale.Select(p => p with { PictureKeywords = [.. p.PictureKeywords] })] };

        var diff = FrameworkDiffer.Compare(after, before);

        Assert.False(diff.ScaleChanged);
        Assert.Empty(diff.ScalePointsChanged);
        Assert.Empty(diff.AreasChanged);
    }

    [Fact]
    public void Changed_picture_keywords_of_an_area_and_a_scale_point_are_named()
    {
        var before = Version("1", Area("INV"));
        var after = Version("2", Area("INV") with { PictureKeywords = ["talk"] }) with { Scale = [Scale[0], Scale[1] with { PictureKeywords = ["star"] }] };

        var diff = FrameworkDiffer.Compare(after, before);

        Assert.Equal(["pictureKeywords"], Assert.Single(diff.AreasChanged).ChangedMembers);
        var point = Assert.Single(diff.ScalePointsChanged);
        Assert.Equal(1, point.Value);
        Assert.Equal(["pictureKeywords"], point.ChangedMembers);
        Assert.True(diff.ScaleChanged);
    }
}
