using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using SeQuIn.Api.Benchmarks;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>
/// A realistic example of every request and answer body, written as the records themselves so that they compile
/// against the contract types and are serialised with the service's own JSON options; the CSV bodies are written
/// from the same records. One demo network (Yorkshire and Humber), one unit (Ridgeview MSU), one assessment of the
/// Involvement area: never a person's name or identifier. Contract/ContractExamplesTests validates every example in
/// the contract against its schema; the Spectral rule sequin-body-example fails a body without one.
/// </summary>
/// <remarks>The examples live in one file per feature (ContractExamples.*.cs); this one holds what they share.</remarks>
internal sealed partial class ContractExamples : ISchemaFilter, IDocumentFilter
{
    // Properties, not fields: the feature files' fields read them, and C# leaves open the order in which the
    // fields of a partial class's files are initialised (a field read too early is silently its default).
    private static Guid UnitId => Guid.Parse("3f6c2a9e-8d41-4b7a-9c55-1e2f0a7b4c13");
    private static Guid OtherUnitId => Guid.Parse("6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d");
    private static Guid NetworkId => Guid.Parse("a1d0c9b8-7e6f-4a5b-8c3d-2e1f0a9b8c7d");
    private static Guid ProviderId => Guid.Parse("5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d");
    private static Guid CollaborativeId => Guid.Parse("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b");
    private static Guid AssessmentId => Guid.Parse("c7e2b1a0-3d4f-4e5a-9b6c-7d8e9f0a1b2c");
    private static Guid EvidenceId => Guid.Parse("2f3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c");
    private static DateTimeOffset Created => new(2026, 11, 5, 13, 0, 21, TimeSpan.Zero);
    private const string TraceId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string UnitCode = "RIDGE-MSU";
    private const string NetworkCode = "YH-DEMO";
    private const string NetworkName = "Yorkshire and Humber Involvement Network";
    private const string Month = "2026-10";
    private const string Framework = "2021.1";
    private const string UnitMemberKey = "key:5d8e1b2c9a4f";

    /// <summary>
    /// Built on first use rather than in a field initialiser: the feature files' fields are initialised in an order
    /// C# leaves open, and each reads the others'.
    /// </summary>
    private static readonly Lazy<Dictionary<Type, object>> AllExamples = new(() =>
        Organisations().Concat(Assessments()).Concat(Frameworks()).Concat(Benchmarks()).Concat(Insight()).Concat(Progress()).Concat(Commissioning()).Concat(Access()).Concat(Webhooks()).Concat(Families()).Concat(Confirmations()).Concat(Buddying()).Concat(Actions()).Concat(Common())
            .ToDictionary(e => e.Type, e => e.Example));

    /// <summary>The rows of each text/csv body that is a list of records (CsvContract), as records.</summary>
    private static readonly Lazy<Dictionary<Type, IReadOnlyList<object>>> AllCsvRows = new(() => new()
    {
        [typeof(Assessments.ImportRow)] = [.. ImportRows],
        [typeof(RatingExportRow)] = [.. ExportRows],
    });

    private static Dictionary<Type, object> Examples => AllExamples.Value;

    private static Dictionary<Type, IReadOnlyList<object>> CsvRows => AllCsvRows.Value;

