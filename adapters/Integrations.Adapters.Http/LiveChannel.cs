using System.Threading.RateLimiting;
using Integrations.Bus.Edge;
using Integrations.Config;

namespace Integrations.Adapters.Http;

/// <summary>A REST channel ready to take calls: its configuration, and its callers' rate limiter.</summary>
public sealed class LiveChannel
{
    internal LiveChannel(ChannelRest config)
    {
        Config = config;
        if (config.RateLimit is { } text && RateLimit.TryParse(text, out var rate, out _))
            Limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetFixedWindowLimiter(caller, _ =>
                new FixedWindowRateLimiterOptions { PermitLimit = rate.Permits, Window = rate.Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>The channel's configuration.</summary>
    public ChannelRest Config { get; }

    /// <summary>Counts calls per caller when the channel has a rate limit.</summary>
    public PartitionedRateLimiter<string>? Limiter { get; }
}
