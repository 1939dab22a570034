using Npgsql;

namespace SeQuIn.Api.Benchmarks;

/// <summary>Codes by id, read once per export: a few hundred rows.</summary>
internal sealed class ExportLookups
{
    public Dictionary<Guid, (string Code, string ProviderCode)> Units { get; } = [];
    public Dictionary<Guid, string> Networks { get; } = [];
    public Dictionary<Guid, string> Collaboratives { get; } = [];

    public static async Task<ExportLookups> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var lookups = new ExportLookups();
        await using var command = new NpgsqlCommand("""
            SELECT u.id, u.code, p.code FROM units u JOIN providers p ON p.id = u.provider_id;
            SELECT n.id, n.code FROM networks n;
            SELECT c.id, c.code FROM collaboratives c
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lookups.Units[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2));
        }
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lookups.Networks[reader.GetGuid(0)] = reader.GetString(1);
        }
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lookups.Collaboratives[reader.GetGuid(0)] = reader.GetString(1);
        }
        return lookups;
    }

    /// <summary>The ids of the units with these codes (exact match, as <c>u.code = ANY(…)</c> compared them).</summary>
    public Guid[] UnitIds(IEnumerable<string> codes)
    {
        var wanted = codes.ToHashSet(StringComparer.Ordinal);
        return Units.Where(u => wanted.Contains(u.Value.Code)).Select(u => u.Key).ToArray();
    }
}
