using SeQuIn.Api.Common;

namespace SeQuIn.Api.Tests.Common;

public sealed class PagingTests
{
    [Theory]
    [InlineData("YH-M01")]
    [InlineData("")]
    [InlineData("ünïcode/+=")]
    public void A_cursor_round_trips_its_key(string key)
    {
        Assert.True(Paging.TryDecode(Paging.Encode(key), out var decoded));
        Assert.Equal(key, decoded);
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("Zm9v")]
    public void Anything_else_is_not_a_cursor(string cursor)
    {
        Assert.False(Paging.TryDecode(cursor, out _));
    }

    [Fact]
    public void A_page_has_a_next_cursor_only_when_more_rows_follow()
    {
        var full = Paging.ToPage(["a", "b", "c"], 2, s => s);
        var last = Paging.ToPage(["a", "b"], 2, s => s);

        Assert.Equal(["a", "b"], full.Items);
        Assert.True(Paging.TryDecode(full.NextCursor, out var key));
        Assert.Equal("b", key);
        Assert.Null(last.NextCursor);
    }
}
