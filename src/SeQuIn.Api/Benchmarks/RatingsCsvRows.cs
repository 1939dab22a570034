using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Benchmarks;

/// <summary>
/// Writes the rows of the ratings COPY (<see cref="RatingsCopySql.Columns"/>, framed by <see cref="BinaryCopy"/>) as
/// CSV lines into the response's pipe, without allocating per row.
/// </summary>
internal sealed class RatingsCsvRows(ExportLookups lookups, PipeWriter output)
{
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
        output.Write(RatingsCsv.Header);
        Unflushed += RatingsCsv.Header.Length;
    }

    /// <summary>Writes every complete row in <paramref name="data"/>; returns the bytes consumed.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        var position = 0;
        if (!_headerRead)
        {
            if ((position = BinaryCopy.ReadHeader(data)) == 0)
            {
                return 0;
            }
            _headerRead = true;
        }
        Span<CopyField> fields = stackalloc CopyField[RatingsCopySql.FieldCount];
        var span = output.GetSpan();
        var written = 0;
        while (!Finished)
        {
            var next = BinaryCopy.ReadRow(data, position, fields, out var end);
            if (next == CopyRow.Incomplete)
            {
                break;
            }
            if (next == CopyRow.End)
            {
                Finished = true;
                position = end;
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
            // Generous bound: the lead, the middle, the standard and the area mean escaped, and 160 bytes for the fixed-size rest.
            var bound = lead.Length + _middle.Length + 2 * row.Length + 160;
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

    private int WriteRow(ReadOnlySpan<byte> data, Span<CopyField> fields, byte[] lead, Span<byte> destination)
    {
        if (fields[5].Length != 4 || fields[9].Length is not (4 or -1) || fields[10].Length != 1 || fields[11].Length != 8 || fields[12].Length != 16
            || fields[13].Length is not (4 or -1) || fields[15].Length is not (4 or -1) || fields[16].Length is not (4 or -1))
        {
            throw new InvalidOperationException("The COPY sent a month, value, view, not-applicable flag, submission time or assessment id of an unexpected size.");
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

        n += CsvFields.WriteEscaped(BinaryCopy.Text(data, fields[8]), destination[n..]);
        destination[n++] = (byte)',';

        n += Integer(data, fields[9], destination[n..]);
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
        destination[n++] = (byte)',';

        // The assessment id as the JSON export writes it: 36 characters, lower case, with hyphens.
        new Guid(data.Slice(fields[12].Start, 16), bigEndian: true).TryFormat(destination[n..], out var id);
        n += id;
        destination[n++] = (byte)',';

        // The columns added later (ADR 0032), at the end: agreedRating, areaMean, staffView, serviceUserView, confirmation.
        n += Integer(data, fields[13], destination[n..]);
        destination[n++] = (byte)',';
        var mean = BinaryCopy.Text(data, fields[14]);
        mean.CopyTo(destination[n..]);
        n += mean.Length;
        destination[n++] = (byte)',';
        n += Integer(data, fields[15], destination[n..]);
        destination[n++] = (byte)',';
        n += Integer(data, fields[16], destination[n..]);
        destination[n++] = (byte)',';
        var confirmation = BinaryCopy.Text(data, fields[17]);
        var text = confirmation.SequenceEqual("Agreed"u8) ? "agreed"u8 : confirmation.SequenceEqual("Disagreed"u8) ? "disagreed"u8 : default;
        text.CopyTo(destination[n..]);
        n += text.Length;
        destination[n++] = (byte)'\n';
        return n;
    }

    /// <summary>A nullable int4 field as digits; nothing for NULL.</summary>
    private static int Integer(ReadOnlySpan<byte> data, CopyField field, Span<byte> destination)
    {
        if (field.Length < 0)
        {
            return 0;
        }
        System.Buffers.Text.Utf8Formatter.TryFormat(BinaryPrimitives.ReadInt32BigEndian(data[field.Start..]), destination, out var digits);
        return digits;
    }

    private byte[] Lead(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<CopyField> fields)
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
    private byte[] BuildLead(ReadOnlySpan<byte> data, Span<CopyField> fields)
    {
        var unitId = BinaryCopy.Uuid(data, fields[0]);
        var networkId = BinaryCopy.Uuid(data, fields[1]);
        if (unitId is not { } u || !lookups.Units.TryGetValue(u, out var unit)
            || networkId is not { } nw || !lookups.Networks.TryGetValue(nw, out var network))
        {
            return [];
        }
        var collaborative = BinaryCopy.Uuid(data, fields[2]) is { } c && lookups.Collaboratives.TryGetValue(c, out var code) ? code : "";
        var sector = ExportsApi.Kebab(Encoding.UTF8.GetString(BinaryCopy.Text(data, fields[3])));
        var securityLevel = ExportsApi.Kebab(Encoding.UTF8.GetString(BinaryCopy.Text(data, fields[4])));
        var text = new StringBuilder();
        foreach (var field in (ReadOnlySpan<string>)[network, collaborative, unit.ProviderCode, sector, unit.Code, securityLevel])
        {
            text.Append(CsvFields.Escape(field)).Append(',');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private void Middle(ReadOnlySpan<byte> data, Span<CopyField> fields, ReadOnlySpan<byte> key)
    {
        var days = BinaryPrimitives.ReadInt32BigEndian(data[fields[5].Start..]);
        if (days is int.MaxValue or int.MinValue)
        {
            throw new InvalidOperationException("A rating's month is infinite.");
        }
        var month = DateOnly.FromDayNumber(BinaryCopy.PostgresEpochDayNumber + days);
        var framework = BinaryCopy.Text(data, fields[6]);
        var area = BinaryCopy.Text(data, fields[7]);
        var needed = 8 + 2 * framework.Length + 2 + 2 * area.Length + 2 + 2;
        if (_middle.Length < needed)
        {
            _middle = new byte[needed];
        }
        var destination = _middle.AsSpan();
        month.TryFormat(destination, out var n, "yyyy-MM", CultureInfo.InvariantCulture);
        destination[n++] = (byte)',';
        n += CsvFields.WriteEscaped(framework, destination[n..]);
        destination[n++] = (byte)',';
        n += CsvFields.WriteEscaped(area, destination[n..]);
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
        _submittedLength = UtcTimestamp.Write(new DateTimeOffset(BinaryCopy.PostgresEpochTicks + microseconds * 10, TimeSpan.Zero), _submitted);
        _lastSubmitted = microseconds;
    }
}

/// <summary>Byte arrays compared by content, looked up by span without allocating.</summary>
internal sealed class ByteKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
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
