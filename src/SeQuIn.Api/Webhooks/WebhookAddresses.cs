using System.Net;
using System.Net.Sockets;

namespace SeQuIn.Api.Webhooks;

/// <summary>
/// Which addresses a webhook may be sent to. A subscriber names a URL, and the service connects to it from inside
/// the operator's network: without this rule anyone with an administrator key could make the service call its own
/// database, a cloud metadata endpoint or anything else behind the firewall. Checked when a subscription is made or
/// changed (so the caller learns at once) and again at every connection, on the address actually connected to, so a
/// name that resolves differently later (DNS rebinding) gains nothing.
/// </summary>
public sealed class WebhookAddresses(WebhookOptions options)
{
    private static readonly IPNetwork[] NotPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("2001:db8::/32"),
    ];

    private readonly IReadOnlyList<IPNetwork> _allowed = options.AllowedNetworks();

    /// <summary>Whether the service may connect to this address.</summary>
    public bool MayConnectTo(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (_allowed.Any(n => n.Contains(address)))
        {
            return true;
        }
        return !NotPublic.Any(n => n.Contains(address));
    }

    /// <summary>Why this URL may not be subscribed, or null. Resolves the host name.</summary>
    public async Task<string?> ProblemWithAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "Must be an absolute https URL.";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !options.AllowHttp)
        {
            return "Must be an https URL: events are sent only over TLS.";
        }
        if (uri.UserInfo.Length > 0)
        {
            return "Must not carry a user name or password; the signature authenticates each event.";
        }
        if (uri.Fragment.Length > 0)
        {
            return "Must not have a fragment.";
        }
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return $"The host '{uri.Host}' does not resolve.";
        }
        if (addresses.Length == 0)
        {
            return $"The host '{uri.Host}' does not resolve.";
        }
        return addresses.FirstOrDefault(a => !MayConnectTo(a)) is { } refused
            ? $"The host '{uri.Host}' resolves to {refused}, a private, loopback or link-local address: events are sent only to public addresses."
            : null;
    }

    /// <summary>
    /// Connects only to addresses <see cref="MayConnectTo"/> allows, checking the address the name resolves to now,
    /// at connection time (the socket handler's connect callback).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(MayConnectTo).ToArray();
        if (allowed.Length == 0 || allowed.Length != addresses.Length)
        {
            throw new HttpRequestException($"Refused to connect to {host}: it resolves to a private, loopback or link-local address.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
