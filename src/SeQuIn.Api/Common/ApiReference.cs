using Scalar.AspNetCore;

namespace SeQuIn.Api.Common;

/// <summary>
/// The interactive reference at /docs, in every environment, showing the committed contract (openapi/sequin.v1.json,
/// embedded at build time) rather than one generated at run time: what readers see is what clients generate from.
/// </summary>
public static class ApiReference
{
    public const string Path = "/docs";
    public const string ContractPath = "/openapi/sequin.v1.json";
    private const string ContractResource = "openapi/sequin.v1.json";

    /// <summary>
    /// The reference page is the one thing here rendered by a browser: its script and styles come from this origin
    /// (Scalar's bundle is served by the package), its inline configuration and styles need 'unsafe-inline', and
    /// "try it" calls go to this origin only. Still never framed, and no form posts or base rewrites.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        var contract = ReadContract();
        app.MapGet(ContractPath, () => TypedResults.Bytes(contract, "application/json"))
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.MapScalarApiReference(Path, options => options
                .WithTitle("SeQuIn API reference")
                .WithOpenApiRoutePattern(ContractPath)
                // Nothing that calls another origin: no telemetry, AI agent, MCP, hosted tooling or CDN fonts
                // (the policy below would block them anyway, and a reader's browser should not be sent elsewhere).
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .DisableDefaultFonts()
                .WithDefaultHttpClient(ScalarTarget.Shell, ScalarClient.Curl))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static byte[] ReadContract()
    {
        using var stream = typeof(ApiReference).Assembly.GetManifestResourceStream(ContractResource)
            ?? throw new InvalidOperationException($"The committed contract is not embedded as {ContractResource}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
