using System.Globalization;
using System.Text.Json;
using StandardWebhooks;

namespace SeQuIn.Api.Webhooks;

/// <summary>The body of an event and its Standard Webhooks headers.</summary>
public static class WebhookPayloads
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Serialize(WebhookEvent @event) => JsonSerializer.Serialize(@event, Common.Json.Options);

    /// <summary>The message id: the same on every attempt of one delivery, so a receiver can drop repeats.</summary>
    public static string MessageId(Guid deliveryId) => "msg_" + deliveryId.ToString("N");

    /// <summary>
    /// The signature header: one v1 signature per secret in force, space-separated as the specification allows, so
    /// that during a rotation's overlap a receiver holding either secret verifies the event. The old secret's comes
    /// first: some verifiers (the StandardWebhooks .NET package 1.1.2 among them) read only the first signature, and
    /// a receiver that has not yet deployed the new secret is the one the overlap is for.
    /// </summary>
    public static string Sign(string messageId, DateTimeOffset timestamp, string payload, string secret, string? previousSecret)
    {
        var current = new StandardWebhook(secret).Sign(messageId, timestamp, payload);
        return previousSecret is null ? current : new StandardWebhook(previousSecret).Sign(messageId, timestamp, payload) + " " + current;
    }

    public static HttpRequestMessage Request(string url, Guid deliveryId, string payload, DateTimeOffset now, string secret, string? previousSecret)
    {
        var id = MessageId(deliveryId);
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(IdHeader, id);
        request.Headers.Add(TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SignatureHeader, Sign(id, now, payload, secret, previousSecret));
        request.Headers.UserAgent.ParseAdd("SeQuIn-Webhooks/1");
        return request;
    }
}
