using System.Threading.RateLimiting;
using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Integrations.Config;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Integrations.Adapters.Http;

/// <summary>A REST channel ready to take calls: its route, and its callers' rate limiter.</summary>
public sealed class LiveChannel
{
    internal LiveChannel(ChannelRest config)
    {
        Config = config;
        var template = TemplateParser.Parse(config.UrlPath.TrimStart('/'));
        IsLiteral = template.Parameters.Count == 0;
        Matcher = new TemplateMatcher(template, new RouteValueDictionary());
        if (config.RateLimit is { } text && RateLimit.TryParse(text, out var rate, out _))
            Limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetFixedWindowLimiter(caller, _ =>
                new FixedWindowRateLimiterOptions { PermitLimit = rate.Permits, Window = rate.Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>The channel's configuration.</summary>
    public ChannelRest Config { get; }
    internal bool IsLiteral { get; }
    internal TemplateMatcher Matcher { get; }

    /// <summary>Counts calls per caller when the channel has a rate limit.</summary>
    public PartitionedRateLimiter<string>? Limiter { get; }
}

/// <summary>
/// The REST channels of the cluster, matched by path. Rebuilt from the node's configuration when it changes, never
/// read from PostgreSQL; a channel whose configuration did not change keeps its rate-limit counts.
/// </summary>
public sealed class RestChannelTable(ConfigView config)
{
    private Snapshot _snapshot = new(-1, new Dictionary<string, LiveChannel>(), [], new Dictionary<string, LiveChannel>());

    /// <summary>The channel whose path matches, with the path's parameters.</summary>
    public LiveChannel? Match(PathString path, out RouteValueDictionary? values)
    {
        var snapshot = Current();
        values = null;
        var key = path.Value?.TrimEnd('/').ToLowerInvariant() ?? "";
        if (snapshot.Literal.TryGetValue(key.Length == 0 ? "/" : key, out var literal)) return literal;
        foreach (var channel in snapshot.Templated)
        {
            var candidate = new RouteValueDictionary();
            if (channel.Matcher.TryMatch(path, candidate))
            {
                values = candidate;
                return channel;
            }
        }
        return null;
    }

    private Snapshot Current()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var version = config.Version;
        if (snapshot.Version == version) return snapshot;

        var live = new Dictionary<string, LiveChannel>(StringComparer.Ordinal);
        foreach (var channel in config.All<ChannelRest>())
            live[channel.Name] = snapshot.ByName.TryGetValue(channel.Name, out var kept) && ReferenceEquals(kept.Config, channel) ? kept : new LiveChannel(channel);
        // A replaced channel's limiter holds a timer: dispose it once calls that took it have surely finished.
        foreach (var (name, old) in snapshot.ByName)
            if (old.Limiter is { } limiter && (!live.TryGetValue(name, out var now) || !ReferenceEquals(now, old)))
                _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => limiter.Dispose(), TaskScheduler.Default);
        // Two channels with one path can only come from changes racing on two nodes; the first by name keeps it.
        var literal = new Dictionary<string, LiveChannel>(StringComparer.Ordinal);
        foreach (var channel in live.Values.Where(c => c.IsLiteral).OrderBy(c => c.Config.Name, StringComparer.Ordinal))
            literal.TryAdd(channel.Config.UrlPath.TrimEnd('/').ToLowerInvariant() is { Length: > 0 } p ? p : "/", channel);
        var templated = live.Values.Where(c => !c.IsLiteral).OrderByDescending(c => c.Config.UrlPath.Count(ch => ch == '/')).ToList();
        snapshot = new Snapshot(version, literal, templated, live);
        Volatile.Write(ref _snapshot, snapshot);
        return snapshot;
    }

    private sealed record Snapshot(long Version, IReadOnlyDictionary<string, LiveChannel> Literal, IReadOnlyList<LiveChannel> Templated,
        IReadOnlyDictionary<string, LiveChannel> ByName);
}
