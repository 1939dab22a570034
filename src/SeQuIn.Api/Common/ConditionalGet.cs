using System.Security.Cryptography;
using System.Text.Json;

namespace SeQuIn.Api.Common;

/// <summary>Marks an endpoint whose 200 answers carry an ETag and honour If-None-Match (documented in the contract).</summary>
public sealed record ConditionalGetMetadata;

public static class ConditionalGet
{
    /// <summary>
    /// Adds a strong ETag (a hash of the JSON body) and Cache-Control to a successful GET, and answers 304 when the
    /// client already holds that representation. Hashing the response keeps the ETag true to what was sent,
    /// whatever changed underneath. The default "no-cache" lets clients keep a copy and revalidate it cheaply.
    /// </summary>
    public static RouteHandlerBuilder WithConditionalGet(this RouteHandlerBuilder builder, string cacheControl = "no-cache")
    {
        builder.WithMetadata(new ConditionalGetMetadata());
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var inner = result is INestedHttpResult nested ? nested.Result : result;
            if (inner is not IValueHttpResult { Value: { } value } || inner is not IStatusCodeHttpResult { StatusCode: 200 })
            {
                return result;
            }
            var etag = ETagOf(value);
            var response = context.HttpContext.Response;
            response.Headers.ETag = etag;
            response.Headers.CacheControl = cacheControl;
            return Preconditions.Matches(context.HttpContext.Request.Headers.IfNoneMatch, etag)
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : result;
        });
        return builder;
    }

    public static string ETagOf(object value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Json.Options);
        return "\"" + Convert.ToBase64String(SHA256.HashData(bytes), 0, 18).Replace('+', '-').Replace('/', '_') + "\"";
    }
}
