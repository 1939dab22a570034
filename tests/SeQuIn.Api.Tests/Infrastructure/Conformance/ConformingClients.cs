using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace SeQuIn.Api.Tests.Infrastructure.Conformance;

/// <summary>
/// Clients whose every answer is checked against the committed contract, for any host of the service: a SeQuInApp,
/// or one derived from it with WithWebHostBuilder. The derived host is a WebApplicationFactory of its own, whose
/// CreateClient knows nothing of SeQuInApp's; so SeQuInApp refuses to configure any client not made here
/// (<see cref="SeQuInApp"/>'s ConfigureClient, which derived hosts call too), and a test cannot skip the check by mistake.
/// </summary>
public static class ConformingClients
{
    [ThreadStatic]
    private static bool _building;

    /// <summary>Whether the client being configured on this thread is one of these.</summary>
    internal static bool Building => _building;

    /// <summary>Redirects are followed, as WebApplicationFactory's own CreateClient does; each hop is checked.</summary>
    /// <param name="contract">The contract to hold answers to; the committed one unless a test checks the checker.</param>
    public static HttpClient CreateConformingClient(this WebApplicationFactory<Program> app, string? bearer = null, ContractDocument? contract = null)
    {
        HttpClient client;
        _building = true;
        try
        {
            client = app.CreateDefaultClient(new RedirectHandler(), new ContractConformanceHandler(contract));
        }
        finally
        {
            _building = false;
        }
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }
}
