using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>Base class of the HTTP tests: a client on the shared host and helpers that keep tests short.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(SeQuInApiFixture fixture)
{
    protected SeQuInApiFixture Fixture { get; } = fixture;

    /// <summary>A client signed in as a national network-admin: allowed everything, so tests about behaviour are not about access.</summary>
    protected HttpClient Client { get; } = fixture.App.CreateClient(fixture.NationalAdminToken);

    /// <summary>A client without credentials.</summary>
    protected HttpClient Anonymous { get; } = fixture.App.CreateClient();

    protected static readonly JsonSerializerOptions JsonOptions = Json.Options;

    /// <summary>A code no other test uses, within the 20-character limit of organisation codes.</summary>
    protected static string UniqueCode(string prefix) =>
        $"{prefix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";

    /// <summary>
    /// The secret part of an API key. Not "the text after the last underscore": the secret is base64url, which may
    /// itself hold underscores, and a one-letter tail made a secret scan match by chance.
    /// </summary>
    protected static string SecretOf(string token) =>
        SeQuIn.Api.Access.ApiKeyFormat.TryParse(token, out _, out var secret) ? secret : throw new ArgumentException($"Not an API key: {token[..6]}…");

    protected static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Expected success, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, JsonOptions)!;
    }

    /// <summary>Asserts an RFC 9457 answer with the status and a traceId, and returns its JSON.</summary>
    protected static async Task<JsonObject> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["traceId"]?.GetValue<string>()), $"No traceId in {body}");
        return problem;
    }

    /// <summary>Asserts a 400 whose errors name the field, and returns that field's messages.</summary>
    protected static async Task<string> ReadFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"Expected an error for '{field}' in {problem.ToJsonString()}");
        return string.Join(" ", errors![field]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    protected Task<HttpResponseMessage> PostAsync<T>(string url, T body) => Client.PostAsJsonAsync(url, body, JsonOptions);

    protected Task<HttpResponseMessage> PutAsync<T>(string url, T body) => Client.PutAsJsonAsync(url, body, JsonOptions);
}
