using System.Net;
using System.Text.RegularExpressions;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Contract;

/// <summary>The interactive reference at /docs: there without a key in every environment, showing the committed contract.</summary>
public sealed class ApiReferenceTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static readonly Regex ScriptSource = new("<script[^>]*\\ssrc=\"([^\"]+)\"", RegexOptions.NonBacktracking);

    [Fact]
    public async Task The_reference_at_docs_answers_without_a_key_and_shows_the_committed_contract()
    {
        // The shared host runs in the Testing environment: not Development, where Swagger UI is also on.
        var page = await Anonymous.GetAsync(ApiReference.Path);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        // Scalar resolves the document against the application's base path, so it names it without the leading slash.
        Assert.Contains($"\"url\":\"{ApiReference.ContractPath.TrimStart('/')}\"", html);
        // Its script is served from here, not from a CDN that a deployment behind a firewall would not reach.
        var scripts = ScriptSource.Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(Uri.TryCreate(script, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http"), $"{script} is fetched from elsewhere");
            var answer = await Anonymous.GetAsync(new Uri(new Uri("http://localhost" + ApiReference.Path + "/"), script));
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{script} answered {(int)answer.StatusCode}");
        }

        var contract = await Anonymous.GetAsync(ApiReference.ContractPath);
        Assert.Equal(HttpStatusCode.OK, contract.StatusCode);
        Assert.Equal("application/json", contract.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Repository.Root, "openapi", "sequin.v1.json")), await contract.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Only_the_reference_page_gets_a_content_security_policy_that_lets_it_run_script()
    {
        var page = await Anonymous.GetAsync(ApiReference.Path);
        var contract = await Anonymous.GetAsync(ApiReference.ContractPath);
        var api = await Client.GetAsync("/api/v1/frameworks/active");

        var pagePolicy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", pagePolicy);
        Assert.Contains("frame-ancestors 'none'", pagePolicy);
        Assert.DoesNotContain("*", pagePolicy);
        Assert.Equal("DENY", string.Join(",", page.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", string.Join(",", page.Headers.GetValues("X-Content-Type-Options")));
        foreach (var strict in new[] { contract, api })
        {
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", string.Join(";", strict.Headers.GetValues("Content-Security-Policy")));
        }
    }
}