    /// <summary>
    /// Problems keep their example on the schema: hundreds of error answers share the two schemas, and these hold no
    /// member that a validator could mistake for a schema keyword.
    /// </summary>
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema concrete && Problems.TryGetValue(context.Type, out var example))
        {
            concrete.Examples = [example.DeepClone()];
        }
    }

    /// <summary>
    /// Each body's example is written once under components/examples, named as its schema, and every request and
    /// 2xx JSON body of that schema refers to it. On the media type rather than the schema: an example inside a schema
    /// is carried into every schema that embeds it, where Redocly's example check resolved its "id" as a reference.
    /// </summary>
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var byId = new Dictionary<string, (Type Type, object Example)>();
        foreach (var (type, example) in Examples)
        {
            if (context.SchemaRepository.TryLookupByType(type, out var reference) && reference.Reference.Id is { } id)
            {
                byId[id] = (type, example);
            }
        }
        var bodies = document.Paths.Values
            .SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => (o.Responses ?? []).Where(r => r.Key.StartsWith('2')).Select(r => r.Value.Content).Append(o.RequestBody?.Content))
            .SelectMany(c => c?.Where(m => m.Key.Contains("json", StringComparison.Ordinal)).Select(m => m.Value) ?? [])
            .OfType<OpenApiMediaType>()
            .Select(m => (Media: m, Id: SchemaName(m.Schema)))
            .Where(m => m.Id is not null && byId.ContainsKey(m.Id))
            .ToList();
        foreach (var id in bodies.Select(b => b.Id!).Distinct().Order(StringComparer.Ordinal))
        {
            var (type, example) = byId[id];
            document.AddComponent<IOpenApiExample>(id, new OpenApiExample { Value = JsonSerializer.SerializeToNode(example, type, Json.Options) });
        }
        foreach (var (media, id) in bodies)
        {
            media.Examples = new Dictionary<string, IOpenApiExample> { [id!] = new OpenApiExampleReference(id!, document) };
        }
    }

    /// <summary>The component a body is: a reference, or a reference wrapped in allOf to carry a description.</summary>
    private static string? SchemaName(IOpenApiSchema? schema) => schema switch
    {
        OpenApiSchemaReference reference => reference.Reference.Id,
        OpenApiSchema { AllOf: [OpenApiSchemaReference reference] } => reference.Reference.Id,
        _ => null,
    };

    /// <summary>
    /// A text/csv body of <paramref name="row"/> records with these columns: each field is the record's JSON member
    /// of the same name, written as the CSV writers write it (true/false, an empty field for null, RFC 4180 quoting).
    /// </summary>
    public static string CsvOfRows(Type row, IReadOnlyList<string> columns)
    {
        var text = new StringBuilder().AppendJoin(',', columns).Append('\n');
        foreach (var record in CsvRows.GetValueOrDefault(row) ?? [])
        {
            var json = JsonSerializer.SerializeToNode(record, row, Json.Options)!.AsObject();
            text.AppendJoin(',', columns.Select(c => Field(json[c]))).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The CSV table an endpoint with a CSV alternative answers for the example of its JSON answer, written by the service's own writer.</summary>
    public static string? CsvTableOf(Type? answer) =>
        (answer is null ? null : Examples.GetValueOrDefault(answer)) switch
        {
            UnitBenchmark benchmark => BenchmarkCsv.Of(benchmark).ToString(),
            AreaBenchmark benchmark => BenchmarkCsv.Of(benchmark).ToString(),
            Trend trend => BenchmarkCsv.Of(trend).ToString(),
            Heatmap heatmap => BenchmarkCsv.Of(heatmap).ToString(),
            _ => null,
        };

    private static string Field(JsonNode? value) => value switch
    {
        null => "",
        JsonValue text when text.TryGetValue<string>(out var s) => CsvFields.Escape(s),
        _ => value.ToJsonString(),
    };

    private static readonly Dictionary<Type, JsonObject> Problems = new()
    {
        [typeof(ProblemDetails)] = new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            ["title"] = "Not Found",
            ["status"] = 404,
            ["detail"] = "There is no unit 3f6c2a9e-8d41-4b7a-9c55-1e2f0a7b4c13 that you may see.",
            ["traceId"] = TraceId,
        },
        [typeof(HttpValidationProblemDetails)] = new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = "One or more validation errors occurred.",
            ["status"] = 400,
            ["errors"] = new JsonObject { ["month"] = new JsonArray("'month' must be a month written YYYY-MM, e.g. 2026-03.") },
            ["traceId"] = TraceId,
        },
    };

    private static IEnumerable<(Type Type, object Example)> Common() =>
    [
        (typeof(Health.HealthResponse), new Health.HealthResponse("healthy",
            new Dictionary<string, string> { ["database"] = "reachable", ["migrations"] = "applied" })),
    ];
}
