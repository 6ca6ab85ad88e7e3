namespace Integrations.Config;

/// <summary>
/// A publish/subscribe topic: services (<c>ctx.PublishAsync</c>), the admin API and REST callers
/// (<c>POST /esb/pubsub/topic/{name}</c>) publish to it; every subscription gets every message, through a durable queue
/// of its own.
/// </summary>
[ConfigKind("pubsub_topic")]
public sealed record PubSubTopic : IConfigObject
{
    /// <inheritdoc />
    public string Name { get; init; } = "";
    /// <summary>The security definition REST publishers must satisfy (apikey, basic_auth or jwt); null lets anyone on the channel port publish.</summary>
    public string? Security { get; init; }
    /// <summary>Whether messages may be published.</summary>
    public bool IsActive { get; init; } = true;
}
