using System.Buffers;
using System.IO.Pipelines;
using Npgsql;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Benchmarks;

/// <summary>Whose ratings a caller may export: everything (national admin), or the ratings of these networks or collaboratives.</summary>
internal sealed record RatingScope(bool All, Guid[] Networks, Guid[] Collaboratives);

/// <summary>
/// The CSV export at national scale (4.3 million rows in a few seconds, in bounded memory). PostgreSQL sends only the
/// narrow columns of <c>standard_results</c>, without joins, as a binary COPY; the codes of units, providers,
/// networks and collaboratives come from small lookups read once per request in the same snapshot; the CSV is
/// written as UTF-8 straight into the response's pipe. Nothing is allocated per row: the leading columns of a row
/// (network … security level) are cached as escaped bytes per distinct combination, the middle ones (month,
/// framework version, area) and the submission time are reused while they repeat, and the rest is formatted in place.
/// The output is the one the Sep-based writer produced: same header, columns, escaping (a field holding a comma,
/// quote, CR or LF is quoted, quotes doubled), kebab-case enum names, months YYYY-MM, submittedAt in <see cref="UtcTimestamp"/>'s form, as the JSON export writes it.
/// This file streams (a dedicated thread, flushes, a stalled or vanished client); the query is
/// <see cref="RatingsCopySql"/>, the codes <see cref="ExportLookups"/>, the wire format <see cref="BinaryCopy"/>
/// and the CSV lines <see cref="RatingsCsvRows"/>.
/// </summary>
internal static class RatingsCsv
{
    /// <summary>The columns of <see cref="Header"/>, for the contract.</summary>
    public static readonly string[] HeaderColumns = System.Text.Encoding.UTF8.GetString(Header).TrimEnd('\n').Split(',');

    public static ReadOnlySpan<byte> Header =>
        "network,collaborative,provider,sector,unit,securityLevel,month,frameworkVersion,area,standard,value,notApplicable,submittedAt,assessmentId,agreedRating,areaMean,staffView,serviceUserView,confirmation\n"u8;

    /// <summary>
    /// Each flush hands the response to Kestrel's sending loop on the thread pool: a worker wake-up, whose spinning
    /// costs more on two cores than the bytes. Flushing every 1 MB rather than 64 KB took 10-25% less CPU and time in
    /// 3 of 4 side-by-side rounds (measured); the response then holds at most about 1 MB more.
    /// </summary>
    private const int FlushBytes = 1 << 20;

