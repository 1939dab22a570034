using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer sqn_k_…</c>. A revoked or expired key fails on the very next request:
/// the key is read from the database each time (one indexed lookup).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SeQuInDbContext db,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Last-used times are written at most this often per key, so that reads do not become writes.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Every authenticated request runs this: compiled once, so no expression tree is built or looked up per request.</summary>
    private static readonly Func<SeQuInDbContext, string, CancellationToken, Task<ApiKey?>> FindKey =
        EF.CompileAsyncQuery((SeQuInDbContext db, string keyId, CancellationToken ct) => db.ApiKeys.AsNoTracking().SingleOrDefault(k => k.KeyId == keyId));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AccessSetup.TryGetBearer(Request, out var token))
        {
            return AuthenticateResult.NoResult();
        }
        if (!ApiKeyFormat.TryParse(token, out var keyId, out var secret))
        {
            return AuthenticateResult.Fail("The API key is malformed.");
        }
        var key = await TransientRetry.ReadAgainOnceAsync(Context, () => FindKey(db, keyId, Context.RequestAborted));
        if (key is null || !ApiKeyFormat.Matches(secret, key.SecretHash))
        {
            return AuthenticateResult.Fail("The API key is not known.");
        }
        var now = clock.Now();
        if (key.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API key has been revoked.");
        }
        if (key.ExpiresAt <= now)
        {
            return AuthenticateResult.Fail("The API key has expired.");
        }
        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUsedResolution)
        {
            await db.ApiKeys.Where(k => k.Id == key.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }
        var identity = new ClaimsIdentity(Caller.ClaimsFor($"key:{key.KeyId}", [Grant.Of(key)]), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer realm=\"SeQuIn\""
            : $"Bearer realm=\"SeQuIn\", error=\"invalid_token\", error_description=\"{failure}\"";
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = ApiProblems.Create(401, "Unauthorized",
                failure ?? "Sign in: send 'Authorization: Bearer <API key or access token>'."),
        });
    }
}
