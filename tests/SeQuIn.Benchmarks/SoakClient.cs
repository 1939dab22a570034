using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace SeQuIn.Benchmarks;

/// <summary>One HTTP attempt, timed on the soak's clock (seconds since the soak started).</summary>
/// <param name="Status">The HTTP status, or 0 when no answer came (connection refused or cut, time-out).</param>
/// <param name="RetryAfter">The 503 carried Retry-After.</param>
public sealed record SoakAttempt(string Op, double SentAt, double AnsweredAt, int Status, bool RetryAfter);

/// <summary>An answer read whole, or the failure to get one.</summary>
public sealed record SoakAnswer(int Status, string Body, string? ETag, TimeSpan? RetryAfter, string? Error)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>What a real client retries: the database was unreachable (503), no answer came, or the first request with this Idempotency-Key is still running.</summary>
    public bool Retryable => Status is 503 or 0 || (Status == 409 && Body.Contains("still being processed", StringComparison.Ordinal));
}

/// <summary>
/// The soak's HTTP client: many connections, the bearer per request, every attempt recorded. Writes are retried
/// as a real client would: after a 503 (waiting Retry-After), after no answer, and while the first request with
/// the same Idempotency-Key is still running — always the same request again (same If-Match, same key).
/// </summary>
public sealed class SoakClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Stopwatch _clock;

    public SoakClient(string url, Stopwatch clock)
    {
        Url = url;
        _clock = clock;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1024,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Url { get; }

    public ConcurrentQueue<SoakAttempt> Attempts { get; } = new();

    /// <summary>Stops recording (the capacity ramp's attempts are not the soak's).</summary>
    public ConcurrentQueue<SoakAttempt> Swap()
    {
        var taken = new ConcurrentQueue<SoakAttempt>();
        while (Attempts.TryDequeue(out var attempt))
        {
            taken.Enqueue(attempt);
        }
        return taken;
    }

    public double Now => _clock.Elapsed.TotalSeconds;

    public async Task<SoakAnswer> SendAsync(string op, Func<HttpRequestMessage> make, string bearer, TimeSpan timeout)
    {
        using var request = make();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var sent = Now;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var response = await _http.SendAsync(request, cancel.Token);
            var body = await response.Content.ReadAsStringAsync(cancel.Token);
            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter?.Delta;
            Attempts.Enqueue(new SoakAttempt(op, sent, Now, status, retryAfter is not null));
            return new SoakAnswer(status, body, response.Headers.ETag?.Tag, retryAfter, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            Attempts.Enqueue(new SoakAttempt(op, sent, Now, 0, false));
            return new SoakAnswer(0, "", null, null, exception.GetType().Name + ": " + exception.Message);
        }
    }

    /// <summary>Sends until the answer is not one a client retries, or the deadline passes; returns the last answer and whether any attempt was retried.</summary>
    public async Task<(SoakAnswer Answer, int Attempts, bool Ambiguous)> WriteAsync(string op, Func<HttpRequestMessage> make, string bearer, TimeSpan deadline)
    {
        var until = Now + deadline.TotalSeconds;
        var attempts = 0;
        // An attempt that got no answer, or a 503 after the handler may have committed, leaves the outcome unknown.
        var ambiguous = false;
        while (true)
        {
            var answer = await SendAsync(op, make, bearer, TimeSpan.FromSeconds(60));
            attempts++;
            if (!answer.Retryable || Now > until)
            {
                return (answer, attempts, ambiguous);
            }
            ambiguous |= answer.Status is 503 or 0;
            var wait = answer.RetryAfter ?? TimeSpan.FromSeconds(answer.Status == 0 ? 1 : 2);
            await Task.Delay(wait);
        }
    }

    /// <summary>Streams a response, counting lines; the status, rows (lines − header) and bytes, or the error that cut it.</summary>
    public async Task<(int Status, long Rows, long Bytes, double FirstByte, string? Error, bool Complete)> StreamAsync(string op, string path, string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var sent = Now;
        long lines = 0, bytes = 0;
        double firstByte = double.NaN;
        var lastByte = (byte)'\n';
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                if (bytes == 0)
                {
                    firstByte = Now - sent;
                }
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
                lastByte = buffer[read - 1];
            }
            Attempts.Enqueue(new SoakAttempt(op, sent, Now, status, response.Headers.RetryAfter is not null));
            return (status, Math.Max(0, lines - 1), bytes, firstByte, null, status == (int)HttpStatusCode.OK && lastByte == (byte)'\n');
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            // Headers (and rows) may already have come: an export cut mid-stream is reported as such, not as a status.
            Attempts.Enqueue(new SoakAttempt(op, sent, Now, 0, false));
            return (0, Math.Max(0, lines - 1), bytes, firstByte, exception.GetType().Name + ": " + exception.Message, false);
        }
    }

    public void Dispose() => _http.Dispose();
}
