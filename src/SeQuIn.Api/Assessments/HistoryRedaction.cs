using System.Text.Json;
using System.Text.Json.Nodes;

namespace SeQuIn.Api.Assessments;

/// <summary>
/// An assessment's history, as told to a caller who may not read its unshared evidence (an analyst, another unit):
/// a row about evidence that is not shared keeps what kind of change it was, and loses everything else the item
/// was called or held (its title, its file's name). Pure: the caller's rights and the shared items are given.
/// </summary>
public static class HistoryRedaction
{
    /// <summary>What a row about unreadable evidence still shows: none of it names or describes the evidence.</summary>
    private static readonly HashSet<string> Kept = ["id", "evidenceId", "kind", "standardCode", "shared", "contentType", "size"];

    public static bool IsAboutEvidence(string action) => action.StartsWith("assessment.evidence-", StringComparison.Ordinal);

    /// <summary>The changes of one row, with the evidence's names left out unless the item is among those the caller may read.</summary>
    public static JsonElement Redact(string action, JsonElement changes, IReadOnlySet<Guid> readable)
    {
        if (!IsAboutEvidence(action) || changes.ValueKind != JsonValueKind.Object)
        {
            return changes;
        }
        var evidenceId = Id(changes, "evidenceId") ?? Id(changes, "id");
        if (evidenceId is { } id && readable.Contains(id))
        {
            return changes;
        }
        var kept = new JsonObject();
        foreach (var member in changes.EnumerateObject())
        {
            if (Kept.Contains(member.Name))
            {
                kept[member.Name] = JsonNode.Parse(member.Value.GetRawText());
            }
        }
        return JsonSerializer.SerializeToElement(kept);
    }

    private static Guid? Id(JsonElement changes, string name) =>
        changes.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id) ? id : null;
}
