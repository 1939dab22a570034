using System.Text;

namespace SeQuIn.Api.Assessments;

/// <summary>
/// Which evidence files are accepted, judged by their content (magic bytes), never by name or declared type
/// alone. Pure.
/// </summary>
public static class EvidenceFiles
{
    public const long MaxBytes = 5 * 1024 * 1024;

    private static readonly string[] OfficeTypes =
    [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ];

    public static readonly string[] Allowed =
        ["application/pdf", "image/png", "image/jpeg", "text/plain", .. OfficeTypes];

    /// <summary>The content type the bytes really are, if it is one we accept; the declared type breaks a tie
    /// between the Office formats, which all share the ZIP signature.</summary>
    public static string? Detect(ReadOnlySpan<byte> content, string? declared)
    {
        if (content.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }
        if (content.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return "image/png";
        }
        if (content.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }))
        {
            return "image/jpeg";
        }
        if (content.StartsWith("PK\x03\x04"u8))
        {
            return OfficeTypes.Contains(declared) ? declared : null;
        }
        return IsPlainText(content) ? "text/plain" : null;
    }

    private static bool IsPlainText(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0 || content.Contains((byte)0))
        {
            return false;
        }
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(content);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
