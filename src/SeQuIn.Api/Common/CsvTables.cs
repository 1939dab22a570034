using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>Marks an endpoint that answers its JSON as a CSV table too when asked; <see cref="Columns"/> describes the table in the contract.</summary>
public sealed record CsvAlternativeMetadata(string Columns);

/// <summary>
/// Content negotiation between JSON (the default) and a CSV table for analysts: the same figures, after the same
/// disclosure control, one row per figure with a header row. Only the media type differs, so the URL stays the one
/// the JSON has and a spreadsheet or script asks with <c>Accept: text/csv</c>.
/// </summary>
public static class CsvTables
{
    public const string MediaType = "text/csv";

    /// <param name="columns">The table's columns, for the contract.</param>
    public static RouteHandlerBuilder WithCsvAlternative(this RouteHandlerBuilder builder, string columns) =>
        builder.WithMetadata(new CsvAlternativeMetadata(columns))
            .AddEndpointFilter(static async (context, next) =>
            {
                // One URL, two representations: a cache must key them by Accept.
                context.HttpContext.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
                return await next(context);
            });

    /// <summary>
    /// Whether the client prefers text/csv to application/json: by quality, JSON winning ties, and <c>*/*</c>
    /// or no Accept at all meaning JSON.
    /// </summary>
    public static bool WantsCsv(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }
        double csv = 0, json = 0;
        foreach (var media in accepted)
        {
            var quality = media.Quality ?? 1;
            if (media.MatchesAllTypes)
            {
                json = Math.Max(json, quality);
            }
            else if (media.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) || media.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase))
            {
                csv = Math.Max(csv, quality);
            }
            else if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }
        return csv > json;
    }

    public static ContentHttpResult Csv(CsvTable table) =>
        TypedResults.Content(table.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
}

/// <summary>A small CSV table built in memory (a benchmark, trend or heat map: at most a few thousand cells).</summary>
/// <remarks>Escaped as the ratings export is (RFC 4180: a field holding a comma, quote, CR or LF is quoted); numbers invariant; times as <see cref="UtcTimestamp"/>.</remarks>
public sealed class CsvTable
{
    private readonly StringBuilder _text = new();
    private bool _rowStarted;

    public CsvTable(params string[] header)
    {
        foreach (var column in header)
        {
            Add(column);
        }
        EndRow();
    }

    public CsvTable Add(string? field)
    {
        if (_rowStarted)
        {
            _text.Append(',');
        }
        _rowStarted = true;
        if (field is not null)
        {
            _text.Append(CsvFields.Escape(field));
        }
        return this;
    }

    public CsvTable Add(decimal? value) => Add(value?.ToString(CultureInfo.InvariantCulture));

    public CsvTable Add(int? value) => Add(value?.ToString(CultureInfo.InvariantCulture));

    public CsvTable Add(Guid? value) => Add(value?.ToString());

    /// <summary>A flag as JSON writes it: <c>true</c> or <c>false</c>.</summary>
    public CsvTable Add(bool value) => Add(value ? "true" : "false");

    public CsvTable EndRow()
    {
        _text.Append('\n');
        _rowStarted = false;
        return this;
    }

    public override string ToString() => _text.ToString();
}

/// <summary>Declares the text/csv representation beside the JSON of the 200 answer, with its columns.</summary>
internal sealed class CsvAlternativeFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CsvAlternativeMetadata>().FirstOrDefault() is not { } csv
            || operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse { Content: { } content })
        {
            return;
        }
        content[CsvTables.MediaType] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = $"Sent when Accept prefers text/csv (JSON otherwise): UTF-8, a header row, one row per figure, RFC 4180 quoting. Columns: {csv.Columns}",
                Examples = ContractExamples.CsvTableOf(context.ApiDescription.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode == 200)?.Type)
                    is { } example ? [System.Text.Json.Nodes.JsonValue.Create(example)] : null,
            },
        };
    }
}
