using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace SeQuIn.Api.Access;

/// <summary>
/// Counts failed sign-ins per client address (SeQuIn:RateLimits:FailedSignInsPerMinute, default 20). Once an
/// address has used them up, its requests that present credentials are refused before any key is looked up, so a
/// key-guessing flood costs no database round trips; successful sign-ins are not counted.
/// </summary>
public sealed class FailedSignIns : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public FailedSignIns(IConfiguration configuration)
    {
        var perMinute = Math.Max(1, configuration.GetValue("SeQuIn:RateLimits:FailedSignInsPerMinute", 20));
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Whether this request's address has no failures left in the current window (asking takes none).</summary>
    public bool IsExhausted(HttpContext context, out TimeSpan retryAfter)
    {
        using var lease = _failures.AttemptAcquire(PartitionOf(context.Connection.RemoteIpAddress), 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return !lease.IsAcquired;
    }

    public void RecordFailure(HttpContext context) =>
        _failures.AttemptAcquire(PartitionOf(context.Connection.RemoteIpAddress), 1).Dispose();

    /// <summary>
    /// An IPv4 address, or an IPv6 /64 (a single subscriber is usually given a whole /64, so counting single IPv6
    /// addresses would let one client rotate through billions). With no address (an in-process test host), one partition.
    /// </summary>
    internal static string PartitionOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose() => _failures.Dispose();
}
