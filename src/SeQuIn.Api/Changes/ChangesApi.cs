using System.Globalization;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Changes;

/// <summary>One change an integrator's copy needs.</summary>
/// <param name="Position">Where the entry stands in the feed; entries are read in this order.</param>
/// <param name="Kind">What happened: assessment.submitted, assessment.resubmitted, assessment.returned, assessment.reopened, assessment.imported, assessment.confirmed (by its service-user participant; data.confirmation is agreed or disagreed), unit.created, unit.changed, unit.deactivated, unit.reactivated, network.changed (publishing settings included), framework-version.activated, buddying.paired, buddying.outcome-recorded.</param>
/// <param name="ResourceType">What it happened to: assessment, unit, network, framework-version or buddy-pairing.</param>
/// <param name="Revision">The resource's revision after the change (its ETag is derived from it); null for a framework version, whose ETag is read with it.</param>
/// <param name="Link">Where to read the resource now.</param>
/// <param name="Data">What the entry says beyond its resource. A return or reopening is a tombstone: it names the figures withdrawn from the benchmarks (unit, area, month, framework version, mean, percentage, agreed rating).</param>
public sealed record ChangeEntry(string Position, DateTimeOffset OccurredAt, string Kind, string ResourceType, Guid ResourceId, int? Revision,
    Guid? UnitId, Guid? NetworkId, string Link, JsonElement? Data);

/// <summary>A page of the change feed.</summary>
/// <param name="Items">Entries in feed order.</param>
/// <param name="Next">Pass as <c>after</c> to read on. There is always one: at the end of the feed it is where new entries will appear.</param>
/// <param name="HasMore">Whether more entries could be read at once.</param>
/// <param name="Limit">The page size that was applied.</param>
public sealed record ChangePage(IReadOnlyList<ChangeEntry> Items, string Next, bool HasMore, int Limit);

/// <param name="after">The <c>next</c> of the previous page, or the position an export stated in SeQuIn-Changes-Position; from the beginning of the feed when left out.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="until">Read no further than this position (a <c>next</c>, or an export's SeQuIn-Changes-Position): entries after <c>after</c> and not after <c>until</c>, to replay exactly the changes between two exports. Without it, to the end of the feed.</param>
public sealed record ChangeQuery(string? after, int? limit, string? until);

public sealed class ChangeQueryValidator : AbstractValidator<ChangeQuery>
{
    public ChangeQueryValidator()
    {
        RuleFor(q => q.limit).InclusiveBetween(1, Paging.MaxLimit);
        RuleFor(q => q.after).Must(a => ChangesApi.TryDecode(a, out _)).WithMessage("'after' is not a position this service issued.");
        RuleFor(q => q.until).Must(u => ChangesApi.TryDecode(u, out _)).WithMessage("'until' is not a position this service issued.");
    }
}

public static class ChangesApi
{
    /// <summary>The response header in which an export states the feed position it is consistent with (ADR 0027).</summary>
    public const string PositionHeader = "SeQuIn-Changes-Position";

    public static IEndpointRouteBuilder MapChangesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/changes", ListChanges)
            .WithTags("Changes")
            .WithName(nameof(ListChanges))
            .WithValidation()
            .RequireAuthorization(Policies.UnitLevelReader)
            .WithRoles(AllowedRoles.UnitLevelReaders)
            .WithSummary("Follow every change an integrator's copy needs, in order, with no gaps")
            .WithDescription(
                "The change feed: one entry per change (an assessment submitted, resubmitted, returned, reopened, imported or confirmed by its service user; a unit " +
                "created, changed, deactivated or reactivated; a network's settings changed; a framework version activated; a buddy pairing recorded or its outcome), scoped like " +
                "every read (the changes of networks and units whose results the caller sees; framework versions for everyone). Follow 'next' for ever: an entry is shown only " +
                "once every change that began before it has committed or failed, so a reader that follows the cursor never misses " +
                "an entry, whatever commits concurrently. A return or reopening is a tombstone naming the figures withdrawn. 'until' " +
                "stops at a position, such as the SeQuIn-Changes-Position of an export, so that a bulk copy can be brought exactly to it.");
        return routes;
    }

    public static async Task<Results<Ok<ChangePage>, ValidationProblem>> ListChanges([AsParameters] ChangeQuery query, Caller caller,
        SeQuInDbContext db, CancellationToken ct)
    {
        TryDecode(query.after, out var after);
        // Without until, to the end: a position no entry can pass.
        (ulong Transaction, long Position) until = query.until is not null && TryDecode(query.until, out var u) ? u : (ulong.MaxValue, long.MaxValue);
        var limit = query.limit ?? Paging.DefaultLimit;
        var scope = caller.Scope;
        var networks = scope.ResultNetworks;
        var collaboratives = scope.ResultCollaboratives;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // transaction_id < pg_snapshot_xmin: only transactions that finished before every one still running began.
            // An entry committed later has a transaction id at or above that bound, so it sorts after every entry shown.
            await using var command = new NpgsqlCommand("""
                SELECT position, transaction_id::text, occurred_at, kind, resource_type, resource_id, revision, unit_id, network_id, data::text, link
                FROM change_events
                WHERE (transaction_id, position) > ($1::text::xid8, $2)
                  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                  AND (transaction_id, position) <= ($7::text::xid8, $8)
                  AND ($3 OR network_id = ANY($4) OR collaborative_id = ANY($5) OR (network_id IS NULL AND unit_id IS NULL))
                ORDER BY transaction_id, position
                LIMIT $6
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after.Transaction.ToString(CultureInfo.InvariantCulture) });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Position });
            command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = networks.All });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = networks.Ids });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = collaboratives.Ids });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = until.Transaction.ToString(CultureInfo.InvariantCulture) });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = until.Position });
            var items = new List<ChangeEntry>();
            var last = after;
            var hasMore = false;
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var position = (ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt64(0));
                    if (items.Count == limit)
                    {
                        hasMore = true;
                        break;
                    }
                    last = position;
                    var resourceType = reader.GetString(4);
                    var resourceId = reader.GetGuid(5);
                    items.Add(new ChangeEntry(Encode(position), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), resourceType, resourceId,
                        reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetGuid(7), reader.IsDBNull(8) ? null : reader.GetGuid(8),
                        reader.GetString(10), reader.IsDBNull(9) ? null : JsonSerializer.Deserialize<JsonElement>(reader.GetString(9))));
                }
            }
            return TypedResults.Ok(new ChangePage(items, Encode(last), hasMore, limit));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    internal static string Encode((ulong Transaction, long Position) at) =>
        Paging.Encode(string.Create(CultureInfo.InvariantCulture, $"{at.Transaction}.{at.Position}"));

    internal static bool TryDecode(string? text, out (ulong Transaction, long Position) at)
    {
        at = (0, 0);
        if (text is null)
        {
            return true;
        }
        if (!Paging.TryDecode(text, out var key) || key is null || key.Split('.') is not [var transaction, var position])
        {
            return false;
        }
        if (!ulong.TryParse(transaction, NumberStyles.None, CultureInfo.InvariantCulture, out var x)
            || !long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var p))
        {
            return false;
        }
        at = (x, p);
        return true;
    }
}
