using System.Threading.RateLimiting;
using SeQuIn.Api.Access;

namespace SeQuIn.Api.Confirmations;

/// <summary>
/// Counts wrong confirmation codes, per client address (SeQuIn:RateLimits:WrongConfirmationCodesPerMinute, default
/// 10) and across the whole service (SeQuIn:RateLimits:WrongConfirmationCodesServiceWidePerMinute, default 300).
/// Once either is used up, code requests are refused with 429 before any code is looked up — a right code too — so a
/// guesser learns nothing more, and spread over many addresses still guesses at most the service-wide rate (ADR 0031).
/// Kept apart from <see cref="FailedSignIns"/>: mistyped codes on a ward tablet do not lock staff out of signing in.
/// Addresses are partitioned as there (IPv4, or an IPv6 /64).
/// </summary>
public sealed class WrongCodes : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly RateLimiter _serviceWide;

    public WrongCodes(IConfiguration configuration)
    {
        var perAddress = Math.Max(1, configuration.GetValue("SeQuIn:RateLimits:WrongConfirmationCodesPerMinute", 10));
        var serviceWide = Math.Max(1, configuration.GetValue("SeQuIn:RateLimits:WrongConfirmationCodesServiceWidePerMinute", 300));
        _perAddress = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => Window(perAddress)));
        _serviceWide = new FixedWindowRateLimiter(Window(serviceWide));
    }

    /// <summary>Whether this request's address, or the service as a whole, has no wrong codes left in the current window (asking takes none).</summary>
    public bool IsExhausted(HttpContext context, out TimeSpan retryAfter)
    {
        using var address = _perAddress.AttemptAcquire(FailedSignIns.PartitionOf(context.Connection.RemoteIpAddress), 0);
        using var service = _serviceWide.AttemptAcquire(0);
        var refused = address.IsAcquired ? service : address;
        retryAfter = refused.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return !address.IsAcquired || !service.IsAcquired;
    }

    public void RecordWrongCode(HttpContext context)
    {
        _perAddress.AttemptAcquire(FailedSignIns.PartitionOf(context.Connection.RemoteIpAddress), 1).Dispose();
        _serviceWide.AttemptAcquire(1).Dispose();
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public void Dispose()
    {
        _perAddress.Dispose();
        _serviceWide.Dispose();
    }
}

/// <summary>
/// The server's key for code hashes (SeQuIn:Confirmations:CodeKey, base64, at least 32 bytes) and how long a code
/// lives (SeQuIn:Confirmations:CodeLifetime, default 30 minutes, at most a day). Without a configured key, each
/// process makes a random one and says so: codes then work only on the instance that issued them, until it restarts —
/// fine for one local instance, not for a deployment of several.
/// </summary>
public sealed class ConfirmationSettings
{
    public ConfirmationSettings(IConfiguration configuration, ILogger<ConfirmationSettings> logger)
    {
        var configured = configuration["SeQuIn:Confirmations:CodeKey"];
        if (string.IsNullOrEmpty(configured))
        {
            Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            logger.LogWarning("SeQuIn:Confirmations:CodeKey is not set: confirmation codes work only on this instance until it restarts.");
        }
        else
        {
            Key = Convert.FromBase64String(configured);
            if (Key.Length < 32)
            {
                throw new InvalidOperationException("SeQuIn:Confirmations:CodeKey must be at least 32 bytes, base64-encoded.");
            }
        }
        var lifetime = configuration.GetValue("SeQuIn:Confirmations:CodeLifetime", TimeSpan.FromMinutes(30));
        CodeLifetime = lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(1)
            ? throw new InvalidOperationException("SeQuIn:Confirmations:CodeLifetime must be more than zero and at most a day.")
            : lifetime;
    }

    public byte[] Key { get; }

    public TimeSpan CodeLifetime { get; }
}
