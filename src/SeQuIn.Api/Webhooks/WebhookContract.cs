using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Webhooks;

/// <summary>
/// Documents what a subscribed endpoint receives: a callback on CreateSubscription (the contract is OpenAPI 3.0,
/// which has no top-level webhooks) POSTing a <see cref="WebhookEvent"/> to the subscription's URL with the three
/// Standard Webhooks headers, so a client generator can make the receiver's model too.
/// </summary>
internal sealed class WebhookContract : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId != nameof(WebhooksApi.CreateSubscription))
        {
            return;
        }
        var body = context.SchemaGenerator.GenerateSchema(typeof(WebhookEvent), context.SchemaRepository);
        OpenApiParameter Header(string name, string description, string example) => new()
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = true,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1000 },
            Example = JsonValue.Create(example),
        };
        var receive = new OpenApiOperation
        {
            OperationId = "ReceiveChangeEvent",
            Tags = new HashSet<OpenApiTagReference> { new("Webhooks") },
            Summary = "What your endpoint receives: one change-feed entry per POST, signed",
            Description = "Verify the signature with any Standard Webhooks library and the subscription's secret before trusting the body; " +
                          "drop an event whose webhook-id you have already taken (delivery is at least once). Events of one resource come in order; " +
                          "compare data.revision with what you hold to be sure. Answer 2xx within 10 s; anything else is retried with back-off for three days.",
            Parameters =
            [
                Header(WebhookPayloads.IdHeader, "The event's id: the same on every attempt of one delivery.", "msg_01a2312bffed709b811c4a27f222bcc1"),
                Header(WebhookPayloads.TimestampHeader, "When this attempt was sent, in seconds since the Unix epoch; reject events far from your clock.", "1796475621"),
                Header(WebhookPayloads.SignatureHeader, "Space-separated v1 signatures (HMAC-SHA256 of id.timestamp.body, base64), one per secret in force: " +
                                                        "two during a rotation's overlap, the old secret's first.", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
            ],
            // The receiver is not called with SeQuIn's credentials: the signature is what authenticates the event.
            Security = [new OpenApiSecurityRequirement()],
            RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = body } },
            },
            Responses = new OpenApiResponses
            {
                ["204"] = new OpenApiResponse { Description = "Taken. Any 2xx ends the delivery." },
                ["400"] = new OpenApiResponse { Description = "Refused, e.g. because the signature did not verify: a failed attempt, retried like any other." },
                ["default"] = new OpenApiResponse { Description = "Any other answer, or none within the time-out, is a failed attempt: it is retried." },
            },
        };
        var callback = new OpenApiCallback();
        callback.AddPathItem(RuntimeExpression.Build("{$request.body#/url}"),
            new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = receive } });
        operation.Callbacks ??= new Dictionary<string, IOpenApiCallback>();
        operation.Callbacks["changeEvent"] = callback;
    }
}
