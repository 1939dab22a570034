using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SeQuIn.Api.Tests.Infrastructure;

using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Common;

public sealed class HardeningTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Over_the_limit_a_caller_gets_429_with_retry_after()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:RateLimits:PerCallerPerMinute"] = "3",
            ["SeQuIn:RateLimits:AnonymousPerMinute"] = "2",
        });
        using var signedIn = app.CreateClient(Fixture.NationalAdminToken);
        using var anonymous = app.CreateClient();

        var signedInAnswers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            signedInAnswers.Add(await signedIn.GetAsync("/api/v1/units"));
        }
        var anonymousAnswers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            anonymousAnswers.Add(await anonymous.GetAsync("/api/v1/frameworks/active"));
        }

        Assert.All(signedInAnswers.Take(3), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(anonymousAnswers.Take(2), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var refused in new[] { signedInAnswers[3], anonymousAnswers[2] })
        {
            await ReadProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Failed_sign_ins_from_one_address_are_limited_before_any_key_is_looked_up()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:RateLimits:FailedSignInsPerMinute"] = "3",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
        });
        using var signedIn = app.CreateClient(Fixture.NationalAdminToken);
        using var guessing = app.CreateClient(SeQuIn.Api.Access.ApiKeyFormat.Generate().Token);
        using var anonymous = app.CreateClient();

        // Successful sign-ins use up none of the address's failures.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/v1/units")).StatusCode);
        }
        for (var i = 0; i < 3; i++)
        {
            await ReadProblemAsync(await guessing.GetAsync("/api/v1/units"), HttpStatusCode.Unauthorized);
        }
        var lookupsBefore = KeyLookups(app);
        Assert.True(lookupsBefore >= 3, "the key lookups are not logged");
        var refused = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
        {
            refused.Add(await guessing.GetAsync("/api/v1/units"));
        }
        var valid = await signedIn.GetAsync("/api/v1/units");

        foreach (var response in refused.Append(valid))
        {
            await ReadProblemAsync(response, HttpStatusCode.TooManyRequests);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        }
        Assert.Equal(lookupsBefore, KeyLookups(app));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/frameworks/active")).StatusCode);
    }

    [Fact]
    public async Task Forwarded_for_from_a_peer_that_is_not_a_configured_proxy_does_not_change_the_address_limited()
    {
        // Nothing configured (the in-process host has no peer address), and a proxy configured that is not the peer.
        await using var unconfigured = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:RateLimits:FailedSignInsPerMinute"] = "2",
        });
        await using var otherProxy = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:RateLimits:FailedSignInsPerMinute"] = "2",
            ["SeQuIn:ForwardedHeaders:KnownProxies:0"] = "192.0.2.99",
        });

        foreach (var client in new[] { unconfigured.CreateClient(), FromPeer(otherProxy, "192.0.2.10").CreateConformingClient() })
        {
            var answers = new List<HttpStatusCode>();
            for (var i = 1; i <= 4; i++)
            {
                answers.Add((await client.SendAsync(GuessFrom($"203.0.113.{i}"))).StatusCode);
            }
            Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        }
    }

    [Fact]
    public async Task Forwarded_for_from_a_configured_proxy_limits_each_client_address_on_its_own()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:RateLimits:FailedSignInsPerMinute"] = "2",
            ["SeQuIn:ForwardedHeaders:KnownNetworks:0"] = "192.0.2.0/24",
        });
        using var client = FromPeer(app, "192.0.2.10").CreateConformingClient();

        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            first.Add((await client.SendAsync(GuessFrom("203.0.113.1"))).StatusCode);
        }
        var second = (await client.SendAsync(GuessFrom("203.0.113.2"))).StatusCode;

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], first);
        Assert.Equal(HttpStatusCode.Unauthorized, second);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    public void Failed_sign_ins_are_counted_per_ipv4_address_and_per_ipv6_64(string one, string other, bool same)
    {
        var a = SeQuIn.Api.Access.FailedSignIns.PartitionOf(IPAddress.Parse(one));
        var b = SeQuIn.Api.Access.FailedSignIns.PartitionOf(IPAddress.Parse(other));

        Assert.Equal(same, a == b);
        Assert.Equal("unknown", SeQuIn.Api.Access.FailedSignIns.PartitionOf(null));
    }

    /// <summary>The in-process host has no peer address; this one's requests come from <paramref name="peer"/>.</summary>
    private static WebApplicationFactory<Program> FromPeer(SeQuInApp app, string peer) =>
        app.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddTransient<IStartupFilter>(_ => new PeerAddress(System.Net.IPAddress.Parse(peer)))));

    private sealed class PeerAddress(System.Net.IPAddress peer) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = peer;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>A well-formed key that does not exist, said to come from <paramref name="client"/>.</summary>
    private static HttpRequestMessage GuessFrom(string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/units");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SeQuIn.Api.Access.ApiKeyFormat.Generate().Token);
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    }

    private static int KeyLookups(SeQuInApp app) =>
        app.Logs.Lines.Count(line => line.Contains("Executed DbCommand", StringComparison.Ordinal) && line.Contains("api_keys", StringComparison.Ordinal));

    [Fact]
    public async Task A_configured_front_end_origin_passes_the_cors_preflight_and_others_do_not()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:Cors:AllowedOrigins:0"] = "https://portal.example.nhs.uk",
        });
        using var client = app.CreateClient();

        var allowed = await client.SendAsync(Preflight("https://portal.example.nhs.uk"));
        var other = await client.SendAsync(Preflight("https://elsewhere.example"));

        Assert.Equal("https://portal.example.nhs.uk", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Answers_carry_security_headers()
    {
        var response = await Anonymous.GetAsync("/api/v1/frameworks/active");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Swagger_ui_is_served_only_in_development()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/swagger/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.GetAsync("/swagger/v1/swagger.json")).StatusCode);
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/units");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }
}
