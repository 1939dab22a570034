using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Data;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Benchmarks;

/// <summary>
/// Who the soak's clients are and what they work on: a unit-member key and an involvement-lead key per network, an
/// analyst key per collaborative (all made through the API by the national administrator, as a deployment would),
/// a tablet session for every unit and area of the current month, and for each network the months before its
/// oldest history, which the imports fill one by one.
/// </summary>
public sealed class SoakSetup
{
    private readonly Dictionary<int, List<Unit>> _unitsByNetwork;
    private readonly Dictionary<int, DateOnly> _nextImport;

    private SoakSetup(Dataset.Framework framework, List<Unit> units, Dictionary<int, List<Unit>> byNetwork, string adminKey, Dictionary<int, DateOnly> oldest)
    {
        Framework = framework;
        Units = units;
        _unitsByNetwork = byNetwork;
        AdminKey = adminKey;
        _nextImport = oldest.ToDictionary(o => o.Key, o => o.Value.AddMonths(-1));
        var now = TimeProvider.System.GetUtcNow();
        SoakMonth = Months.Format(Months.Current(TimeProvider.System));
        LastMonth = Dataset.Format(Dataset.LastMonth(now));
        FirstMonth = Dataset.Format(Dataset.FirstMonth(now));
        Sessions = [.. byNetwork.SelectMany(n => n.Value.SelectMany(u => framework.Areas.Select(a => new TabletSession(u.Id, u.Code, n.Key, a))))];
    }

    public Dataset.Framework Framework { get; }
    public List<Unit> Units { get; }
    public string AdminKey { get; }
    public string SoakMonth { get; }
    public string LastMonth { get; }
    public string FirstMonth { get; }
    public List<TabletSession> Sessions { get; }
    public Dictionary<int, string> MemberKeys { get; } = [];
    public Dictionary<int, string> LeadKeys { get; } = [];
    public Dictionary<Guid, string> AnalystKeys { get; } = [];

    public IReadOnlyList<Unit> UnitsOf(int network) => _unitsByNetwork[network];

    /// <summary>The next month, going back, with nothing of this network stored (only the import loop asks).</summary>
    public string NextImportMonth(int network)
    {
        var month = _nextImport[network];
        _nextImport[network] = month.AddMonths(-1);
        return Months.Format(month);
    }

    public static async Task<SoakSetup> CreateAsync(string connectionString, string url, string adminKey)
    {
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, connectionString);
        await using var db = new SeQuInDbContext(options.Options);
        var framework = await Dataset.ActiveFrameworkAsync(db);
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Code, StringComparer.Ordinal);
        var byNetwork = Enumerable.Range(1, Dataset.Networks)
            .ToDictionary(n => n, n => Enumerable.Range(0, Dataset.UnitsPerNetwork).Select(p => units[Dataset.UnitCode(n, p)]).ToList());
        var oldest = new Dictionary<int, DateOnly>();
        foreach (var (network, members) in byNetwork)
        {
            var networkId = members[0].NetworkId;
            oldest[network] = await db.Assessments.AsNoTracking().Where(a => a.NetworkId == networkId).MinAsync(a => a.Month);
        }
        var setup = new SoakSetup(framework, [.. byNetwork.SelectMany(n => n.Value)], byNetwork, adminKey, oldest);

        using var admin = new HttpClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        async Task<string> KeyAsync(string name, Role role, ScopeInput scope)
        {
            using var response = await admin.PostAsJsonAsync($"{url}/api/v1/keys", new CreateApiKeyRequest(name, role, scope), SeQuIn.Api.Common.Json.Options);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Creating the key '{name}' answered {(int)response.StatusCode}: {body}");
            }
            return JsonSerializer.Deserialize<CreatedApiKeyResponse>(body, SeQuIn.Api.Common.Json.Options)!.Token;
        }
        foreach (var (network, members) in byNetwork)
        {
            setup.MemberKeys[network] = await KeyAsync($"soak ward tablets {Dataset.NetworkCode(network)}", Role.UnitMember,
                new ScopeInput(ScopeKind.Units, UnitIds: [.. members.Select(u => u.Id)]));
            setup.LeadKeys[network] = await KeyAsync($"soak involvement lead {Dataset.NetworkCode(network)}", Role.InvolvementLead,
                new ScopeInput(ScopeKind.Network, NetworkId: members[0].NetworkId));
        }
        foreach (var collaborative in setup.Units.Select(u => u.CollaborativeId!.Value).Distinct().Order())
        {
            setup.AnalystKeys[collaborative] = await KeyAsync($"soak analyst {collaborative}", Role.Analyst, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: collaborative));
        }
        return setup;
    }
}
