using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Common;

/// <summary>Marks an endpoint that honours Idempotency-Key (documented in the contract).</summary>
/// <param name="SecretAnswer">A repeat is refused (409) instead of replayed: the answer holds a secret shown once (a confirmation code), never kept.</param>
public sealed record IdempotencyMetadata(bool SecretAnswer = false);

/// <summary>
/// Makes creates and actions safe to retry. With an Idempotency-Key header, the first answer is kept (per caller
/// and key) — refusals included — and replayed exactly (status, body, Location, ETag) for repeats; the same key with
/// a different request is refused (422); a repeat while the first is still running waits for it and gets its answer.
/// Keys are kept for a day.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    /// <summary>
    /// An HttpContext item that names whose key it is instead of the caller's: set by an anonymous endpoint that can
    /// tell callers apart by what they send (a confirmation code's hash), so one caller's key never replays another's answer.
    /// </summary>
    public const string ActorItem = "SeQuIn.IdempotencyActor";
    private static readonly TimeSpan Kept = TimeSpan.FromDays(1);

    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder, bool secretAnswer = false)
    {
        builder.WithMetadata(new IdempotencyMetadata(secretAnswer));
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var key = http.Request.Headers[Header].ToString();
            if (key.Length == 0)
            {
                return await next(context);
            }
            if (key.Length > 200)
            {
                return ApiProblems.Invalid(Header, $"'{Header}' may be at most 200 characters.");
            }
            if (key.Any(c => c is < '!' or > '~'))
            {
                return ApiProblems.Invalid(Header, $"'{Header}' may hold only visible ASCII characters (a UUID is a good key).");
            }
            var db = http.RequestServices.GetRequiredService<SeQuInDbContext>();
            var clock = http.RequestServices.GetRequiredService<TimeProvider>();
            var actor = http.Items[ActorItem] as string ?? Caller.From(http.User).Actor;
            // A body the handler reads itself (a CSV import, a file) is hashed as the handler reads it, never buffered:
            // its hash is known only once it has been read to the end.
            var streamed = StreamedBody.Wrap(http.Request, context.Arguments);
            try
            {
                var hash = streamed is null ? HashOf(http.Request, context.Arguments) : null;
                var now = clock.Now();

                // Claim, change and kept answer in one transaction (ADR 0013): a request cut off by a database fault
                // leaves neither its change nor its record behind, so a retry with the key applies it exactly once; and
                // one whose commit went through is replayed. A repeat sent while the first runs waits on the claim,
                // then replays the first answer. The claim is a transaction-scoped advisory lock, not a row: it writes
                // nothing, so the transaction takes its id only when the handler changes something — after it has read
                // what it changes — and the change feed's (transaction, position) order follows each resource's
                // commits (ADR 0027). The record is written with the answer, at the end.
                await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({LockKey(actor, key)})", http.RequestAborted);
                var first = await db.IdempotencyRecords.AsNoTracking()
                    .SingleOrDefaultAsync(r => r.Actor == actor && r.Key == key && r.CreatedAt >= now - Kept, http.RequestAborted);
                if (first is not null)
                {
                    if (!first.Completed)
                    {
                        // Written by an earlier version of the service, whose claims were rows: say when to ask again.
                        http.Response.Headers.RetryAfter = "1";
                        return ApiProblems.Conflict($"The first request with this {Header} is still being processed; retry in a moment.");
                    }
                    hash ??= await streamed!.HashToEndAsync(http.RequestAborted);
                    if (first.RequestHash != hash)
                    {
                        return ApiProblems.Unprocessable(Header, $"This {Header} was used for a different request; use a new key for a new request.");
                    }
                    return new Replay(first.StatusCode, first.Location, first.ETag, first.Body);
                }

                var result = await next(context);
                var inner = result is INestedHttpResult nested ? nested.Result : result;
                var status = (inner as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
                // With the options the answer itself was written with (their encoder differs from Json.Options'), so
                // that the replay is the same text.
                var written = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()
                    .Value.SerializerOptions;
                var body = inner is IValueHttpResult { Value: { } value } ? JsonSerializer.Serialize(value, value.GetType(), written) : null;
                var location = inner?.GetType().GetProperty("Location")?.GetValue(inner) as string;
                var etag = http.Response.Headers.ETag.ToString() is { Length: > 0 } set ? set : null;
                if (secretAnswer && status < 300)
                {
                    // The secret is shown once and never kept: a repeat learns that it was issued, not what it was.
                    status = StatusCodes.Status409Conflict;
                    body = JsonSerializer.Serialize(ApiProblems.Create(status, "Conflict",
                        $"The first request with this {Header} succeeded and its answer, shown only once, is not kept: make a new request to get a new one."), written);
                    (location, etag) = (null, null);
                }
                // What the handler left unread counts too: two bodies that differ only past where a refusal stopped reading are different requests.
                hash ??= await streamed!.HashToEndAsync(http.RequestAborted);
                // Expired records go with any new one (rows another request is deleting right now are left to it); an
                // expired record of this very key is replaced.
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""
                    DELETE FROM idempotency_records WHERE (actor, key) IN (
                        SELECT actor, key FROM idempotency_records WHERE created_at < {now - Kept} FOR UPDATE SKIP LOCKED)
                    """, CancellationToken.None);
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""
                    INSERT INTO idempotency_records (key, actor, request_hash, completed, status_code, body, location, etag, created_at)
                    VALUES ({key}, {actor}, {hash}, true, {status}, {body}, {location}, {etag}, {now})
                    ON CONFLICT (actor, key) DO UPDATE SET request_hash = excluded.request_hash, completed = true, status_code = excluded.status_code,
                        body = excluded.body, location = excluded.location, etag = excluded.etag, created_at = excluded.created_at
                    """, CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            }
            finally
            {
                // A retry after a lost connection (TransientRetry) rewinds the body it buffered and comes through here again.
                streamed?.Unwrap(http.Request);
            }
        });
        return builder;
    }

    /// <summary>The advisory lock of one caller's key: 64 bits of a hash (two keys that share it only wait for each other).</summary>
    private static long LockKey(string actor, string key) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("idempotency\n" + actor + "\n" + key)), 0);

    /// <summary>
    /// What makes two requests "the same": method, path with its route values, query string (a dry run is not the
    /// import), and body. A body bound to one of the API's contract records is hashed as that record; any other body
    /// (a CSV import, a file) is hashed as the bytes sent, as the handler reads them (<see cref="StreamedBody"/>).
    /// </summary>
    private static string HashOf(HttpRequest request, IList<object?> arguments)
    {
        using var hash = Start(request);
        var record = BoundRecord(request, arguments)!;
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(record, record.GetType(), Json.Options));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static IncrementalHash Start(HttpRequest request)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.Method + " " + request.Path + request.QueryString + "\n"));
        return hash;
    }

    /// <summary>The request record among a handler's arguments, if it binds one.</summary>
    private static object? BoundRecord(HttpRequest request, IList<object?> arguments)
    {
        // The caller is an argument too (bound once per request), but it is who asks, not what is asked: the actor keys the record.
        // Services a handler takes (the metrics, say) are not what is asked either: hashing one instead of a CSV body made every body alike.
        // Nor is a bundle of them ([AsParameters] IServiceBundle): a handler without a body would hash its services instead of its bytes.
        var services = request.HttpContext.RequestServices.GetRequiredService<IServiceProviderIsService>();
        return arguments.FirstOrDefault(a => a is not null and not SeQuInDbContext and not Audit.AuditTrail and not Caller and not IServiceBundle
                                             && a.GetType().Namespace?.StartsWith("SeQuIn.Api", StringComparison.Ordinal) == true
                                             && !services.IsService(a.GetType()));
    }

    /// <summary>
    /// A request body hashed as it is read: by the handler first, then (whatever it left) by the filter. Replaces
    /// Request.Body, so the handler streams as it would without a key, and nothing is buffered in memory or on disk.
    /// </summary>
    private sealed class StreamedBody(Stream inner, IncrementalHash hash) : Stream
    {
        public void Unwrap(HttpRequest request)
        {
            request.Body = inner;
            if (_hash is null)
            {
                hash.Dispose(); // a request that failed before its body was hashed to the end
            }
        }

        private string? _hash;

        public static StreamedBody? Wrap(HttpRequest request, IList<object?> arguments)
        {
            if (BoundRecord(request, arguments) is not null)
            {
                return null;
            }
            var hash = Start(request);
            hash.AppendData(Encoding.UTF8.GetBytes((request.ContentType ?? "") + "\n"));
            var body = new StreamedBody(request.Body, hash);
            request.Body = body;
            return body;
        }

        public async Task<string> HashToEndAsync(CancellationToken ct)
        {
            if (_hash is null)
            {
                var buffer = new byte[16 * 1024];
                while (await ReadAsync(buffer, ct) > 0)
                {
                }
                _hash = Convert.ToHexStringLower(hash.GetHashAndReset());
                hash.Dispose();
            }
            return _hash;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            hash.AppendData(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            hash.AppendData(buffer, offset, read);
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The stored first answer, sent again as it was.</summary>
    private sealed class Replay(int status, string? location, string? etag, string? body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            if (location is not null)
            {
                httpContext.Response.Headers.Location = location;
            }
            if (etag is not null)
            {
                httpContext.Response.Headers.ETag = etag;
            }
            if (body is not null)
            {
                httpContext.Response.ContentType = status >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
                await httpContext.Response.WriteAsync(body);
            }
        }
    }
}
