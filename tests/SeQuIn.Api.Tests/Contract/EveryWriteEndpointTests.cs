using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Contract;

/// <summary>
/// Sends the same kinds of bad input to every operation that takes a JSON body, as the contract lists them,
/// so that an endpoint added later is covered without anyone remembering to.
/// </summary>
public sealed class EveryWriteEndpointTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    public static TheoryData<string> BadBodies => new() { "wrong content type", "oversized", "malformed", "unknown member", "empty object", "array" };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Every_endpoint_with_a_body_answers_bad_input_with_a_problem_never_a_500(string kind)
    {
        var document = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var writes = (from path in document["paths"]!.AsObject()
                      from operation in path.Value!.AsObject()
                      where operation.Value!["requestBody"] is not null
                      select (Method: operation.Key, Path: path.Key, HasRequired: HasRequiredMembers(document, operation.Value!))).ToList();
        Assert.NotEmpty(writes);

        foreach (var (method, path, hasRequired) in writes)
        {
            if (kind == "empty object" && !hasRequired)
            {
                continue; // {} is a valid body when every member is optional
            }
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), Concrete(path)) { Content = Body(kind) };
            var response = await Client.SendAsync(request);

            var expected = kind switch
            {
                "wrong content type" => HttpStatusCode.UnsupportedMediaType,
                "oversized" => HttpStatusCode.RequestEntityTooLarge,
                _ => HttpStatusCode.BadRequest,
            };
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{method.ToUpperInvariant()} {path} with {kind}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            if (expected == HttpStatusCode.BadRequest)
            {
                Assert.NotEmpty(JsonNode.Parse(body)!["errors"]!.AsObject());
            }
        }
    }

    private static bool HasRequiredMembers(JsonNode document, JsonNode operation)
    {
        var reference = operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
        var schema = reference is null ? null : document["components"]!["schemas"]![reference.Split('/')[^1]];
        return schema?["required"]?.AsArray().Count > 0;
    }

    private static HttpContent Body(string kind) => kind switch
    {
        "wrong content type" => new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"),
        "oversized" => JsonBody($$"""{"name":"{{new string('x', 1_100_000)}}"}"""),
        "malformed" => JsonBody("""{"name": """),
        "unknown member" => JsonBody("""{"notAMember":true}"""),
        "empty object" => JsonBody("{}"),
        "array" => JsonBody("[]"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Fills route parameters with values of the right shape that name nothing.</summary>
    private static string Concrete(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", m => m.Value.EndsWith("Id}", StringComparison.Ordinal)
            ? Guid.NewGuid().ToString()
            : "t" + Guid.NewGuid().ToString("N")[..10]);
}
