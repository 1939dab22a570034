extern alias JsonEverything;

using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using JsonEverything::Json.Schema;

namespace SeQuIn.Api.Tests.Infrastructure.Conformance;

/// <summary>
/// The committed contract (openapi/sequin.v1.json) as the tests read it: operations found by method and path, and
/// each declared body schema turned into a JSON Schema (draft 2020-12) that JsonSchema.Net evaluates.
/// OpenAPI 3.0 schemas are not quite JSON Schema: <c>nullable</c> is a keyword of its own and references point into
/// <c>components</c>. <see cref="Translate"/> rewrites exactly those two things and nothing else, so what is checked
/// is what the contract says.
/// </summary>
public sealed class ContractDocument
{
    private const string SchemasBase = "https://contract.sequin.test/components";
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private readonly List<PathTemplate> _paths;
    private readonly BuildOptions _build;
    private readonly ConcurrentDictionary<string, Lazy<JsonSchema>> _schemas = new();
    private int _built;

    public static ContractDocument Committed { get; } = Load(Path.Combine(Repository.Root, "openapi", "sequin.v1.json"));

    public JsonNode Root { get; }

    private ContractDocument(JsonNode root)
    {
        Root = root;
        _paths = root["paths"]!.AsObject().Select(p => new PathTemplate(p.Key, p.Value!.AsObject())).ToList();
        _build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var components = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = SchemasBase,
            ["$defs"] = Translate(root["components"]?["schemas"] ?? new JsonObject()),
        };
        var built = JsonSchema.FromText(components.ToJsonString(), _build);
        _build.SchemaRegistry.Register(built);
    }

    public static ContractDocument Load(string path) => new(JsonNode.Parse(File.ReadAllText(path))!);

    public static ContractDocument Parse(string json) => new(JsonNode.Parse(json)!);

    /// <summary>
    /// The operation that serves <paramref name="method"/> on <paramref name="path"/>: null when no path template matches;
    /// when one matches but not for this method, the path is still returned (with a null operation). Literal segments
    /// beat parameters, as ASP.NET routing decides (/assessments/import before /assessments/{assessmentId}).
    /// </summary>
    public (string Template, string Name, JsonObject? Operation)? Find(string method, string path)
    {
        var segments = path.TrimEnd('/').Split('/');
        var matches = _paths.Where(p => p.Matches(segments)).OrderBy(p => p.Parameters).ToList();
        if (matches.Count == 0)
        {
            return null;
        }
        var verb = method.ToLowerInvariant();
        foreach (var match in matches)
        {
            if (match.Item[verb] is JsonObject operation)
            {
                return (match.Template, $"{method.ToUpperInvariant()} {match.Template} ({operation["operationId"]})", operation);
            }
        }
        return (matches[0].Template, $"{method.ToUpperInvariant()} {matches[0].Template}", null);
    }

    /// <summary>
    /// Whoever builds or evaluates this document's schemas holds it: they share one SchemaRegistry, which is not made
    /// for concurrent use (a build registering a new $id while another test's evaluation resolved a $ref made that
    /// $ref unresolvable now and then: "Could not resolve …/components#/$defs/…").
    /// </summary>
    private readonly Lock _gate = new();

    /// <summary>Validates <paramref name="instance"/> against the schema at <paramref name="location"/>, one caller at a time (see <see cref="_gate"/>).</summary>
    public EvaluationResults Evaluate(string location, JsonNode openApiSchema, JsonElement instance, EvaluationOptions options)
    {
        lock (_gate)
        {
            return SchemaAt(location, openApiSchema).Evaluate(instance, options);
        }
    }

    /// <summary>The JSON Schema of an OpenAPI schema object found in this document (built once per location).</summary>
    private JsonSchema SchemaAt(string location, JsonNode openApiSchema) =>
        // Lazy: building registers the schema's $id, which may happen once only, and tests run in parallel.
        _schemas.GetOrAdd(location, _ => new Lazy<JsonSchema>(() =>
        {
            var translated = Translate(openApiSchema)!.AsObject();
            translated["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            // A number, not the location: a location is a JSON pointer, which a URI would read as a fragment.
            translated["$id"] = $"https://contract.sequin.test/schema/{Interlocked.Increment(ref _built)}";
            return JsonSchema.FromText(translated.ToJsonString(), _build);
        })).Value;

    public static IEnumerable<string> OperationMethods => Methods;

    /// <summary>
    /// An operation's parameters, those shared under components/parameters (the header parameters many operations
    /// declare alike) resolved from their reference.
    /// </summary>
    public static IEnumerable<JsonObject> ParametersOf(JsonNode root, JsonNode operation) =>
        (operation["parameters"]?.AsArray() ?? []).Select(p =>
            p!["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/parameters/", StringComparison.Ordinal)
                ? root["components"]!["parameters"]![reference["#/components/parameters/".Length..]]!.AsObject()
                : p.AsObject());

    /// <summary>
    /// OpenAPI 3.0 → JSON Schema 2020-12: <c>$ref</c>s to components point to the components document, and
    /// <c>nullable: true</c> becomes a null type (or, beside allOf/oneOf/anyOf/$ref, which ignore a sibling type,
    /// an <c>anyOf</c> with null).
    /// </summary>
    private static JsonNode? Translate(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array:
                return new JsonArray(array.Select(Translate).ToArray());
            case JsonObject source:
                var result = new JsonObject();
                foreach (var (key, value) in source)
                {
                    if (key == "$ref" && value!.GetValue<string>() is var reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        result[key] = $"{SchemasBase}#/$defs/{reference["#/components/schemas/".Length..]}";
                    }
                    else if (key is "example" or "examples" or "nullable" or "xml" or "externalDocs" or "discriminator")
                    {
                        // Annotations (and nullable, handled below); JSON Schema would read an unknown 'examples' shape wrongly.
                    }
                    else
                    {
                        result[key] = Translate(value);
                    }
                }
                if (source["nullable"]?.GetValue<bool>() != true)
                {
                    return result;
                }
                if (result["type"] is JsonValue type && (result.ContainsKey("properties") || !(result.ContainsKey("allOf") || result.ContainsKey("oneOf") || result.ContainsKey("anyOf") || result.ContainsKey("$ref"))))
                {
                    result["type"] = new JsonArray(type.GetValue<string>(), "null");
                    if (result["enum"] is JsonArray values)
                    {
                        values.Add(null);
                    }
                    return result;
                }
                return new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "null" }, result) };
            default:
                return node?.DeepClone();
        }
    }

    private sealed class PathTemplate(string template, JsonObject item)
    {
        private readonly string[] _segments = template.Split('/');

        public string Template { get; } = template;

        public JsonObject Item { get; } = item;

        public int Parameters { get; } = template.Split('/').Count(s => s.StartsWith('{'));

        public bool Matches(string[] segments) =>
            segments.Length == _segments.Length
            && _segments.Zip(segments).All(p => p.First.StartsWith('{') ? p.Second.Length > 0 : string.Equals(p.First, p.Second, StringComparison.Ordinal));
    }
}
