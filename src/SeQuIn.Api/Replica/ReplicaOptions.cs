using SeQuIn.Api.Data;

namespace SeQuIn.Api.Replica;

/// <summary>
/// The optional streaming replica that answers analysts' reads (<c>ConnectionStrings:SeQuInReadOnly</c>, the runtime
/// role on a hot standby) and how far behind the primary it may be before the primary answers instead
/// (<c>SeQuIn:Replica:MaxLagSeconds</c>). See docs/decisions/0014-replica-read-your-writes.md.
/// </summary>
public sealed record ReplicaOptions(string ConnectionString, TimeSpan MaxLag)
{
    public const string ConnectionName = "SeQuInReadOnly";
    public const string MaxLagKey = "SeQuIn:Replica:MaxLagSeconds";
    public const double DefaultMaxLagSeconds = 5;

    /// <summary>
    /// How often the replica's position is probed while reads arrive: a quarter of the bound, so that a caught-up
    /// replica never looks older than the bound between two probes, but at most once a second and at least every 100 ms.
    /// </summary>
    public TimeSpan ProbeInterval { get; } = TimeSpan.FromTicks(Math.Clamp(MaxLag.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(1).Ticks));

    /// <summary>The replica's settings, or null when no read-only connection string is configured (every read goes to the primary).</summary>
    public static ReplicaOptions? From(IConfiguration configuration)
    {
        if (configuration.GetConnectionString(ConnectionName) is not { Length: > 0 } connectionString)
        {
            return null;
        }
        var seconds = configuration.GetValue(MaxLagKey, DefaultMaxLagSeconds);
        if (seconds <= 0)
        {
            throw new InvalidOperationException($"{MaxLagKey} must be a positive number of seconds; it is {seconds}.");
        }
        // A replica that does not answer is left for the primary within 2 s rather than after the primary's 5 s connect
        // time-out, unless the connection string sets its own: a read that finds it gone is answered by the primary.
        return new ReplicaOptions(SeQuInDbContext.WithConnectTimeout(connectionString, seconds: 2), TimeSpan.FromSeconds(seconds));
    }
}
