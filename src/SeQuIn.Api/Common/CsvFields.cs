using System.Buffers;

namespace SeQuIn.Api.Common;

/// <summary>CSV escaping (RFC 4180), one rule for every CSV the service writes.</summary>
public static class CsvFields
{
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
}
