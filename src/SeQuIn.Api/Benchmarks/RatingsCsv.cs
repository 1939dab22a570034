using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Npgsql;
using SeQuIn.Api.Assessments;
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
/// </summary>
internal static class RatingsCsv
{
    /// <summary>The columns of <see cref="Header"/>, for the contract.</summary>
    public static readonly string[] HeaderColumns = System.Text.Encoding.UTF8.GetString(Header).TrimEnd('\n').Split(',');

    public static ReadOnlySpan<byte> Header =>
        "network,collaborative,provider,sector,unit,securityLevel,month,frameworkVersion,area,standard,value,notApplicable,submittedAt\n"u8;

    /// <summary>The columns COPY sends, in the order <see cref="RowWriter"/> parses them.</summary>
    internal const string Columns = "s.unit_id, s.network_id, s.collaborative_id, s.sector, s.security_level, s.month, " +
                                    "s.framework_identifier, s.area_code, s.standard_code, s.value, s.not_applicable, s.submitted_at";

    private const int FieldCount = 12;

    /// <summary>
    /// Each flush hands the response to Kestrel's sending loop on the thread pool: a worker wake-up, whose spinning
    /// costs more on two cores than the bytes. Flushing every 1 MB rather than 64 KB took 10-25% less CPU and time in
    /// 3 of 4 side-by-side rounds (measured); the response then holds at most about 1 MB more.
    /// </summary>
    private const int FlushBytes = 1 << 20;

    /// <summary>
    /// Writes the header and every rating in scope that passes the filters to <paramref name="output"/>, on an open
    /// connection (the endpoint opens it through EF, so that the pooled context closes it). The lookups
    /// and the COPY run in one REPEATABLE READ transaction, so that the codes are those of the snapshot the ratings
    /// are read in, as when the codes were joined in.
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
    public static async Task<long> WriteAsync(NpgsqlConnection connection, RatingScope scope, ExportQuery query, PipeWriter output,
        TimeSpan writeTimeout, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var lookups = await Lookups.LoadAsync(connection, transaction, ct);
        var copy = await connection.BeginRawBinaryCopyAsync(CopySql(scope, query, lookups), ct);
        var rows = new RowWriter(lookups, output);
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
    private static void Convert(NpgsqlRawCopyStream copy, RowWriter rows, PipeWriter output, TimeSpan writeTimeout, CancellationToken ct)
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

    /// <summary>
    /// The COPY statement of the export. COPY takes no parameters, so every filter value is written in as a literal
    /// the service formats itself: uuids, dates and a timestamp; unit codes are resolved to unit ids through the
    /// lookups (as the join on the unit's current code did); area codes, the only free text, as escaped string
    /// constants (E'…', which PostgreSQL reads the same whatever standard_conforming_strings says).
    /// </summary>
    internal static string CopySql(RatingScope scope, ExportQuery query, Lookups lookups)
    {
        var conditions = new List<string>();
        if (!scope.All)
        {
            var reach = new List<string>();
            if (scope.Networks.Length > 0)
            {
                reach.Add($"s.network_id = ANY({UuidArray(scope.Networks)})");
            }
            if (scope.Collaboratives.Length > 0)
            {
                reach.Add($"s.collaborative_id = ANY({UuidArray(scope.Collaboratives)})");
            }
            conditions.Add(reach.Count == 0 ? "false" : $"({string.Join(" OR ", reach)})");
        }
        if (query.from is not null)
        {
            conditions.Add($"s.month >= {DateLiteral(Months.Parse(query.from))}");
        }
        if (query.to is not null)
        {
            conditions.Add($"s.month <= {DateLiteral(Months.Parse(query.to))}");
        }
        if (query.unitCode is { Length: > 0 })
        {
            var units = lookups.UnitIds(query.unitCode);
            conditions.Add(units.Length == 0 ? "false" : $"s.unit_id = ANY({UuidArray(units)})");
        }
        if (query.areaCode is { Length: > 0 })
        {
            // The validator has refused control characters (NUL among them), so every code is a valid text literal.
            var areas = query.areaCode.Distinct(StringComparer.Ordinal);
            conditions.Add($"s.area_code IN ({string.Join(", ", areas.Select(StringLiteral))})");
        }
        if (query.updatedSince is { } since)
        {
            conditions.Add($"s.submitted_at >= {TimestampLiteral(since)}");
        }
        // A whole stream needs no order: sorting 4.3 million rows spilled to disk and took seconds (measured).
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return $"COPY (SELECT {Columns} FROM standard_results s{where}) TO STDOUT (FORMAT BINARY)";
    }

    private static string UuidArray(IEnumerable<Guid> ids) =>
        "'{" + string.Join(",", ids.Distinct().Select(id => id.ToString("D"))) + "}'::uuid[]";

    private static string DateLiteral(DateOnly date) => "'" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'::date";

    /// <summary>To the microsecond, truncated as Npgsql truncates a DateTimeOffset parameter.</summary>
    internal static string TimestampLiteral(DateTimeOffset since)
    {
        var microseconds = (since.UtcTicks - PostgresEpochTicks) / 10;
        var utc = new DateTime(PostgresEpochTicks + microseconds * 10, DateTimeKind.Utc);
        return "'" + utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'::timestamptz";
    }

    internal static string StringLiteral(string value) =>
        "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    private const long PostgresEpochTicks = 630_822_816_000_000_000; // 2000-01-01T00:00:00Z
    private const int PostgresEpochDayNumber = 730_119;              // DateOnly(2000, 1, 1).DayNumber

    /// <summary>Codes by id, read once per export: a few hundred rows.</summary>
    internal sealed class Lookups
    {
        public Dictionary<Guid, (string Code, string ProviderCode)> Units { get; } = [];
        public Dictionary<Guid, string> Networks { get; } = [];
        public Dictionary<Guid, string> Collaboratives { get; } = [];

        public static async Task<Lookups> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            var lookups = new Lookups();
            await using var command = new NpgsqlCommand("""
                SELECT u.id, u.code, p.code FROM units u JOIN providers p ON p.id = u.provider_id;
                SELECT n.id, n.code FROM networks n;
                SELECT c.id, c.code FROM collaboratives c
                """, connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lookups.Units[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2));
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lookups.Networks[reader.GetGuid(0)] = reader.GetString(1);
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lookups.Collaboratives[reader.GetGuid(0)] = reader.GetString(1);
            }
            return lookups;
        }

