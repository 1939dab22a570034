namespace SeQuIn.Api.Common;

public static class Clock
{
    /// <summary>
    /// The current UTC time at PostgreSQL's precision (microseconds), so that what a write returns equals what a
    /// later read returns.
    /// </summary>
    public static DateTimeOffset Now(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
