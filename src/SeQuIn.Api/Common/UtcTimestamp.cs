using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SeQuIn.Api.Common;

/// <summary>
/// The one form every time leaves the service in, in JSON and in CSV: UTC with exactly three fractional digits and
/// a Z (<c>2026-11-05T13:00:21.123Z</c>), which Excel, pandas, R and Power Query all parse as it is; "O" (seven
/// digits and +00:00) none of them read without help. Milliseconds are truncated, never rounded up, so a time
/// read back from an answer is never later than the stored one: an incremental pull with
/// <c>updatedSince</c> = the latest time seen re-reads the boundary rows rather than missing any.
/// </summary>
public static class UtcTimestamp
{
    public const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";

    /// <summary>The pattern of <see cref="Format"/>, as the contract declares it.</summary>
    public const string Pattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";

    /// <summary>Bytes of one formatted time.</summary>
    public const int Length = 24;

    /// <summary>Writes <paramref name="value"/> as UTF-8 in <see cref="Format"/>; returns the bytes written.</summary>
    public static int Write(DateTimeOffset value, Span<byte> destination) =>
        value.UtcDateTime.TryFormat(destination, out var written, Format, CultureInfo.InvariantCulture)
            ? written
            : throw new ArgumentException($"A timestamp needs {Length} bytes.", nameof(destination));

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Writes the one form; reads any ISO 8601 time with an offset or Z (what clients send varies).</summary>
    public sealed class Converter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        {
            Span<byte> text = stackalloc byte[Length];
            writer.WriteStringValue(text[..UtcTimestamp.Write(value, text)]);
        }
    }
}
