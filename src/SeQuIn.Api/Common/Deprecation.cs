using System.Globalization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>
/// An endpoint on its way out (docs/deprecation-policy.md): deprecated at <see cref="Since"/>, answering until
/// <see cref="Sunset"/>, with <see cref="Link"/> to what replaces it.
/// </summary>
public sealed record DeprecatedMetadata(DateTimeOffset Since, DateTimeOffset Sunset, Uri? Link);

/// <summary>
/// Deprecation and Sunset headers (RFC 9745, RFC 8594) on every answer of a deprecated endpoint, and the same facts in
/// the contract, both from one routing modifier, so the contract and the service cannot disagree about them.
/// </summary>
public static class Deprecation
{
    public const string DeprecationHeader = "Deprecation";
    public const string SunsetHeader = "Sunset";

    /// <summary>The policy's minimum time between deprecating an endpoint and removing it.</summary>
    public static readonly TimeSpan MinimumNotice = TimeSpan.FromDays(180);

    /// <summary>Marks an endpoint deprecated since <paramref name="since"/>, to be removed at <paramref name="sunset"/>.</summary>
    public static TBuilder Deprecated<TBuilder>(this TBuilder builder, DateTimeOffset since, DateTimeOffset sunset, Uri? link = null)
        where TBuilder : IEndpointConventionBuilder
    {
        // A sunset sooner than the policy's notice is a mistake in the routing table: fail at start-up, not in production.
        if (sunset - since < MinimumNotice)
        {
            throw new ArgumentOutOfRangeException(nameof(sunset), sunset,
                $"A deprecated endpoint keeps answering for at least {MinimumNotice.TotalDays} days after {since:yyyy-MM-dd}.");
        }
        return builder.WithMetadata(new DeprecatedMetadata(since, sunset, link));
    }

    /// <summary>Sends the headers on every answer of a deprecated endpoint, errors included: a client that only ever sees 401s should hear too.</summary>
    public static IApplicationBuilder UseDeprecationHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DeprecatedMetadata>() is { } deprecated)
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers[DeprecationHeader] = DeprecationValue(deprecated.Since);
                headers[SunsetHeader] = deprecated.Sunset.ToString("r", CultureInfo.InvariantCulture);
                if (deprecated.Link is not null)
                {
                    headers.Append("Link", $"<{deprecated.Link}>; rel=\"deprecation\"");
                }
                return Task.CompletedTask;
            });
        }
        return next(context);
    });

    /// <summary>RFC 9745: a Structured Field Date, '@' and the Unix time in seconds.</summary>
    public static string DeprecationValue(DateTimeOffset since) =>
        "@" + since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Marks the operation deprecated in the contract and declares both headers on each of its answers.</summary>
    public sealed class OperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<DeprecatedMetadata>().FirstOrDefault() is not { } deprecated)
            {
                return;
            }
            operation.Deprecated = true;
            var notice = $"Deprecated since {deprecated.Since:yyyy-MM-dd}; removed after {deprecated.Sunset:yyyy-MM-dd}" +
                         (deprecated.Link is null ? "." : $": see {deprecated.Link}.");
            operation.Description = string.IsNullOrEmpty(operation.Description) ? notice : $"{notice} {operation.Description}";
            foreach (var response in (operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).OfType<OpenApiResponse>())
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[DeprecationHeader] = new OpenApiHeader
                {
                    Description = "RFC 9745: when this operation was deprecated, as @ and Unix seconds.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = System.Text.Json.Nodes.JsonValue.Create(DeprecationValue(deprecated.Since)),
                };
                response.Headers[SunsetHeader] = new OpenApiHeader
                {
                    Description = "RFC 8594: after this HTTP date the operation may stop answering.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = System.Text.Json.Nodes.JsonValue.Create(deprecated.Sunset.ToString("r", CultureInfo.InvariantCulture)),
                };
            }
        }
    }
}
