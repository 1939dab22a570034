using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Replica;

/// <summary>
/// Documents the read-your-writes headers: <see cref="WritePositions.Header"/> on every change's success,
/// <see cref="ReplicaReads.ReadAfterHeader"/> and <see cref="ReplicaReads.ReadSourceHeader"/> on the reads a replica may answer.
/// </summary>
internal sealed class ReplicaContract : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var method = context.ApiDescription.HttpMethod ?? "GET";
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method))
        {
            AddToSuccesses(operation, WritePositions.Header, new OpenApiHeader
            {
                Description = "Where this change ends in the database's write-ahead log (for example 0/16B3748), sent when the service reads from a " +
                              $"replica. Send it back in {ReplicaReads.ReadAfterHeader} with a read that must see the change from any instance.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ReplicaReadMetadata>().Any())
        {
            return;
        }
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = ReplicaReads.ReadAfterHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = $"A {WritePositions.Header} from an earlier change: the read then sees that change (and everything before it), from " +
                          "the primary if the replica has not replayed it yet. Not needed on the instance that made the change: it remembers " +
                          "its callers' last changes.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 40 },
        });
        // On every answer the handler gives (404s too): the source is chosen before the handler runs.
        var readSource = new OpenApiHeader
        {
            Description = "Which database answered: replica (a streaming replica, at most SeQuIn:Replica:MaxLagSeconds behind and holding your " +
                          "own last change) or primary.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["replica", "primary"] },
        };
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status is not ("401" or "429" or "503") && response is OpenApiResponse answer)
            {
                answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
                answer.Headers[ReplicaReads.ReadSourceHeader] = readSource;
            }
        }
    }

    private static void AddToSuccesses(OpenApiOperation operation, string name, OpenApiHeader header)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.StartsWith('2') && response is OpenApiResponse success)
            {
                success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                success.Headers[name] = header;
            }
        }
    }
}
