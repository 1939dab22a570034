using System.Net;

namespace SeQuIn.Api.Webhooks;

/// <summary>How webhooks are delivered (section SeQuIn:Webhooks).</summary>
public sealed class WebhookOptions
{
    /// <summary>Whether this instance delivers. Every instance may: each delivery is leased to one at a time.</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>How often the dispatcher looks for new feed entries and due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a receiver has to answer before the attempt counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry waits about this long; each further one twice as long (with jitter), up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long a delivery is retried before it fails and its subscription is disabled: at least 3 days.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How many deliveries one instance sends at once.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Endpoints must be https unless this is set (tests and local development only).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Address ranges (CIDR) that endpoints may resolve to although they are private, loopback or link-local, e.g.
    /// "127.0.0.0/8" for a receiver on the same machine. Empty by default: such endpoints are refused.
    /// </summary>
    public List<string> AllowedPrivateNetworks { get; set; } = [];

    /// <summary>How long a rotated-out secret keeps signing beside the new one unless the rotation says otherwise.</summary>
    public TimeSpan DefaultSecretOverlap { get; set; } = TimeSpan.FromHours(24);

    internal IReadOnlyList<IPNetwork> AllowedNetworks() => AllowedPrivateNetworks.Select(IPNetwork.Parse).ToList();
}
