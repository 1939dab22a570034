using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using nietras.SeparatedValues;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Assessments;

/// <summary>A document that cannot be read as rows at all: answered 400 naming the field, before anything is stored.</summary>
internal sealed class ImportDocumentProblem(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// Reads an import document row by row as the body arrives, so that its length costs time but not memory: only the
/// row being read is held. CSV goes through Sep; JSON (<c>{"rows": [...]}</c>) through a pipe and
/// <see cref="Utf8JsonReader"/>, each row bound with the service's JSON rules once all of its bytes are in.
/// </summary>
internal static class ImportReading
{
    public static readonly string[] CsvColumns =
        ["unitCode", "areaCode", "month", "standardCode", "value", "notApplicable", "notApplicableReason", "agreedRating", "frameworkVersion"];

    /// <summary>No row is anywhere near this long (the longest text in a row is a 1,000-character reason).</summary>
    public const int MaxRowBytes = 64 * 1024;

    public static async IAsyncEnumerable<ImportRow> ReadCsvAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        // The header is read as an ordinary row, so that a column named twice is an answer naming it, not a parser's exception.
        using var reader = await Sep.Reader(o => o with { HasHeader = false, Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true })
            .FromAsync(body, ct);
        if (!await reader.MoveNextAsync(ct))
        {
            yield break;
        }
        var header = Header(reader.Current);
        var indexOf = CsvColumns.Select(column => Array.IndexOf(header, column)).ToArray();
        var index = 0;
        while (await reader.MoveNextAsync(ct))
        {
            yield return ToRow(reader.Current, header.Length, indexOf, index++);
        }
    }

    private static string[] Header(SepReader.Row first)
    {
        var header = new string[first.ColCount];
        for (var i = 0; i < header.Length; i++)
        {
            header[i] = first[i].ToString();
        }
        var duplicate = header.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(names => names.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ImportDocumentProblem("body", $"The CSV header names the column '{duplicate}' more than once.");
        }
        var missing = CsvColumns[..4].Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new ImportDocumentProblem("body", $"The CSV header must name the columns {string.Join(", ", CsvColumns)}; missing: {string.Join(", ", missing)}.");
        }
        var unknown = header.Except(CsvColumns).ToList();
        if (unknown.Count > 0)
        {
            throw new ImportDocumentProblem("body", $"Unknown CSV columns: {string.Join(", ", unknown)}.");
        }
        return header;
    }

    private static ImportRow ToRow(SepReader.Row row, int columns, int[] indexOf, int index)
    {
        var line = row.LineNumberFrom;
        if (row.ColCount != columns)
        {
            throw new ImportDocumentProblem($"rows[{index}]",
                $"Row {index + 1} (line {line}) has {row.ColCount} columns where the header names {columns}; check for a missing value or an unclosed quote.");
        }
        var notApplicable = Cell(row, indexOf, 5)?.ToLowerInvariant() switch
        {
            null or "false" or "0" or "no" => false,
            "true" or "1" or "yes" => true,
            _ => throw new ImportDocumentProblem($"rows[{index}].notApplicable", $"Row {index + 1} (line {line}): 'notApplicable' must be true or false."),
        };
        return new ImportRow(Cell(row, indexOf, 0) ?? "", Cell(row, indexOf, 1) ?? "", Cell(row, indexOf, 2) ?? "", Cell(row, indexOf, 3) ?? "",
            Number(row, indexOf, 4, index), notApplicable, Cell(row, indexOf, 6), Number(row, indexOf, 7, index), Cell(row, indexOf, 8));
    }

    private static string? Cell(SepReader.Row row, int[] indexOf, int column) =>
        indexOf[column] >= 0 && row[indexOf[column]].Span is { Length: > 0 } value ? value.ToString() : null;

    private static int? Number(SepReader.Row row, int[] indexOf, int column, int index)
    {
        if (indexOf[column] < 0 || row[indexOf[column]].Span is not { Length: > 0 } value)
        {
            return null;
        }
        return int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ImportDocumentProblem($"rows[{index}].{CsvColumns[column]}",
                $"Row {index + 1} (line {row.LineNumberFrom}): '{CsvColumns[column]}' must be a whole number.");
    }

    public static async IAsyncEnumerable<ImportRow> ReadJsonAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var pipe = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var parser = new JsonRows();
        var batch = new List<ImportRow>(512);
        try
        {
            while (true)
            {
                var read = await pipe.ReadAsync(ct);
                var consumed = parser.Parse(read.Buffer, read.IsCompleted, batch);
                if (!read.IsCompleted && read.Buffer.Slice(consumed).Length > MaxRowBytes)
                {
                    throw new ImportDocumentProblem($"rows[{parser.Rows}]", $"Row {parser.Rows + 1} is longer than {MaxRowBytes / 1024} KB.");
                }
                pipe.AdvanceTo(consumed, read.Buffer.End);
                foreach (var row in batch)
                {
                    yield return row;
                }
                batch.Clear();
                if (read.IsCompleted)
                {
                    parser.Finish();
                    yield break;
                }
            }
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }

    /// <summary>
    /// Where the reader is in <c>{"rows": [ {...}, ... ]}</c>, kept between the buffers the pipe hands over. A row is
    /// bound only once all of its bytes have arrived; until then the pipe keeps them and the parse resumes at its start.
    /// </summary>
    private sealed class JsonRows
    {
        private enum Place { BeforeDocument, InDocument, BeforeRows, InRows, AfterDocument }

        private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };
        private JsonReaderState _state = new(ReaderOptions);
        private Place _place = Place.BeforeDocument;
        private bool _sawRows;

        public int Rows { get; private set; }

        public SequencePosition Parse(ReadOnlySequence<byte> buffer, bool final, List<ImportRow> rows)
        {
            var reader = new Utf8JsonReader(buffer, final, _state);
            try
            {
                while (true)
                {
                    var before = reader;
                    if (!reader.Read())
                    {
                        break;
                    }
                    switch (_place)
                    {
                        case Place.BeforeDocument when reader.TokenType == JsonTokenType.StartObject:
                            _place = Place.InDocument;
                            break;
                        case Place.BeforeDocument:
                            throw new ImportDocumentProblem("body", "The body must be a JSON object: {\"rows\": [...]}.");
                        case Place.InDocument when reader.TokenType == JsonTokenType.EndObject:
                            _place = Place.AfterDocument;
                            break;
                        case Place.InDocument when reader.TokenType == JsonTokenType.PropertyName:
                            var name = reader.GetString()!;
                            if (!string.Equals(name, "rows", StringComparison.OrdinalIgnoreCase))
                            {
                                throw new ImportDocumentProblem(name, $"'{name}' is not a recognised member.");
                            }
                            if (_sawRows)
                            {
                                throw new ImportDocumentProblem("rows", "'rows' is given more than once.");
                            }
                            _sawRows = true;
                            _place = Place.BeforeRows;
                            break;
                        case Place.BeforeRows when reader.TokenType == JsonTokenType.StartArray:
                            _place = Place.InRows;
                            break;
                        case Place.BeforeRows:
                            throw new ImportDocumentProblem("rows", "'rows' must be an array of rows.");
                        case Place.InRows when reader.TokenType == JsonTokenType.EndArray:
                            _place = Place.InDocument;
                            break;
                        case Place.InRows when reader.TokenType == JsonTokenType.StartObject:
                            var start = reader;
                            if (!reader.TrySkip())
                            {
                                // Not all of the row is here yet: give its bytes back to the pipe and resume at its start.
                                reader = before;
                                return Stop(ref reader);
                            }
                            rows.Add(Bind(ref start, Rows));
                            Rows++;
                            break;
                        case Place.InRows:
                            throw new ImportDocumentProblem($"rows[{Rows}]", reader.TokenType == JsonTokenType.Null
                                ? $"'rows[{Rows}]' must not be null."
                                : $"'rows[{Rows}]' must be an object.");
                        default:
                            throw new ImportDocumentProblem("body", "The request body is not valid JSON.");
                    }
                }
            }
            catch (JsonException exception)
            {
                throw new ImportDocumentProblem("body", "The request body is not valid JSON" + (exception.LineNumber is { } line
                    ? $" (line {line + 1}, position {exception.BytePositionInLine + 1})."
                    : "."));
            }
            return Stop(ref reader);
        }

        private SequencePosition Stop(ref Utf8JsonReader reader)
        {
            _state = reader.CurrentState;
            return reader.Position;
        }

        private static ImportRow Bind(ref Utf8JsonReader reader, int index)
        {
            try
            {
                return JsonSerializer.Deserialize<ImportRow>(ref reader, Json.Options)!;
            }
            catch (JsonException exception)
            {
                var (field, message) = JsonErrorTranslator.Translate(exception);
                var name = field == JsonErrorTranslator.BodyField || field.Length == 0 ? $"rows[{index}]" : $"rows[{index}].{field}";
                throw new ImportDocumentProblem(name, message);
            }
        }

        public void Finish()
        {
            if (_place != Place.AfterDocument)
            {
                throw new ImportDocumentProblem("body", "The request body ends before the JSON document does.");
            }
            if (!_sawRows)
            {
                throw new ImportDocumentProblem("rows", "'rows' is required: the document must hold at least one row.");
            }
        }
    }
}
