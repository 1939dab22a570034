using SeQuIn.Api.Confirmations;

namespace SeQuIn.Api.Tests.Confirmations;

public sealed class ConfirmationCodeFormatTests
{
    [Theory]
    [InlineData("K7PM-3XQ2", "K7PM3XQ2")]
    [InlineData("k7pm3xq2", "K7PM3XQ2")]
    [InlineData(" k7pm 3xq2 ", "K7PM3XQ2")]
    [InlineData("K7-PM-3X-Q2", "K7PM3XQ2")]
    public void A_typed_code_is_normalised_whatever_its_case_spaces_and_dashes(string typed, string expected) =>
        Assert.Equal(expected, ConfirmationCodeFormat.Normalise(typed));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("K7PM-3XQ")]
    [InlineData("K7PM-3XQ22")]
    [InlineData("K7PM-3XQ0")] // 0, 1, I, L and O are not in the alphabet: they look like others
    [InlineData("K7PM-3XQ1")]
    [InlineData("K7PM-3XQO")]
    [InlineData("K7PM-3XQI")]
    [InlineData("K7PM-3XQL")]
    [InlineData("K7PM_3XQ2")]
    [InlineData("K7PM-3XQ2                                 ")]
    public void What_is_not_eight_characters_of_the_alphabet_is_not_a_code(string? typed) =>
        Assert.Null(ConfirmationCodeFormat.Normalise(typed));

    [Fact]
    public void New_codes_are_eight_characters_of_the_alphabet_shown_in_two_groups()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => ConfirmationCodeFormat.Generate()).ToList();
        Assert.All(codes, c => Assert.Equal(c, ConfirmationCodeFormat.Normalise(ConfirmationCodeFormat.Display(c))));
        Assert.All(codes, c => Assert.Matches("^[2-9A-HJKMNP-Z]{8}$", c));
        Assert.Equal(ConfirmationCodeFormat.Alphabet.Length, codes.SelectMany(c => c).Distinct().Count());
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal("K7PM-3XQ2", ConfirmationCodeFormat.Display("K7PM3XQ2"));
        Assert.Equal(31, ConfirmationCodeFormat.Alphabet.Length);
    }

    [Fact]
    public void A_code_is_found_by_a_keyed_hash_that_differs_from_key_to_key()
    {
        var key = new byte[32];
        var other = Enumerable.Repeat((byte)1, 32).ToArray();
        Assert.Equal(ConfirmationCodeFormat.Hash(key, "K7PM3XQ2"), ConfirmationCodeFormat.Hash(key, "K7PM3XQ2"));
        Assert.NotEqual(ConfirmationCodeFormat.Hash(key, "K7PM3XQ2"), ConfirmationCodeFormat.Hash(other, "K7PM3XQ2"));
        Assert.NotEqual(System.Security.Cryptography.SHA256.HashData("K7PM3XQ2"u8.ToArray()), ConfirmationCodeFormat.Hash(key, "K7PM3XQ2"));
    }
}
