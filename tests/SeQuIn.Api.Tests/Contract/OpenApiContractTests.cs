using System.Text.Json.Nodes;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Contract;

public sealed class OpenApiContractTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private const string Regenerate =
        "Regenerate it with: dotnet run --project src/SeQuIn.Api -- openapi openapi/sequin.v1.json (then review the diff and commit it).";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task The_committed_contract_matches_the_live_document()
    {
        var committedPath = Path.Combine(Repository.Root, "openapi", "sequin.v1.json");
        Assert.True(File.Exists(committedPath), $"openapi/sequin.v1.json is missing. {Regenerate}");

        var live = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(committedPath))!;

        var difference = FirstDifference(committed, live, "$");
        Assert.True(difference is null, $"openapi/sequin.v1.json is out of date with the code: {difference}. {Regenerate}");
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_tag_and_problem_json_errors()
    {
        var document = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var operations = Operations(document).ToList();

        Assert.NotEmpty(operations);
        Assert.Equal(operations.Count, operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).Distinct().Count());
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["operationId"]?.GetValue<string>()), $"{o.Name} has no operationId");
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>()), $"{o.Name} has no summary");
            Assert.NotEmpty(o.Operation["tags"]!.AsArray());
            var responses = o.Operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("500"), $"{o.Name} does not document 500");
            // The FHIR facade's errors are OperationOutcomes in application/fhir+json (ADR 0038); the REST API's are problem details.
            var errorMediaType = o.Name.Contains(" /fhir/", StringComparison.Ordinal) ? Api.Fhir.FhirNames.MediaType : "application/problem+json";
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var content = response!["content"]?.AsObject();
                Assert.True(content is not null && content.Select(c => c.Key).SequenceEqual([errorMediaType]),
                    $"{o.Name} {status} is not documented as {errorMediaType}");
            }
            foreach (var (status, response) in responses.Where(r => r.Key[0] == '2'))
            {
                if (response!["content"]?["application/json"]?["schema"] is { } schema)
                {
                    Assert.True(schema["$ref"] is not null, $"{o.Name} {status} has an inline schema instead of a named component");
                }
            }
        });
    }

    [Fact]
    public async Task The_live_document_reads_the_active_framework_as_front_ends_need()
    {
        var document = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var schemas = document["components"]!["schemas"]!;

        var standard = schemas["StandardResponse"]!["properties"]!.AsObject();
        Assert.True(standard.ContainsKey("easyReadStatement"));
        Assert.True(standard.ContainsKey("pictureKeywords"));
        Assert.Contains("easyReadLabel", schemas["ScalePointResponse"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["high", "medium", "low"], schemas["SecurityLevel"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.False(schemas["CreateUnitRequest"]!["additionalProperties"]!.GetValue<bool>());
    }

    private static IEnumerable<(string Name, JsonNode Operation)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select ($"{method.Key.ToUpperInvariant()} {path.Key}", method.Value!);

    private static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(key))
                    {
                        return $"{path}.{key} is new in the code";
                    }
                    if (!a.ContainsKey(key))
                    {
                        return $"{path}.{key} is no longer produced by the code";
                    }
                    if (FirstDifference(e[key], a[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count || i >= a.Count)
                    {
                        return $"{path} has {a.Count} items in the code, {e.Count} in the file";
                    }
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path} is {actual?.ToJsonString() ?? "null"} in the code, {expected?.ToJsonString() ?? "null"} in the file";
        }
    }
}
