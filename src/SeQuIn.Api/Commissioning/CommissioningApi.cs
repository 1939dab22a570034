using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Families;
using SeQuIn.Api.Replica;

namespace SeQuIn.Api.Commissioning;

/// <summary>
/// Roll-ups for commissioning: a provider's, collaborative's or network's submitted results by month and area, never a
/// single unit's (ADR 0033). Read by commissioners within their network or collaborative, and by the administrators,
/// leads and analysts of the network (a national administrator everywhere). Figures come from the trigger-maintained
/// area results and pass the disclosure rule of <see cref="RollUps"/>.
/// </summary>
public static class CommissioningApi
{
    public static IEndpointRouteBuilder MapCommissioningApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/commissioning")
            .WithTags("Commissioning")
            .WithValidation()
            .RequireAuthorization(Policies.RollUpReader)
            .WithRoles(AllowedRoles.RollUpReaders)
            .ReadsFromReplica()
            .Compressible();
        group.MapGet("/providers/{providerId:guid}/summary", GetProviderSummary)
            .WithName(nameof(GetProviderSummary))
            .WithSummary("A provider's units rolled up by month and area")
            .WithDescription("Over the provider's units within your reach (your networks and collaboratives): units reporting, on time, " +
                "participation, mean area score and mean agreed rating, co-production, confirmation and disagreement rates, families' concurrence, and the " +
                "change since the previous month. No figure is over fewer units than the minimum group size; where you cannot read " +
                "the units one by one, figures are shown for closed months only and withheld where, with other roll-ups, they would " +
                "single out a unit. A provider with no unit in your reach answers 404.");
        group.MapGet("/collaboratives/{collaborativeId:guid}/summary", GetCollaborativeSummary)
            .WithName(nameof(GetCollaborativeSummary))
            .WithSummary("A provider collaborative's units rolled up by month and area, and per provider")
            .WithDescription("The provider summary's figures over every unit of the collaborative, then the same per provider within it. " +
                "Read by the collaborative's commissioners and analysts, and by readers of every network its units are in; others get 404.");
        group.MapGet("/networks/{networkId:guid}/summary", GetNetworkSummary)
            .WithName(nameof(GetNetworkSummary))
            .WithSummary("A network's units rolled up by month and area, and per provider")
            .WithDescription("The provider summary's figures over every unit of the network, then the same per provider within it. " +
                "Read by the network's commissioners, administrators, leads and analysts; others get 404.");
        return routes;
    }

    public static async Task<Results<Ok<CommissioningSummary>, NotFoundProblem>> GetProviderSummary(Guid providerId, [AsParameters] RollUpQuery query,
        SeQuInDbContext db, [AsParameters] BenchmarkServices services, CancellationToken ct)
    {
        var scope = services.Caller.Scope;
        var provider = await db.Providers.AsNoTracking().Where(p => p.Id == providerId).Select(p => new { p.Code, p.Name }).SingleOrDefaultAsync(ct);
        var units = await db.Units.AsNoTracking().Where(u => u.ProviderId == providerId)
            .Select(u => new { u.Id, u.NetworkId, u.CollaborativeId, u.Active }).ToListAsync(ct);
        var inReach = units.Where(u => scope.RollsUp(new UnitPlace(u.Id, u.NetworkId, u.CollaborativeId))).ToList();
        if (provider is null || inReach.Count == 0)
        {
            return ApiProblems.NotFound($"There is no provider {providerId} whose roll-ups you may read.");
        }
        var subject = new Subject(RollUpSubject.Provider, providerId, provider.Code, provider.Name, ProviderInReach(providerId, scope),
            inReach.Count(u => u.Active), InReach(scope, providerId), []);
        return TypedResults.Ok(await SummariseAsync(subject, query, db, services, ct));
    }

    public static async Task<Results<Ok<CommissioningSummary>, NotFoundProblem>> GetCollaborativeSummary(Guid collaborativeId,
        [AsParameters] RollUpQuery query, SeQuInDbContext db, [AsParameters] BenchmarkServices services, CancellationToken ct)
    {
        var collaborative = await db.Collaboratives.AsNoTracking().Where(c => c.Id == collaborativeId).Select(c => new { c.Code, c.Name }).SingleOrDefaultAsync(ct);
        var units = await UnitsAsync(db, u => u.CollaborativeId == collaborativeId, ct);
        if (collaborative is null || !services.Caller.Scope.SeesRollUpsOfCollaborative(collaborativeId, units.Select(u => u.NetworkId).Distinct().ToList()))
        {
            return ApiProblems.NotFound($"There is no collaborative {collaborativeId} whose roll-ups you may read.");
        }
        var subject = new Subject(RollUpSubject.Collaborative, collaborativeId, collaborative.Code, collaborative.Name, Collaborative(collaborativeId),
            units.Count(u => u.Active), r => r.CollaborativeId == collaborativeId, Breakdown(units, p => ProviderIn(Collaborative(collaborativeId), p)));
        return TypedResults.Ok(await SummariseAsync(subject, query, db, services, ct));
    }

    public static async Task<Results<Ok<CommissioningSummary>, NotFoundProblem>> GetNetworkSummary(Guid networkId,
        [AsParameters] RollUpQuery query, SeQuInDbContext db, [AsParameters] BenchmarkServices services, CancellationToken ct)
    {
        var network = await db.Networks.AsNoTracking().Where(n => n.Id == networkId).Select(n => new { n.Code, n.Name }).SingleOrDefaultAsync(ct);
        if (network is null || !services.Caller.Scope.SeesRollUpsOfNetwork(networkId))
        {
            return ApiProblems.NotFound($"There is no network {networkId} whose roll-ups you may read.");
        }
        var units = await UnitsAsync(db, u => u.NetworkId == networkId, ct);
        var subject = new Subject(RollUpSubject.Network, networkId, network.Code, network.Name, Network(networkId),
            units.Count(u => u.Active), r => r.NetworkId == networkId, Breakdown(units, p => ProviderIn(Network(networkId), p)));
        return TypedResults.Ok(await SummariseAsync(subject, query, db, services, ct));
    }

    private sealed record UnitRow(Guid ProviderId, string ProviderCode, string ProviderName, Guid NetworkId, bool Active);

    private sealed record ProviderPart(Guid Id, string Code, string Name, int Units, RollUpGroup Group);

    private sealed record Subject(RollUpSubject Kind, Guid Id, string Code, string Name, RollUpGroup Group, int Units,
        Expression<Func<AreaResultRow, bool>> Filter, IReadOnlyList<ProviderPart> Providers);

    private static async Task<List<UnitRow>> UnitsAsync(SeQuInDbContext db, Expression<Func<Organisations.Unit, bool>> which, CancellationToken ct) =>
        await db.Units.AsNoTracking().Where(which)
            .Select(u => new UnitRow(u.ProviderId, u.Provider!.Code, u.Provider.Name, u.NetworkId, u.Active)).ToListAsync(ct);

    private static List<ProviderPart> Breakdown(List<UnitRow> units, Func<Guid, RollUpGroup> group) =>
        units.GroupBy(u => (u.ProviderId, u.ProviderCode, u.ProviderName)).OrderBy(g => g.Key.ProviderCode, StringComparer.Ordinal)
            .Select(g => new ProviderPart(g.Key.ProviderId, g.Key.ProviderCode, g.Key.ProviderName, g.Count(u => u.Active), group(g.Key.ProviderId)))
            .ToList();

    private static async Task<CommissioningSummary> SummariseAsync(Subject subject, RollUpQuery query, SeQuInDbContext db, BenchmarkServices services,
        CancellationToken ct)
    {
        var (from, to) = query.Range(services.Clock);
        var scope = services.Caller.Scope;
        var viewer = Viewer.Of(services.Caller);
        var minimum = BenchmarksApi.MinimumGroupSize(services.Configuration);
        var today = DateOnly.FromDateTime(services.Clock.GetUtcNow().UtcDateTime);
        Func<RollUpResult, bool> hidden = r => !viewer.Sees(r.NetworkId, r.CollaborativeId);
        var results = await ReadAsync(db, from, to, subject.Filter, ct);
        var candidates = new List<RollUpGroup> { subject.Group };
        candidates.AddRange(subject.Providers.Select(p => p.Group));
        // Only figures over units the caller cannot read one by one need every roll-up it can obtain (as benchmarks do, ADR 0009).
        if (results.Any(hidden))
        {
            var published = await db.Networks.AsNoTracking().Where(n => n.PublishSummaries).Select(n => n.Id).ToListAsync(ct);
            results = (await ReadAsync(db, from, to, InReach(scope), ct)).Concat(await ReadAsync(db, from, to, r => published.Contains(r.NetworkId), ct))
                .DistinctBy(r => (r.UnitId, r.AreaCode, r.Month)).ToList();
            candidates = await CandidatesAsync(db, scope, published, results, ct);
        }
        var areas = results.Where(subject.Group.Holds).Select(r => r.AreaCode).Distinct().Order(StringComparer.Ordinal).ToList();
        var rules = new RollUpRules(minimum, hidden, month => Disclosure.IsClosed(month, today), candidates);
        return new CommissioningSummary(subject.Kind, subject.Id, subject.Code, subject.Name, Assessments.Months.Format(from), Assessments.Months.Format(to),
            subject.Units, minimum, RollUps.Rows(subject.Group, subject.Units, results, from, to, areas, rules),
            subject.Providers.Select(p => new ProviderRollUp(p.Id, p.Code, p.Name, p.Units, RollUps.Rows(p.Group, p.Units, results, from, to, areas, rules))).ToList());
    }

    /// <summary>
    /// Every roll-up the caller can obtain, in the order their figures are decided: published networks' public summaries
    /// first (anyone reads them), then the networks, collaboratives and providers within its reach, then providers within
    /// each of those networks and collaboratives. It does not depend on what was asked, so every request answers the same.
    /// </summary>
    private static async Task<List<RollUpGroup>> CandidatesAsync(SeQuInDbContext db, Scope scope, List<Guid> published, List<RollUpResult> results,
        CancellationToken ct)
    {
        var present = results.Select(r => r.CollaborativeId).OfType<Guid>().Distinct().ToList();
        var networksOf = (await db.Units.AsNoTracking().Where(u => u.CollaborativeId != null && present.Contains(u.CollaborativeId.Value))
                .Select(u => new { Collaborative = u.CollaborativeId!.Value, u.NetworkId }).Distinct().ToListAsync(ct))
            .ToLookup(u => u.Collaborative, u => u.NetworkId);
        var networks = results.Select(r => r.NetworkId).Distinct().Order().ToList();
        var readNetworks = networks.Where(scope.SeesRollUpsOfNetwork).ToList();
        var readCollaboratives = present.Order().Where(c => scope.SeesRollUpsOfCollaborative(c, networksOf[c].ToList())).ToList();
        var providers = results.Where(r => scope.RollsUp(new UnitPlace(r.UnitId, r.NetworkId, r.CollaborativeId))).Select(r => r.ProviderId).Distinct().Order().ToList();
        var candidates = new List<RollUpGroup>();
        candidates.AddRange(networks.Where(published.Contains).Select(n => new RollUpGroup($"public:{n}", r => r.NetworkId == n)));
        candidates.AddRange(readNetworks.Select(Network));
        candidates.AddRange(readCollaboratives.Select(Collaborative));
        candidates.AddRange(providers.Select(p => ProviderInReach(p, scope)));
        candidates.AddRange(readNetworks.SelectMany(n => results.Where(r => r.NetworkId == n).Select(r => r.ProviderId).Distinct().Order()
            .Select(p => ProviderIn(Network(n), p))));
        candidates.AddRange(readCollaboratives.SelectMany(c => results.Where(r => r.CollaborativeId == c).Select(r => r.ProviderId).Distinct().Order()
            .Select(p => ProviderIn(Collaborative(c), p))));
        return candidates;
    }

    private static RollUpGroup Network(Guid networkId) => new($"network:{networkId}", r => r.NetworkId == networkId);

    private static RollUpGroup Collaborative(Guid collaborativeId) => new($"collaborative:{collaborativeId}", r => r.CollaborativeId == collaborativeId);

    private static RollUpGroup ProviderIn(RollUpGroup body, Guid providerId) =>
        new($"{body.Key}/provider:{providerId}", r => r.ProviderId == providerId && body.Holds(r));

    private static RollUpGroup ProviderInReach(Guid providerId, Scope scope) =>
        new($"provider:{providerId}", r => r.ProviderId == providerId && scope.RollsUp(new UnitPlace(r.UnitId, r.NetworkId, r.CollaborativeId)));

    /// <summary>The area results of units in the caller's roll-up reach (<see cref="Scope.RollsUp"/>), of one provider or all, as a query filter.</summary>
    private static Expression<Func<AreaResultRow, bool>> InReach(Scope scope, Guid? providerId = null)
    {
        var all = scope.RollUpNetworks.All;
        var networks = scope.RollUpNetworks.Ids;
        var collaboratives = scope.RollUpCollaboratives.Ids;
        return r => (providerId == null || r.ProviderId == providerId)
                    && (all || networks.Contains(r.NetworkId) || (r.CollaborativeId != null && collaboratives.Contains(r.CollaborativeId.Value)));
    }

    /// <summary>The area results, each with the approved family responses to its unit's month and area.</summary>
    private static async Task<List<RollUpResult>> ReadAsync(SeQuInDbContext db, DateOnly from, DateOnly to, Expression<Func<AreaResultRow, bool>> which,
        CancellationToken ct)
    {
        var results = await db.AreaResults.AsNoTracking().Where(which).Where(r => r.Month >= from && r.Month <= to)
            .Select(r => new { r.UnitId, r.ProviderId, r.NetworkId, r.CollaborativeId, r.AreaCode, r.Month, r.Mean, r.AgreedRating, r.CoProduced,
                r.Confirmation, r.OnTime })
            .ToListAsync(ct);
        var families = (await FamilyConcurrence.CountsAsync(db, IdSet.Of(results.Select(r => r.UnitId)), from, to, ct))
            .Where(c => c.Status == FamilyResponseStatus.Approved)
            .GroupBy(c => (c.UnitId, c.Month, c.AreaCode))
            .ToDictionary(g => g.Key, g => new FamilyTally(g.Sum(c => c.Count), g.Where(c => c.Verdict == FamilyVerdict.Concur).Sum(c => c.Count)));
        return results.Select(r => new RollUpResult(r.UnitId, r.ProviderId, r.NetworkId, r.CollaborativeId, r.AreaCode, r.Month, r.Mean, r.AgreedRating,
            r.CoProduced, r.Confirmation, r.OnTime, families.GetValueOrDefault((r.UnitId, r.Month, r.AreaCode)))).ToList();
    }
}
