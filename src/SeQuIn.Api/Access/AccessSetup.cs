using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Access;

/// <summary>An identity provider whose access tokens SeQuIn accepts (configuration SeQuIn:Oidc:Issuers).</summary>
public sealed class OidcIssuerOptions
{
    public string Issuer { get; set; } = "";
    public string Audience { get; set; } = "";
    /// <summary>Discovery document; defaults to the issuer's /.well-known/openid-configuration.</summary>
    public string? MetadataAddress { get; set; }
    /// <summary>A JWKS document given inline instead of discovery (air-gapped deployments and tests).</summary>
    public string? SigningKeysJwks { get; set; }
    public string[] Algorithms { get; set; } = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256];
    /// <summary>Allowed clock skew, at most 60 seconds.</summary>
    public int ClockSkewSeconds { get; set; } = 60;
}

public static class Policies
{
    /// <summary>Any caller holding at least one SeQuIn role.</summary>
    public const string SignedIn = "signed-in";
    public const string NetworkAdmin = "network-admin";
    public const string NationalAdmin = "national-admin";
    public const string InvolvementLead = "involvement-lead";
    public const string UnitMember = "unit-member";
    /// <summary>Those who take part in making or reviewing assessments: unit members, leads and administrators.</summary>
    public const string Reviewer = "reviewer";
    /// <summary>Callers with a role that reads data about single units: every role but commissioner (Scope.ReadsUnitLevelData).</summary>
    public const string UnitLevelReader = "unit-level-reader";
    /// <summary>Callers with a role offered commissioning roll-ups: every role but unit-member (Scope.RollUpNetworks).</summary>
    public const string RollUpReader = "roll-up-reader";
    /// <summary>Those who plan a unit's actions: unit members and involvement leads (Scope.PlansActionsOf).</summary>
    public const string ActionPlanner = "action-planner";
    /// <summary>Those who set a network's priorities: involvement leads and administrators (Scope.SetsPrioritiesOf).</summary>
    public const string PrioritySetter = "priority-setter";
}

public static class AccessSetup
{
    public const string Scheme = "SeQuIn";
    private const string JwtSchemePrefix = "Jwt:";