        /// <summary>The ids of the units with these codes (exact match, as <c>u.code = ANY(…)</c> compared them).</summary>
        public Guid[] UnitIds(IEnumerable<string> codes)
        {
            var wanted = codes.ToHashSet(StringComparer.Ordinal);
            return Units.Where(u => wanted.Contains(u.Value.Code)).Select(u => u.Key).ToArray();
        }
    }

    /// <summary>Quotes a field holding a comma, quote, CR or LF and doubles its quotes; leaves any other field as it is.</summary>
    public static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static readonly SearchValues<byte> Special = SearchValues.Create(",\"\r\n"u8);

    /// <summary>Writes a UTF-8 field escaped as <see cref="Escape"/> does; needs at most 2 × length + 2 bytes.</summary>
    internal static int WriteEscaped(ReadOnlySpan<byte> field, Span<byte> destination)
    {
        if (field.IndexOfAny(Special) < 0)
        {
            field.CopyTo(destination);
            return field.Length;
        }
        var n = 0;
        destination[n++] = (byte)'"';
        foreach (var b in field)
        {
            if (b == (byte)'"')
            {
                destination[n++] = (byte)'"';
            }
            destination[n++] = b;
        }
        destination[n++] = (byte)'"';
        return n;
    }

    /// <summary>
    /// Parses PostgreSQL's binary COPY format (a signature, flags and an extension area, then per row a 16-bit field
    /// count and per field a 32-bit length, -1 for NULL, and the value in the type's binary form, all big-endian;
    /// a field count of -1 ends the data) and writes each row as a CSV line.
    /// </summary>
    internal sealed class RowWriter(Lookups lookups, PipeWriter output)
    {
        private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

        private bool _headerRead;

        // Leading columns (network … securityLevel) by the raw bytes of the five fields they come from.
        private readonly Dictionary<byte[], byte[]> _leads = new(ByteKeyComparer.Instance);
        private byte[] _lastLeadKey = [];
        private byte[] _lastLead = [];
        // Month, framework version and area while they repeat (the ten standards of an area are consecutive).
        private readonly byte[] _lastMiddleKey = new byte[256];
        private int _lastMiddleKeyLength = -1;
        private byte[] _middle = new byte[64];
        private int _middleLength;
        private long _lastSubmitted = long.MinValue;
        private readonly byte[] _submitted = new byte[40];
        private int _submittedLength;

        public bool Finished { get; private set; }

        /// <summary>Rows written so far.</summary>
        public long Rows { get; private set; }

        /// <summary>Bytes written since the caller last flushed (it resets this).</summary>
        public long Unflushed { get; set; }

        public void WriteHeader()
        {
            output.Write(Header);
            Unflushed += Header.Length;
        }

        /// <summary>Writes every complete row in <paramref name="data"/>; returns the bytes consumed.</summary>
        public int Write(ReadOnlySpan<byte> data)
        {
            var position = 0;
            if (!_headerRead)
            {
                // Signature (11), flags (4), extension length (4) and the extension.
                if (data.Length < 19)
                {
                    return 0;
                }
                if (!data[..11].SequenceEqual(Signature))
                {
                    throw new InvalidOperationException("The COPY did not send PostgreSQL's binary format.");
                }
                var extension = BinaryPrimitives.ReadInt32BigEndian(data[15..]);
                if (data.Length < 19 + extension)
                {
                    return 0;
                }
                position = 19 + extension;
                _headerRead = true;
            }
            Span<Field> fields = stackalloc Field[FieldCount];
            var span = output.GetSpan();
            var written = 0;
            while (!Finished && data.Length - position >= 2)
            {
                var count = BinaryPrimitives.ReadInt16BigEndian(data[position..]);
                if (count == -1)
                {
                    Finished = true;
                    position += 2;
                    break;
                }
                if (count != FieldCount)
                {
                    throw new InvalidOperationException($"The COPY sent a row of {count} fields; expected {FieldCount}.");
                }
                var end = position + 2;
                var complete = true;
                for (var i = 0; i < FieldCount; i++)
                {
                    if (data.Length - end < 4)
                    {
                        complete = false;
                        break;
                    }
                    var length = BinaryPrimitives.ReadInt32BigEndian(data[end..]);
                    end += 4;
                    fields[i] = new Field(end, length);
                    if (length > 0)
                    {
                        if (data.Length - end < length)
                        {
                            complete = false;
                            break;
                        }
                        end += length;
                    }
                }
                if (!complete)
                {
                    break;
                }
                var row = data[position..end];
                var leadKey = data[(position + 2)..(fields[4].Start + Math.Max(fields[4].Length, 0))];
                var lead = Lead(leadKey, data, fields);
                position = end;
                if (lead.Length == 0)
                {
                    continue; // A unit or network no longer known: the inner join left such rows out.
                }
                // Generous bound: the lead, the middle, the standard escaped, and 100 bytes for the fixed-size rest.
                var bound = lead.Length + _middle.Length + 2 * row.Length + 100;
                if (span.Length - written < bound)
                {
                    output.Advance(written);
                    Unflushed += written;
                    written = 0;
                    span = output.GetSpan(bound);
                }
                written += WriteRow(data, fields, lead, span[written..]);
                Rows++;
            }
            output.Advance(written);
            Unflushed += written;
            return position;
        }

        private int WriteRow(ReadOnlySpan<byte> data, Span<Field> fields, byte[] lead, Span<byte> destination)
        {
            if (fields[5].Length != 4 || fields[9].Length is not (4 or -1) || fields[10].Length != 1 || fields[11].Length != 8)
            {
                throw new InvalidOperationException("The COPY sent a month, value, not-applicable flag or submission time of an unexpected size.");
            }
            lead.CopyTo(destination);
            var n = lead.Length;

            // Month, framework version and area: contiguous in the row, so one comparison tells whether they repeat.
            var middleKey = data[(fields[5].Start - 4)..(fields[7].Start + Math.Max(fields[7].Length, 0))];
            if (_lastMiddleKeyLength < 0 || !middleKey.SequenceEqual(_lastMiddleKey.AsSpan(0, _lastMiddleKeyLength)))
            {
                Middle(data, fields, middleKey);
            }
            _middle.AsSpan(0, _middleLength).CopyTo(destination[n..]);
            n += _middleLength;

            n += WriteEscaped(Text(data, fields[8]), destination[n..]);
            destination[n++] = (byte)',';

            if (fields[9].Length >= 0)
            {
                System.Buffers.Text.Utf8Formatter.TryFormat(BinaryPrimitives.ReadInt32BigEndian(data[fields[9].Start..]), destination[n..], out var digits);
                n += digits;
            }
            destination[n++] = (byte)',';

            var notApplicable = data[fields[10].Start] != 0 ? "true,"u8 : "false,"u8;
            notApplicable.CopyTo(destination[n..]);
            n += notApplicable.Length;

            var submitted = BinaryPrimitives.ReadInt64BigEndian(data[fields[11].Start..]);
            if (submitted != _lastSubmitted)
            {
                FormatSubmitted(submitted);
            }
            _submitted.AsSpan(0, _submittedLength).CopyTo(destination[n..]);
            n += _submittedLength;
            destination[n++] = (byte)'\n';
            return n;
        }

        private byte[] Lead(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<Field> fields)
        {
            if (key.SequenceEqual(_lastLeadKey))
            {
                return _lastLead;
            }
            var leads = _leads.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!leads.TryGetValue(key, out var storedKey, out var lead))
            {
                lead = BuildLead(data, fields);
                if (_leads.Count >= 100_000)
                {
                    _leads.Clear(); // Bounded whatever the data: a few hundred combinations at national scale.
                }
                storedKey = key.ToArray();
                _leads[storedKey] = lead;
            }
            _lastLeadKey = storedKey;
            _lastLead = lead;
            return lead;
        }

        /// <summary>"network,collaborative,provider,sector,unit,securityLevel," escaped; empty when the unit or network is unknown.</summary>
        private byte[] BuildLead(ReadOnlySpan<byte> data, Span<Field> fields)
        {
            var unitId = Uuid(data, fields[0]);
            var networkId = Uuid(data, fields[1]);
            if (unitId is not { } u || !lookups.Units.TryGetValue(u, out var unit)
                || networkId is not { } nw || !lookups.Networks.TryGetValue(nw, out var network))
            {
                return [];
            }
            var collaborative = Uuid(data, fields[2]) is { } c && lookups.Collaboratives.TryGetValue(c, out var code) ? code : "";
            var sector = ExportsApi.Kebab(Encoding.UTF8.GetString(Text(data, fields[3])));
            var securityLevel = ExportsApi.Kebab(Encoding.UTF8.GetString(Text(data, fields[4])));
            var text = new StringBuilder();
            foreach (var field in (ReadOnlySpan<string>)[network, collaborative, unit.ProviderCode, sector, unit.Code, securityLevel])
            {
                text.Append(Escape(field)).Append(',');
            }
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        private void Middle(ReadOnlySpan<byte> data, Span<Field> fields, ReadOnlySpan<byte> key)
        {
            var days = BinaryPrimitives.ReadInt32BigEndian(data[fields[5].Start..]);
            if (days is int.MaxValue or int.MinValue)
            {
                throw new InvalidOperationException("A rating's month is infinite.");
            }
            var month = DateOnly.FromDayNumber(PostgresEpochDayNumber + days);
            var framework = Text(data, fields[6]);
            var area = Text(data, fields[7]);
            var needed = 8 + 2 * framework.Length + 2 + 2 * area.Length + 2 + 2;
            if (_middle.Length < needed)
            {
                _middle = new byte[needed];
            }
            var destination = _middle.AsSpan();
            month.TryFormat(destination, out var n, "yyyy-MM", CultureInfo.InvariantCulture);
            destination[n++] = (byte)',';
            n += WriteEscaped(framework, destination[n..]);
            destination[n++] = (byte)',';
            n += WriteEscaped(area, destination[n..]);
            destination[n++] = (byte)',';
            _middleLength = n;
            if (key.Length <= _lastMiddleKey.Length)
            {
                key.CopyTo(_lastMiddleKey);
                _lastMiddleKeyLength = key.Length;
            }
            else
            {
                _lastMiddleKeyLength = -1; // Too long to remember (never at this schema's sizes): formatted again next row.
            }
        }

        private void FormatSubmitted(long microseconds)
        {
            if (microseconds is long.MaxValue or long.MinValue)
            {
                throw new InvalidOperationException("A rating's submission time is infinite.");
            }
            _submittedLength = UtcTimestamp.Write(new DateTimeOffset(PostgresEpochTicks + microseconds * 10, TimeSpan.Zero), _submitted);
            _lastSubmitted = microseconds;
        }

        private static ReadOnlySpan<byte> Text(ReadOnlySpan<byte> data, Field field) =>
            field.Length <= 0 ? default : data.Slice(field.Start, field.Length);

        /// <summary>A uuid in binary COPY is its 16 bytes in RFC 4122 (big-endian) order.</summary>
        private static Guid? Uuid(ReadOnlySpan<byte> data, Field field) =>
            field.Length == 16 ? new Guid(data.Slice(field.Start, 16), bigEndian: true) : null;

        private readonly record struct Field(int Start, int Length);
    }

    /// <summary>Byte arrays compared by content, looked up by span without allocating.</summary>
    private sealed class ByteKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteKeyComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] key) => GetHashCode((ReadOnlySpan<byte>)key);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
