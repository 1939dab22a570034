using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using SeQuIn.Api.Access;

namespace SeQuIn.Api.Replica;

/// <summary>
/// Read-your-writes: the primary's WAL position after each caller's last successful write, kept in this instance's
/// memory by caller (key or token subject) and sent back to the caller in <see cref="Header"/>. A read by that
/// caller goes to the replica only once the replica has replayed past it; a client that may reach another instance
/// sends the header back in <see cref="ReplicaReads.ReadAfterHeader"/> (ADR 0014).
/// </summary>
public sealed class WritePositions(ReplicaLag lag, TimeProvider clock, ILogger<WritePositions> logger)
{
    public const string Header = "SeQuIn-Write-Position";

    /// <summary>Stands for a write whose position could not be read: its caller reads from the primary until it is forgotten.</summary>
    private const ulong Unknown = ulong.MaxValue;

    private readonly ConcurrentDictionary<string, (ulong Position, long At)> _byCaller = new(StringComparer.Ordinal);
    private long _prunedAt = clock.GetTimestamp();

    /// <summary>
    /// Once older than the bound a write needs no remembering: the replica answers only while it is caught up to
    /// within the bound, so by then it holds the write (a probe's reading of the primary taken after the write
    /// committed is at or past the write's position).
    /// </summary>
    private TimeSpan Memory => lag.Options.MaxLag + TimeSpan.FromSeconds(1);

    /// <summary>The position the caller's reads must see, or null when nothing it wrote is recent enough to matter.</summary>
    public ulong? LastOf(string? caller) =>
        caller is not null && _byCaller.TryGetValue(caller, out var last) && clock.GetElapsedTime(last.At) <= Memory ? last.Position : null;

    private void Record(string caller, ulong position)
    {
        var now = clock.GetTimestamp();
        _byCaller.AddOrUpdate(caller, (position, now), (_, last) => (Math.Max(position, last.Position), now));
        // One caller in a while sweeps out the forgotten, so that memory holds only the last few seconds' writers.
        var pruned = Interlocked.Read(ref _prunedAt);
        if (clock.GetElapsedTime(pruned) > Memory && Interlocked.CompareExchange(ref _prunedAt, now, pruned) == pruned)
        {
            foreach (var (key, entry) in _byCaller)
            {
                if (clock.GetElapsedTime(entry.At) > Memory)
                {
                    _byCaller.TryRemove(new KeyValuePair<string, (ulong, long)>(key, entry));
                }
            }
        }
    }

    /// <summary>
    /// After a successful change (any method but GET, HEAD and OPTIONS answered 2xx) and before its answer is sent, so
    /// that the caller's next request cannot overtake it: the primary's position, remembered for the caller and sent in
    /// <see cref="Header"/>.
    /// </summary>
    internal async Task RecordAsync(HttpContext context)
    {
        if (context.Response.StatusCode is < 200 or > 299)
        {
            return;
        }
        var caller = context.User.FindFirst(Caller.ActorClaim)?.Value;
        try
        {
            var position = await lag.PrimaryPositionAsync(context.RequestAborted);
            context.Response.Headers[Header] = new NpgsqlLogSequenceNumber(position).ToString();
            if (caller is not null)
            {
                Record(caller, position);
            }
        }
        // The change is committed; only its position is unknown. Its caller reads from the primary for a while instead.
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Could not read the primary's position after a change; its caller reads from the primary for {Seconds} s: {Reason}",
                Memory.TotalSeconds, exception.Message);
            if (caller is not null)
            {
                Record(caller, Unknown);
            }
        }
    }
}
