namespace SeQuIn.Api.Tests.Infrastructure.Conformance;

/// <summary>
/// Sits in every test client (ConformingClients.CreateConformingClient, which SeQuInApp.CreateClient and hosts derived
/// with WithWebHostBuilder use; ServiceProcess.CreateClient) and holds each answer to the
/// committed contract, so that the whole suite is a conformance test: a mismatch fails the test that caused it,
/// naming the operation, the status and where in the body it broke.
/// JSON bodies are buffered to be checked (the test can still read them); other bodies (CSV, files) are left to
/// stream, since tests read those as they arrive, and only their media type is checked.
/// </summary>
public sealed class ContractConformanceHandler(ContractDocument? contract = null) : DelegatingHandler
{
    private static readonly object ReportLock = new();
    private readonly ContractDocument _contract = contract ?? ContractDocument.Committed;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (ResponseConformance.IsExempt(request))
        {
            return response;
        }
        string? body = null;
        if (response.Content.Headers.ContentType?.MediaType is { } mediaType && ResponseConformance.IsJson(mediaType))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            body = await ReadDecodedAsync(response.Content, cancellationToken);
        }
        var violations = ResponseConformance.Check(_contract, request, response, body);
        if (violations.Count > 0)
        {
            // To list every mismatch of a whole run at once instead of the first of each test (see README, Test it).
            if (Environment.GetEnvironmentVariable("SEQUIN_CONTRACT_REPORT") is { Length: > 0 } report)
            {
                lock (ReportLock)
                {
                    File.AppendAllLines(report, violations);
                }
                return response;
            }
            throw new ContractViolationException(violations, body);
        }
        return response;
    }

    /// <summary>The body as JSON text, decompressed first when it was sent gzip- or Brotli-encoded (the test still reads it as sent).</summary>
    private static async Task<string> ReadDecodedAsync(HttpContent content, CancellationToken ct)
    {
        var encoding = content.Headers.ContentEncoding.LastOrDefault();
        if (encoding is null)
        {
            return await content.ReadAsStringAsync(ct);
        }
        using var sent = new MemoryStream(await content.ReadAsByteArrayAsync(ct));
        using Stream decoded = encoding switch
        {
            "gzip" => new System.IO.Compression.GZipStream(sent, System.IO.Compression.CompressionMode.Decompress),
            "br" => new System.IO.Compression.BrotliStream(sent, System.IO.Compression.CompressionMode.Decompress),
            _ => throw new ContractViolationException([$"the body is encoded '{encoding}', which the service never sends"], null),
        };
        using var reader = new StreamReader(decoded);
        return await reader.ReadToEndAsync(ct);
    }
}

/// <summary>An answer the committed contract does not allow. Not an HttpRequestException, so no retry loop swallows it.</summary>
public sealed class ContractViolationException(IReadOnlyList<string> violations, string? body)
    : Exception("The answer breaks openapi/sequin.v1.json:\n  " + string.Join("\n  ", violations)
                + (body is null ? "" : $"\nBody: {(body.Length > 2000 ? body[..2000] + "…" : body)}"))
{
    public IReadOnlyList<string> Violations { get; } = violations;
}
