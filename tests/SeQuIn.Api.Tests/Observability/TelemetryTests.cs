using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Observability;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Observability;

/// <summary>
/// Traces, metrics and logs as an operator receives them: a host of the service over the shared database whose
/// tracer and meter providers also export to in-memory lists, exactly as configured for production otherwise.
/// </summary>
[Collection(WaitingApiCollection.Name)]
public sealed class TelemetryTests(SeQuInApiFixture fixture) : ApiTest(fixture), IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly LockedList<Activity> _spans = new();
    private readonly LockedList<MetricSnapshot> _metrics = new();
    private WebApplicationFactory<Program> _app = null!;
    private HttpClient _admin = null!;

    public Task InitializeAsync()
    {
        _app = Host();
        _admin = SignedIn(_app, Fixture.NationalAdminToken);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_request_is_one_server_span_with_its_route_and_the_database_commands_are_its_child_spans_in_the_same_trace()
    {
        var unit = await UnitAsync();

        var response = await _admin.GetAsync($"/api/v1/units/{unit.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (traceId, spanId) = TraceOf(response);
        var trace = await EventuallyAsync(() => _spans.Snapshot().Where(s => s.TraceId.ToHexString() == traceId).ToList() is var spans
            && spans.Any(s => s.Kind == ActivityKind.Server) && spans.Any(s => s.Source.Name == "Npgsql") ? spans : null, "the request's spans");
        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal(spanId, server.SpanId.ToHexString());
        Assert.Equal("/api/v1/units/{unitId:guid}", server.GetTagItem("http.route"));
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));
        var database = trace.Where(s => s.Source.Name == "Npgsql").ToList();
        Assert.All(database, span => Assert.Equal(ActivityKind.Client, span.Kind));
        // Every span of the trace hangs from the request's span: Npgsql's commands are its children, not roots of their own.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s != server), span => Assert.Contains(span.ParentSpanId, ids));
        Assert.Contains(database, span => span.ParentSpanId == server.SpanId);
    }

    [Fact]
    public async Task Every_answer_names_its_trace_in_the_traceresponse_header_and_a_problem_body_quotes_the_same_value()
    {
        using var anonymous = _app.CreateConformingClient();
        using var badKey = SignedIn(_app, "sqn_k_000000000000_" + new string('A', 43));
        await using var unreachable = new SeQuInApp("Host=127.0.0.1;Port=1;Database=none;Username=none");
        using var limited = _app.WithWebHostBuilder(b => b.UseSetting("SeQuIn:RateLimits:AnonymousPerMinute", "1")).CreateConformingClient();
        // With the SDK off nothing is recorded, but the request still has an activity of the host's to name.
        using var sdkOff = _app.WithWebHostBuilder(b => b.UseSetting("OTEL_SDK_DISABLED", "true")).CreateConformingClient();
        var first = await limited.GetAsync("/api/v1/frameworks/active");

        var answers = new (HttpResponseMessage Response, HttpStatusCode Status)[]
        {
            (await _admin.GetAsync("/api/v1/units?limit=1"), HttpStatusCode.OK),
            (await anonymous.GetAsync("/health/live"), HttpStatusCode.OK),
            (await sdkOff.GetAsync("/health/live"), HttpStatusCode.OK),
            (await _admin.GetAsync("/api/v1/units?limit=0"), HttpStatusCode.BadRequest),
            (await badKey.GetAsync("/api/v1/units"), HttpStatusCode.Unauthorized),
            (await anonymous.GetAsync("/api/v1/units"), HttpStatusCode.Unauthorized),
            (await _admin.GetAsync($"/api/v1/units/{Guid.NewGuid()}"), HttpStatusCode.NotFound),
            (await _admin.GetAsync("/api/v1/no-such-route"), HttpStatusCode.NotFound),
            (await limited.GetAsync("/api/v1/frameworks/active"), HttpStatusCode.TooManyRequests),
            (await unreachable.CreateClient().GetAsync("/api/v1/frameworks/active"), HttpStatusCode.ServiceUnavailable),
        };

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var seen = new HashSet<string>();
        foreach (var (response, status) in answers)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"Expected {(int)status} from {response.RequestMessage!.RequestUri}, got {(int)response.StatusCode}: {body}");
            var header = Assert.Single(response.Headers.GetValues(TraceResponse.Header));
            TraceOf(response);
            Assert.True(seen.Add(header), $"Two answers named the same trace: {header}");
            if ((int)status >= 400 && body.Length > 0)
            {
                Assert.Equal(header, JsonNode.Parse(body)!["traceId"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task Query_values_credentials_and_bodies_never_become_span_attributes()
    {
        var secret = "PATIENT" + Guid.NewGuid().ToString("N")[..8];

        var list = await _admin.GetAsync($"/api/v1/units?code={secret}");
        var create = await _admin.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), secret), JsonOptions);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var traces = new[] { TraceOf(list).TraceId, TraceOf(create).TraceId };
        var spans = await EventuallyAsync(() => _spans.Snapshot().Where(s => traces.Contains(s.TraceId.ToHexString())).ToList() is var found
            && found.Count(s => s.Kind == ActivityKind.Server) == 2 ? found : null, "both requests' spans");
        var server = spans.First(s => s.Kind == ActivityKind.Server && s.GetTagItem("http.request.method") as string == "GET");
        Assert.Contains("code=", server.GetTagItem("url.query") as string);
        var key = SecretOf(Fixture.NationalAdminToken);
        foreach (var span in spans)
        {
            var recorded = string.Join("\n", span.TagObjects.Select(t => $"{t.Key}={t.Value}")
                .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")))
                .Append(span.DisplayName).Append(span.StatusDescription));
            Assert.DoesNotContain(secret, recorded);
            Assert.DoesNotContain(key, recorded);
            // Npgsql names its data source by the connection string, which holds the runtime role's password here.
            Assert.DoesNotContain("password", recorded, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Request_duration_is_measured_by_route_and_connection_pool_use_by_Npgsql()
    {
        var unit = await UnitAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/api/v1/units/{unit.Id}")).StatusCode);
        }

        var durations = await EventuallyAsync(() => Points("http.server.request.duration")
            .Where(p => Tag(p, "http.route") as string == "/api/v1/units/{unitId:guid}" && Equals(Tag(p, "http.response.status_code"), 200))
            .Sum(p => p.GetHistogramCount()) is var count and >= 3 ? count : (long?)null, "three requests' durations under their route");
        Assert.True(durations >= 3);
        var pool = Latest().Select(m => m.Name).Where(name => name.StartsWith("db.client.connection", StringComparison.Ordinal)).ToList();
        Assert.True(pool.Count > 0, $"No connection-pool metric from Npgsql among {string.Join(", ", Latest().Select(m => m.Name))}");
        Assert.Contains(Latest(), m => m.MeterName == "System.Runtime" && m.Name == "dotnet.thread_pool.thread.count");
    }

    [Fact]
    public async Task Exports_count_the_rows_they_send_and_imports_the_rows_they_take()
    {
        var unit = await UnitAsync();
        var rows = Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, "INV", "2025-06", $"INV-{i:00}", i % 4 + 1)).ToList();

        await ReadAsync<ImportReport>(await _admin.PostAsJsonAsync("/api/v1/assessments/import?dryRun=true", new ImportDocument(rows), JsonOptions));
        await ReadAsync<ImportReport>(await _admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), JsonOptions));
        var csv = await _admin.GetStringAsync($"/api/v1/exports/ratings.csv?unitCode={unit.Code}");
        var page = await ReadAsync<Page<RatingExportRow>>(await _admin.GetAsync($"/api/v1/exports/ratings?unitCode={unit.Code}&limit=4"));

        Assert.Equal(11, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(4, page.Items.Count);
        await EventuallyAsync(() => Sum("sequin.export.rows", "sequin.export.format", "json") == 4 ? "" : null, "4 JSON rows counted");
        Assert.Equal(10, Sum("sequin.export.rows", "sequin.export.format", "csv"));
        Assert.Equal(10, Sum("sequin.import.rows", "sequin.import.dry_run", false));
        Assert.Equal(10, Sum("sequin.import.rows", "sequin.import.dry_run", true));
    }

    [Fact]
    public async Task Exports_turned_away_for_want_of_a_slot_are_counted()
    {
        await using var app = Host(settings: new() { ["SeQuIn:RateLimits:ConcurrentExportsPerCaller"] = "1" });
        using var client = SignedIn(app, Fixture.NationalAdminToken);

        // With one slot per caller, exports started together overlap; however many were refused, each is counted once.
        var refused = 0;
        for (var round = 0; round < 20 && refused == 0; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync("/api/v1/exports/ratings?limit=100")));
            Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
            refused += answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        }

        Assert.True(refused > 0, "No export was refused: the test did not make them overlap.");
        await EventuallyAsync(() => SumAll("sequin.export.refused", app) == refused ? "" : null, $"{refused} refusals counted");
    }

    [Fact]
    public async Task With_the_JSON_console_formatter_each_line_is_JSON_with_the_trace_id_of_its_request()
    {
        var lines = new JsonConsoleCapture();
        await using var app = Host(settings: new()
        {
            ["Logging:Console:FormatterName"] = "json",
            // A line every request writes, to have one to look at.
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        }, lines);
        using var client = app.CreateConformingClient();
        lines.Bind(app.Services);

        var response = await client.GetAsync("/health/live");

        var (traceId, _) = TraceOf(response);
        var line = await EventuallyAsync(() => lines.Lines.FirstOrDefault(l => l.Contains(traceId, StringComparison.Ordinal)), "a log line of the request");
        var json = JsonNode.Parse(line)!.AsObject();
        Assert.Equal("Microsoft.AspNetCore.Hosting.Diagnostics", json["Category"]!.GetValue<string>());
        Assert.Contains(json["Scopes"]!.AsArray(), scope => scope?["TraceId"]?.GetValue<string>() == traceId && scope["SpanId"] is not null);
        Assert.All(lines.Lines, l => JsonNode.Parse(l));
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_set_traces_metrics_and_logs_are_posted_to_it_under_the_configured_service_name()
    {
        using var collector = new OtlpCollector();
        var service = "sequin-test-" + Guid.NewGuid().ToString("N")[..8];
        await using var app = Fixture.App.WithWebHostBuilder(b =>
        {
            b.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Endpoint);
            b.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            b.UseSetting("OTEL_SERVICE_NAME", service);
            b.UseSetting("OTEL_BSP_SCHEDULE_DELAY", "100");
            b.UseSetting("OTEL_BLRP_SCHEDULE_DELAY", "100");
            b.UseSetting("OTEL_METRIC_EXPORT_INTERVAL", "200");
            // A line every request writes, to have one to look for.
            b.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information");
        });
        using var client = SignedIn(app, "sqn_k_000000000000_" + new string('A', 43));

        var response = await client.GetAsync("/api/v1/units");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var traceId = Convert.FromHexString(TraceOf(response).TraceId);
        var name = Encoding.UTF8.GetBytes(service);
        await EventuallyAsync(() => collector.Received("/v1/traces").Any(body => Holds(body, traceId) && Holds(body, name)) ? "" : null, "the request's span");
        await EventuallyAsync(() => collector.Received("/v1/metrics").Any(body => Holds(body, "http.server.request.duration"u8.ToArray())) ? "" : null, "request durations");
        // With the trace id of the request it was written in, as every log record is.
        await EventuallyAsync(() => collector.Received("/v1/logs").Any(body => Holds(body, traceId) && Holds(body, name)) ? "" : null, "the request's log record");
    }

    /// <summary>A host of the service over the shared database, exporting its spans and metrics to this test's lists too.</summary>
    private WebApplicationFactory<Program> Host(Dictionary<string, string?>? settings = null, ILoggerProvider? logs = null) =>
        Fixture.App.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings ?? [])
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureServices(services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
                services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
                // A meter provider listens to every meter of its names in the process, those of the other hosts too (the
                // collections running beside this one export and import all the time): count only this host's own
                // instruments (IMeterFactory's) and the process-wide ones (runtime, Npgsql), as a deployment, one host
                // per process, does.
                services.ConfigureOpenTelemetryMeterProvider((provider, metrics) => metrics.AddView(instrument =>
                    instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, provider.GetRequiredService<IMeterFactory>())
                        ? null : MetricStreamConfiguration.Drop));
                if (logs is not null)
                {
                    services.AddSingleton(logs);
                }
            });
        });

    private static HttpClient SignedIn(WebApplicationFactory<Program> app, string token) => app.CreateConformingClient(token);

    private async Task<UnitResponse> UnitAsync()
    {
        var network = await ReadAsync<NetworkResponse>(await _admin.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"), JsonOptions));
        var provider = await ReadAsync<ProviderResponse>(await _admin.PostAsJsonAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs), JsonOptions));
        return await ReadAsync<UnitResponse>(await _admin.PostAsJsonAsync("/api/v1/units",
            new CreateUnitRequest(UniqueCode("U"), "U", SecurityLevel.Low, provider.Id, network.Id), JsonOptions));
    }

    /// <summary>The trace and span ids of the traceresponse header, which must be W3C's version-traceid-spanid-flags.</summary>
    private static (string TraceId, string SpanId) TraceOf(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues(TraceResponse.Header, out var values), $"No {TraceResponse.Header} header on a {(int)response.StatusCode}");
        var parts = Assert.Single(values).Split('-');
        Assert.True(parts is ["00", { Length: 32 }, { Length: 16 }, { Length: 2 }] && parts.All(p => p.All(char.IsAsciiHexDigitLower)),
            $"Not a W3C traceresponse: {string.Join('-', parts)}");
        return (parts[1], parts[2]);
    }

    /// <summary>The latest snapshot of each metric (cumulative: each flush appends a new one).</summary>
    private List<MetricSnapshot> Latest(WebApplicationFactory<Program>? app = null)
    {
        (app ?? _app).Services.GetRequiredService<MeterProvider>().ForceFlush();
        return _metrics.Snapshot().GroupBy(m => (m.MeterName, m.Name)).Select(g => g.Last()).ToList();
    }

    private IEnumerable<MetricPoint> Points(string name, WebApplicationFactory<Program>? app = null) =>
        Latest(app).Where(m => m.Name == name).SelectMany(m => m.MetricPoints);

    private long Sum(string name, string tag, object value) =>
        Points(name).Where(p => Equals(Tag(p, tag), value)).Sum(p => p.GetSumLong());

    private long SumAll(string name, WebApplicationFactory<Program> app) => Points(name, app).Sum(p => p.GetSumLong());

    private static object? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }
        return null;
    }

    private static bool Holds(byte[] body, byte[] part) => body.AsSpan().IndexOf(part) >= 0;

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }
            Assert.True(deadline.Elapsed < Patience, $"Waited {Patience.TotalSeconds} s for {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The exporters add from the threads that end spans; the test reads from its own.</summary>
    private sealed class LockedList<T> : ICollection<T>
    {
        private readonly List<T> _items = [];

        public T[] Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public int Count => Snapshot().Length;
        public bool IsReadOnly => false;
        public bool Contains(T item) => Snapshot().Contains(item);
        public void CopyTo(T[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);
        public bool Remove(T item) => throw new NotSupportedException();
        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Snapshot()).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Each line the console logger would write, formatted by the host's own JSON console formatter (with its options)
    /// and the host's scopes (which carry the activity's ids): the console, without the console.
    /// </summary>
    private sealed class JsonConsoleCapture : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private IExternalScopeProvider? _scopes;
        private ConsoleFormatter? _formatter;

        public IReadOnlyCollection<string> Lines => _lines;

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Bind(IServiceProvider services) =>
            _formatter = services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(JsonConsoleCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (capture._formatter is null)
                {
                    return;
                }
                using var writer = new StringWriter();
                capture._formatter.Write(new Microsoft.Extensions.Logging.Abstractions.LogEntry<TState>(logLevel, category, eventId, state, exception, formatter),
                    capture._scopes, writer);
                capture._lines.Enqueue(writer.ToString().TrimEnd());
            }
        }
    }

    /// <summary>An OTLP/HTTP receiver on a free local port that keeps every body posted to it, by path.</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
        private readonly Task _loop;

        public OtlpCollector()
        {
            var port = FreePort();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public IEnumerable<byte[]> Received(string path) => _received.Where(r => r.Path == path).Select(r => r.Body);

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
