using Npgsql;
using NpgsqlTypes;

namespace SeQuIn.Api.Replica;

/// <summary>Which server answered a read.</summary>
public enum ReadSource
{
    Primary,
    Replica,
}

/// <summary>
/// How far the replica is behind the primary, probed at most once per <see cref="ReplicaOptions.ProbeInterval"/>
/// and shared by every request, one probe in flight; nothing is probed while no analyst reads.
/// <para>
/// A probe reads the primary's WAL position, then the replica's replay position. The replica holds everything the
/// primary had written at the time of the newest primary reading it has replayed past: that time is when it was last
/// known to be caught up, and its age is the lag. Replay timestamps are not used: they stop moving when the primary
/// is idle, which would make an idle but caught-up replica look ever further behind. Positions are compared as
/// numbers, so the measure costs two one-row queries.
/// </para>
/// </summary>
public sealed class ReplicaLag : IAsyncDisposable
{
    /// <summary>
    /// Where the next WAL record will go: at or past the end of every transaction committed so far, even one committed
    /// with synchronous_commit off (whose record may not be flushed yet, so the write or flush position could be short of it).
    /// </summary>
    private const string PrimarySql = "SELECT pg_current_wal_insert_lsn()";

    /// <summary>A replica promoted (or a primary named as the replica) reports where its own WAL ends: it is not behind itself.</summary>
    private const string ReplicaSql = "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END";

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a read waits for a probe before deciding on what was known: a replica that hangs must not hold reads up.</summary>
    private static readonly TimeSpan DecisionWait = TimeSpan.FromMilliseconds(250);

    private readonly ReplicaOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReplicaLag> _logger;
    private readonly NpgsqlDataSource _replica;
    private readonly NpgsqlDataSource _primary;
    private readonly Lock _gate = new();
    // Touched only by the probe, and one probe runs at a time.
    private readonly Queue<(long At, ulong Position)> _primaryPositions = new();
    private Snapshot? _last;
    private Task<Snapshot>? _running;
    private string? _state;

    public ReplicaLag(ReplicaOptions options, string primaryConnectionString, TimeProvider clock, ILogger<ReplicaLag> logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        _replica = NpgsqlDataSource.Create(Named(options.ConnectionString, "sequin-replica-probe", maxPoolSize: 2));
        // Also asked for the position of every write (WritePositions): a few connections of its own, so that a burst of
        // writes never waits behind requests for one.
        _primary = NpgsqlDataSource.Create(Named(primaryConnectionString, "sequin-replica-probe", maxPoolSize: 4));
    }

    public ReplicaOptions Options => _options;

    /// <summary>What the last probe found.</summary>
    /// <param name="ProbedAt">When the probe started (a <see cref="TimeProvider"/> timestamp).</param>
    /// <param name="Replayed">The replica's replay position; null when it could not be read.</param>
    /// <param name="CaughtUpAt">The latest moment at which the replica is known to have held everything the primary had; null when unknown.</param>
    /// <param name="Fault">Why the replica could not be read.</param>
    public sealed record Snapshot(long ProbedAt, ulong? Replayed, long? CaughtUpAt, string? Fault);

    /// <summary>The last probe's findings, probing again when they are older than the interval (waiting at most a moment for it).</summary>
    public async Task<Snapshot?> CurrentAsync(CancellationToken ct)
    {
        Task<Snapshot> running;
        lock (_gate)
        {
            if (_last is { } last && _clock.GetElapsedTime(last.ProbedAt) < _options.ProbeInterval)
            {
                return last;
            }
            // Not cancelled with the request that started it: the others wait for the same probe.
            if (_running is not { IsCompleted: false })
            {
                _running = Task.Run(ProbeAsync, CancellationToken.None);
            }
            running = _running;
        }
        try
        {
            return await running.WaitAsync(DecisionWait, _clock, ct);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>
    /// Where a read that must see every write up to <paramref name="after"/> goes: to the replica only when it
    /// answered the last probe, was caught up within the bound, and has replayed past <paramref name="after"/>.
    /// </summary>
    public (ReadSource Source, string Reason) Choose(Snapshot? snapshot, ulong? after)
    {
        if (snapshot is null)
        {
            return (ReadSource.Primary, "the replica has not been probed yet");
        }
        if (snapshot.Replayed is not { } replayed)
        {
            return (ReadSource.Primary, $"the replica cannot be read ({snapshot.Fault})");
        }
        if (snapshot.CaughtUpAt is not { } caughtUpAt || _clock.GetElapsedTime(caughtUpAt) > _options.MaxLag)
        {
            return (ReadSource.Primary, $"the replica is more than {_options.MaxLag.TotalSeconds:0.###} s behind");
        }
        if (after is { } position && position > replayed)
        {
            return (ReadSource.Primary, "the replica has not replayed the caller's last write yet");
        }
        return (ReadSource.Replica, "the replica is caught up");
    }

    /// <summary>
    /// A read failed on the replica: until the next probe the primary answers every read, and the replica's pooled
    /// connections (likely dead after a restart) are dropped.
    /// </summary>
    public void ReportFault(NpgsqlConnection connection, Exception exception)
    {
        NpgsqlConnection.ClearPool(connection);
        _replica.Clear();
        lock (_gate)
        {
            _last = new Snapshot(_clock.GetTimestamp(), null, null, exception.Message);
        }
        _logger.LogWarning("A read failed on the replica and was answered by the primary: {Reason}", exception.Message);
    }

    /// <summary>The primary's position now: every write committed before this call is at or before it.</summary>
    /// <exception cref="NpgsqlException">The primary could not be asked.</exception>
    public async Task<ulong> PrimaryPositionAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QueryTimeout);
        return await PositionAsync(_primary, PrimarySql, timeout.Token)
               ?? throw new InvalidOperationException("pg_current_wal_insert_lsn() returned null.");
    }

