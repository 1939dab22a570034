extern alias JsonEverything;

using System.Text.Json;
using System.Text.Json.Nodes;
using JsonEverything::Json.Schema;
using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Contract;

/// <summary>
/// The examples in the contract (Common/ContractExamples*) are answers a client could really get and requests the
/// service would really take: every one the document holds validates against the schema beside it, and every JSON
/// and CSV body has one.
/// </summary>
public sealed class ContractExamplesTests
{
    private static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    [Fact]
    public void Every_example_in_the_contract_validates_against_the_schema_beside_it()
    {
        var contract = ContractDocument.Committed;
        var examples = ExamplesIn(contract.Root, contract.Root, "#").ToList();

        // Every body has one (see below), so a walk that finds only a handful has lost its way.
        Assert.True(examples.Count >= 60, $"Only {examples.Count} examples found in the contract");
        var invalid = examples
            .Select(e => (e.Location, Errors: Check(contract, e.Location, e.Schema, e.Example)))
            .Where(e => e.Errors.Count > 0)
            .Select(e => $"{e.Location}: {string.Join("; ", e.Errors)}")
            .ToList();
        Assert.True(invalid.Count == 0, "Examples that do not validate against their schema:\n" + string.Join("\n", invalid));
    }

    [Fact]
    public void Every_json_and_csv_body_of_every_operation_has_an_example()
    {
        var contract = ContractDocument.Committed.Root;
        var bodies = new List<string>();
        var missing = new List<string>();
        foreach (var (template, item) in contract["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => ContractDocument.OperationMethods.Contains(o.Key)))
            {
                var contents = (operation!["responses"]?.AsObject() ?? [])
                    .Where(r => r.Key.StartsWith('2'))
                    .Select(r => (Where: $"{r.Key} answer", Content: r.Value!["content"]))
                    .Prepend((Where: "request", Content: operation["requestBody"]?["content"]));
                foreach (var (where, content) in contents)
                {
                    foreach (var (mediaType, media) in content?.AsObject() ?? [])
                    {
                        var schema = Resolve(contract, media!["schema"]);
                        if (schema?["format"]?.GetValue<string>() == "binary")
                        {
                            // A file's bytes (evidence) have no meaningful example.
                            continue;
                        }
                        var name = $"{method.ToUpperInvariant()} {template}: {where} {mediaType}";
                        bodies.Add(name);
                        if (media["example"] is null && media["examples"] is null && schema?["example"] is null)
                        {
                            missing.Add(name);
                        }
                    }
                }
            }
        }

        Assert.Contains(bodies, b => b.EndsWith("request text/csv", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.EndsWith("200 answer text/csv", StringComparison.Ordinal));
        Assert.True(missing.Count == 0, "Bodies without an example:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_examples_hold_no_default_values_that_a_field_read_too_early_would_leave()
    {
        // ContractExamples is a partial class whose files' fields read each other's; one read before it is set is
        // silently default(T) and still validates (year 1, the all-zero uuid).
        var examples = ExamplesIn(ContractDocument.Committed.Root, ContractDocument.Committed.Root, "#").Select(e => e.Example.GetRawText()).ToList();

        Assert.DoesNotContain(examples, e => e.Contains("0001-01-01", StringComparison.Ordinal) || e.Contains("00000000-0000-0000-0000-000000000000", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every example with the schema it illustrates: one on a schema (a component, a member, a CSV text) illustrates
    /// that schema; one on a media type, parameter or header illustrates its schema; each of a named examples map too.
    /// </summary>
    private static IEnumerable<(string Location, JsonNode Schema, JsonElement Example)> ExamplesIn(JsonNode root, JsonNode? node, string location)
    {
        switch (node)
        {
            case JsonObject members when location.EndsWith("/properties", StringComparison.Ordinal):
                // Member names, one of which may be "example": only the schemas below hold examples.
                foreach (var (key, child) in members)
                {
                    foreach (var found in ExamplesIn(root, child, $"{location}/{key}"))
                    {
                        yield return found;
                    }
                }
                break;
            case JsonObject item:
                // A component is evaluated through a reference to it, as a body that names it is (JsonSchema.Net refuses
                // to build one apart: "Overwriting registered schemas is not permitted").
                var illustrated = item["schema"] as JsonObject
                    ?? (location.Split('/') is ["#", "components", "schemas", var component] ? new JsonObject { ["$ref"] = $"#/components/schemas/{component}" } : item);
                if (item.TryGetPropertyValue("example", out var example))
                {
                    yield return (location, illustrated, JsonSerializer.SerializeToElement(example));
                }
                if (item["examples"] is JsonObject named && item.ContainsKey("schema"))
                {
                    foreach (var (name, value) in named)
                    {
                        // Named examples are written once under components/examples and referred to by each body.
                        var shown = value!["$ref"]?.GetValue<string>() is { } reference
                            ? root["components"]!["examples"]![reference.Split('/')[^1]]
                            : value;
                        yield return ($"{location}/examples/{name}", illustrated, JsonSerializer.SerializeToElement(shown!["value"]));
                    }
                }
                else if (item["examples"] is JsonArray list)
                {
                    foreach (var (value, i) in list.Select((v, i) => (v, i)))
                    {
                        yield return ($"{location}/examples/{i}", illustrated, JsonSerializer.SerializeToElement(value));
                    }
                }
                foreach (var (key, child) in item)
                {
                    if (key is not ("example" or "examples"))
                    {
                        foreach (var found in ExamplesIn(root, child, $"{location}/{key.Replace("~", "~0").Replace("/", "~1")}"))
                        {
                            yield return found;
                        }
                    }
                }
                break;
            case JsonArray array:
                foreach (var (child, i) in array.Select((c, i) => (c, i)))
                {
                    foreach (var found in ExamplesIn(root, child, $"{location}/{i}"))
                    {
                        yield return found;
                    }
                }
                break;
        }
    }

    private static List<string> Check(ContractDocument contract, string location, JsonNode schema, JsonElement example)
    {
        try
        {
            return ResponseConformance.Errors(contract.Evaluate($"example {location}", schema, example, Strict)).Take(3).ToList();
        }
        catch (Exception e) when (e is JsonSchemaException or InvalidOperationException)
        {
            return [$"its schema cannot be evaluated: {e.Message}"];
        }
    }

    private static JsonNode? Resolve(JsonNode contract, JsonNode? schema) =>
        schema?["$ref"]?.GetValue<string>() is { } reference ? Resolve(contract, contract["components"]!["schemas"]![reference.Split('/')[^1]]) : schema;
}
