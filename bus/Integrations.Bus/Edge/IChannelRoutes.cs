namespace Integrations.Bus.Edge;

/// <summary>
/// What serves paths on the channel port: the node's own endpoints, topics' publishing, and a channel kind's
/// channels. Each registers one; <see cref="ChannelPortEndpoints"/> makes ASP.NET Core's routing table of them all.
/// </summary>
public interface IChannelRoutes
{
    /// <summary>The config kind whose objects are the routes (<c>channel_rest</c>), so the table is rebuilt when one changes; null for fixed routes.</summary>
    string? Kind { get; }

    /// <summary>The routes as the configuration has them now.</summary>
    IEnumerable<ChannelRoute> Routes();
}