    public static IServiceCollection AddSeQuInAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var issuers = configuration.GetSection("SeQuIn:Oidc:Issuers").Get<OidcIssuerOptions[]>() ?? [];
        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or OIDC access token", options =>
                options.ForwardDefaultSelector = context => SchemeFor(context.Request, issuers))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        for (var i = 0; i < issuers.Length; i++)
        {
            var issuer = issuers[i];
            authentication.AddJwtBearer(JwtSchemePrefix + i, options => ConfigureJwt(options, issuer));
        }

        services.AddSingleton<FailedSignIns>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            // Deny by default: an endpoint that says nothing about access needs a signed-in caller with a role.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAssertion(c => Caller.From(c.User).Grants.Count > 0).Build())
            .AddPolicy(Policies.SignedIn, policy => policy.RequireAssertion(c => Caller.From(c.User).Grants.Count > 0))
            .AddPolicy(Policies.NetworkAdmin, policy => policy.RequireAssertion(c => Caller.From(c.User).Has(Role.NetworkAdmin)))
            .AddPolicy(Policies.NationalAdmin, policy => policy.RequireAssertion(c => Caller.From(c.User).Scope.IsNationalAdmin))
            .AddPolicy(Policies.InvolvementLead, policy => policy.RequireAssertion(c => Caller.From(c.User).Has(Role.InvolvementLead)))
            .AddPolicy(Policies.UnitMember, policy => policy.RequireAssertion(c => Caller.From(c.User).Has(Role.UnitMember)))
            .AddPolicy(Policies.UnitLevelReader, policy => policy.RequireAssertion(c => Caller.From(c.User).Scope.ReadsUnitLevelData))
            .AddPolicy(Policies.RollUpReader, policy => policy.RequireAssertion(c => Caller.From(c.User).Grants.Any(g => g.Role != Role.UnitMember)))
            .AddPolicy(Policies.ActionPlanner, policy => policy.RequireAssertion(c =>
                Caller.From(c.User) is var caller && (caller.Has(Role.UnitMember) || caller.Has(Role.InvolvementLead))))
            .AddPolicy(Policies.PrioritySetter, policy => policy.RequireAssertion(c =>
                Caller.From(c.User) is var caller && (caller.Has(Role.InvolvementLead) || caller.Has(Role.NetworkAdmin))))
            .AddPolicy(Policies.Reviewer, policy => policy.RequireAssertion(c =>
                Caller.From(c.User) is var caller && (caller.Has(Role.UnitMember) || caller.Has(Role.InvolvementLead) || caller.Has(Role.NetworkAdmin))));
        return services;
    }

    public static bool TryGetBearer(HttpRequest request, out string token)
    {
        token = "";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        token = header["Bearer ".Length..].Trim();
        return token.Length > 0;
    }

    private static string SchemeFor(HttpRequest request, OidcIssuerOptions[] issuers)
    {
        if (!TryGetBearer(request, out var token) || token.StartsWith("sqn_", StringComparison.Ordinal) || issuers.Length == 0)
        {
            return ApiKeyAuthenticationHandler.SchemeName;
        }
        // The issuer is read unvalidated only to choose which issuer's rules validate the token.
        string? iss = null;
        try
        {
            iss = new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            // Not a JWT: the first issuer's handler will refuse it as malformed.
        }
        var index = Array.FindIndex(issuers, i => i.Issuer == iss);
        return JwtSchemePrefix + Math.Max(index, 0);
    }

    private static void ConfigureJwt(JwtBearerOptions options, OidcIssuerOptions issuer)
    {
        options.MapInboundClaims = false;
        options.RequireHttpsMetadata = true;
        if (issuer.SigningKeysJwks is { Length: > 0 } jwks)
        {
            options.Configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration { Issuer = issuer.Issuer };
            foreach (var key in new JsonWebKeySet(jwks).GetSigningKeys())
            {
                options.Configuration.SigningKeys.Add(key);
            }
        }
        else
        {
            options.Authority = issuer.Issuer;
            options.MetadataAddress = issuer.MetadataAddress ?? issuer.Issuer.TrimEnd('/') + "/.well-known/openid-configuration";
        }
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = issuer.Audience,
            ValidAlgorithms = issuer.Algorithms,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(Math.Clamp(issuer.ClockSkewSeconds, 0, 60)),
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = ReplaceClaimsWithMemberships,
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var detail = context.AuthenticateFailure is null
                    ? "Sign in: send 'Authorization: Bearer <API key or access token>'."
                    : "The access token is not valid: " + context.AuthenticateFailure.GetType().Name.Replace("SecurityToken", "").Replace("Exception", "") + ".";
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
                    ? "Bearer realm=\"SeQuIn\""
                    : "Bearer realm=\"SeQuIn\", error=\"invalid_token\"";
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = ApiProblems.Create(401, "Unauthorized", detail),
                });
            },
        };
    }

    /// <summary>
    /// Keeps only who the token says the caller is; what they may do comes from memberships held in SeQuIn.
    /// </summary>
    private static async Task ReplaceClaimsWithMemberships(TokenValidatedContext context)
    {
        var issuer = context.SecurityToken.Issuer;
        var subject = context.Principal?.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            context.Fail("The access token has no subject.");
            return;
        }
        var db = context.HttpContext.RequestServices.GetRequiredService<SeQuInDbContext>();
        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.Issuer == issuer && m.Subject == subject && m.RevokedAt == null)
            .ToListAsync(context.HttpContext.RequestAborted);
        var identity = new ClaimsIdentity(Caller.ClaimsFor($"token:{issuer}|{subject}", memberships.Select(Grant.Of)), context.Scheme.Name);
        context.Principal = new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// Before authentication: an address that has used up its failed sign-ins gets 429 for any request with
    /// credentials, without the key (or the token's memberships) being looked up. Requests without credentials go on
    /// to the anonymous limit.
    /// </summary>
    public static IApplicationBuilder UseFailedSignInLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Headers.Authorization.Count > 0
            && context.RequestServices.GetRequiredService<FailedSignIns>().IsExhausted(context, out var retryAfter))
        {
            await Hardening.WriteTooManyRequestsAsync(context, retryAfter, "Too many failed sign-ins from your address");
            return;
        }
        await next(context);
    });

    /// <summary>
    /// Credentials that fail are an error even where no sign-in is needed, so that a client with a revoked or
    /// expired key learns it at once; credentials are never read from the query string.
    /// </summary>
    public static IApplicationBuilder UseCredentialChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Query.Keys.FirstOrDefault(k => k is "api_key" or "apiKey" or "access_token" or "key" or "token") is { } credential)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            // A 400 names the field it refuses (the contract's validation problem), here the query parameter.
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]>
                {
                    [credential] = ["Credentials are never accepted in the query string (they end up in logs): send 'Authorization: Bearer …'."],
                })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "One or more validation errors occurred.",
                    Type = ApiProblems.TypeFor(400),
                },
            });
            return;
        }
        if (context.Request.Headers.Authorization.Count > 0 && context.User.Identity?.IsAuthenticated != true)
        {
            context.RequestServices.GetRequiredService<FailedSignIns>().RecordFailure(context);
            await context.ChallengeAsync();
            return;
        }
        await next(context);
    });
}
