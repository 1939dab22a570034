using System.Net;
using SeQuIn.Api.Tests.Infrastructure;

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
