using SeQuIn.Api.Families;

namespace SeQuIn.Api.Tests.Families;

public sealed class FamilyLogicTests
{
    [Theory]
    [InlineData("k7mpq-4xrtw", "K7MPQ4XRTW")]
    [InlineData("K7MPQ 4XRTW", "K7MPQ4XRTW")]
    [InlineData("K7MPQ4XRTW", "K7MPQ4XRTW")]
    [InlineData("K7MPQ-4XRT", null)]
    [InlineData("K7MPQ-4XRTWW", null)]
    [InlineData("O7MPQ-4XRTW", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Share_codes_are_read_whatever_the_case_and_grouping(string? typed, string? canonical) =>
        Assert.Equal(canonical, ShareCodes.Normalise(typed));

    [Fact]
    public void Share_codes_are_drawn_from_the_unambiguous_alphabet_and_differ()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => ShareCodes.Generate()).ToList();
        Assert.All(codes, c => Assert.Equal(c, ShareCodes.Normalise(ShareCodes.Format(c))));
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Fact]
    public void Concurrence_counts_approved_responses_and_pending_apart_and_rejected_nowhere()
    {
        var unit = Guid.NewGuid();
        var month = new DateOnly(2026, 10, 1);
        FamilyCount Count(FamilyVerdict verdict, FamilyResponseStatus status, int count, string area = "INV") => new(unit, month, area, verdict, status, count);

        var rows = ConcurrenceTally.Rows([
            Count(FamilyVerdict.Concur, FamilyResponseStatus.Approved, 2), Count(FamilyVerdict.Disagree, FamilyResponseStatus.Approved, 1),
            Count(FamilyVerdict.Concur, FamilyResponseStatus.Pending, 4), Count(FamilyVerdict.Concur, FamilyResponseStatus.Rejected, 9),
            Count(FamilyVerdict.Partly, FamilyResponseStatus.Pending, 1, "RAS"), Count(FamilyVerdict.Partly, FamilyResponseStatus.Rejected, 1, "SAF"),
        ]);

        Assert.Equal([
            new ConcurrenceRow("2026-10", "INV", 3, 2, 0, 1, 0.6667, 4),
            new ConcurrenceRow("2026-10", "RAS", 0, 0, 0, 0, null, 1),
        ], rows);
    }
}
