using System.Net.Http.Headers;
using System.Net.Http.Json;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>Changes sent with If-Match, as every change to a mutable record must be.</summary>
public static class ConditionalRequests
{
    /// <summary>The ETag a read of the record answers with.</summary>
    public static async Task<string> ETagOfAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.ETag?.Tag ?? throw new InvalidOperationException($"GET {url} answered without an ETag.");
    }

    public static Task<HttpResponseMessage> SendIfMatchAsync(this HttpClient client, HttpMethod method, string url, object? body, string? etag,
        string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json.Options) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add(Idempotency.Header, idempotencyKey);
        }
        return client.SendAsync(request);
    }

    /// <summary>
    /// Reads the record's current ETag (from <paramref name="recordUrl"/>, or <paramref name="url"/> itself), then sends
    /// the change with it: for tests about something other than concurrency.
    /// </summary>
    public static async Task<HttpResponseMessage> ChangeCurrentAsync(this HttpClient client, HttpMethod method, string url, object? body,
        string? recordUrl = null) =>
        await client.SendIfMatchAsync(method, url, body, await client.ETagOfAsync(recordUrl ?? url));
}
