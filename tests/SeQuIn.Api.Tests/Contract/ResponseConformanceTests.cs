using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SeQuIn.Api.Tests.Infrastructure;
using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Contract;

/// <summary>
/// The checker that every test client runs (ContractConformanceHandler) can fail: each rule is shown catching an
/// answer that breaks a small contract, and the real service is shown caught by a deliberately broken copy of the
/// committed one.
/// </summary>
public sealed class ResponseConformanceTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private const string Contract = """
        {
          "openapi": "3.0.4",
          "info": { "title": "t", "version": "1.0.0" },
          "paths": {
            "/things/{thingId}": {
              "get": {
                "operationId": "GetThing",
                "responses": {
                  "200": {
                    "description": "OK",
                    "headers": { "ETag": { "required": true, "schema": { "type": "string" } } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } }
                  },
                  "404": { "description": "No", "content": { "application/problem+json": { "schema": { "type": "object" } } } }
                }
              }
            },
            "/things/special": {
              "get": { "operationId": "GetSpecialThing", "responses": { "204": { "description": "None" } } }
            }
          },
          "components": {
            "schemas": {
              "Thing": {
                "type": "object",
                "required": ["id", "owner", "parent", "month"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "owner": { "$ref": "#/components/schemas/Ref" },
                  "parent": { "allOf": [{ "$ref": "#/components/schemas/Ref" }], "nullable": true },
                  "month": { "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$" },
                  "note": { "type": "string", "nullable": true, "maxLength": 5 }
                }
              },
              "Ref": { "type": "object", "required": ["id"], "properties": { "id": { "type": "string" } } }
            }
          }
        }
        """;

    private const string GoodThing = """{"id":"0b7ad1a4-64f4-4c49-9f56-0ad3b1a2f0e1","owner":{"id":"a"},"parent":null,"month":"2026-11","note":null}""";

    private static readonly ContractDocument Small = ContractDocument.Parse(Contract);

    [Fact]
    public void An_answer_as_the_contract_says_passes_nullable_references_included()
    {
        Assert.Empty(Check("/things/0b7ad1a4", Answer(HttpStatusCode.OK, GoodThing, etag: "\"1\"")));
    }

    [Fact]
    public void A_null_sent_for_a_bare_reference_is_caught_naming_operation_status_and_pointer()
    {
        var violations = Check("/things/1", Answer(HttpStatusCode.OK, GoodThing.Replace("\"owner\":{\"id\":\"a\"}", "\"owner\":null"), etag: "\"1\""));

        var violation = Assert.Single(violations);
        Assert.StartsWith("GET /things/{thingId} (GetThing) 200: body at '/owner'", violation);
    }

    [Theory]
    [InlineData("\"month\":\"2026-11\"", "\"month\":\"2026-13\"", "/month")]
    [InlineData("\"id\":\"0b7ad1a4-64f4-4c49-9f56-0ad3b1a2f0e1\"", "\"id\":\"not-a-uuid\"", "/id")]
    [InlineData("\"note\":null", "\"note\":\"too long\"", "/note")]
    [InlineData("\"month\":\"2026-11\",", "", "''")]
    public void Patterns_formats_bounds_and_required_members_are_checked(string good, string bad, string pointer)
    {
        var violations = Check("/things/1", Answer(HttpStatusCode.OK, GoodThing.Replace(good, bad), etag: "\"1\""));

        Assert.Contains(violations, v => v.Contains($"body at '{pointer.Trim('\'')}'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_status_the_operation_does_not_declare_is_caught()
    {
        var violation = Assert.Single(Check("/things/1", Answer(HttpStatusCode.Conflict, """{"status":409}""", "application/problem+json")));
        Assert.Equal("GET /things/{thingId} (GetThing) 409: status 409 is not declared (declared: 200, 404)", violation);
    }

    [Fact]
    public void A_media_type_the_status_does_not_declare_is_caught()
    {
        var violation = Assert.Single(Check("/things/1", Answer(HttpStatusCode.NotFound, """{"status":404}""", "application/json")));
        Assert.Contains("the body is application/json, but the contract declares only application/problem+json", violation);
    }

    [Fact]
    public void A_missing_required_header_and_an_undeclared_header_clients_act_on_are_caught()
    {
        var answer = Answer(HttpStatusCode.OK, GoodThing);
        answer.Headers.Location = new Uri("/things/1", UriKind.Relative);

        var violations = Check("/things/1", answer);

        Assert.Contains("GET /things/{thingId} (GetThing) 200: the required header ETag is missing", violations);
        Assert.Contains("GET /things/{thingId} (GetThing) 200: the answer carries Location, which the contract does not declare for it", violations);
    }

    [Fact]
    public void A_literal_path_beats_a_parameter_and_an_unknown_operation_is_caught_unless_routing_refused_it()
    {
        Assert.Empty(Check("/things/special", new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) }));
        Assert.Empty(Check("/nowhere", Answer(HttpStatusCode.NotFound, "{}", "application/problem+json")));
        Assert.Equal(["GET /nowhere answered 200, but the contract has no such operation"], Check("/nowhere", Answer(HttpStatusCode.OK, "{}")));
    }

    [Fact]
    public async Task The_test_clients_catch_a_real_answer_that_breaks_the_contract()
    {
        // The committed contract with one lie in it: the active framework's title declared a number.
        var broken = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "openapi", "sequin.v1.json")))!;
        broken["components"]!["schemas"]!["FrameworkVersionDetail"]!["properties"]!["title"] = new JsonObject { ["type"] = "integer" };
        using var strict = Fixture.App.CreateConformingClient(contract: ContractDocument.Parse(broken.ToJsonString()));
        strict.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Fixture.NationalAdminToken);

        var caught = await Assert.ThrowsAsync<ContractViolationException>(() => strict.GetAsync("/api/v1/frameworks/active"));

        Assert.Contains(caught.Violations, v => v.StartsWith("GET /api/v1/frameworks/active (GetActiveFramework) 200: body at '/title'", StringComparison.Ordinal));
        // The same answer against the committed contract passes: the fixture's clients check it on every call.
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/api/v1/frameworks/active")).StatusCode);
    }

    [Fact]
    public async Task A_test_cannot_make_a_client_that_skips_the_contract_check_of_the_host_or_of_one_derived_from_it()
    {
        // WebApplicationFactory's own CreateClient, as a host derived with WithWebHostBuilder offers it, has no check.
        await using var derived = Fixture.App.WithWebHostBuilder(builder => builder.UseSetting("SeQuIn:RateLimits:AnonymousPerMinute", "1000"));

        Assert.Throws<InvalidOperationException>(() => ((WebApplicationFactory<Program>)Fixture.App).CreateClient());
        Assert.Throws<InvalidOperationException>(() => derived.CreateClient());
        using var checkedClient = derived.CreateConformingClient();
        Assert.Equal(HttpStatusCode.OK, (await checkedClient.GetAsync("/health/live")).StatusCode);
    }

    private static IReadOnlyList<string> Check(string path, HttpResponseMessage response) =>
        ResponseConformance.Check(Small, new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri("http://localhost"), path)), response,
            response.Content.Headers.ContentType?.MediaType is { } type && ResponseConformance.IsJson(type)
                ? response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
                : null);

    private static HttpResponseMessage Answer(HttpStatusCode status, string json, string mediaType = "application/json", string? etag = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };
        if (etag is not null)
        {
            response.Headers.ETag = new EntityTagHeaderValue(etag);
        }
        return response;
    }
}
