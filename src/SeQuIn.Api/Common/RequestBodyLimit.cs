using Microsoft.AspNetCore.Http.Features;

namespace SeQuIn.Api.Common;

/// <summary>
/// Caps request bodies. Kestrel enforces the limit while reading; a declared Content-Length over the limit is
/// refused at once with 413 problem+json, before anything is read or stored.
/// </summary>
public sealed class RequestBodyLimit(RequestDelegate next, IConfiguration configuration)
{
    private readonly long _maxBytes = configuration.GetValue<long?>("SeQuIn:MaxRequestBodyBytes") ?? 1_048_576;

    public Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        // An endpoint may allow more (evidence files, bulk imports) with RequestSizeLimit metadata.
        var maxBytes = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize
                       ?? _maxBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }
        if (context.Request.ContentLength > maxBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = ApiProblems.Create(413, "Payload Too Large",
                    $"The request body is larger than the {maxBytes} bytes this endpoint accepts."),
            }).AsTask();
        }
        return next(context);
    }
}
