using System.Buffers.Binary;

namespace SeQuIn.Api.Benchmarks;

/// <summary>What <see cref="BinaryCopy.ReadRow"/> found.</summary>
internal enum CopyRow
{
    /// <summary>The row has not all arrived: read more, then try again from the same position.</summary>
    Incomplete,
    Read,
    /// <summary>The trailer: the data is over.</summary>
    End,
}

/// <summary>Where a field's value lies in the buffer; a length of -1 is NULL.</summary>
internal readonly record struct CopyField(int Start, int Length);

/// <summary>
/// PostgreSQL's binary COPY format, framed without allocating: a signature, flags and an extension area, then per row
/// a 16-bit field count and per field a 32-bit length, -1 for NULL, and the value in the type's binary form, all
/// big-endian; a field count of -1 ends the data.
/// </summary>
internal static class BinaryCopy
{
    public const long PostgresEpochTicks = 630_822_816_000_000_000; // 2000-01-01T00:00:00Z
    public const int PostgresEpochDayNumber = 730_119;              // DateOnly(2000, 1, 1).DayNumber

    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    /// <summary>The length of the header that starts <paramref name="data"/>, or 0 while it has not all arrived.</summary>
    public static int ReadHeader(ReadOnlySpan<byte> data)
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
        return data.Length < 19 + extension ? 0 : 19 + extension;
    }

    /// <summary>
    /// Frames the row that starts at <paramref name="position"/> into <paramref name="fields"/> (as many as the row
    /// must have); <paramref name="end"/> is where the next row starts.
    /// </summary>
    public static CopyRow ReadRow(ReadOnlySpan<byte> data, int position, Span<CopyField> fields, out int end)
    {
        end = position;
        if (data.Length - position < 2)
        {
            return CopyRow.Incomplete;
        }
        var count = BinaryPrimitives.ReadInt16BigEndian(data[position..]);
        if (count == -1)
        {
            end = position + 2;
            return CopyRow.End;
        }
        if (count != fields.Length)
        {
            throw new InvalidOperationException($"The COPY sent a row of {count} fields; expected {fields.Length}.");
        }
        var next = position + 2;
        for (var i = 0; i < fields.Length; i++)
        {
            if (data.Length - next < 4)
            {
                return CopyRow.Incomplete;
            }
            var length = BinaryPrimitives.ReadInt32BigEndian(data[next..]);
            next += 4;
            fields[i] = new CopyField(next, length);
            if (length > 0)
            {
                if (data.Length - next < length)
                {
                    return CopyRow.Incomplete;
                }
                next += length;
            }
        }
        end = next;
        return CopyRow.Read;
    }

    public static ReadOnlySpan<byte> Text(ReadOnlySpan<byte> data, CopyField field) =>
        field.Length <= 0 ? default : data.Slice(field.Start, field.Length);

    /// <summary>A uuid in binary COPY is its 16 bytes in RFC 4122 (big-endian) order.</summary>
    public static Guid? Uuid(ReadOnlySpan<byte> data, CopyField field) =>
        field.Length == 16 ? new Guid(data.Slice(field.Start, 16), bigEndian: true) : null;
}
