using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace SeQuIn.Api.Common;

/// <summary>Marks an endpoint that needs If-Match and answers with the new ETag (documented in the contract).</summary>
public sealed record IfMatchMetadata;

/// <summary>
/// The one home of ETags for records that change: their format, If-Match on changes (428 without it, 412 when
/// stale) and If-None-Match on reads (304). A record's ETag is its revision, bumped by every change and used by
/// EF Core as the concurrency token, so the check here and the save agree on what "current" means.
/// </summary>
public static class Preconditions
{
    /// <summary>A strong ETag from a revision, or from several when the representation embeds other records.</summary>
    public static string ETag(params ReadOnlySpan<int> revisions)
    {
        var parts = new string[revisions.Length];
        for (var i = 0; i < revisions.Length; i++)
        {
            parts[i] = revisions[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return "\"" + string.Join('.', parts) + "\"";
    }

    /// <summary>
    /// Null when If-Match names the current ETag (or is "*": the client accepts any current state, as
    /// RFC 9110 allows); otherwise the 428 or 412 to answer, naming the record and its current ETag.
    /// </summary>
    public static PreconditionProblem? CheckIfMatch(HttpRequest request, string current, string what)
    {
        var ifMatch = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(ifMatch))
        {
            return PreconditionProblem.From(ApiProblems.PreconditionRequired(
                $"Send If-Match with the {what}'s ETag ({current} now), so that changes made meanwhile are not overwritten."));
        }
        if (!EntityTagHeaderValue.TryParseStrictList(ifMatch, out var tags))
        {
            return PreconditionProblem.From(ApiProblems.PreconditionFailed(
                $"If-Match must hold one or more quoted ETags, such as {current}, or *."));
        }
        return AnyMatches(tags, current) ? null : Stale(what, current);
    }

    /// <summary>The 412 for a change that lost: someone else changed the record since the client read it.</summary>
    public static PreconditionProblem Stale(string what, string? current = null) =>
        PreconditionProblem.From(ApiProblems.PreconditionFailed(current is null
            ? $"Someone else changed the {what} first: read it again, then retry with its new ETag."
            : $"The {what} has changed since you read it (its ETag is now {current}): read it again before changing it."));

    /// <summary>
    /// Sends the ETag of a record read (private: reads depend on who asks) and tells whether the client already
    /// holds it, so the caller answers 304 instead of the body.
    /// </summary>
    public static bool NotModified(HttpContext http, string etag)
    {
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "private, no-cache";
        return Matches(http.Request.Headers.IfNoneMatch, etag);
    }

    /// <summary>If-None-Match compares weakly (RFC 9110 §13.1.2); "*" matches any current representation.</summary>
    internal static bool Matches(StringValues ifNoneMatch, string etag) =>
        !StringValues.IsNullOrEmpty(ifNoneMatch) && EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags) && AnyMatches(tags, etag);

    /// <summary>
    /// The one comparison of entity tags, for If-Match and If-None-Match alike: weak, so W/"7" matches "7".
    /// RFC 9110 §13.1.1 has If-Match compare strongly, but our tags name a state, not a byte sequence — a revision, or
    /// a hash of the representation's JSON — and a proxy that compresses an answer may weaken its ETag on the way.
    /// Comparing strongly would then refuse every change that client sends with 412, though nothing changed; comparing
    /// weakly lets it through and still refuses a stale tag (ADR 0026).
    /// </summary>
    private static bool AnyMatches(IEnumerable<EntityTagHeaderValue> tags, string current)
    {
        var currentTag = new EntityTagHeaderValue(current);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(currentTag, useStrongComparison: false));
    }

    /// <summary>Documents If-Match, the 412/428 answers and the ETag of the answer on a change.</summary>
    public static RouteHandlerBuilder WithIfMatch(this RouteHandlerBuilder builder) => builder.WithMetadata(new IfMatchMetadata());

    /// <summary>Documents the ETag, If-None-Match and 304 of a read of one record.</summary>
    public static RouteHandlerBuilder WithETag(this RouteHandlerBuilder builder) => builder.WithMetadata(new ConditionalGetMetadata());

    /// <summary>
    /// Saves a change to a record whose revision was bumped; false when a concurrent change saved first (the
    /// revision is the concurrency token), which the caller answers with <see cref="Stale"/>.
    /// </summary>
    public static async Task<bool> TrySaveRevisionAsync(this DbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>Sets the ETag of the record a change left behind.</summary>
    public static void SetETag(this HttpResponse response, string etag) => response.Headers.ETag = etag;
}

/// <summary>412 (If-Match is stale, or a concurrent change won) or 428 (no If-Match).</summary>
public sealed class PreconditionProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Describe(builder, StatusCodes.Status412PreconditionFailed);
        Describe(builder, StatusCodes.Status428PreconditionRequired);
    }

    public static PreconditionProblem From(ProblemResult problem) => new(problem.Value);
}
