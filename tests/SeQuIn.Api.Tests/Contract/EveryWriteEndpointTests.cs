using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SeQuIn.Api.Access;
using SeQuIn.Api.Organisations;
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
        using var client = Fixture.App.CreateClient(await EveryRoleTokenAsync());
        var document = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var largerLimits = Fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is not null)
            .Select(e => Regex.Replace(e.RoutePattern.RawText!, ":[^}]+}", "}"))
            .ToHashSet();
        var writes = (from path in document["paths"]!.AsObject()
                      from operation in path.Value!.AsObject()
                      where operation.Value!["requestBody"] is not null
                      select (Method: operation.Key, Path: path.Key, HasRequired: HasRequiredMembers(document, operation.Value!),
                          TakesJson: operation.Value!["requestBody"]!["content"]!["application/json"] is not null)).ToList();
        Assert.NotEmpty(writes);

        foreach (var (method, path, hasRequired, takesJson) in writes)
        {
            if ((kind == "empty object" && !hasRequired) || (kind == "oversized" && largerLimits.Contains(path)) ||
                (!takesJson && kind != "wrong content type"))
            {
                continue; // {} is valid when every member is optional; larger limits and file bodies are tested on their own
            }
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), Concrete(path)) { Content = Body(kind) };
            var response = await client.SendAsync(request);

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

    /// <summary>A signed-in person holding every role, so that each endpoint's own checks are what answers.</summary>
    private async Task<string> EveryRoleTokenAsync()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));
        var provider = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var unit = await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "U", SecurityLevel.Low, provider.Id, network.Id)));
        var subject = Guid.NewGuid().ToString();
        foreach (var (role, scope) in new (Role, ScopeInput)[]
                 {
                     (Role.NetworkAdmin, new ScopeInput(ScopeKind.National)),
                     (Role.InvolvementLead, new ScopeInput(ScopeKind.Network, network.Id)),
                     (Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id])),
                 })
        {
            await ReadAsync<MembershipResponse>(await PostAsync("/api/v1/memberships", new CreateMembershipRequest(TestIdentityProvider.Issuer, subject, "All roles", role, scope)));
        }
        return TestIdentityProvider.Token(subject);
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
