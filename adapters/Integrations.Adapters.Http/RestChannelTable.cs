using Integrations.Bus.Config;
using Integrations.Config;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Integrations.Adapters.Http;

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