    /// <summary>
    /// Writes the header and every rating in scope that passes the filters to <paramref name="output"/>, on an open
    /// connection (the endpoint opens it through EF, so that the pooled context closes it). The position, the lookups
    /// and the COPY run in one REPEATABLE READ READ ONLY transaction, so that the codes are those of the snapshot the
    /// ratings are read in, as when the codes were joined in, and the position stated is that snapshot's.
    /// </summary>
    /// <remarks>
    /// Npgsql's asynchronous read of a raw COPY allocates about 50 bytes per call, and PostgreSQL sends a message per
    /// row: 4.3 million calls and 220 MB of garbage at national scale, which grew the heap (and RSS) by as much as a
    /// gen0 budget (measured). Its synchronous read allocates only when it has to wait for the socket (about 10 MB per
    /// national export, measured). So the rows are read, converted and written on a dedicated thread, with blocking
    /// reads, while the request awaits it; one thread does it all, so that no chunk is handed between threads (every
    /// hand-over wakes a thread-pool worker, and on two cores their spinning costs more than the conversion).
    /// </remarks>
    /// <returns>The rows written (fewer than were in scope when the client went away).</returns>
    /// <exception cref="ClientStalledException">A write waited longer than <paramref name="writeTimeout"/> for the client.</exception>
    public static async Task<long> WriteAsync(NpgsqlConnection connection, RatingScope scope, ExportQuery query, Func<ulong, ExportWindow> atPosition,
        PipeWriter output, TimeSpan writeTimeout, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        // The snapshot's xmin is the answer's change-feed position: the caller states it (a header, before any byte of
        // the body) and says which transactions' rows to send.
        var window = atPosition(await ExportPosition.ReadAsync(connection, transaction, ct));
        var lookups = await ExportLookups.LoadAsync(connection, transaction, ct);
        var copy = await connection.BeginRawBinaryCopyAsync(RatingsCopySql.Build(scope, query, window, lookups), ct);
        var rows = new RatingsCsvRows(lookups, output);
        await Task.Factory.StartNew(() => Convert(copy, rows, output, writeTimeout, ct),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        ct.ThrowIfCancellationRequested();
        await transaction.CommitAsync(ct);
        await FlushWithinAsync(output, writeTimeout, ct);
        return rows.Rows;
    }

    /// <summary>
    /// Flushes, waiting at most <paramref name="timeout"/> for a client that has stopped reading: otherwise a stalled
    /// client would hold the export's connection, snapshot and thread for as long as it kept the socket open.
    /// </summary>
    private static async ValueTask<FlushResult> FlushWithinAsync(PipeWriter output, TimeSpan timeout, CancellationToken ct)
    {
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stalled.CancelAfter(timeout);
        try
        {
            var result = await output.FlushAsync(stalled.Token);
            return result.IsCanceled && stalled.IsCancellationRequested && !ct.IsCancellationRequested
                ? throw new ClientStalledException(timeout)
                : result;
        }
        catch (OperationCanceledException) when (stalled.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new ClientStalledException(timeout);
        }
    }

    /// <summary>
    /// Reads the COPY with blocking reads, writes the CSV into the response and flushes it every 1 MB, waiting when
    /// the client is slower than the database. Owns the COPY and disposes of it, first cancelling it in PostgreSQL if
    /// the client went away before the end. <paramref name="ct"/> (the client gone, or the shutdown drain over) stops
    /// it within one read: a blocking read cannot watch a token, so the token cancels the COPY in PostgreSQL, which
    /// ends the read that is waiting, and the loop checks the token after every read.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before the end.</exception>
    private static void Convert(NpgsqlRawCopyStream copy, RatingsCsvRows rows, PipeWriter output, TimeSpan writeTimeout, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var complete = false;
        var onCancel = ct.UnsafeRegister(static state => CancelQuietly((NpgsqlRawCopyStream)state!), copy);
        try
        {
            // After the COPY has started, so that a failing query still answers with a problem rather than a header.
            rows.WriteHeader();
            int filled = 0, read;
            while ((read = copy.Read(buffer.AsSpan(filled))) > 0)
            {
                ct.ThrowIfCancellationRequested();
                filled += read;
                // PostgreSQL sends a row per message: gather a buffer's worth before converting.
                if (buffer.Length - filled >= 1024)
                {
                    continue;
                }
                var consumed = rows.Write(buffer.AsSpan(0, filled));
                if (consumed == 0)
                {
                    // A single row larger than the buffer (never at this schema's column sizes).
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (rows.Unflushed >= FlushBytes)
                {
                    rows.Unflushed = 0;
                    var flush = FlushWithinAsync(output, writeTimeout, ct);
                    var result = flush.IsCompleted ? flush.GetAwaiter().GetResult() : flush.AsTask().GetAwaiter().GetResult();
                    if (result.IsCompleted || result.IsCanceled || ct.IsCancellationRequested)
                    {
                        return; // The client went away.
                    }
                }
            }
            if (rows.Write(buffer.AsSpan(0, filled)) != filled || !rows.Finished)
            {
                throw new InvalidOperationException("The binary COPY of the ratings ended in the middle of a row.");
            }
            complete = true;
        }
        catch (NpgsqlException cancelled) when (ct.IsCancellationRequested)
        {
            // The COPY ended because the token cancelled it: report the cancellation, not a database fault.
            throw new OperationCanceledException("The export was cancelled.", cancelled, ct);
        }
        finally
        {
            // Waits for a cancellation that is running: the COPY is not cancelled while it is being disposed.
            onCancel.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            if (!complete)
            {
                CancelQuietly(copy);
            }
            copy.Dispose();
        }
    }

    private static void CancelQuietly(NpgsqlRawCopyStream copy)
    {
        try
        {
            copy.Cancel();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ObjectDisposedException)
        {
            // Already ended: disposing is enough.
        }
    }
}
