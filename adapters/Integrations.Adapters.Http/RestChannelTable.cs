using Integrations.Bus.Config;
using Integrations.Bus.Edge;
using Integrations.Config;

namespace Integrations.Adapters.Http;

/// <summary>
/// The REST channels of the cluster as routes of the channel port. Made from the node's configuration when it changes,
/// never read from PostgreSQL; a channel whose configuration did not change keeps its rate-limit counts.
/// </summary>
public sealed class RestChannelTable(ConfigView config, ChannelGateway gateway) : IChannelRoutes
{
    private readonly Lock _gate = new();
    private IReadOnlyDictionary<string, LiveChannel> _live = new Dictionary<string, LiveChannel>();

    /// <inheritdoc />
    public string? Kind => ConfigKinds.NameOf(typeof(ChannelRest));

    /// <inheritdoc />
    public IEnumerable<ChannelRoute> Routes()
    {
        Dictionary<string, LiveChannel> live;
        lock (_gate)
        {
            var before = _live;
            live = new Dictionary<string, LiveChannel>(StringComparer.Ordinal);
            foreach (var channel in config.All<ChannelRest>())
                live[channel.Name] = before.TryGetValue(channel.Name, out var kept) && ReferenceEquals(kept.Config, channel) ? kept : new LiveChannel(channel);
            // A replaced channel's limiter holds a timer: dispose it once calls that took it have surely finished.
            foreach (var (name, old) in before)
                if (old.Limiter is { } limiter && (!live.TryGetValue(name, out var now) || !ReferenceEquals(now, old)))
                    _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => limiter.Dispose(), TaskScheduler.Default);
            _live = live;
        }
        return live.Values.OrderBy(c => c.Config.Name, StringComparer.Ordinal)
            .Select(channel => new ChannelRoute(channel.Config.UrlPath, $"channel_rest '{channel.Config.Name}'",
                (http, cid) => gateway.HandleAsync(http, channel, cid)));
    }
}
