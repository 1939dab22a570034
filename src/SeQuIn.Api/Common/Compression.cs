using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>Marks an endpoint whose answers may be compressed (<see cref="Compression"/>).</summary>
public sealed class CompressibleMetadata
{
    public static readonly CompressibleMetadata Instance = new();
}

/// <summary>
/// gzip and Brotli, when the client asks with Accept-Encoding, on the endpoints marked
/// <see cref="Compression.Compressible{TBuilder}"/> only: exports and the benchmark and insight tables. Only there,
/// because of BREACH: a compressed answer over HTTPS gives its size away, which leaks a secret when the same answer
/// also reflects text an attacker chose. These answers hold no secret (no key, token or personal data) and reflect
/// nothing but validated filters, so they are safe to compress; the answers that do hold a secret (a new API key) are
/// never compressed (ADR 0022).
/// </summary>
public static class Compression
{
    /// <summary>
    /// gzip at Fastest (level 1): on the demo export (4.4 MB of CSV) it compresses 13.9× at 1.2 GB/s of one core,
    /// where Optimal gives 24.5× at 224 MB/s; the export itself is written at about 100 MB/s on two cores, so Optimal
    /// would add a core-second per 200 MB to a national file for 14 MB fewer bytes (ADR 0022).
    /// </summary>
    public const CompressionLevel GzipLevel = CompressionLevel.Fastest;

    /// <summary>
    /// Brotli at Optimal (quality 4): at Fastest (quality 1) Brotli compresses each of the response pipe's 4 KB writes
    /// nearly on its own and came out worse than gzip (11.9×, measured); quality 4 gives 27.2× at 231 MB/s.
    /// </summary>
    public const CompressionLevel BrotliLevel = CompressionLevel.Optimal;

    public static IServiceCollection AddSeQuInCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // Safe on these endpoints over HTTPS: see the class comment.
            options.EnableForHttps = true;
            // gzip first: a client that accepts both equally gets the cheaper one.
            options.Providers.Add<GzipCompressionProvider>();
            options.Providers.Add<BrotliCompressionProvider>();
            options.MimeTypes = ["text/csv", "application/json"];
        });
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = GzipLevel);
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = BrotliLevel);
        return services;
    }

    /// <summary>Compresses the answers of marked endpoints; each of them also says it varies with Accept-Encoding, compressed or not.</summary>
    public static IApplicationBuilder UseSeQuInCompression(this IApplicationBuilder app) =>
        app.UseWhen(http => http.GetEndpoint()?.Metadata.GetMetadata<CompressibleMetadata>() is not null, marked =>
        {
            // The middleware adds Vary only when it compresses; a cache must also know that the plain answer varies.
            marked.Use((http, next) =>
            {
                http.Response.Headers.Vary = Microsoft.Extensions.Primitives.StringValues.Concat(http.Response.Headers.Vary, "Accept-Encoding");
                return next(http);
            });
            marked.UseResponseCompression();
        });

    public static TBuilder Compressible<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CompressibleMetadata.Instance);
}

/// <summary>Declares, on the 200 answer of a compressible endpoint, that it may come gzip- or Brotli-encoded and varies with Accept-Encoding.</summary>
internal sealed class CompressionFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CompressibleMetadata>().Any()
            || operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse concrete)
        {
            return;
        }
        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
        concrete.Headers["Content-Encoding"] = new OpenApiHeader
        {
            Description = "gzip or br when the request's Accept-Encoding asked for it; absent (identity) otherwise.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["gzip", "br"] },
        };
        var csv = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CsvAlternativeMetadata>().Any();
        concrete.Headers["Vary"] = new OpenApiHeader
        {
            Description = csv ? "Accept, Accept-Encoding: the representation depends on both." : "Accept-Encoding: the encoding depends on it.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
    }
}