    private async Task<Snapshot> ProbeAsync()
    {
        var startedAt = _clock.GetTimestamp();
        var (primary, _) = await TryPositionAsync(_primary, PrimarySql);
        var (replayed, fault) = await TryPositionAsync(_replica, ReplicaSql);
        if (replayed is null)
        {
            _replica.Clear();
        }
        if (primary is { } position)
        {
            _primaryPositions.Enqueue((startedAt, position));
        }
        // Readings older than the bound can only say the replica is too far behind, which its age says anyway.
        var keep = _options.MaxLag + 2 * _options.ProbeInterval;
        while (_primaryPositions.Count > 1 && _clock.GetElapsedTime(_primaryPositions.Peek().At) > keep)
        {
            _primaryPositions.Dequeue();
        }
        Snapshot? previous;
        lock (_gate)
        {
            previous = _last;
        }
        long? caughtUpAt = null;
        if (replayed is { } r)
        {
            // In time order, positions only grow: the last reading at or before the replay position is the newest.
            foreach (var (at, p) in _primaryPositions)
            {
                if (p <= r)
                {
                    caughtUpAt = at;
                }
            }
            // Replay only moves forward: what was known to be replayed before still is (unless the replica was rebuilt).
            if (caughtUpAt is null && previous is { Replayed: { } before, CaughtUpAt: { } then } && before <= r)
            {
                caughtUpAt = then;
            }
        }
        var snapshot = new Snapshot(startedAt, replayed, caughtUpAt, fault ?? (replayed is null ? "it is not replaying WAL" : null));
        LogChange(snapshot);
        lock (_gate)
        {
            _last = snapshot;
        }
        return snapshot;
    }

    private async Task<(ulong? Position, string? Fault)> TryPositionAsync(NpgsqlDataSource source, string sql)
    {
        using var timeout = new CancellationTokenSource(QueryTimeout, _clock);
        try
        {
            return (await PositionAsync(source, sql, timeout.Token), null);
        }
        // A server that is down, restarting or too slow is a finding of the probe, not a fault of the service.
        catch (NpgsqlException exception)
        {
            return (null, exception.Message);
        }
        catch (TimeoutException exception)
        {
            return (null, exception.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (null, $"no answer within {QueryTimeout.TotalSeconds:0} s");
        }
    }

    private static async Task<ulong?> PositionAsync(NpgsqlDataSource source, string sql, CancellationToken ct)
    {
        await using var command = source.CreateCommand(sql);
        return await command.ExecuteScalarAsync(ct) is NpgsqlLogSequenceNumber lsn ? RecordEnd((ulong)lsn) : null;
    }

    /// <summary>
    /// Where the last record ends. When a record fills its page to the end, pg_current_wal_insert_lsn() names the
    /// start of the next one, past the next page's header (24 bytes; 40 at the start of a segment), while a replica
    /// reports the end of what it replayed, before that header: without this, a caught-up replica of an idle primary
    /// would look behind until the next write. Records are at least 24 bytes, so no record starts 40 bytes into a
    /// page but after a segment's header.
    /// </summary>
    internal static ulong RecordEnd(ulong position) => (position % WalPageBytes) switch
    {
        ShortPageHeaderBytes => position - ShortPageHeaderBytes,
        LongPageHeaderBytes => position - LongPageHeaderBytes,
        _ => position,
    };

    private const ulong WalPageBytes = 8192;
    private const ulong ShortPageHeaderBytes = 24;
    private const ulong LongPageHeaderBytes = 40;

    /// <summary>Tells operators when the replica stops or starts answering reads, once per change rather than per probe.</summary>
    private void LogChange(Snapshot current)
    {
        var state = current.Replayed is null ? "unreachable"
            : current.CaughtUpAt is { } at && _clock.GetElapsedTime(at) <= _options.MaxLag ? "caught up" : "lagging";
        if (Interlocked.Exchange(ref _state, state) == state)
        {
            return;
        }
        if (state == "caught up")
        {
            _logger.LogInformation("The read replica is caught up: it answers analysts' reads.");
        }
        else
        {
            _logger.LogWarning("The read replica is {State}; the primary answers analysts' reads until it is caught up again. {Reason}", state,
                current.Fault ?? $"It is more than {_options.MaxLag.TotalSeconds:0.###} s behind.");
        }
    }

    private static string Named(string connectionString, string applicationName, int maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = maxPoolSize };
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = applicationName;
        }
        return builder.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await _replica.DisposeAsync();
        await _primary.DisposeAsync();
    }
}
