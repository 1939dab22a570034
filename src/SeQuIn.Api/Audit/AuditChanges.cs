using System.Text.Json;
using System.Text.Json.Nodes;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Audit;

/// <summary>What changed between two states of a record, member by member. Pure: no I/O.</summary>
public static class AuditChanges
{
    /// <summary>{ "name": { "from": "A", "to": "B" }, … } for the members whose JSON differs.</summary>
    public static JsonObject Between<T>(T before, T after)
    {
        var from = JsonSerializer.SerializeToNode(before, Json.Options)!.AsObject();
        var to = JsonSerializer.SerializeToNode(after, Json.Options)!.AsObject();
        var changes = new JsonObject();
        foreach (var (name, value) in to)
        {
            var previous = from[name];
            if (!JsonNode.DeepEquals(previous, value))
            {
                changes[name] = new JsonObject { ["from"] = previous?.DeepClone(), ["to"] = value?.DeepClone() };
            }
        }
        return changes;
    }
}
