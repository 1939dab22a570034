using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Tests.Framework;

/// <summary>Framework documents for tests: a small valid one, and the first version as shipped.</summary>
internal static class FrameworkDocuments
{
    public static string UniqueIdentifier() => $"t{Guid.NewGuid():N}"[..20];

    public static FrameworkDocument Small(string identifier) => new(
        identifier,
        "Test framework",
        ScoringRule.MeanOfApplicable,
        AllowNotApplicable: true,
        Scale:
        [
            new ScalePointInput(0, "Not in place", "Not yet", "Nothing seen."),
            new ScalePointInput(1, "Starting", "Just started", "First steps."),
            new ScalePointInput(2, "Embedded", "Every day", "Part of everyday life."),
        ],
        Areas:
        [
            Area("INV", "INV-01", "INV-02"),
            Area("TEC", "TEC-01", "TEC-02"),
        ]);

    public static AreaInput Area(string code, params string[] standardCodes) => new(
        code, $"Area {code}", $"Easy {code}", $"About {code}.", $"Easy about {code}.",
        standardCodes.Select(s => new StandardInput(s, $"Statement {s}.", $"Easy {s}.", ["word"], ["minutes"])).ToList());

    /// <summary>The first version as shipped, under another identifier.</summary>
    public static FrameworkDocument Shipped(string identifier) =>
        DatabaseMigrator.ReadSeed<FrameworkDocument>(DatabaseMigrator.FirstFramework) with { Identifier = identifier };
}
