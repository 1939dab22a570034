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
/// never compressed (ADR 0019-analysts-compression).
/// </summary>
public static class Compression
{
    /// <summary>
    /// Fastest (gzip level 1, Brotli quality 1): measured on the demo export it is several times faster than Optimal
    /// for a few percent more bytes, and a national export is bound by how fast the service can write it (ADR).
    /// </summary>
    public const CompressionLevel Level = CompressionLevel.Fastest;

    public static IServiceCollection AddSeQuInCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // Safe on these endpoints over HTTPS: see the class comment.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ["text/csv", "application/json"];
        });
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = Level);
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = Level);
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
