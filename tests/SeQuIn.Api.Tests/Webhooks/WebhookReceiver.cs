using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SeQuIn.Api.Tests.Webhooks;

/// <summary>
/// A real HTTP endpoint on loopback that takes webhooks as an integrator's would: it records every request it is
/// sent (body and headers, as received), can be "down" (answering 503), can answer slowly, and notes whether one
/// event (webhook-id) ever arrived while an earlier send of it was still in flight.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private readonly List<Received> _received = [];

    public sealed record Received(string Id, string Body, IHeaderDictionary Headers, DateTimeOffset At)
    {
        public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Body);
        public string Type => Json.GetProperty("type").GetString()!;
        public Guid ResourceId => Json.GetProperty("data").GetProperty("resourceId").GetGuid();
    }

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Answer 503 to everything while true.</summary>
    public volatile bool Down;

    /// <summary>How long to take over each answer.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Sends of one event that overlapped an earlier send of the same event.</summary>
    public int ConcurrentRepeats;

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/hooks";
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        var id = http.Request.Headers["webhook-id"].ToString();
        if (_inFlight.AddOrUpdate(id, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref ConcurrentRepeats);
        }
        try
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay);
            }
            if (Down)
            {
                return Results.StatusCode(503);
            }
            var headers = new HeaderDictionary();
            foreach (var (name, value) in http.Request.Headers)
            {
                headers[name] = value;
            }
            lock (_received)
            {
                _received.Add(new Received(id, body, headers, DateTimeOffset.UtcNow));
            }
            return Results.NoContent();
        }
        finally
        {
            _inFlight.AddOrUpdate(id, 0, (_, n) => n - 1);
        }
    }

    /// <summary>What was taken (answered 2xx), in the order it arrived.</summary>
    public IReadOnlyList<Received> Taken
    {
        get
        {
            lock (_received)
            {
                return _received.ToList();
            }
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for what was taken, or fails after <paramref name="seconds"/>.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<IReadOnlyList<Received>, bool> done, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var taken = Taken;
            if (done(taken))
            {
                return taken;
            }
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The receiver has {taken.Count} events: {string.Join(", ", taken.Select(t => t.Type))}");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
