using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace SeQuIn.Benchmarks;

/// <summary>
/// The integrator's end of `run.sh webhooks`: Kestrel on loopback in the harness's own process, so that its clock is
/// the submitting client's clock. <c>POST /hook/{n}</c> takes subscription n's events: the arrival is stamped before
/// the body is read, every event's signature is verified with the StandardWebhooks package's verifier (its cost
/// measured, not hidden), and the first arrival of each resource id is kept. <c>POST /raw/{n}</c> is the same work
/// for the harness's own signed POSTs (the receiver's ceiling), counted apart.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, string> _secrets = new();
    private readonly ConcurrentDictionary<Guid, long> _arrivals = new();
    private long _events;
    private long _repeats;
    private long _verifyFailures;
    private long _verifyTicks;
    private long _verified;
    private long _raw;
    private string? _samplePayload;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Events received on /hook (all subscriptions), repeats included.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Events of a resource id that had already arrived (at-least-once repeats).</summary>
    public long Repeats => Interlocked.Read(ref _repeats);

    public long VerifyFailures => Interlocked.Read(ref _verifyFailures);

    public long Verified => Interlocked.Read(ref _verified);

    public long Raw => Interlocked.Read(ref _raw);

    /// <summary>Mean time of one StandardWebhook(secret).Verify(body, headers), microseconds.</summary>
    public double MeanVerifyMicroseconds => Verified == 0 ? double.NaN : Interlocked.Read(ref _verifyTicks) * 1e6 / Stopwatch.Frequency / Verified;

    /// <summary>A body the dispatcher sent (for the raw POSTs to send the same bytes).</summary>
    public string? SamplePayload => _samplePayload;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook/{n:int}", (HttpContext http, int n) => receiver.HandleAsync(http, n, raw: false));
        app.MapPost("/raw/{n:int}", (HttpContext http, int n) => receiver.HandleAsync(http, n, raw: true));
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return receiver;
    }

    public void SetSecret(int n, string secret) => _secrets[n] = secret;

    /// <summary>When the event of <paramref name="resourceId"/> first arrived (Stopwatch timestamp), if it has.</summary>
    public bool TryArrival(Guid resourceId, out long at) => _arrivals.TryGetValue(resourceId, out at);

    private async Task<Microsoft.AspNetCore.Http.IResult> HandleAsync(HttpContext http, int n, bool raw)
    {
        var arrived = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        if (!_secrets.TryGetValue(n, out var secret))
        {
            return TypedResults.NotFound();
        }
        var clock = Stopwatch.GetTimestamp();
        try
        {
            // A new verifier per event, as the dispatcher signs with a new StandardWebhook per event.
            new StandardWebhook(secret).Verify(body, http.Request.Headers);
            Interlocked.Add(ref _verifyTicks, Stopwatch.GetTimestamp() - clock);
            Interlocked.Increment(ref _verified);
        }
        catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
        {
            Interlocked.Increment(ref _verifyFailures);
            return TypedResults.Unauthorized();
        }
        using var document = JsonDocument.Parse(body);
        var resourceId = document.RootElement.GetProperty("data").GetProperty("resourceId").GetGuid();
        if (raw)
        {
            Interlocked.Increment(ref _raw);
            return TypedResults.NoContent();
        }
        _samplePayload ??= body;
        Interlocked.Increment(ref _events);
        if (!_arrivals.TryAdd(resourceId, arrived))
        {
            Interlocked.Increment(ref _repeats);
        }
        return TypedResults.NoContent();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
