using System.Text;

namespace SeQuIn.Api.Assessments;

/// <summary>
/// Which evidence files are accepted, judged by their content (magic bytes), never by name or declared type
/// alone; the file name's extension must name the same type, so that a download never hands a browser or a
/// desktop a text file called minutes.hta, .ps1, .html or .svg. GIF, HTML, SVG and every other type are refused:
/// evidence is documents, photos and tables. Pure.
/// </summary>
public static class EvidenceFiles
{
    public const long MaxBytes = 5 * 1024 * 1024;

    /// <summary>Configuration key of the storage limit per assessment, in bytes (all its evidence files together).</summary>
    public const string MaxBytesPerAssessmentKey = "SeQuIn:Evidence:MaxBytesPerAssessment";

    public const long DefaultMaxBytesPerAssessment = 25 * 1024 * 1024;

    public const string PlainText = "text/plain";

    public const string Csv = "text/csv";

    private static readonly string[] OfficeTypes =
    [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ];

    public static readonly string[] Allowed =
        ["application/pdf", "image/png", "image/jpeg", PlainText, Csv, .. OfficeTypes];

    private static readonly Dictionary<string, string> TypeByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = "application/pdf",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".txt"] = PlainText,
        [".csv"] = Csv,
        [".docx"] = OfficeTypes[0],
        [".xlsx"] = OfficeTypes[1],
        [".pptx"] = OfficeTypes[2],
    };

    /// <summary>The extensions accepted, for messages and the contract.</summary>
    public static string Extensions => string.Join(", ", TypeByExtension.Keys);

    /// <summary>The content type a file name's extension stands for, if it is one we accept.</summary>
    public static string? TypeOfName(string fileName) => TypeByExtension.GetValueOrDefault(Path.GetExtension(fileName));

    public static bool IsText(string contentType) => contentType is PlainText or Csv;

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
        if (!IsPlainText(content))
        {
            return null;
        }
        // A CSV file is text; only its sender knows it is a table.
        return declared == Csv ? Csv : PlainText;
    }

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>The text of a file <see cref="Detect"/> found to be text (UTF-8, a byte order mark allowed).</summary>
    public static string Text(ReadOnlySpan<byte> content) =>
        new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content.StartsWith(ByteOrderMark) ? content[3..] : content);

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
